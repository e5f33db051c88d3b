"""Normalize: names, emails, phones, companies and domains of lead records and of the CRM snapshot."""

from dagster import AssetExecutionContext, AssetIn, AssetOut, Output, multi_asset

from assets.ingest import raw_key
from assets.metadata import masked_preview, typed
from dedupe.normalize.records import normalize_lead_records
from leadflow.config.progress import ProgressResource
from leadflow.validate.crm import stage_crm_snapshot
from schemas.quarantine import top_reasons
from schemas.sources import CAMPAIGN_RESPONSES, CRM_SOURCES, TELEMARKETER_CALLS
from warehouse.resource import WAREHOUSE_POOL
from warehouse.raw import RawTable, with_raw_records

PREVIEW = ["record_key", "first_name", "last_name", "email", "phone", "company_key", "domain", "country"]
CRM_STAGES = {
    "crm_people": "CRM contacts and CRM leads as people to match against, normalized like lead records.",
    "crm_accounts": "CRM accounts with their company domain, company key and customer flag.",
    "crm_opportunities": "CRM opportunities with amount and creation time.",
    "crm_leads": "CRM leads' own status, owner, creation date and source (which a matched lead keeps).",
    "crm_campaigns": "CRM campaigns with channel, cost and start date.",
    "crm_rejections": "CRM rows of this import's snapshot files that cannot be used (no id, a repeated id).",
}


@multi_asset(
    pool=WAREHOUSE_POOL, outs={"normalized_records": AssetOut(key=["staging", "normalized_records"], kinds={"polars"},
                                         description="This import's accepted lead records, normalized."),
          "normalize_rejections": AssetOut(key=["staging", "normalize_rejections"], kinds={"polars"},
                                           description="Records left with nothing identifying once cleaned.")},
    ins={"lead_records": AssetIn(["staging", "lead_records"]),
         "campaign_responses": AssetIn(raw_key(CAMPAIGN_RESPONSES)),
         "telemarketer_calls": AssetIn(raw_key(TELEMARKETER_CALLS))},
    group_name="normalize",
)
def normalized_records(context: AssetExecutionContext, lead_records, campaign_responses: RawTable,
                       telemarketer_calls: RawTable, progress: ProgressResource):
    """This import's accepted lead records with trimmed and cased names, lower-cased valid emails, E.164 phones,
    company names without legal suffixes, company domains (never free-mail) and matching keys. A record left with
    nothing identifying after cleaning is quarantined, with its raw record as it arrived."""
    normalizing = progress.tracker(context.log, "normalizing", lead_records.height)
    normalized, rejected = normalize_lead_records(lead_records)
    normalizing.finish()
    rejected = with_raw_records(rejected, [campaign_responses, telemarketer_calls])
    yield Output(normalized, "normalized_records", metadata=typed({
        "records": normalized.height, "preview": masked_preview(normalized, PREVIEW),
        "emails_invalid_nulled": int(normalized["cleaning_notes"].str.contains("email").fill_null(False).sum())}))
    yield Output(rejected, "normalize_rejections", metadata=typed({"records_rejected": rejected.height,
                                                                   "top_reasons": top_reasons(rejected)}))


@multi_asset(
    pool=WAREHOUSE_POOL, outs={name: AssetOut(key=["staging", name], kinds={"polars"}, description=text)
          for name, text in CRM_STAGES.items()},
    ins={spec.raw_table.split(".")[1]: AssetIn(raw_key(spec)) for spec in CRM_SOURCES.values()},
    group_name="normalize",
)
def crm_reference(crm_accounts: RawTable, crm_contacts: RawTable, crm_leads: RawTable,
                  crm_opportunities: RawTable, crm_campaigns: RawTable):
    """The current CRM snapshot, validated and normalized for matching: contacts and CRM leads as people,
    accounts with domains and customer flag, opportunities. CRM rows without an id are rejected."""
    tables = {"accounts": crm_accounts, "contacts": crm_contacts, "leads": crm_leads,
              "opportunities": crm_opportunities, "campaigns": crm_campaigns}
    landed = [f for table in tables.values() for f in table.landed_files()["source_file"].to_list()]
    staged = stage_crm_snapshot({entity: table.current() for entity, table in tables.items()}, landed)
    for name, frame in staged.items():
        yield Output(frame, name, metadata=typed({"rows": frame.height}))
