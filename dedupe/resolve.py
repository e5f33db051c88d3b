"""One call from records to people: block, compare, score, cluster (the entry point the pipeline uses)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from dedupe.cluster import cluster_records
from dedupe.model import FittedModel
from dedupe.normalize import with_phonetic_keys
from dedupe.scoring import explained_pairs, score_candidates
from dedupe.settings import MatchSettings

MATCH_COLUMNS = ("first_name_canonical", "last_name_key", "email", "phone", "company_key", "domain")
ENTITY_COLUMNS = ("record_key", "kind", "lead_id", "contact_id", "crm_lead_id", *MATCH_COLUMNS)
# batch-only: the lead a re-opened record belonged to (counts as that lead for the guards), and the lead a
# corrected record's earlier version belonged to (only a preference for which id its cluster keeps)
HINT_COLUMNS = ("original_lead_id", "preferred_lead_id")


@dataclass(frozen=True)
class Resolution:
    """Who each batch record is, and the evidence: the compared pairs with their decisions (every pair, or
    past `settings.explain_every_pair_up_to` candidate pairs only those decided match or review), and
    how many pairs each decision got."""

    assignments: pl.DataFrame
    decisions: pl.DataFrame
    pairs_per_pass: dict[str, int]
    model: FittedModel
    pairs_by_decision: dict[str, int]


def resolve_people(batch: pl.DataFrame, known: pl.DataFrame, settings: MatchSettings,
                   must_link: list[tuple[str, str]] = (), cannot_link: list[tuple[str, str]] = (),
                   retired_ids: set[str] = frozenset(), keep_together: list[tuple[str, str]] = ()) -> Resolution:
    """Match this batch's records against each other and against known entities; assign lead ids.

    `batch` and `known` carry ENTITY_COLUMNS (batch rows have kind `batch` and no ids; re-opened records of
    an existing lead also carry `original_lead_id`, a corrected record may carry `preferred_lead_id`: the id its
    cluster keeps if it joins no existing lead and no re-opened lead claims it); `known` rows are existing lead source records (kind
    `lead`, with their lead's ids), CRM contacts and CRM leads. must_link / cannot_link are reviewer
    verdicts by record key; `retired_ids` are lead ids never to issue again (leads merged away);
    `keep_together` are links between re-opened records that still stand (see `cluster_records`).
    """
    batch = batch.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in HINT_COLUMNS if c not in batch.columns)
    records = pl.concat([batch.select(*ENTITY_COLUMNS, *HINT_COLUMNS),
                         known.select(ENTITY_COLUMNS).with_columns(pl.lit(None, dtype=pl.Utf8).alias(c)
                                                                   for c in HINT_COLUMNS)],
                        how="vertical_relaxed")
    records = with_phonetic_keys(records)
    candidates = score_candidates(records, settings)
    keep = (np.arange(len(candidates)) if len(candidates) <= settings.explain_every_pair_up_to
            else np.flatnonzero(candidates.decision > 0))
    scored = explained_pairs(records, candidates, settings, keep)
    assignments, decisions = cluster_records(records, scored, settings, must_link, cannot_link, retired_ids,
                                             keep_together)
    keys = records.select(pl.int_range(pl.len()).alias("_i"), "record_key", "kind")
    decisions = (
        decisions.join(keys.rename({"_i": "left", "record_key": "left_key", "kind": "left_kind"}), on="left")
        .join(keys.rename({"_i": "right", "record_key": "right_key", "kind": "right_kind"}), on="right")
        .drop("left", "right")
    )
    # a batch record is always on the left, so the explanation reads "new record vs. what it met"
    swap = (pl.col("left_kind") != "batch") & (pl.col("right_kind") == "batch")
    decisions = decisions.with_columns(
        pl.when(swap).then(pl.col("right_key")).otherwise(pl.col("left_key")).alias("left_key"),
        pl.when(swap).then(pl.col("left_key")).otherwise(pl.col("right_key")).alias("right_key"),
        pl.when(swap).then(pl.col("right_kind")).otherwise(pl.col("left_kind")).alias("left_kind"),
        pl.when(swap).then(pl.col("left_kind")).otherwise(pl.col("right_kind")).alias("right_kind"),
    )
    return Resolution(assignments, decisions, candidates.pairs_per_pass, candidates.model, candidates.counts())


def reassignments(assignments: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What re-clustering did to re-opened leads: (moves, merges).

    moves: record_key, from_lead_id, to_lead_id for each re-opened record whose lead changed;
    merges: from_lead_id, into_lead_id for each re-opened lead left with no record (it went where most of
    its records went).
    """
    reopened = assignments.filter(pl.col("previous_lead_id").is_not_null())
    moves = reopened.filter(pl.col("lead_id") != pl.col("previous_lead_id")).select(
        "record_key", pl.col("previous_lead_id").alias("from_lead_id"), pl.col("lead_id").alias("to_lead_id"))
    surviving = assignments["lead_id"].unique()
    merges = (
        moves.filter(~pl.col("from_lead_id").is_in(surviving.implode()))
        .group_by("from_lead_id", "to_lead_id").agg(pl.len().alias("n"), pl.col("record_key").min().alias("first"))
        .sort(["from_lead_id", "n", "first"], descending=[False, True, False])
        .unique("from_lead_id", keep="first", maintain_order=True)
        .select("from_lead_id", pl.col("to_lead_id").alias("into_lead_id"))
    )
    return moves, merges
