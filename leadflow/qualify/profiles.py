"""One golden profile per lead an import touches, with what the warehouse and the CRM know of its state."""

from __future__ import annotations

import polars as pl

from dedupe.survivorship import build_lead_profiles, lead_sources_for_profiles
from leadflow.qualify.state import with_lead_state

TELEMARKETER_PREFIX = "telemarketer/"


def touched_leads(assignments: pl.DataFrame, moves: pl.DataFrame, superseded: pl.DataFrame,
                  with_new_opportunity: pl.DataFrame) -> pl.DataFrame:
    """lead_id of every lead this import touches: leads its records joined or founded, leads a CRM opportunity
    newly points at, leads a verdict took records from, and leads that lost a record to a corrected file (they
    are rebuilt from what they have left)."""
    return pl.concat([assignments.select("lead_id"), with_new_opportunity.select("lead_id"),
                      moves.select(pl.col("from_lead_id").alias("lead_id")),
                      superseded.select("lead_id")]).unique()


def touched_lead_profiles(batch: pl.DataFrame, assignments: pl.DataFrame, superseded: pl.DataFrame,
                          prior_sources: pl.DataFrame, crm_people: pl.DataFrame, current: pl.DataFrame,
                          opportunities: pl.DataFrame) -> pl.DataFrame:
    """Profiles of the touched leads from all of their source records (this import's `batch` with its
    `assignments`, and the `prior_sources` published earlier, less those a corrected file replaces), CRM contact
    values beating imported ones; with each lead's published status and creation date (`current`) and the
    opportunities that point at it."""
    prior = prior_sources.filter(~pl.col("record_key").is_in(superseded["record_key"].implode()))
    sources = lead_sources_for_profiles(batch, assignments, prior)
    profiles = build_lead_profiles(sources, crm_people.filter(pl.col("kind") == "contact"))
    return with_lead_state(with_latest_touch(profiles, sources), current, opportunities)


def with_latest_touch(profiles: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """last_disposition: the outcome of the lead's latest touch (null when that touch was not a call, so an event
    after a "not interested" call is what counts), and vendor: the latest telemarketing vendor that called."""
    ordered = sources.sort("lead_id", "touch_at", "source_file", "source_record_id")
    called = pl.col("source").str.starts_with(TELEMARKETER_PREFIX)
    latest = ordered.group_by("lead_id", maintain_order=True).agg(
        pl.col("disposition").last().alias("last_disposition"),
        pl.col("source").filter(called).last().str.strip_prefix(TELEMARKETER_PREFIX).alias("vendor"))
    return profiles.drop("last_disposition", "vendor", strict=False).join(latest, on="lead_id", how="left")
