"""Validate: type and check this import's lead records with pandera; unusable ones go to quarantine."""

from dagster import AssetExecutionContext, AssetIn, AssetOut, Output, multi_asset

from assets.ingest import raw_key
from assets.metadata import typed
from leadflow.config.progress import ProgressResource
from leadflow.validate.lead_records import validate_lead_records
from schemas.quarantine import top_reasons
from schemas.sources import CAMPAIGN_RESPONSES, TELEMARKETER_CALLS
from warehouse.resource import WAREHOUSE_POOL
from warehouse.raw import RawTable


@multi_asset(
    pool=WAREHOUSE_POOL, outs={"lead_records": AssetOut(key=["staging", "lead_records"], kinds={"pandera", "polars"},
                                   description="This import's usable lead records, typed and cleaned."),
          "rejected_records": AssetOut(key=["staging", "rejected_records"], kinds={"polars"},
                                       description="This import's unusable lead records with their reasons.")},
    ins={"campaign_responses": AssetIn(raw_key(CAMPAIGN_RESPONSES)),
         "telemarketer_calls": AssetIn(raw_key(TELEMARKETER_CALLS))},
    group_name="validate",
)
def lead_records(context: AssetExecutionContext, campaign_responses: RawTable, telemarketer_calls: RawTable,
                 progress: ProgressResource):
    """This import's lead records, typed and cleaned, checked with one pandera model per source
    (CampaignResponseRecord, TelemarketerCallRecord). Records that cannot be used (not read whole; no name, email
    or phone; no usable date; a repeated record id) are rejected with the column, the check, a specific reason
    and the raw record as it arrived. Bad optional values (a time frame of -3 months, `maybe` as a yes/no) are
    nulled and noted in cleaning_notes instead."""
    validating = progress.tracker(context.log, "validating", 0)
    accepted, rejected = validate_lead_records({t.spec: t.pending() for t in (campaign_responses, telemarketer_calls)},
                                               validating)
    validating.finish()
    yield Output(accepted, "lead_records", metadata=typed({"records_accepted": accepted.height}))
    yield Output(rejected, "rejected_records", metadata=typed({"records_rejected": rejected.height,
                                                               "top_reasons": top_reasons(rejected)}))
