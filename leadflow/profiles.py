"""Inputs and state around survivorship: which source records make up each touched lead, and what the
warehouse and the CRM already know about that lead (status, creation date, opportunities)."""

from __future__ import annotations

import polars as pl

SOURCE_COLUMNS = (
    "lead_id", "source_file", "source_record_id", "touch_at", "source", "campaign_id", "response_type",
    "disposition", "opt_in", "first_name", "last_name", "email", "phone", "company", "company_key", "domain",
    "job_title", "country", "state", "city", "product_interest", "budget_status", "timeframe_months",
    "decision_maker", "custom_fields",
)


def lead_sources_for_profiles(batch: pl.DataFrame, assignments: pl.DataFrame, prior: pl.DataFrame) -> pl.DataFrame:
    """All source records of the touched leads: this import's (with their new lead ids) and earlier ones,
    each carrying its lead's CRM contact and CRM lead ids. Earlier records of re-opened leads (assignments
    with a previous_lead_id) count for the lead re-clustering gave them, with that cluster's CRM links."""
    new = batch.join(assignments.select("record_key", "lead_id", "contact_id", "crm_lead_id"),
                     on="record_key", how="inner")
    columns = [*SOURCE_COLUMNS, "contact_id", "crm_lead_id"]
    reopened = assignments.filter(pl.col("previous_lead_id").is_not_null())
    if reopened.height:
        keyed = prior.with_columns(pl.concat_str("source_file", pl.lit("#"), "source_record_id").alias("record_key"))
        regrouped = keyed.join(reopened.select("record_key", "lead_id", "contact_id", "crm_lead_id"),
                               on="record_key", how="inner", suffix="_new").with_columns(
            pl.col("lead_id_new").alias("lead_id"), pl.col("contact_id_new").alias("contact_id"),
            pl.col("crm_lead_id_new").alias("crm_lead_id"))
        prior = pl.concat([keyed.join(reopened, on="record_key", how="anti").select(columns),
                           regrouped.select(columns)], how="vertical_relaxed")
    sources = pl.concat([new.select(columns), prior.select(columns)], how="vertical_relaxed")
    links = sources.group_by("lead_id").agg(
        pl.col("contact_id").drop_nulls().first(), pl.col("crm_lead_id").drop_nulls().first()
    )
    return sources.drop("contact_id", "crm_lead_id").join(links, on="lead_id", how="left")


def with_lead_state(profiles: pl.DataFrame, current: pl.DataFrame, opportunities: pl.DataFrame) -> pl.DataFrame:
    """Add the lead's published status and created_at (null for a new lead) and its CRM opportunities:
    has_opportunity and converted_event_at (the first linked opportunity's creation)."""
    state = current.select("lead_id", "status", pl.col("created_at").alias("published_created_at"))
    frame = profiles.join(state, on="lead_id", how="left")
    keys = frame.select("lead_id", "crm_lead_id", "contact_id")
    linked = pl.concat([
        keys.join(opportunities, left_on="lead_id", right_on="lead_id", how="inner").select("lead_id", "created_at"),
        keys.filter(pl.col("crm_lead_id").is_not_null())
        .join(opportunities, left_on="crm_lead_id", right_on="lead_id", how="inner").select("lead_id", "created_at"),
        keys.filter(pl.col("contact_id").is_not_null())
        .join(opportunities, on="contact_id", how="inner").select("lead_id", "created_at"),
    ]).group_by("lead_id").agg(pl.col("created_at").min().alias("converted_event_at"))
    return frame.join(linked, on="lead_id", how="left").with_columns(
        pl.col("converted_event_at").is_not_null().alias("has_opportunity")
    )
