"""Reviewer verdicts on record pairs: what is waiting for review, and recording accept / reject (what a verdict
means for the next run is `dedupe.verdicts`).

Records are named by their record key, `<source_file>#<source_record_id>` (CRM records:
`<crm file>#<CRM id>`), as in core.match_decisions and core.match_review.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import polars as pl

from dedupe.verdicts import VERDICTS
from warehouse.connection import WarehouseSession


class FeedbackError(ValueError):
    """A verdict that cannot be recorded (unknown record key, unknown verdict, malformed file)."""


def open_reviews(wh: WarehouseSession, limit: int = 50) -> pl.DataFrame:
    """Pairs waiting for a person's verdict, most likely matches first."""
    return wh.fetch("open_reviews", limit=limit)


def record_verdicts(wh: WarehouseSession, verdicts: pl.DataFrame, source: str, now: datetime) -> int:
    """Store verdicts (columns left_key, right_key, verdict, optional reviewer and note) in
    core.match_feedback and close the matching open reviews. Every key must name a known record."""
    missing = {"left_key", "right_key", "verdict"} - set(verdicts.columns)
    if missing:
        raise FeedbackError(f"verdicts need the columns left_key, right_key, verdict; missing: {', '.join(sorted(missing))}")
    frame = verdicts.select(
        pl.col("left_key").cast(pl.Utf8).str.strip_chars(), pl.col("right_key").cast(pl.Utf8).str.strip_chars(),
        pl.col("verdict").cast(pl.Utf8).str.strip_chars().str.to_lowercase(),
        *(pl.col(c).cast(pl.Utf8) if c in verdicts.columns else pl.lit(None, dtype=pl.Utf8).alias(c)
          for c in ("reviewer", "note")),
    )
    for n, row in enumerate(frame.iter_rows(named=True), start=1):
        if row["verdict"] not in VERDICTS:
            raise FeedbackError(f"verdict {n}: {row['verdict']!r} is not one of accept, reject")
        if not row["left_key"] or not row["right_key"] or row["left_key"] == row["right_key"]:
            raise FeedbackError(f"verdict {n}: needs two different record keys")
    # one verdict per pair and call: a later line on the same pair replaces an earlier one
    frame = frame.with_columns(pl.min_horizontal("left_key", "right_key").alias("_a"),
                               pl.max_horizontal("left_key", "right_key").alias("_b")).unique(
        ["_a", "_b"], keep="last", maintain_order=True).drop("_a", "_b")
    keys = pl.concat([frame["left_key"], frame["right_key"]]).unique().to_frame("key")
    with wh.registered("keys", keys):
        known = set(wh.fetch("known_record_keys")["k"].to_list())
    unknown = sorted(set(keys["key"].to_list()) - known)
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise FeedbackError(f"unknown record key(s): {shown} (keys look like <source_file>#<source_record_id>, "
                            "as in core.match_review)")
    rows = frame.with_columns(
        pl.Series("feedback_id", [str(uuid.uuid4()) for _ in range(frame.height)]),
        pl.lit(source).alias("source"), pl.lit(now, dtype=pl.Datetime("us")).alias("decided_at"),
        pl.lit(None, dtype=pl.Utf8).alias("applied_run_id"), pl.lit(None, dtype=pl.Datetime("us")).alias("applied_at"),
    )
    with wh.transaction():
        wh.insert("core.match_feedback", rows)
        with wh.registered("decided", rows.select("left_key", "right_key", "verdict")):
            wh.run("close_reviews", now=now)
    return rows.height


def read_verdicts_file(path) -> pl.DataFrame:
    """A decisions CSV: left_key, right_key, verdict (accept | reject), optional reviewer and note."""
    try:
        return pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise FeedbackError(f"cannot read decisions file {path}: {exc.__class__.__name__}") from None
