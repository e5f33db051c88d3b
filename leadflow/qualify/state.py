"""What the warehouse and the CRM already know about a touched lead: its published status and creation date,
and the CRM opportunities that point at it."""

from __future__ import annotations

import polars as pl

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
