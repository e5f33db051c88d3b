"""Qualify: every lead's lifecycle (score, rank, assessment, status) and routing to people, re-evaluated on every
run against the rules file, as of the run's date."""

import polars as pl
from dagster import AssetIn, AssetOut, Output, multi_asset

from assets.metadata import counts_by, masked_preview, typed
from leadflow.qualify.leads import lead_candidates, qualify_leads
from leadflow.qualify.overrides import active_overrides
from leadflow.qualify.resources import OverridesResource, RulesResource, RunDate
from warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from warehouse.state import all_leads, current_assignments, routing_state, stored_overrides

PREVIEW = ["lead_id", "status", "score", "rank", "territory", "team", "owner"]
OUTPUTS = {
    "lead_qualification": "Every lead whose published row changes: status, score, rank, assessment, owner.",
    "status_changes": "Every status change of this run, with the rule that caused it and the rules' version.",
    "assignments": "New current assignments of leads to owners (the earlier ones become history).",
    "routing_state": "Round-robin state of the team members who took leads.",
    "lead_overrides": "Statuses, ranks and owners a person set in this run's overrides file.",
}


@multi_asset(
    pool=WAREHOUSE_POOL, outs={name: AssetOut(key=["staging", name], kinds={"polars", "yaml"}, description=text)
          for name, text in OUTPUTS.items()},
    ins={name: AssetIn(["staging", name]) for name in ("lead_profiles", "lead_accounts", "accounts", "crm_leads",
                                                        "crm_campaigns")},
    group_name="qualify",
)
def lead_qualification(lead_profiles: pl.DataFrame, lead_accounts: pl.DataFrame, accounts: pl.DataFrame,
                       crm_leads: pl.DataFrame, crm_campaigns: pl.DataFrame, warehouse: WarehouseResource,
                       rules: RulesResource, overrides: OverridesResource, run_date: RunDate):
    """Every lead (this import's touched ones with their fresh profiles, every other one as published) scored and
    ranked, assessed, moved by the status rules and routed to a person: a territory, an assignment rule, a team
    member by weighted round-robin. A status, rank or owner a person set (CRM, overrides file) wins. Only leads whose
    row changes are written. Reads core.leads, core.assignments, core.routing_state and core.lead_overrides."""
    wh, rule_set = warehouse.session(), rules.rules()
    published, new_overrides = all_leads(wh), overrides.overrides(rule_set.rank_names)
    candidates = lead_candidates(lead_profiles, lead_accounts, published, accounts, crm_leads, crm_campaigns,
                                 active_overrides(stored_overrides(wh), new_overrides), rule_set)
    result = qualify_leads(candidates, published, current_assignments(wh), routing_state(wh), rule_set,
                           run_date.moment(), keep_evaluated=False)
    evaluated = result.evaluated_counts
    yield Output(result.leads, "lead_qualification", metadata=typed({
        "leads_evaluated": int(evaluated["leads"].sum()), "leads_changed": result.leads.height,
        "rules_version": rule_set.version, "by_status": counts_by(evaluated, "status", weight="leads"),
        "by_rank": counts_by(evaluated, "rank", weight="leads"), "preview": masked_preview(result.leads, PREVIEW)}))
    yield Output(result.status_changes, "status_changes", metadata=typed({
        "status_changes": result.status_changes.height, "by_rule": counts_by(result.status_changes, "rule_id")}))
    yield Output(result.assignments, "assignments", metadata=typed({
        "assignments": result.assignments.height, "by_rule": counts_by(result.assignments, "rule_id"),
        "by_owner": counts_by(result.assignments, "owner")}))
    yield Output(result.routing_state, "routing_state", metadata=typed({"members": result.routing_state.height}))
    yield Output(new_overrides, "lead_overrides", metadata=typed({"overrides_set": new_overrides.height}))
