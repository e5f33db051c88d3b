"""Publish: the import's results into the tables analysts and the CRM sync read, with their checks."""

from datetime import datetime

from dagster import (
    AssetCheckResult, AssetCheckSeverity, AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult,
    asset, asset_check, multi_asset,
)

from assets.match import lead_matches
from assets.qualify import lead_qualification
from pipelines.resources import LeadflowSettings
from warehouse.checks import account_links, lead_ledger, lead_integrity
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
    """Every record read from an imported lead file is in exactly one of core.lead_sources and
    quarantine.rejected_rows."""
    with settings.warehouse().connect() as wh:
        ledger = lead_ledger(wh)
    return AssetCheckResult(passed=ledger["unbalanced_files"] == 0 and ledger["in_both"] == 0, metadata=ledger)


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
