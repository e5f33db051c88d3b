"""Which leads a run qualifies: every lead whose result can differ from the one published, not every lead.

A lead's lifecycle and routing are a function of its fields, its account, its CRM lead, its campaign, the overrides
a person set, the rules and the run's date. The last qualification (core.qualification_state: the rules' version and
the run date it ran as of) left every lead at that result. So a run evaluates again only

- the leads this import touched (new records, merges, moves: their profile is fresh),
- the leads whose inputs outside their records changed: their account (owner, customer flag, industry, size,
  location), their CRM lead (any lead linked to a lead of the CRM snapshot), their campaign's channel, an override
  (set, in force, or handed back to the rules), a status a person set earlier,
- the leads a team could not take yet (held by the fallback owner) that its members have room for this week: as many
  as they can take, in the order round-robin hands leads out (the others would stay held),
- the leads for which time alone moves a rule: lead_age_days or days_since_last_touch reaching a day count where a
  condition of the rules starts or stops holding (`Rules.time_bounds`), between the last run date and this one,

and every lead when there is no earlier qualification, when the rules changed, when the run date is earlier than
the last one, when a rule can change any day, or when asked (`leadflow run --requalify-all`). The leads left out
would come out exactly as published; tests compare both ways on the same warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from leadflow.qualify.routing import week_start
from leadflow.qualify.rules import Rules

# the moment each time field counts days from, as published on core.leads
TIME_MOMENTS = {"lead_age_days": "created_at", "days_since_last_touch": "last_touch_at"}
WINDOW_SCHEMA = {"moment": pl.Utf8, "after": pl.Datetime("us"), "until": pl.Datetime("us")}
STATE_SCHEMA = {"rules_version": pl.Utf8, "as_of": pl.Datetime("us"), "evaluated_at": pl.Datetime("us")}


@dataclass(frozen=True)
class LastQualification:
    """The qualification a run starts from (core.qualification_state)."""

    rules_version: str
    as_of: datetime


def full_evaluation_reason(last: LastQualification | None, rules: Rules, as_of: datetime,
                           asked: bool = False) -> str | None:
    """Why this run must qualify every lead, or None when the leads `requalify` names are enough."""
    if asked:
        return "asked for (--requalify-all)"
    if last is None:
        return "no earlier qualification in this warehouse"
    if last.rules_version != rules.version:
        return f"the rules changed (version {last.rules_version} -> {rules.version})"
    if as_of < last.as_of:
        return f"the run date {as_of:%Y-%m-%d %H:%M} is before the last one ({last.as_of:%Y-%m-%d %H:%M})"
    if rules.time_bounds is None:
        return "a rule can change any day (an assessment question on a time field, or a time compared with text)"
    return None


def time_windows(rules: Rules, last_as_of: datetime, as_of: datetime) -> pl.DataFrame:
    """The moments (created_at, last_touch_at) for which a time field reaches one of the rules' day counts between
    `last_as_of` and `as_of` (WINDOW_SCHEMA, both ends included).

    A day count is the whole days from the moment to the run date, rounded toward zero. Counting as of `last_as_of`
    gave less than n and as of `as_of` n or more exactly when the moment lies in (last_as_of - n days,
    as_of - n days] for n >= 1, and in [last_as_of - (n - 1) days, as_of - (n - 1) days) for n <= 0 (a moment after
    the run date): both taken with their ends, a few microseconds more than needed."""
    if as_of <= last_as_of:
        return pl.DataFrame(schema=WINDOW_SCHEMA)
    rows = []
    for field, n in rules.time_bounds or ():
        shift = timedelta(days=n if n >= 1 else n - 1)
        rows.append({"moment": TIME_MOMENTS[field], "after": last_as_of - shift, "until": as_of - shift})
    return pl.DataFrame(rows, schema=WINDOW_SCHEMA).unique(maintain_order=True)


def team_room(rules: Rules, routing_state: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """How many more leads each team's members can take in the week of `as_of` (team, room; room null when a member
    present has no weekly capacity): the leads the fallback owner holds for a team beyond that many, in the order
    round-robin hands leads out, stay where they are."""
    week = week_start(as_of)
    taken = {(r["team"], r["member"]): r["week_assigned"] if r["week_start"] == week else 0
             for r in routing_state.iter_rows(named=True)}
    rows = []
    for team, members in rules.teams.items():
        present = [m for m in members if not m.away]
        unlimited = any(m.weekly_capacity is None for m in present)
        room = None if unlimited else sum(max(0, m.weekly_capacity - taken.get((team, m.name), 0)) for m in present)
        rows.append({"team": team, "room": room})
    return pl.DataFrame(rows, schema={"team": pl.Utf8, "room": pl.Int64})


def qualification_state(rules: Rules, as_of: datetime, now: datetime) -> pl.DataFrame:
    """The row core.qualification_state holds after this run (STATE_SCHEMA)."""
    return pl.DataFrame([{"rules_version": rules.version, "as_of": as_of, "evaluated_at": now}],
                        schema=STATE_SCHEMA)
