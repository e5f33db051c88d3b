"""Publish: the import's results into the tables analysts and the CRM sync read, with their checks."""

from datetime import datetime

from dagster import (
    AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetExecutionContext, AssetKey, AssetSpec,
    MaterializeResult, MetadataValue, asset, asset_check, multi_asset,
)

from assets.match import lead_matches
from assets.qualify import lead_qualification
from pipelines.resources import LeadflowSettings
from warehouse.checks import account_links, file_ledger, lead_integrity, lead_ledger, quarantine_rate
from warehouse.publish import publish_import, rebuild_lead_funnel

PUBLISHED = {
    "lead_sources": "Every accepted input record with the lead it belongs to, its match score and its values "
                    "as cleaned (core.lead_sources).",
    "rejected_rows": "Every input record that could not be used, with the reason and the record as it arrived "
                     "(quarantine.rejected_rows).",
    "accounts": "Companies: CRM accounts and prospect accounts created for companies new to the CRM "
                "(core.accounts).",
    "leads": "One row per real-world lead, deduplicated across files and weeks, with status, score, rank, owner "
             "and CRM links (core.leads).",
    "lead_status_history": "Every status change of a lead with the rule that caused it (core.lead_status_history).",
    "match_decisions": "Every compared pair of records with per-field similarities, weights and the decision "
                       "(core.match_decisions).",
}


@multi_asset(
    specs=[AssetSpec(name, description=text, group_name="publish", kinds={"duckdb"},
                     deps=[lead_qualification, lead_matches]) for name, text in PUBLISHED.items()],
    can_subset=False,
)
def published_import(context: AssetExecutionContext, settings: LeadflowSettings):
    """Write the import to core.* and quarantine.* in one transaction and mark its files imported."""
    with settings.warehouse().connect() as wh:
        counts = publish_import(wh, context.run.run_id, datetime.now())
    for name in PUBLISHED:
        metadata = {k: v for k, v in counts.items() if k.startswith(name) or k == f"{name}_written"}
        yield MaterializeResult(asset_key=AssetKey(name), metadata=metadata)


@asset(deps=[AssetKey("leads"), AssetKey("lead_status_history")], group_name="publish", kinds={"duckdb", "sql"})
def lead_funnel(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """Weekly funnel by first-touch source and campaign: leads, qualified, converted (via CRM opportunities),
    retired, rates and median days to qualify and to convert (marts.lead_funnel)."""
    with settings.warehouse().connect() as wh:
        rows = rebuild_lead_funnel(wh)
    return MaterializeResult(metadata={"rows": rows})


@asset_check(asset=AssetKey("lead_sources"), blocking=True)
def record_ledger(settings: LeadflowSettings) -> AssetCheckResult:
    """Per imported file version, every record read is in exactly one of core.lead_sources and
    quarantine.rejected_rows (or, once a corrected version replaced it, core.superseded_records)."""
    with settings.warehouse().connect() as wh:
        ledger = lead_ledger(wh)
        per_file = file_ledger(wh)
    table = "\n".join(["| file | version | read | accepted | rejected | superseded |", "|---|---|---|---|---|---|"] + [
        f"| {r['source_file']} | {r['version']} | {r['records_read']} | {r['accepted']} | {r['rejected']} | "
        f"{r['superseded']} |" for r in per_file.tail(50).iter_rows(named=True)])
    return AssetCheckResult(passed=ledger["unbalanced_files"] == 0 and ledger["in_both"] == 0,
                            metadata={**ledger, "per_file": MetadataValue.md(table)})


@asset_check(asset=AssetKey("rejected_rows"))
def quarantine_rate_below_threshold(context: AssetCheckExecutionContext, settings: LeadflowSettings) -> AssetCheckResult:
    """Warns when this run quarantined more than the configured share of the records it read
    (LEADFLOW_QUARANTINE_RATE_WARN, default 5%): a vendor changed its layout or a mapping is out of date."""
    with settings.warehouse().connect() as wh:
        rate = quarantine_rate(wh, context.run.run_id)
    return AssetCheckResult(passed=rate["quarantine_rate"] <= settings.quarantine_rate_warn,
                            severity=AssetCheckSeverity.WARN,
                            metadata={**rate, "threshold": settings.quarantine_rate_warn})




@asset_check(asset=AssetKey("leads"))
def leads_are_consistent(settings: LeadflowSettings) -> AssetCheckResult:
    """Every source record points to an existing lead, every lead has at least one source record, and
    status and rank hold allowed values."""
    with settings.warehouse().connect() as wh:
        problems = lead_integrity(wh)
    return AssetCheckResult(passed=sum(problems.values()) == 0, metadata=problems)


@asset_check(asset=AssetKey("accounts"))
def lead_accounts_resolve(settings: LeadflowSettings) -> AssetCheckResult:
    """Every lead's account_id points into core.accounts."""
    with settings.warehouse().connect() as wh:
        dangling = account_links(wh)
    return AssetCheckResult(passed=dangling == 0, severity=AssetCheckSeverity.ERROR,
                            metadata={"leads_with_unknown_account": dangling})
