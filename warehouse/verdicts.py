"""Publishing what re-clustering and reviewers decided: records moved between leads, leads emptied, verdicts
marked applied, and the pairs that wait for a person's verdict (core.match_review)."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from dedupe.resolve import EARLIER_VERSION_KEY
from warehouse.connection import WarehouseSession


def apply_verdicts(wh: WarehouseSession, moves: pl.DataFrame, merges: pl.DataFrame, applied: pl.DataFrame,
                   run_id: str, now: datetime) -> dict[str, int]:
    """Move re-clustered records to their new leads, drop emptied leads (recording where they went) and
    mark the verdicts applied."""
    with wh.registered("moves", moves.select("record_key", "from_lead_id", "to_lead_id", "reason")):
        wh.run("apply_record_moves", run_id=run_id, now=now)
    with wh.registered("merges", merges.select("from_lead_id", "into_lead_id", "reason")):
        wh.run("apply_lead_merges", run_id=run_id, now=now)
    with wh.registered("applied", applied.select("feedback_id")):
        wh.run("mark_verdicts_applied", run_id=run_id, now=now)
    return {"records_moved": moves.height, "leads_merged": merges.height, "verdicts_applied": applied.height}


def drop_emptied_leads(wh: WarehouseSession, run_id: str, now: datetime) -> int:
    """A lead whose every record a corrected file replaced (or rejected) leaves core.leads, recorded in
    core.lead_merges as merged into nothing; returns how many. Only a run that superseded records can empty a lead
    (then every published record's lead is looked at; otherwise nothing is scanned)."""
    if not wh.scalar("SELECT count(*) FROM core.superseded_records WHERE run_id = ? AND lead_id IS NOT NULL",
                     [run_id]):
        return 0
    wh.run("drop_emptied_leads", run_id=run_id, now=now)
    return wh.scalar("SELECT count(*) FROM core.lead_merges WHERE run_id = ? AND into_lead_id IS NULL", [run_id])


def open_match_reviews(wh: WarehouseSession, crm_people: pl.DataFrame, run_id: str, now: datetime) -> int:
    """Pairs of this run's review band (or kept apart by a guard; staging.match_decisions) that no one has listed or
    ruled on yet, with a short description of each side and each side's lead, into core.match_review; returns how
    many."""
    review = wh.fetch("review_pairs_of_run", earlier_version=EARLIER_VERSION_KEY)
    if review.height == 0:
        return 0
    before = wh.scalar("SELECT count(*) FROM core.match_review")
    people = crm_people.select("record_key", "first_name", "last_name", "company")
    with wh.registered("review_pairs", review), wh.registered("crm_people", people):
        wh.run("open_match_reviews", run_id=run_id, now=now)
    return wh.scalar("SELECT count(*) FROM core.match_review") - before
