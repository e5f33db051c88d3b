"""Lead records after validation: normalized values, matching keys, record keys and source labels."""

from __future__ import annotations

import polars as pl

from dedupe.normalize import normalize_people
from schemas.quarantine import QUARANTINE_COLUMNS, empty_rejections

NO_IDENTITY_AFTER_CLEANING = (
    "cannot identify a person after cleaning: email is not a valid address and name and phone are empty"
)


def record_key(file_col: str = "source_file", id_col: str = "source_record_id") -> pl.Expr:
    """`<source_file>#<source_record_id>`: how match decisions and reviews name an input record."""
    return pl.concat_str(pl.col(file_col), pl.lit("#"), pl.col(id_col))


def normalize_lead_records(staged: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Normalize staged lead records; return (normalized, rejected) where rejected are quarantine rows of
    records that no longer identify anyone once invalid values are nulled."""
    normalized = normalize_people(staged).with_columns(
        record_key().alias("record_key"),
        pl.when(pl.col("source_type") == "telemarketer")
        .then(pl.concat_str(pl.lit("telemarketer/"), pl.col("vendor")))
        .otherwise(pl.col("source_type")).alias("source"),
        pl.concat_str([
            pl.col("cleaning_notes"),
            pl.when(pl.col("email_was_invalid")).then(pl.lit("email not a valid address: nulled")),
            pl.when(pl.col("phone_was_invalid")).then(pl.lit("phone not a valid number: nulled")),
        ], separator="; ", ignore_nulls=True).alias("cleaning_notes"),
    ).with_columns(pl.when(pl.col("cleaning_notes") == "").then(None).otherwise(pl.col("cleaning_notes"))
                   .alias("cleaning_notes"))
    identifies = pl.any_horizontal(pl.col(c).is_not_null() for c in ("first_name", "last_name", "email", "phone"))
    lost = normalized.select(identifies.not_().sum()).item()
    if lost == 0:  # the common case: no copy of a large frame
        return normalized, empty_rejections(normalized).select(QUARANTINE_COLUMNS)
    rejected = normalized.filter(~identifies).with_columns(
        pl.lit(NO_IDENTITY_AFTER_CLEANING).alias("reason"), pl.lit("email").alias("failed_column"),
        pl.lit("identifies_a_person").alias("failed_check"),
    ).select(QUARANTINE_COLUMNS)
    return normalized.filter(identifies), rejected
