"""Lead records from raw text to the typed staged shape: dates, yes/no values, time frames, budget words,
dispositions and response types cleaned, bad optional values nulled and noted in `cleaning_notes`.

Messy but usable values are cleaned, never a reason to reject; the pandera models in `schemas.lead_records`
then decide which records can be used.
"""

from __future__ import annotations

import polars as pl

from schemas.lead_records import MAX_TIMEFRAME_MONTHS, STAGED_COLUMNS
from schemas.vocabulary import BUDGET_WORDS, DISPOSITIONS, FALSE_WORDS, TRUE_WORDS

DATE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
    "%Y-%m-%d", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y",
)
def parse_timestamp(column: str) -> pl.Expr:
    """Parse an ISO-8601 date/timestamp (or a few common spreadsheet forms) to a naive UTC datetime; else null."""
    text = pl.col(column).str.strip_chars().str.replace(r"(Z|[+-]\d{2}:?\d{2})$", "")
    return pl.coalesce(
        text.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True) for fmt in DATE_FORMATS
    )


def parse_boolean(column: str) -> pl.Expr:
    """true/false, yes/no, Y/N, 1/0 (any case) to a boolean; anything else to null."""
    word = pl.col(column).str.strip_chars().str.to_lowercase()
    return (pl.when(word.is_in(list(TRUE_WORDS))).then(True)
            .when(word.is_in(list(FALSE_WORDS))).then(False)
            .otherwise(None).cast(pl.Boolean))


def parse_months(column: str) -> pl.Expr:
    """`3`, `3.0`, `3 months` to 3; negative or absurd (> 120) time frames to null."""
    number = pl.col(column).str.extract(r"^\s*(-?\d+(?:\.\d+)?)", 1).cast(pl.Float64, strict=False)
    return (pl.when((number >= 0) & (number <= MAX_TIMEFRAME_MONTHS)).then(number.round(0))
            .otherwise(None).cast(pl.Int32))


def _snake(column: str) -> pl.Expr:
    """`Form Fill` -> `form_fill` (letters and digits of any script kept); nothing left -> null."""
    word = (pl.col(column).str.normalize("NFC").str.strip_chars().str.to_lowercase()
            .str.replace_all(r"[^\p{L}\p{M}\p{N}]+", "_").str.strip_chars("_"))
    return pl.when(word != "").then(word)


def _note(condition: pl.Expr, text: str) -> pl.Expr:
    return pl.when(condition).then(pl.lit(text)).otherwise(None)


def clean_lead_records(raw: pl.DataFrame, source_type: str) -> pl.DataFrame:
    """Type and tidy raw lead records of one source into the staged lead-record shape (no row is dropped)."""
    if source_type == "campaign_response":
        frame = raw.with_columns(
            pl.col("responded_at").alias("_touch_raw"),
            pl.lit(None, dtype=pl.Utf8).alias("disposition"),
            pl.lit(None, dtype=pl.Utf8).alias("vendor"),
        )
    else:
        frame = raw.with_columns(
            pl.col("called_at").alias("_touch_raw"),
            (pl.col("campaign_id") if "campaign_id" in raw.columns else pl.lit(None, dtype=pl.Utf8))
            .alias("campaign_id"),
            pl.lit(None, dtype=pl.Utf8).alias("campaign_name"),
            pl.lit("telemarketing_call").alias("response_type"),
            pl.lit(None, dtype=pl.Utf8).alias("opt_in"),
        )
    budget = pl.col("budget_status").str.strip_chars().str.to_lowercase()
    frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in ("raw_record", "read_problem")
                               if c not in frame.columns)
    frame = frame.with_columns(
        pl.lit(source_type).alias("source_type"),
        parse_timestamp("_touch_raw").alias("touch_at"),
        _snake("response_type").alias("_response_type"),
        _snake("disposition").alias("_disposition"),
        budget.replace_strict(BUDGET_WORDS, default="unknown", return_dtype=pl.Utf8).alias("budget_status"),
        parse_months("timeframe_months").alias("_months"),
        parse_boolean("decision_maker").alias("_decision_maker"),
        parse_boolean("opt_in").alias("_opt_in"),
        # rows come in file order: a record id seen before in the same file version repeats it
        (~pl.struct("source_file", "file_sha256", "source_record_id").is_first_distinct()).alias("_repeat"),
    )
    notes = pl.concat_str([
        _note(pl.col("timeframe_months").is_not_null() & pl.col("_months").is_null(),
              "timeframe_months not a number of months between 0 and 120: nulled"),
        _note(pl.col("decision_maker").is_not_null() & pl.col("_decision_maker").is_null(),
              "decision_maker not a yes/no value: nulled"),
        _note(pl.col("opt_in").is_not_null() & pl.col("_opt_in").is_null(), "opt_in not a yes/no value: nulled"),
        _note(budget.is_not_null() & ~budget.is_in(list(BUDGET_WORDS)), "budget_status unknown word: set to unknown"),
        _note(pl.col("response_type").is_not_null() & pl.col("_response_type").is_null(),
              "response_type has no letters or digits: nulled"),
        _note(pl.col("_disposition").is_not_null() & ~pl.col("_disposition").is_in(list(DISPOSITIONS)),
              "disposition not a known outcome (map the vendor's code in the source mapping): nulled"),
    ], separator="; ", ignore_nulls=True)
    return frame.with_columns(
        pl.col("_months").alias("timeframe_months"),
        pl.col("_decision_maker").alias("decision_maker"),
        pl.col("_opt_in").alias("opt_in"),
        pl.when(pl.col("_disposition").is_in(list(DISPOSITIONS))).then(pl.col("_disposition")).alias("disposition"),
        pl.col("_response_type").alias("response_type"),
        pl.when(notes == "").then(None).otherwise(notes).alias("cleaning_notes"),
        pl.col("_repeat").alias("is_duplicate_record_id"),
    ).select(STAGED_COLUMNS)
