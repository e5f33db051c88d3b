"""Lead records after validation: normalized values, matching keys, record keys and source labels."""

from __future__ import annotations

import polars as pl

from dedupe.normalize.people import normalize_people
from schemas.quarantine import QUARANTINE_COLUMNS, empty_rejections
from schemas.sources import record_key

NO_IDENTITY_AFTER_CLEANING = (
    "cannot identify a person after cleaning: email is not a valid address and name and phone are empty"
)
IDENTIFYING = ("email", "phone", "first_name", "last_name")
# what cleaning found wrong with an identifying value it nulled
UNUSABLE = {"email": "email is not a valid address", "phone": "phone is not a valid number",
            "first_name": "first name has no letters", "last_name": "last name has no letters"}


def _lost_identity(staged: pl.DataFrame, lost: pl.DataFrame) -> pl.DataFrame:
    """reason and failed_column of records cleaning left with nothing identifying: which values it nulled (the
    first one is the failed column), and which were empty to begin with."""
    given = staged.select(pl.int_range(pl.len()).alias("_row"), *(
        (pl.col(c).cast(pl.Utf8).str.strip_chars().fill_null("") != "").alias(c) for c in IDENTIFYING))
    flags = lost.select("_row").join(given, on="_row", how="left", maintain_order="left")
    rows = []
    for row in flags.iter_rows(named=True):
        nulled = [c for c in IDENTIFYING if row[c]]
        empty = [name for name, columns in (("name", ("first_name", "last_name")), ("email", ("email",)),
                                            ("phone", ("phone",))) if not any(row[c] for c in columns)]
        reason = " and ".join(UNUSABLE[c] for c in nulled)
        if empty:
            reason += f" and {' and '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty"
        rows.append((f"cannot identify a person after cleaning: {reason}", nulled[0] if nulled else None))
    return pl.DataFrame(rows, schema={"reason": pl.Utf8, "failed_column": pl.Utf8}, orient="row")


def normalize_lead_records(staged: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Normalize staged lead records; return (normalized, rejected) where rejected are quarantine rows of
    records that no longer identify anyone once invalid values are nulled, each saying which value cleaning
    found unusable (`email is not a valid address and name and phone are empty`)."""
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
    lost_rows = normalized.with_row_index("_row").filter(~identifies)
    rejected = pl.concat([lost_rows, _lost_identity(staged, lost_rows)], how="horizontal").with_columns(
        pl.lit("identifies_a_person").alias("failed_check")).select(QUARANTINE_COLUMNS)
    return normalized.filter(identifies), rejected
