"""What earlier runs published, as a run's steps read it: known leads and their records, reviewer verdicts,
retired ids, the match links inside leads, and records a corrected file replaces.

These are reads of core.* as the previous run left it. They are not edges of the asset graph (a run's publish
step writes the same tables, and the graph has no cycles); each asset that reads them says so in its
description. Every query is a file in `warehouse/sql/`.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from warehouse.connection import SCAN_MEMORY_LIMIT, WarehouseSession


def known_lead_records(wh: WarehouseSession) -> pl.DataFrame:
    """Every published lead source record (record_key, kind `lead`, lead_id, the lead's contact_id and
    crm_lead_id, and the matching keys), in record_key order (the same input matches the same way every run).
    The CRM links are joined and the rows sorted in polars: at 5M records the join in DuckDB spilled past the
    run's memory limit, and its sort took 1.8 s more. A source record whose lead row is missing (the
    leads_are_consistent check fails on it) is matched against under its lead id like any other; checking every
    record against every lead here would cost 2.5 s at 5M."""
    records = wh.fetch("known_lead_records").join(wh.fetch("known_lead_links"), on="lead_id", how="left")
    return records.select("record_key", "kind", "lead_id", "contact_id", "crm_lead_id",
                          pl.exclude("record_key", "kind", "lead_id", "contact_id", "crm_lead_id")).sort("record_key")


def retired_lead_ids(wh: WarehouseSession) -> set[str]:
    """Lead ids merged away: never issued again."""
    return set(wh.fetch("retired_lead_ids")["from_lead_id"].drop_nulls().to_list())


def standing_links(wh: WarehouseSession, lead_ids: list[str]) -> list[tuple[str, str]]:
    """The match edges that once put records of these leads together (both ends still in the same lead),
    strongest first: what a re-opened lead keeps of its structure unless a verdict cuts it."""
    if not lead_ids:
        return []
    with wh.registered("wanted_leads", pl.DataFrame({"lead_id": list(lead_ids)}, schema={"lead_id": pl.Utf8})):
        links = wh.fetch("standing_links")
    return list(zip(links["left_key"].to_list(), links["right_key"].to_list()))


def superseded_sources(wh: WarehouseSession) -> pl.DataFrame:
    """Published records that an incoming version of their file replaces: record_key, the lead it belonged to,
    the key its earlier version is matched under this run (`<key>@<sha prefix>`), whether its id is
    positional, and whether its lead has no other current record."""
    return wh.fetch("superseded_sources")


def lead_sources_of(wh: WarehouseSession, lead_ids: pl.DataFrame) -> pl.DataFrame:
    """All published source records of the given leads, with the lead's contact and CRM lead ids."""
    with wh.registered("wanted_leads", lead_ids.select("lead_id")), wh.memory_at_least(SCAN_MEMORY_LIMIT):
        return wh.fetch("lead_sources_of")


def current_leads(wh: WarehouseSession, lead_ids: pl.DataFrame) -> pl.DataFrame:
    """The published rows of the given leads (for their status, created_at and change detection)."""
    with wh.registered("wanted_leads", lead_ids.select("lead_id")):
        return wh.fetch("current_leads")


def leads_with_new_opportunity(wh: WarehouseSession, opportunities: pl.DataFrame) -> pl.DataFrame:
    """lead_id of leads not yet Converted that one of the snapshot's opportunities now points at."""
    with wh.registered("crm_opportunities", opportunities.select("lead_id", "contact_id")):
        return wh.fetch("leads_with_new_opportunity")


@dataclass(frozen=True)
class ReviewerVerdicts:
    """The verdicts as stored: the latest per pair, those no run applied yet, and the leads (with their CRM
    links) of the lead records the not-yet-applied ones name."""

    latest: pl.DataFrame
    pending: pl.DataFrame
    lead_records: pl.DataFrame


def reviewer_verdicts(wh: WarehouseSession) -> ReviewerVerdicts:
    """Every standing verdict, what is new since the last run, and the leads of the records new verdicts name."""
    latest = wh.fetch("latest_verdicts")
    unapplied = latest.filter(pl.col("applied_run_id").is_null())
    keys = pl.concat([unapplied["left_key"], unapplied["right_key"]]).unique().to_frame("key")
    with wh.registered("keys", keys):
        lead_records = wh.fetch("leads_of_record_keys")
    return ReviewerVerdicts(latest, wh.fetch("pending_verdicts"), lead_records)


def all_leads(wh: WarehouseSession) -> pl.DataFrame:
    """Every published lead (what a run qualifies when it qualifies them all, and what a simulation reads)."""
    return wh.fetch("all_leads")


def current_assignments(wh: WarehouseSession, lead_ids: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each lead's current assignment (of the leads in `lead_ids` when given): lead_id, owner, team, territory,
    rule_id."""
    if lead_ids is None:
        return wh.fetch("current_assignments")
    with wh.registered("wanted_leads", lead_ids.select("lead_id")):
        return wh.fetch("current_assignments_of")


def last_qualification(wh: WarehouseSession) -> tuple[str, datetime] | None:
    """(rules version, run date) of the last qualification of the leads; None before the first."""
    rows = wh.fetch("last_qualification")
    return (rows["rules_version"][0], rows["as_of"][0]) if rows.height else None


@dataclass(frozen=True)
class Requalified:
    """The published rows of the leads a run qualifies again, and how many were chosen for each reason."""

    leads: pl.DataFrame
    reasons: dict[str, int]


def leads_to_requalify(wh: WarehouseSession, touched: pl.DataFrame, accounts: pl.DataFrame,
                       crm_lead_ids: pl.Series, campaigns: pl.DataFrame, override_leads: pl.Series,
                       windows: pl.DataFrame, room: pl.DataFrame, fallback_owner: str) -> Requalified:
    """The published rows of the leads whose qualification can differ from the published one (see
    `leadflow.qualify.scope`): `touched` (lead_id) of this import, leads of `accounts` (as this run publishes them:
    account_id, owner, is_customer, industry, employee_count, country, state, city) whose values differ from
    core.accounts, leads linked to `crm_lead_ids`, leads whose first-touch campaign's channel in `campaigns`
    (campaign_id, channel) is not the published one, `override_leads`, statuses a person set, the leads the
    fallback owner holds for a team that its members have `room` for (team, room), and leads with a created_at /
    last_touch_at inside `windows` (moment, after, until)."""
    frames = {
        "touched_leads": touched.select("lead_id"),
        "staged_accounts": accounts.select("account_id", "owner", "is_customer", "industry", "employee_count",
                                           "country", "state", "city"),
        "crm_lead_ids": crm_lead_ids.drop_nulls().unique().to_frame("crm_lead_id"),
        "campaign_channels": campaigns.select("campaign_id", "channel").unique("campaign_id", keep="first",
                                                                               maintain_order=True),
        "override_leads": override_leads.unique().to_frame("lead_id"),
        "time_windows": windows,
        "team_room": room,
    }
    with ExitStack() as stack:
        for name, frame in frames.items():
            stack.enter_context(wh.registered(name, frame))
        wh.run("requalify_leads", fallback_owner=fallback_owner)
    try:
        reasons = dict(wh.fetch("requalify_reasons").iter_rows())
        return Requalified(wh.fetch("requalified_leads"), reasons)
    finally:
        wh.execute("DROP TABLE IF EXISTS requalify")


def routing_state(wh: WarehouseSession) -> pl.DataFrame:
    """Round-robin state per team member: total and this week's assigned leads."""
    return wh.fetch("routing_state")


def stored_overrides(wh: WarehouseSession) -> pl.DataFrame:
    """Overrides people set in earlier runs, oldest first."""
    return wh.fetch("stored_overrides")
