"""Qualify: status, score, rank and routing of each touched lead, from the rules file."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from assets.enrich import company_enrichment, lead_accounts
from leadflow.qualify.leads import golden_leads
from leadflow.qualify.rules import evaluate_routing, evaluate_score, evaluate_status
from pipelines.resources import LeadflowSettings
from warehouse.queries import current_leads


@asset(deps=[lead_accounts, company_enrichment], group_name="qualify", kinds={"polars", "yaml"})
def lead_qualification(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """Each touched lead as it will be published (staging.lead_qualification): status moved by the status
    rules (new leads start Unqualified; Qualified needs a primary product), score 1-100 and rank Hot/Warm/Cool,
    territory and owner. Every status change, with the rule that caused it, goes to staging.status_changes.
    Leads whose published row would not change are left out, so a re-run changes nothing."""
    rules = settings.rules()
    with settings.warehouse().connect() as wh:
        profiles = wh.read_table("staging.lead_profiles").join(
            wh.read_table("staging.lead_accounts"), on="lead_id", how="left"
        ).join(
            wh.read_table("staging.company_enrichment").select("domain", "industry", "employee_count"),
            on="domain", how="left",
        )
        staged, changes = evaluate_status(profiles, rules)
        staged = evaluate_routing(evaluate_score(staged, rules), rules)
        leads, changes = golden_leads(staged, changes, current_leads(wh, profiles.select("lead_id")))
        wh.replace_table("staging.lead_qualification", leads)
        wh.replace_table("staging.status_changes", changes)
    return MaterializeResult(metadata={
        "leads_changed": leads.height,
        "by_status": str(dict(leads.group_by("status").len().sort("status").iter_rows())),
        "by_rank": str(dict(leads.group_by("rank").len().sort("rank").iter_rows())),
        "status_changes": changes.height,
    })
