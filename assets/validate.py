"""Validate: type and check this import's lead records with pandera; unusable ones go to quarantine."""

import polars as pl
from dagster import AssetExecutionContext, MaterializeResult, asset

from assets.ingest import raw_lead_records
from schemas.sources import LEAD_SOURCES
from pipelines.resources import LeadflowSettings
from leadflow.validate.cleaning import clean_lead_records
from schemas.lead_records import LEAD_RECORD_REASONS, STAGED_MODELS
from schemas.quarantine import rejection_rows, split_valid, top_reasons, with_read_problems
from warehouse.staging import pending_raw_records, with_raw_records


@asset(deps=[raw_lead_records], group_name="validate", kinds={"pandera", "polars"})
def staged_lead_records(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """This import's lead records, typed and cleaned (staging.lead_records), checked with one pandera model
    per source (CampaignResponseRecord, TelemarketerCallRecord). Records that cannot be used (not read whole;
    no name, email or phone; no usable date; a repeated record id) go to staging.rejected_records with the
    column, the check, a specific reason and the raw record as it arrived. Bad optional values (a time frame
    of -3 months, `maybe` as a yes/no) are nulled and noted in cleaning_notes instead."""
    accepted, rejected = [], []
    with settings.warehouse().connect() as wh:
        for spec in LEAD_SOURCES:
            raw = pending_raw_records(wh, spec)
            ok, bad = split_valid(clean_lead_records(raw, spec.source_type), STAGED_MODELS[spec.source_type],
                                  LEAD_RECORD_REASONS)
            accepted.append(ok)
            rejected.append(rejection_rows(with_read_problems(bad)))
        accepted_frame = pl.concat(accepted, how="vertical_relaxed")
        rejected_frame = with_raw_records(wh, pl.concat(rejected, how="vertical_relaxed"))
        wh.replace_table("staging.lead_records", accepted_frame)
        wh.replace_table("staging.rejected_records", rejected_frame)
    return MaterializeResult(metadata={
        "records_accepted": accepted_frame.height, "records_rejected": rejected_frame.height,
        "top_reasons": top_reasons(rejected_frame),
    })
