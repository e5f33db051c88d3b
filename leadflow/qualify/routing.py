"""Routing leads to people: the territory, the assignment rule that holds, and for a team role a member chosen by
fair weighted round-robin; with what a person decided (an owner set in the CRM or an overrides file) winning.

A lead keeps its owner while the same rule and team hold it; only a lead whose rule, team or literal owner changes
(a new lead, a handoff when its status changes, the 30-day rule) gets a new assignment, and the earlier one stays
as history. Round-robin is deterministic (no random draw): each team's members take leads in the order of their
virtual finish times, (assigned so far + k) / weight for the k-th next lead, skipping members away or at their
weekly capacity; ties go by a hash of the member's name, so the order members are listed in favours nobody.
The state (assigned in total and this week, per member) is carried from run to run in the warehouse.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from leadflow.qualify.rules import AssignmentRule, Member, Rules

ASSIGNMENT_SCHEMA = {"lead_id": pl.Utf8, "owner": pl.Utf8, "team": pl.Utf8, "territory": pl.Utf8,
                     "rule_id": pl.Utf8, "reason": pl.Utf8, "rules_version": pl.Utf8, "assigned_at": pl.Datetime("us")}
STATE_SCHEMA = {"team": pl.Utf8, "member": pl.Utf8, "total_assigned": pl.Int64, "week_start": pl.Date,
                "week_assigned": pl.Int64}
MANUAL = "manual-override"
FALLBACK = "fallback"


def week_start(moment: datetime) -> date:
    """Monday of `moment`'s week: weekly capacity counts from there."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


def territories(frame: pl.DataFrame, rules: Rules) -> pl.Expr:
    """The territory of each lead: the first whose condition holds, else the default."""
    name = pl.lit(rules.territories[-1].name)
    for territory in reversed(rules.territories[:-1]):
        name = pl.when(territory.when).then(pl.lit(territory.name)).otherwise(name)
    return name


def _applies(rule: AssignmentRule) -> pl.Expr:
    """When a rule holds: its condition, its owner field present (owner_from), and never a do-not-contact lead
    for a team role (sales, qualifiers, telemarketing)."""
    holds = rule.when
    if rule.kind == "owner_from":
        holds = holds & pl.col(rule.target).is_not_null()
    if rule.kind == "role":
        holds = holds & ~pl.col("do_not_contact").fill_null(False)
    return holds


def chosen_rules(frame: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Per lead: territory, the assignment rule that holds (rule_id, reason), and its target: a named owner, or the
    team of the rule's role in the lead's territory (`team`, owner still to choose). A manual owner wins (rule
    `manual-override`); no rule at all gives the fallback owner."""
    index = pl.lit(None, dtype=pl.Int32)
    for i, rule in reversed(list(enumerate(rules.assignment_rules))):
        index = pl.when(_applies(rule)).then(pl.lit(i, dtype=pl.Int32)).otherwise(index)
    frame = frame.with_columns(territories(frame, rules).alias("territory"), index.alias("_rule"))
    ids = {i: r.id for i, r in enumerate(rules.assignment_rules)}
    reasons = {i: r.reason for i, r in enumerate(rules.assignment_rules)}
    owner = pl.lit(None, dtype=pl.Utf8)
    team = pl.lit(None, dtype=pl.Utf8)
    for i, rule in enumerate(rules.assignment_rules):
        this = pl.col("_rule") == i
        if rule.kind == "owner":
            owner = pl.when(this).then(pl.lit(rule.target)).otherwise(owner)
        elif rule.kind == "owner_from":
            owner = pl.when(this).then(pl.col(rule.target)).otherwise(owner)
        else:
            teams = {t.name: t.teams[rule.target] for t in rules.territories}
            team = pl.when(this).then(pl.col("territory").replace_strict(teams, return_dtype=pl.Utf8)).otherwise(team)
    manual = pl.col("owner_override").is_not_null()
    return frame.with_columns(
        pl.when(manual).then(pl.col("owner_override")).when(pl.col("_rule").is_null())
        .then(pl.lit(rules.fallback_owner)).otherwise(owner).alias("target_owner"),
        pl.when(manual).then(None).otherwise(team).alias("team"),
        pl.when(manual).then(pl.lit(MANUAL)).when(pl.col("_rule").is_null()).then(pl.lit(FALLBACK))
        .otherwise(pl.col("_rule").replace_strict(ids, return_dtype=pl.Utf8)).alias("rule_id"),
        pl.when(manual).then(pl.format("set by a person ({})", pl.col("owner_override_source")))
        .when(pl.col("_rule").is_null()).then(pl.lit("no assignment rule holds"))
        .otherwise(pl.col("_rule").replace_strict(reasons, return_dtype=pl.Utf8)).alias("reason"),
    ).drop("_rule")


def _tie_break(team: str, member: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{team}\n{member}".encode()).digest()[:8], "big")


def round_robin(team: str, members: tuple[Member, ...], state: dict[str, tuple[int, int]], n: int
                ) -> tuple[list[str | None], dict[str, tuple[int, int]]]:
    """The members who take the next `n` leads of `team`, in order (None where every member is away or at
    capacity), and the state after: member -> (total assigned, assigned this week).

    Member m's k-th next lead has the virtual finish time (total_m + k) / weight_m; leads go to the slots with the
    earliest times, so over many leads each member's share follows its weight, wherever it stood before.
    """
    slots_t, slots_m = [], []
    for position, m in enumerate(members):
        total, week = state.get(m.name, (0, 0))
        if m.away:
            continue
        room = n if m.weekly_capacity is None else max(0, min(n, m.weekly_capacity - week))
        if room:
            k = np.arange(1, room + 1, dtype=np.float64)
            slots_t.append((total + k) / m.weight)
            slots_m.append(np.full(room, position, dtype=np.int64))
    if not slots_t:
        return [None] * n, dict(state)
    times, owners = np.concatenate(slots_t), np.concatenate(slots_m)
    ties = np.array([_tie_break(team, m.name) for m in members], dtype=np.uint64)[owners]
    order = np.lexsort((ties, times))[:n]
    taken = np.bincount(owners[order], minlength=len(members))
    chosen = [members[i].name for i in owners[order]] + [None] * (n - len(order))
    after = dict(state)
    for position, m in enumerate(members):
        if taken[position]:
            total, week = state.get(m.name, (0, 0))
            after[m.name] = (total + int(taken[position]), week + int(taken[position]))
    return chosen, after


@dataclass(frozen=True)
class Routed:
    """Every lead with its current owner, team and territory; the assignments this run made; the routing state."""

    leads: pl.DataFrame
    assignments: pl.DataFrame
    state: pl.DataFrame


def _team_state(state: pl.DataFrame, week: date) -> dict[str, dict[str, tuple[int, int]]]:
    """team -> member -> (total, this week's count; 0 when the stored week is an earlier one)."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for row in state.iter_rows(named=True):
        this_week = row["week_assigned"] if row["week_start"] == week else 0
        out.setdefault(row["team"], {})[row["member"]] = (int(row["total_assigned"]), int(this_week))
    return out


def route_leads(leads: pl.DataFrame, current: pl.DataFrame, state: pl.DataFrame, rules: Rules,
                as_of: datetime) -> Routed:
    """Route every lead (see the module). `current`: each lead's current assignment (lead_id, owner, team,
    territory, rule_id); `state`: the routing state (STATE_SCHEMA)."""
    week = week_start(as_of)
    frame = chosen_rules(leads, rules).join(
        current.select("lead_id", *(pl.col(c).alias(f"current_{c}") for c in ("owner", "team", "territory", "rule_id"))),
        on="lead_id", how="left")
    same_rule = (pl.col("current_rule_id") == pl.col("rule_id")) & pl.col("current_team").eq_missing(pl.col("team"))
    same_rule = same_rule.fill_null(False)
    # a team lead stays with its member; one the fallback held (the team was full) is offered to the team again
    kept = same_rule & pl.when(pl.col("team").is_null()).then(pl.col("current_owner") == pl.col("target_owner")) \
        .otherwise(pl.col("current_owner").is_not_null() & (pl.col("current_owner") != rules.fallback_owner))
    frame = frame.with_columns(kept.fill_null(False).alias("_kept"))
    needs_member = frame.filter(~pl.col("_kept") & pl.col("team").is_not_null()).sort("created_at", "lead_id",
                                                                                      nulls_last=False)
    teams = _team_state(state, week)
    picked = []
    for (team,), group in needs_member.group_by("team", maintain_order=True):
        chosen, teams[team] = round_robin(team, rules.teams[team], teams.get(team, {}), group.height)
        picked.append(pl.DataFrame({"lead_id": group["lead_id"], "_member": chosen},
                                   schema={"lead_id": pl.Utf8, "_member": pl.Utf8}))
    members = pl.concat(picked) if picked else pl.DataFrame(schema={"lead_id": pl.Utf8, "_member": pl.Utf8})
    # a lead the fallback holds because its team is full stays where it is while the team is still full
    still_full = (same_rule.fill_null(False) & pl.col("team").is_not_null() & pl.col("_member").is_null()
                  & (pl.col("current_owner") == rules.fallback_owner))
    frame = frame.join(members, on="lead_id", how="left").with_columns(
        (pl.col("_kept") | still_full.fill_null(False)).alias("_kept"))
    frame = frame.with_columns(
        pl.when(pl.col("_kept")).then(pl.col("current_owner"))
        .when(pl.col("team").is_not_null()).then(pl.coalesce("_member", pl.lit(rules.fallback_owner)))
        .otherwise(pl.col("target_owner")).alias("owner"),
        pl.when(pl.col("team").is_not_null() & ~pl.col("_kept") & pl.col("_member").is_null())
        .then(pl.format("every member of {} is away or at weekly capacity: held by {}", pl.col("team"),
                        pl.lit(rules.fallback_owner)))
        .otherwise(pl.col("reason")).alias("reason"))
    changed = frame.filter(~pl.col("_kept"))
    assignments = changed.with_columns(pl.lit(rules.version).alias("rules_version"),
                                       pl.lit(as_of, dtype=pl.Datetime("us")).alias("assigned_at")
                                       ).select(list(ASSIGNMENT_SCHEMA)).cast(ASSIGNMENT_SCHEMA)
    state_rows = [{"team": team, "member": member, "total_assigned": total, "week_start": week,
                   "week_assigned": this_week}
                  for team, members_state in teams.items() for member, (total, this_week) in members_state.items()]
    return Routed(frame.drop("_kept", "_member", "target_owner", "current_owner", "current_team", "current_territory",
                             "current_rule_id"),
                  assignments, pl.DataFrame(state_rows, schema=STATE_SCHEMA).sort("team", "member"))
