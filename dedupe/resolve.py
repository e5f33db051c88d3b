"""From records to people: `resolve_people` blocks, compares, scores and clusters a batch against known
entities; `resolve_import` is one import of the pipeline (verdicts, re-opened leads, corrected files on top)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from dedupe.cluster import Reclustering, cluster_records
from dedupe.model import FittedModel
from dedupe.engines import ComparisonEngine
from dedupe.guards import GUARD_COLUMN
from dedupe.normalize.places import PLACE_COLUMNS, PLACE_KEY_COLUMNS, place_keys
from dedupe.scoring import Blocked, Population, block, explained_pairs, population_of, score_candidates
from dedupe.settings import MatchSettings
from dedupe.verdicts import Verdicts

MATCH_COLUMNS = ("first_name_canonical", "last_name_key", "email", "phone", "company_key", "domain")
ENTITY_COLUMNS = ("record_key", "kind", "lead_id", "contact_id", "crm_lead_id", *MATCH_COLUMNS)
# compared when present (the first name as written: a typo in a nickname still looks like a typo; where the record
# is: city, region and country keys, from its country, state and city columns when it has them); a frame without
# them is matched on the nickname-resolved first name alone, and without place
OPTIONAL_MATCH_COLUMNS = ("first_name_key", *PLACE_KEY_COLUMNS)
# batch-only: the lead a re-opened record belonged to (counts as that lead for the guards), and the lead a
# corrected record's earlier version belonged to (only a preference for which id its cluster keeps)
HINT_COLUMNS = ("original_lead_id", "preferred_lead_id")
# what a caller hands `resolve_people` when it has it: the entity columns, the first name as written, the place
MATCH_INPUT_COLUMNS = (*ENTITY_COLUMNS, "first_name_key", *PLACE_COLUMNS)


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
    healable: list[tuple[str, str]] = ()  # pairs of existing leads overwhelming evidence would merge
    blocks_skipped: dict[str, dict[str, int]] = field(default_factory=dict)  # per pass with a block size cap
    positional: bool = False  # decisions not explained yet (`resolve_scored(keep_if_healing=True)`; `explained`)


@dataclass
class ScoredRecords:
    """One matching run's records (batch first, then known; blocking keys dropped) and their explained candidate
    pairs (`scored`, positions into `records`): what clustering reads. Kept between two clusterings of one import
    when leads heal, so the pairs are not compared twice."""

    records: pl.DataFrame
    scored: pl.DataFrame | None
    pairs_per_pass: dict[str, int]
    model: FittedModel
    pairs_by_decision: dict[str, int]
    blocks_skipped: dict[str, dict[str, int]]
    live_lead_ids: pl.Series | None = None  # every existing lead's id, when `records` leave out leads that cannot pair


def resolve_people(batch: pl.DataFrame, known: pl.DataFrame, settings: MatchSettings,
                   must_link: list[tuple[str, str]] = (), cannot_link: list[tuple[str, str]] = (),
                   retired_ids: set[str] = frozenset(), keep_together: list[tuple[str, str]] = (),
                   engine: ComparisonEngine | None = None) -> Resolution:
    """Match this batch's records against each other and against known entities; assign lead ids.

    `batch` and `known` carry ENTITY_COLUMNS (batch rows have kind `batch` and no ids; re-opened records of
    an existing lead also carry `original_lead_id`, a corrected record may carry `preferred_lead_id`: the id its
    cluster keeps if it joins no existing lead and no re-opened lead claims it); `known` rows are existing lead source records (kind
    `lead`, with their lead's ids), CRM contacts and CRM leads. must_link / cannot_link are reviewer
    verdicts by record key; `retired_ids` are lead ids never to issue again (leads merged away);
    `keep_together` are links between re-opened records that still stand (see `cluster_records`).
    """
    scored = score_records(batch, known, settings, must_link, engine, _keys_of(must_link, cannot_link, keep_together))
    return resolve_scored(scored, settings, must_link, cannot_link, retired_ids, keep_together)


def _keys_of(*links: list[tuple[str, str]]) -> set[str]:
    """The record keys the links name (they stay among the scored records whatever blocking finds)."""
    return {key for pairs in links for pair in pairs for key in pair}


def score_records(batch: pl.DataFrame, known: pl.DataFrame, settings: MatchSettings,
                  must_link: list[tuple[str, str]] = (), engine: ComparisonEngine | None = None,
                  pinned: set[str] = frozenset(), narrow: bool = True) -> ScoredRecords:
    """Block, compare, score and explain the candidate pairs of a batch against itself and known entities (the
    first half of `resolve_people`).

    Only the known records a blocking pass can pair with a batch record go on, with every other record of their
    leads (a lead clusters whole) and the records of `pinned` keys (reviewers' links name them); the model still
    learns from all (`dedupe.scoring.Population`), and new lead ids still avoid every existing one. Against a
    warehouse of millions of leads this leaves out most of them, for the same decisions (`narrow=False` keeps all:
    the tests compare both)."""
    batch = _with_optional(batch, HINT_COLUMNS + OPTIONAL_MATCH_COLUMNS)
    known = _with_optional(known, OPTIONAL_MATCH_COLUMNS)
    records = pl.concat([batch.select(*ENTITY_COLUMNS, *OPTIONAL_MATCH_COLUMNS, *HINT_COLUMNS),
                         known.select(*ENTITY_COLUMNS, *OPTIONAL_MATCH_COLUMNS).with_columns(
                             pl.lit(None, dtype=pl.Utf8).alias(c) for c in HINT_COLUMNS)],
                        how="vertical_relaxed")
    blocked = block(records, settings)  # each pass makes its derived keys (dedupe.blocking_keys.with_keys)
    population = live = None
    if narrow:
        records, blocked, population, live = _can_pair(records, blocked, settings, pinned)
    accepted = _positions_of(records, must_link) if settings.verdict_weight and must_link else None
    # past settings.explain_every_pair_up_to only the pairs not rejected are kept and explained
    candidates = score_candidates(records, settings, accepted=accepted, engine=engine, rejected_kept=False,
                                  population=population, blocked=blocked)
    del population, blocked
    pairs_by_decision = candidates.counts()
    scored = explained_pairs(records, candidates, settings, np.arange(len(candidates)))
    return ScoredRecords(records, scored, candidates.pairs_per_pass, candidates.model, pairs_by_decision,
                         candidates.blocks_skipped, live)


# score only the records in a candidate pair when they are fewer than this share of all
NARROW_BELOW = 0.8


def _can_pair(records: pl.DataFrame, blocked: Blocked, settings: MatchSettings, pinned: set[str]
              ) -> tuple[pl.DataFrame, Blocked, Population | None, pl.Series | None]:
    """(the records in a candidate pair, with every other record of their leads and the `pinned` ones; the pairs
    as positions among them; what the model learns from all records; every existing lead id), or everything as
    it is and two Nones when they would be more than NARROW_BELOW of all records."""
    keep = (records["kind"] == "batch").to_numpy().copy()
    keep[blocked.left] = True
    keep[blocked.right] = True
    leads = records["lead_id"].filter(pl.Series(keep) & records["lead_id"].is_not_null()).unique()
    keep |= records["lead_id"].is_in(leads.implode()).fill_null(False).to_numpy()
    if pinned:
        keep |= records["record_key"].is_in(pl.Series(sorted(pinned), dtype=pl.Utf8).implode()).fill_null(
            False).to_numpy()
    if keep.sum() > NARROW_BELOW * len(keep):  # leaving out a few records saves less than learning apart costs
        return records, blocked, None, None
    population = population_of(records, keep, settings)
    live = records["lead_id"].drop_nulls().unique()
    return records.filter(pl.Series(keep)), blocked.narrowed(keep), population, live


def resolve_scored(state: ScoredRecords, settings: MatchSettings, must_link: list[tuple[str, str]] = (),
                   cannot_link: list[tuple[str, str]] = (), retired_ids: set[str] = frozenset(),
                   keep_together: list[tuple[str, str]] = (), keep_if_healing: bool = False,
                   again: Reclustering | None = None) -> Resolution:
    """Cluster scored records into leads and explain every decision (the second half of `resolve_people`). The
    explained pairs are let go once clustered (`state.scored` becomes None), unless `keep_if_healing` and some
    existing leads heal: then the caller clusters them again with those leads opened, and the decisions are left
    as clustering made them (`positional`: `explained` finishes them if the caller keeps this clustering after
    all; at 5M leads 0.6 s not spent on a clustering thrown away). `again`: only some components are clustered
    anew (`dedupe.cluster.Reclustering`)."""
    assignments, decisions, healable = cluster_records(state.records, state.scored, settings, must_link, cannot_link,
                                                       retired_ids, keep_together, state.live_lead_ids, again)
    resolution = Resolution(assignments, decisions, state.pairs_per_pass, state.model, state.pairs_by_decision,
                            healable, state.blocks_skipped, positional=True)
    if keep_if_healing and healable:
        return resolution
    return explained(resolution, state, settings)


def explained(resolution: Resolution, state: ScoredRecords, settings: MatchSettings) -> Resolution:
    """A clustering's decisions as the run records them: record keys and kinds for positions, the batch record on
    the left, the review band applied. Lets the explained pairs of `state` go."""
    if not resolution.positional:
        return resolution
    state.scored = None
    records, decisions, assignments = state.records, resolution.decisions, resolution.assignments
    # positions to record keys by gathering (no join: a join rebuilds every column of the explained pairs)
    left, right = decisions["left"], decisions["right"]
    decisions = decisions.drop("left", "right", GUARD_COLUMN, strict=False).with_columns(
        records["record_key"].gather(left).alias("left_key"), records["kind"].gather(left).alias("left_kind"),
        records["record_key"].gather(right).alias("right_key"), records["kind"].gather(right).alias("right_kind"))
    del left, right
    # a batch record is always on the left, so the explanation reads "new record vs. what it met"
    swap = (pl.col("left_kind") != "batch") & (pl.col("right_kind") == "batch")
    decisions = decisions.with_columns(
        pl.when(swap).then(pl.col("right_key")).otherwise(pl.col("left_key")).alias("left_key"),
        pl.when(swap).then(pl.col("left_key")).otherwise(pl.col("right_key")).alias("right_key"),
        pl.when(swap).then(pl.col("right_kind")).otherwise(pl.col("left_kind")).alias("left_kind"),
        pl.when(swap).then(pl.col("left_kind")).otherwise(pl.col("right_kind")).alias("right_kind"),
    )
    decisions = review_band(decisions, records, assignments, settings)
    return dataclasses.replace(resolution, decisions=decisions, positional=False)


JOINED_THROUGH_OTHERS = "joined through other records; "
BELOW_REVIEW_BUDGET = "not reviewed (beyond the review band's share of the run's records); "


def review_band(decisions: pl.DataFrame, records: pl.DataFrame, assignments: pl.DataFrame,
                settings: MatchSettings) -> pl.DataFrame:
    """The pairs a person should look at, out of those decided `review`: a pair whose two records ended in one
    lead anyway (through other records) is `match`; of the rest, at most `settings.review_max_share` of the batch's
    records are kept for review, the strongest evidence first (match weight); the others are `non_match`, the
    reason says why. Each reason keeps the evidence."""
    review = pl.col("decision") == "review"
    if decisions.filter(review).is_empty():
        return decisions
    lead = pl.concat([assignments.select("record_key", "lead_id"),
                      records.filter(pl.col("lead_id").is_not_null()).select("record_key", "lead_id")]).unique(
        "record_key")
    # the lead of each side, on the two key columns alone (joining the whole frame would rebuild every column)
    ends = decisions.select("left_key", "right_key").join(
        lead.rename({"record_key": "left_key", "lead_id": "_ll"}), on="left_key", how="left", maintain_order="left"
    ).join(lead.rename({"record_key": "right_key", "lead_id": "_lr"}), on="right_key", how="left", maintain_order="left")
    same_lead = (ends["_ll"] == ends["_lr"]).fill_null(False).alias("_same_lead")
    del ends
    moot = review & pl.col("_same_lead")
    decisions = decisions.with_columns(same_lead).with_columns(
        pl.when(moot).then(pl.lit("match")).otherwise(pl.col("decision")).alias("decision"),
        pl.when(moot).then(pl.lit(JOINED_THROUGH_OTHERS) + pl.col("reason")).otherwise(pl.col("reason")).alias("reason"),
    ).drop("_same_lead")
    if settings.review_max_share is None:
        return decisions
    budget = math.ceil(settings.review_max_share * int((records["kind"] == "batch").sum()))
    rank = pl.when(review).then(pl.col("total_score")).otherwise(None).rank("ordinal", descending=True)
    beyond = review & (rank > budget)
    return decisions.with_columns(
        pl.when(beyond).then(pl.lit("non_match")).otherwise(pl.col("decision")).alias("decision"),
        pl.when(beyond).then(pl.lit(BELOW_REVIEW_BUDGET) + pl.col("reason")).otherwise(pl.col("reason"))
        .alias("reason"))


def _positions_of(records: pl.DataFrame, pairs) -> tuple[np.ndarray, np.ndarray]:
    """Positions (left, right) in `records` of the pairs of record keys found there."""
    index = dict(zip(records["record_key"].to_list(), range(records.height)))
    found = [(index[a], index[b]) for a, b in pairs if a in index and b in index]
    return np.array([a for a, _ in found], dtype=np.int64), np.array([b for _, b in found], dtype=np.int64)


def _with_optional(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """`frame` with the optional columns it lacks: the place keys from its country, state and city when it has
    them, the others empty."""
    if any(c not in frame.columns for c in PLACE_KEY_COLUMNS) and any(
            c in frame.columns for c in PLACE_COLUMNS):
        frame = place_keys(frame)
    return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in columns if c not in frame.columns)


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


# --------------------------------------------------------------------------------------------------------------
# one import: a batch of new records against everything known, with verdicts and corrected files
# --------------------------------------------------------------------------------------------------------------

# a corrected record's earlier version is matched this run under `<record key>@<12 hex of its file's sha>`
EARLIER_VERSION_KEY = r"@[0-9a-f]{12}$"
BATCH_EXTRAS = ("lead_id", "contact_id", "crm_lead_id", "original_lead_id")
# the reason of a merge (and of its records' moves) that matching made on overwhelming evidence
MERGED_BY_MATCHING = "merged by matching"


@dataclass(frozen=True)
class MatchHistory:
    """What earlier runs left that matching builds on: every published lead record (record_key, kind `lead`,
    lead_id, the lead's contact_id / crm_lead_id, matching keys), lead ids merged away, and the match links
    inside the leads a verdict splits."""

    lead_records: pl.DataFrame
    retired_ids: set[str]
    standing_links: list[tuple[str, str]]


@dataclass(frozen=True)
class ImportResolution:
    """Who each record of an import is, and what re-clustering did to existing leads."""

    assignments: pl.DataFrame    # record_key, lead_id, is_new_lead, previous_lead_id, contact_id, crm_lead_id, ...
    decisions: pl.DataFrame      # compared pairs with per-field evidence and the decision
    moves: pl.DataFrame          # record_key, from_lead_id, to_lead_id, reason
    merges: pl.DataFrame         # from_lead_id, into_lead_id, reason
    reopened_keys: pl.Series     # records of re-opened leads clustered again (not new this import)
    resolution: Resolution

    def summary(self, verdicts_applied: int, records_superseded: int) -> dict[str, int]:
        """Counts for run metadata (no record values)."""
        new_records = self.assignments.filter(~pl.col("record_key").is_in(self.reopened_keys.implode()))
        return {
            "records": new_records.height,
            "new_leads": new_records.filter("is_new_lead")["lead_id"].n_unique(),
            "records_joining_existing_leads": new_records.filter(~pl.col("is_new_lead")).height,
            "records_matched_to_crm_contacts": new_records.filter(pl.col("contact_id").is_not_null()).height,
            "pairs_compared": sum(self.resolution.pairs_by_decision.values()),
            "pairs_explained": self.decisions.height,
            "pairs_kept_apart_by_guards_or_verdicts": self.decisions.filter(
                pl.col("reason").str.starts_with("kept apart")).height,
            "reviewer_verdicts_applied": verdicts_applied,
            "records_moved_by_verdicts": self.moves.filter(pl.col("reason") == "reviewer verdict").height,
            "records_replacing_an_earlier_version": records_superseded,
            "leads_merged_by_verdicts": self.merges.filter(pl.col("reason") == "reviewer verdict").height,
            "leads_merged_by_corrected_files": self.merges.filter(pl.col("reason") == "corrected file version").height,
            "leads_merged_by_matching": self.merges.filter(pl.col("reason") == MERGED_BY_MATCHING).height,
        }


def split_reopened(lead_records: pl.DataFrame, opened: list[str], kept_whole: list[str]
                   ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records to match against, records of the `opened` leads). Opened records come back as batch records with
    no lead id and their lead in `original_lead_id`, to be clustered again; those of a lead `kept_whole` (only
    joined to another) keep their CRM links, the others lose them and earn them back by matching."""
    is_opened = pl.col("lead_id").is_in(list(opened))
    whole = pl.col("lead_id").is_in(list(kept_whole))
    reopened = lead_records.filter(is_opened).with_columns(
        pl.lit("batch").alias("kind"), pl.col("lead_id").alias("original_lead_id"),
        *(pl.when(whole).then(pl.col(c)).otherwise(None).alias(c) for c in ("contact_id", "crm_lead_id")),
    ).with_columns(pl.lit(None, dtype=pl.Utf8).alias("lead_id"))
    return lead_records.filter(~is_opened), reopened


def _reopened_in_place(state: ScoredRecords, leads: list[str]) -> tuple[ScoredRecords, pl.DataFrame] | None:
    """`state` with the records of `leads` re-opened where they stand (batch records carrying their lead in
    `original_lead_id`, keeping its CRM links, as `split_reopened` makes those of a lead kept whole), and those
    records; None when one of them is the earlier version of a corrected record (matched under a derived key)."""
    records = state.records
    opened = pl.col("lead_id").is_in(pl.Series(leads, dtype=pl.Utf8).implode()) & (pl.col("kind") == "lead")
    rows = records.filter(opened)
    if rows["record_key"].str.contains(EARLIER_VERSION_KEY).any():
        return None
    records = records.with_columns(
        pl.when(opened).then(pl.lit("batch")).otherwise(pl.col("kind")).alias("kind"),
        pl.when(opened).then(pl.col("lead_id")).otherwise(pl.col("original_lead_id")).alias("original_lead_id"),
        pl.when(opened).then(None).otherwise(pl.col("lead_id")).alias("lead_id"))
    reopened = rows.with_columns(pl.lit("batch").alias("kind"), pl.col("lead_id").alias("original_lead_id"),
                                 pl.lit(None, dtype=pl.Utf8).alias("lead_id"))
    return ScoredRecords(records, state.scored, state.pairs_per_pass, state.model, state.pairs_by_decision,
                         state.blocks_skipped, state.live_lead_ids), reopened


def records_of_reopened(records: pl.DataFrame, leads: list[str]) -> np.ndarray:
    """Per record: whether it is a re-opened record of one of `leads` (its original_lead_id): opened to heal, or by a
    reviewer's verdict of this run already."""
    return records["original_lead_id"].is_in(pl.Series(leads, dtype=pl.Utf8).implode()).fill_null(False).to_numpy()


def _chains(records: pl.DataFrame) -> list[tuple[str, str]]:
    """Consecutive record keys of each lead (sorted): links that keep a lead's records together."""
    ordered = records.sort("record_key")
    return [(a, b) for _, group in ordered.group_by("original_lead_id", maintain_order=True)
            for a, b in zip(group["record_key"], group["record_key"][1:])]


def resolve_import(batch: pl.DataFrame, crm_people: pl.DataFrame, superseded: pl.DataFrame, verdicts: Verdicts,
                   history: MatchHistory, settings: MatchSettings,
                   engine: ComparisonEngine | None = None) -> ImportResolution:
    """Which lead each record of this import belongs to: matched within the batch, against earlier weeks' leads
    and against CRM contacts and leads, with reviewers' verdicts and corrected files applied.

    - Verdicts act as must-link / cannot-link; a verdict's first run re-opens the leads it touches and clusters
      their records again: a lead only joined to another stays whole (its records chained), a lead being split
      keeps the earlier match links between its records that no cannot-link cuts.
    - A corrected file (same name, new bytes) replaces its earlier records with the same record id (and all
      positional ones): the earlier version stays matchable this run under `<key>@<sha prefix>`, so a
      corrected record finds its lead by matching; one that matches nothing keeps its earlier lead if that
      lead has no other record (only a record with a real id: positions say nothing about who a row is).
    - Moves are `corrected file version` for replaced records, else `reviewer verdict`; so are merges.

    `batch`: normalized records of this import (record_key and the matching columns); `superseded`: published
    records an incoming version replaces (record_key, lead_id, earlier_version_key, positional,
    lead_has_no_other_record).
    """
    replaced = superseded["record_key"].implode()
    opened_by_verdicts = list(verdicts.leads_to_open)
    preference = superseded.filter(~pl.col("positional") & pl.col("lead_has_no_other_record")).select(
        "record_key", pl.col("lead_id").alias("preferred_lead_id"))
    batch = batch.with_columns(pl.lit("batch").alias("kind"), *(pl.lit(None, dtype=pl.Utf8).alias(c)
                                                               for c in BATCH_EXTRAS)
                               ).join(preference, on="record_key", how="left")

    known_records = _with_optional(history.lead_records, OPTIONAL_MATCH_COLUMNS)  # place keys once, not per pass

    def resolve(verdicts: Verdicts) -> tuple[Resolution, pl.DataFrame, ScoredRecords, list[tuple[str, str]]]:
        lead_records, reopened = split_reopened(known_records, verdicts.leads_to_open,
                                                verdicts.leads_kept_whole)
        lead_records = lead_records.join(superseded.select("record_key", "earlier_version_key"), on="record_key",
                                         how="left").with_columns(
            pl.coalesce("earlier_version_key", "record_key").alias("record_key"))
        reopened = reopened.filter(~pl.col("record_key").is_in(replaced))
        match = (*ENTITY_COLUMNS, *OPTIONAL_MATCH_COLUMNS)
        lead_records, reopened, crm, new = (_with_optional(f, OPTIONAL_MATCH_COLUMNS)
                                            for f in (lead_records, reopened, crm_people, batch))
        known = pl.concat([lead_records.select(match),
                           crm.with_columns(pl.lit(None, dtype=pl.Utf8).alias("lead_id")).select(match)],
                          how="vertical_relaxed")
        records = pl.concat([new.select(*match, *HINT_COLUMNS),
                             reopened.select(*match, "original_lead_id").with_columns(
                                 pl.lit(None, dtype=pl.Utf8).alias("preferred_lead_id"))], how="vertical_relaxed")
        keep_together = _chains(reopened.filter(pl.col("original_lead_id").is_in(verdicts.leads_kept_whole)))
        replaced_keys = set(superseded["record_key"].to_list())
        keep_together += [(a, b) for a, b in history.standing_links
                          if a not in replaced_keys and b not in replaced_keys]
        state = score_records(records, known, settings, verdicts.must_link, engine,
                              _keys_of(verdicts.must_link, verdicts.cannot_link, keep_together))
        resolution = resolve_scored(state, settings, verdicts.must_link, verdicts.cannot_link, history.retired_ids,
                                    keep_together, keep_if_healing=True)
        return resolution, reopened, state, keep_together

    resolution, reopened, state, keep_together = resolve(verdicts)
    healed: list[str] = []
    if resolution.healable:  # overwhelming evidence joins existing leads: open them whole and join them, as an
        # accepted verdict would (the heal is recorded in core.lead_merges; a reviewer's reject reverses it)
        named = pl.Series(sorted({x for pair in resolution.healable for x in pair}), dtype=pl.Utf8)
        first_record = dict(history.lead_records.filter(pl.col("lead_id").is_in(named.implode())).group_by(
            "lead_id").agg(pl.col("record_key").min()).iter_rows())  # of the leads to heal, not of millions
        pairs = [(a, b) for a, b in resolution.healable if a in first_record and b in first_record
                 and a not in verdicts.leads_to_split and b not in verdicts.leads_to_split]
        healed = sorted({x for pair in pairs for x in pair})
        if healed:
            verdicts = Verdicts(verdicts.must_link + [(first_record[a], first_record[b]) for a, b in pairs],
                                verdicts.cannot_link, verdicts.pending,
                                sorted(set(verdicts.leads_to_open) | set(healed)),
                                sorted(set(verdicts.leads_kept_whole) | set(healed)))
            healing = _reopened_in_place(state, healed)
            if healing is None:  # a healed lead holds an earlier version of a corrected record: match all again
                state = resolution = None  # the first run's records and pairs are not needed
                resolution, reopened, state, _ = resolve(verdicts)
            else:  # the pairs are compared already: cluster the components of the healed leads again, with those
                # leads opened whole (every other component keeps its leads: at 5M leads 3.4 -> 2.8 s)
                state, opened = healing
                del healing
                again = Reclustering(records_of_reopened(state.records, healed), resolution.assignments,
                                     resolution.decisions)
                resolution = resolve_scored(state, settings, verdicts.must_link, verdicts.cannot_link,
                                            history.retired_ids, keep_together + _chains(opened), again=again)
                del again
                reopened = pl.concat([reopened.select("record_key"), opened.select("record_key")])
                del opened
    resolution = explained(resolution, state, settings)  # the first clustering, when no lead healed after all
    del state
    moves, merges = reassignments(resolution.assignments)
    # a corrected record whose lead changed moved, whether or not its earlier lead keeps other records
    earlier = superseded.filter(~pl.col("positional")).select("record_key", pl.col("lead_id").alias("from_lead_id"))
    corrected_moves = resolution.assignments.join(earlier, on="record_key").filter(
        pl.col("lead_id") != pl.col("from_lead_id")).select("record_key", "from_lead_id",
                                                            pl.col("lead_id").alias("to_lead_id"))
    moves = pl.concat([moves, corrected_moves.join(moves, on="record_key", how="anti")], how="vertical_relaxed")
    healed_only = sorted(set(healed) - set(opened_by_verdicts))
    moves = moves.with_columns(pl.when(pl.col("record_key").is_in(replaced)).then(pl.lit("corrected file version"))
                               .when(pl.col("from_lead_id").is_in(healed_only)).then(pl.lit(MERGED_BY_MATCHING))
                               .otherwise(pl.lit("reviewer verdict")).alias("reason"))
    merges = merges.with_columns(
        pl.when(pl.col("from_lead_id").is_in(healed_only)).then(pl.lit(MERGED_BY_MATCHING))
        .when(pl.col("from_lead_id").is_in(verdicts.leads_to_open)).then(pl.lit("reviewer verdict"))
        .otherwise(pl.lit("corrected file version")).alias("reason"))
    return ImportResolution(resolution.assignments, resolution.decisions, moves, merges, reopened["record_key"],
                            resolution)
