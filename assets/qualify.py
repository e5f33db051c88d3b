"""Qualify: the lifecycle (score, rank, assessment, status) and routing to people of every lead whose result can
change, evaluated against the rules file as of the run's date."""

from dataclasses import dataclass
from datetime import datetime

import polars as pl
from dagster import AssetExecutionContext, AssetIn, AssetOut, Output, multi_asset

from assets.metadata import counts_by, masked_preview, typed
from leadflow.qualify.leads import Qualification, lead_candidates, qualify_leads
from leadflow.qualify.overrides import active_overrides
from leadflow.qualify.resources import OverridesResource, RulesResource, RunDate
from leadflow.qualify.rules import Rules
from leadflow.qualify.scope import (
    LastQualification, full_evaluation_reason, qualification_state, team_room, time_windows,
)
from warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from warehouse.state import (
    all_leads, current_assignments, last_qualification, leads_to_requalify, routing_state, stored_overrides,
)

PREVIEW = ["lead_id", "status", "score", "rank", "territory", "team", "owner"]
OUTPUTS = {
    "lead_qualification": "Every lead whose published row changes: status, score, rank, assessment, owner.",
    "status_changes": "Every status change of this run, with the rule that caused it and the rules' version.",
    "assignments": "New current assignments of leads to owners (the earlier ones become history).",
    "routing_state": "Round-robin state of the team members who took leads.",
    "lead_overrides": "Statuses, ranks and owners a person set in this run's overrides file.",
    "qualification_state": "The rules' version and run date of this qualification (the next run starts from it).",
}


@dataclass(frozen=True)
class _Scope:
    """The leads this run qualifies: their published rows and current assignments, why every lead (None: those
    whose result can change), leads per reason, and the overrides in force and set by this run's file."""

    published: pl.DataFrame
    assigned: pl.DataFrame
    full: str | None
    reasons: dict[str, int]
    in_force: pl.DataFrame
    new_overrides: pl.DataFrame

    def metadata(self, result: Qualification, rules: Rules) -> dict:
        evaluated = result.evaluated_counts
        return typed({
            "leads_evaluated": int(evaluated["leads"].sum()), "leads_changed": result.leads.height,
            "scope": f"every lead: {self.full}" if self.full else "leads whose result can change",
            "evaluated_by_reason": self.reasons, "rules_version": rules.version,
            "by_status": counts_by(evaluated, "status", weight="leads"),
            "by_rank": counts_by(evaluated, "rank", weight="leads"),
            "preview": masked_preview(result.leads, PREVIEW)})


def _in_scope(context: AssetExecutionContext, wh, rules: RulesResource, overrides: OverridesResource,
              as_of: datetime, state: pl.DataFrame, lead_profiles: pl.DataFrame, accounts: pl.DataFrame,
              crm_leads: pl.DataFrame, crm_campaigns: pl.DataFrame) -> _Scope:
    """Every lead, or those whose result can change (leadflow.qualify.scope)."""
    rule_set, stored = rules.rules(), last_qualification(wh)
    last = None if stored is None else LastQualification(*stored)
    new_overrides = overrides.overrides(rule_set.rank_names)
    in_force = active_overrides(stored_overrides(wh), new_overrides)
    full = full_evaluation_reason(last, rule_set, as_of, asked=rules.requalify_all)
    if full:
        context.log.info(f"qualifying every lead: {full}")
        return _Scope(all_leads(wh), current_assignments(wh), full, {}, in_force, new_overrides)
    chosen = leads_to_requalify(
        wh, lead_profiles, accounts, crm_leads["lead_id"], crm_campaigns,
        pl.concat([in_force["lead_id"], new_overrides["lead_id"]]), time_windows(rule_set, last.as_of, as_of),
        team_room(rule_set, state, as_of), rule_set.fallback_owner)
    context.log.info(f"qualifying {chosen.leads.height:,} leads whose result can change (of them, by reason: "
                     + ", ".join(f"{reason} {n:,}" for reason, n in chosen.reasons.items()) + ")")
    return _Scope(chosen.leads, current_assignments(wh, chosen.leads), None, chosen.reasons, in_force, new_overrides)


@multi_asset(
    pool=WAREHOUSE_POOL, outs={name: AssetOut(key=["staging", name], kinds={"polars", "yaml"}, description=text)
          for name, text in OUTPUTS.items()},
    ins={name: AssetIn(["staging", name]) for name in ("lead_profiles", "lead_accounts", "accounts", "crm_leads",
                                                        "crm_campaigns")},
    group_name="qualify",
)
def lead_qualification(context: AssetExecutionContext, lead_profiles: pl.DataFrame, lead_accounts: pl.DataFrame,
                       accounts: pl.DataFrame, crm_leads: pl.DataFrame, crm_campaigns: pl.DataFrame,
                       warehouse: WarehouseResource, rules: RulesResource, overrides: OverridesResource,
                       run_date: RunDate):
    """The leads whose result can change (this import's touched ones with their fresh profiles; of the others, those
    whose account, CRM lead, campaign or overrides changed, those time moves across a rule's day count, and of the
    leads a team could not take yet as many as it has room for; every lead when the rules or the run date went
    another way, see `leadflow.qualify.scope`) scored and ranked, assessed, moved by the status rules and routed to
    a person: a territory, an assignment rule, a team member by weighted round-robin. A status, rank or owner a
    person set (CRM, overrides file) wins. Only leads whose row changes are written. Reads core.leads,
    core.accounts, core.assignments, core.routing_state, core.lead_overrides and core.qualification_state."""
    wh, rule_set, as_of, now = warehouse.session(), rules.rules(), run_date.moment(), datetime.now()
    state = routing_state(wh)
    scope = _in_scope(context, wh, rules, overrides, as_of, state, lead_profiles, accounts, crm_leads, crm_campaigns)
    candidates = lead_candidates(lead_profiles, lead_accounts, scope.published, accounts, crm_leads, crm_campaigns,
                                 scope.in_force, rule_set)
    result = qualify_leads(candidates, scope.published, scope.assigned, state, rule_set, as_of, keep_evaluated=False)
    yield Output(result.leads, "lead_qualification", metadata=scope.metadata(result, rule_set))
    yield Output(result.status_changes, "status_changes", metadata=typed({
        "status_changes": result.status_changes.height, "by_rule": counts_by(result.status_changes, "rule_id")}))
    yield Output(result.assignments, "assignments", metadata=typed({
        "assignments": result.assignments.height, "by_rule": counts_by(result.assignments, "rule_id"),
        "by_owner": counts_by(result.assignments, "owner")}))
    yield Output(result.routing_state, "routing_state", metadata=typed({"members": result.routing_state.height}))
    yield Output(scope.new_overrides, "lead_overrides", metadata=typed({"overrides_set": scope.new_overrides.height}))
    yield Output(qualification_state(rule_set, as_of, now), "qualification_state",
                 metadata=typed({"as_of": as_of.isoformat(timespec="seconds"), "rules_version": rule_set.version}))
