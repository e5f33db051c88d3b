"""What the warehouse and the CRM already know about a touched lead: its published status and creation date,
and the CRM opportunities that point at it."""

from __future__ import annotations

import polars as pl

from leadflow.qualify.opportunities import converted_event_at


def with_lead_state(profiles: pl.DataFrame, current: pl.DataFrame, opportunities: pl.DataFrame) -> pl.DataFrame:
    """Add the lead's published status and created_at (null for a new lead) and its CRM opportunities:
    has_opportunity and converted_event_at (the first directly linked opportunity's creation, see
    `leadflow.qualify.opportunities`)."""
    state = current.select("lead_id", "status", pl.col("created_at").alias("published_created_at"))
    frame = profiles.join(state, on="lead_id", how="left")
    linked = converted_event_at(frame, opportunities)
    return frame.join(linked, on="lead_id", how="left").with_columns(
        pl.col("converted_event_at").is_not_null().alias("has_opportunity")
    )
