"""Normalize: names, emails, phones, companies and domains of lead records and of the CRM snapshot."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from assets.ingest import raw_crm_snapshot
from assets.validate import staged_lead_records
from leadflow.validate.crm import CRM_TABLES, stage_crm_snapshot
from dedupe.normalize.records import normalize_lead_records
from pipelines.resources import LeadflowSettings
from warehouse.staging import with_raw_records
from schemas.quarantine import top_reasons


@asset(deps=[staged_lead_records], group_name="normalize", kinds={"polars"})
def normalized_lead_records(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """This import's accepted lead records with trimmed and cased names, lower-cased valid emails, E.164
    phones, company names without legal suffixes, company domains (never free-mail) and matching keys
    (staging.normalized_records). A record left with nothing identifying after cleaning is quarantined."""
    with settings.warehouse().connect() as wh:
        staged = wh.read_table("staging.lead_records")
        normalized, rejected = normalize_lead_records(staged)
        rejected = with_raw_records(wh, rejected)
        wh.replace_table("staging.normalized_records", normalized)
        wh.replace_table("staging.normalize_rejections", rejected)
    return MaterializeResult(metadata={
        "records": normalized.height, "records_rejected": rejected.height, "top_reasons": top_reasons(rejected),
        "emails_invalid_nulled": int(normalized["cleaning_notes"].str.contains("email").fill_null(False).sum()),
    })


@asset(deps=[raw_crm_snapshot], group_name="normalize", kinds={"polars"})
def crm_reference(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """The current CRM snapshot, validated and normalized for matching: contacts and CRM leads as people
    (staging.crm_people), accounts with domains and customer flag (staging.crm_accounts), opportunities
    (staging.crm_opportunities). CRM rows without an id go to staging.crm_rejections."""
    with settings.warehouse().connect() as wh:
        staged = stage_crm_snapshot({entity: wh.read_table(table) for entity, table in CRM_TABLES.items()})
        for name, frame in staged.items():
            wh.replace_table(f"staging.{name}", frame)
    return MaterializeResult(metadata={name: frame.height for name, frame in staged.items()})
