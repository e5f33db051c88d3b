"""Reviewer verdicts on record pairs: what is waiting for review, recording accept / reject, and what the
next run must apply (must-link and cannot-link pairs, and the leads a new verdict re-opens).

Records are named by their record key, `<source_file>#<source_record_id>` (CRM records:
`<crm file>#<CRM id>`), as in core.match_decisions and core.match_review.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from warehouse.connection import WarehouseSession

VERDICTS = ("accept", "reject")

OPEN_REVIEWS = """
SELECT left_key, right_key, round(match_probability, 4) AS match_probability, reason, left_summary, right_summary,
       left_lead_id, right_lead_id, created_at
FROM core.match_review WHERE status = 'open' ORDER BY match_probability DESC, left_key, right_key LIMIT ?
"""

# the latest verdict per unordered pair of record keys
LATEST_VERDICTS = """
SELECT feedback_id, left_key, right_key, verdict, applied_run_id FROM (
  SELECT *, row_number() OVER (PARTITION BY least(left_key, right_key), greatest(left_key, right_key)
                               ORDER BY decided_at DESC, feedback_id DESC) AS n
  FROM core.match_feedback) WHERE n = 1
"""

KNOWN_KEYS = """
SELECT k FROM (
  SELECT source_file || '#' || source_record_id AS k FROM core.lead_sources
  UNION SELECT left_key FROM core.match_decisions UNION SELECT right_key FROM core.match_decisions
) WHERE k IN (SELECT key FROM {keys})
"""

CRM_RECORDS = """
SELECT record_key, contact_id, crm_lead_id FROM staging.crm_people WHERE record_key IN (SELECT key FROM {keys})
"""

LEAD_OF_KEYS = """
SELECT source_file || '#' || source_record_id AS record_key, lead_id FROM core.lead_sources
WHERE source_file || '#' || source_record_id IN (SELECT key FROM {keys})
"""


class FeedbackError(ValueError):
    """A verdict that cannot be recorded (unknown record key, unknown verdict, malformed file)."""


@dataclass(frozen=True)
class Verdicts:
    """What every run applies (all verdicts) and what this run applies for the first time (pending)."""

    must_link: list[tuple[str, str]]
    cannot_link: list[tuple[str, str]]
    pending: pl.DataFrame          # feedback_id, left_key, right_key, verdict of verdicts not yet applied
    leads_to_open: list[str]       # leads whose records a pending verdict re-clusters
    leads_kept_whole: list[str]    # of those, leads only joined to another (their records stay together)


def open_reviews(wh: WarehouseSession, limit: int = 50) -> pl.DataFrame:
    """Pairs waiting for a person's verdict, most likely matches first."""
    return wh.query(OPEN_REVIEWS, [limit])


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
    with wh.registered(keys) as registered:
        known = set(wh.query(KNOWN_KEYS.format(keys=registered))["k"].to_list())
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
        with wh.registered(rows.select("left_key", "right_key", "verdict")) as decided:
            wh.execute(
                f"""
                UPDATE core.match_review r SET decided_at = ?,
                  status = CASE d.verdict WHEN 'accept' THEN 'accepted' ELSE 'rejected' END
                FROM {decided} d
                WHERE r.status = 'open' AND least(r.left_key, r.right_key) = least(d.left_key, d.right_key)
                  AND greatest(r.left_key, r.right_key) = greatest(d.left_key, d.right_key)
                """,
                [now],
            )
    return rows.height


def read_verdicts_file(path) -> pl.DataFrame:
    """A decisions CSV: left_key, right_key, verdict (accept | reject), optional reviewer and note."""
    try:
        return pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise FeedbackError(f"cannot read decisions file {path}: {exc.__class__.__name__}") from None


def verdicts_to_apply(wh: WarehouseSession) -> Verdicts:
    """All standing verdicts as must-link / cannot-link pairs, and the leads pending verdicts re-open:

    - accept of two records in different leads (or a lead record and a CRM record): both leads, kept
      whole (their records stay together, with their CRM links) and joined;
    - reject of two records of one lead: that lead, clustered again so the pair ends apart;
    - reject of a lead record and the CRM contact or CRM lead its lead is linked to: that lead, clustered
      again without the link.
    """
    latest = wh.query(LATEST_VERDICTS)
    pairs = {v: list(zip(*latest.filter(pl.col("verdict") == v).select("left_key", "right_key"))) for v in VERDICTS}
    pending = wh.query("SELECT feedback_id, left_key, right_key, verdict FROM core.match_feedback "
                       "WHERE applied_run_id IS NULL")
    latest_pending = latest.filter(pl.col("applied_run_id").is_null())
    to_split: set[str] = set()
    to_join: set[str] = set()
    if latest_pending.height:
        keys = pl.concat([latest_pending["left_key"], latest_pending["right_key"]]).unique().to_frame("key")
        with wh.registered(keys) as registered:
            lead_of = dict(wh.query(LEAD_OF_KEYS.format(keys=registered)).iter_rows())
            crm_links = {key: (contact, crm_lead) for key, contact, crm_lead in wh.query(
                CRM_RECORDS.format(keys=registered)).iter_rows()} if wh.table_exists("staging.crm_people") else {}
        lead_links = {lead: (contact, crm_lead) for lead, contact, crm_lead in wh.query(
            "SELECT lead_id, contact_id, crm_lead_id FROM core.leads WHERE lead_id IN (SELECT unnest(?))",
            [sorted(set(lead_of.values()))]).iter_rows()} if lead_of else {}
        for left, right, verdict in latest_pending.select("left_key", "right_key", "verdict").iter_rows():
            a, b = lead_of.get(left), lead_of.get(right)
            if verdict == "accept" and a != b:
                to_join.update(x for x in (a, b) if x)
            elif verdict == "reject" and a is not None and a == b:
                to_split.add(a)
            elif verdict == "reject":
                for lead, crm_key in ((a, right), (b, left)):
                    link = crm_links.get(crm_key)
                    if lead and link and any(x is not None and x == y for x, y in zip(link, lead_links.get(lead, ()))):
                        to_split.add(lead)
    return Verdicts(pairs["accept"], pairs["reject"], pending, sorted(to_split | to_join), sorted(to_join - to_split))
