"""Everything the warehouse knows about one lead, for `leadflow explain`: its row, its source records, the match
decisions and reviewers' verdicts that joined them, its account and the sources of the account's fields, the
scoring rules that fired, its assessment, its status history and its assignments. Each part is one query in
`warehouse/sql/explain_<part>.sql` with the lead id as `$lead_id`.

A lead id that is not in core.leads may have been merged away (core.lead_merges): `merged_into` follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from warehouse.connection import WarehouseSession


@dataclass(frozen=True)
class LeadExplanation:
    """One lead, part by part; every part a frame (lead and account: one row, account none when it has none)."""

    lead: pl.DataFrame
    records: pl.DataFrame
    match_decisions: pl.DataFrame
    open_reviews: pl.DataFrame
    verdicts: pl.DataFrame
    record_moves: pl.DataFrame
    merged_leads: pl.DataFrame
    account: pl.DataFrame
    account_fields: pl.DataFrame
    score_rules: pl.DataFrame
    assessment_answers: pl.DataFrame
    status_history: pl.DataFrame
    assignments: pl.DataFrame


PARTS = ("records", "match_decisions", "open_reviews", "verdicts", "record_moves", "merged_leads", "account",
         "account_fields", "score_rules", "assessment_answers", "status_history", "assignments")


def lead_row(wh: WarehouseSession, lead_id: str) -> pl.DataFrame:
    """The lead's published row (no row: no lead with this id)."""
    return wh.fetch("explain_lead", lead_id=lead_id)


def merged_into(wh: WarehouseSession, lead_id: str) -> pl.DataFrame:
    """Where a lead id merged away went: step, from_lead_id, into_lead_id (null: emptied), reason, merged_at;
    one row per merge of the chain, first first. No row: the id was never merged away."""
    return wh.fetch("explain_merged_into", lead_id=lead_id)


def explain_lead(wh: WarehouseSession, lead_id: str) -> LeadExplanation | None:
    """Every part of one lead (None when core.leads has no such lead)."""
    lead = lead_row(wh, lead_id)
    if lead.height == 0:
        return None
    parts = {part: wh.fetch(f"explain_{part}", lead_id=lead_id) for part in PARTS}
    return LeadExplanation(lead=lead, **parts)
