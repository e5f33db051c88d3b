"""Validate a frame with a pandera model and split it into accepted rows and quarantine rows with reasons.

dagster-pandera fails a whole batch; leadflow instead validates lazily and turns every failure case
into a human reason on the record it belongs to, so one bad record never blocks the others.
"""

from __future__ import annotations

import polars as pl
import pandera.polars as pa

ROW_INDEX = "_row_index"
READ_PROBLEM_REASON = "record could not be read whole"


def split_valid(frame: pl.DataFrame, model: type[pa.DataFrameModel],
                reasons: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (accepted, rejected). `rejected` has the rejected rows plus reason, failed_column, failed_check.

    `reasons` maps a check name (or `column:check`) to the human reason; unknown checks get a generic one
    that still names the column and the check. A row failing several checks gets them all, `; `-joined.
    """
    indexed = frame.with_row_index(ROW_INDEX)
    try:
        model.validate(frame, lazy=True)
        return frame, empty_rejections(frame)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    schema_level = cases.filter(pl.col("index").is_null())
    if schema_level.height:
        # A missing column or wrong dtype is a bug in our own staging code, not a record problem.
        raise ValueError(f"{model.__name__}: schema-level failure: {schema_level.select('column', 'check').rows()}")
    described = cases.with_columns(
        pl.struct("column", "check").map_elements(
            lambda c: _reason(c["column"], c["check"], reasons), return_dtype=pl.Utf8
        ).alias("reason")
    )
    per_row = described.group_by("index").agg(
        pl.col("reason").unique(maintain_order=True).str.join("; "),
        pl.col("column").first().alias("failed_column"),
        pl.col("schema_context").first().alias("_context"),
        pl.col("check").first().alias("failed_check"),
    ).rename({"index": ROW_INDEX}).with_columns(
        pl.col(ROW_INDEX).cast(pl.UInt32),
        # a whole-record check names no single column
        pl.when(pl.col("_context") == "DataFrameSchema").then(None).otherwise(pl.col("failed_column"))
        .alias("failed_column"),
    ).drop("_context")
    rejected = indexed.join(per_row, on=ROW_INDEX, how="inner").sort(ROW_INDEX).drop(ROW_INDEX)
    accepted = indexed.join(per_row, on=ROW_INDEX, how="anti").sort(ROW_INDEX).drop(ROW_INDEX)
    return accepted, rejected


def _reason(column: str | None, check: str, reasons: dict[str, str]) -> str:
    check_name = check.split("(")[0]
    for key in (f"{column}:{check_name}", check_name):
        if key in reasons:
            return reasons[key]
    return f"{column}: failed check {check_name}"


def empty_rejections(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame`'s columns with none of its rows, plus reason, failed_column and failed_check."""
    return frame.clear().with_columns(
        pl.lit(None, dtype=pl.Utf8).alias("reason"),
        pl.lit(None, dtype=pl.Utf8).alias("failed_column"),
        pl.lit(None, dtype=pl.Utf8).alias("failed_check"),
    )


QUARANTINE_COLUMNS = ("source_file", "source_record_id", "source_row", "source_type", "file_sha256", "reason",
                      "failed_column", "failed_check", "raw_record")


RAW_KEYS = ("source_file", "file_sha256", "source_row")


def attach_raw_records(rejected: pl.DataFrame, raw: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Fill the rejected rows' missing `raw_record` with the JSON of their landed `columns` in `raw` (the
    record as it arrived, when the file's columns were already canonical); only rejected rows pay for it."""
    missing = rejected.filter(pl.col("raw_record").is_null()).select(RAW_KEYS)
    if missing.height == 0:
        return rejected
    rebuilt = raw.join(missing, on=list(RAW_KEYS), how="semi").select(
        *RAW_KEYS, pl.struct(columns).struct.json_encode().alias("_raw_json"))
    return rejected.join(rebuilt, on=list(RAW_KEYS), how="left").with_columns(
        pl.coalesce("raw_record", "_raw_json").alias("raw_record")).drop("_raw_json")


def rejection_rows(rejected: pl.DataFrame) -> pl.DataFrame:
    """Quarantine rows: the rejected records' keys and reasons, with the raw record as it arrived (JSON)."""
    return rejected.select(QUARANTINE_COLUMNS)


def top_reasons(rejected: pl.DataFrame, limit: int = 5) -> str:
    """`reason (count)` for the most frequent reasons, for run metadata and summaries (no record values)."""
    if rejected.height == 0:
        return "none"
    counts = rejected.group_by("reason").len().sort(["len", "reason"], descending=[True, False]).head(limit)
    return "; ".join(f"{reason} ({n})" for reason, n in counts.iter_rows())


def with_read_problems(rejected: pl.DataFrame) -> pl.DataFrame:
    """Say exactly what could not be read (`row has 12 values but the header has 10 columns`) in the reason
    of records rejected by a `read_problem` check."""
    if "read_problem" not in rejected.columns:
        return rejected
    return rejected.with_columns(
        pl.when(pl.col("read_problem").is_not_null())
        .then(pl.col("reason").str.replace(READ_PROBLEM_REASON, pl.concat_str(
            pl.lit(READ_PROBLEM_REASON + ": "), pl.col("read_problem")), literal=True))
        .otherwise(pl.col("reason")).alias("reason"))
