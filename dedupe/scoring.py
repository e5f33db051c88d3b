"""The matcher at scale: block, compare, learn without labels and decide, in a few bytes per candidate pair.

Every candidate pair is reduced, chunk by chunk, to its *level pattern* (one integer: the level of each
comparison read as a mixed-radix number) and one bit per blocking pass it agrees on. Everything the
Fellegi-Sunter model needs is then a function of the pattern: EM runs on pattern counts (per training
session: the pairs agreeing on that pass's keys), and the match weight, probability and decision are
looked up per pattern, with the term-frequency adjustment added per pair for the comparisons that use
it. Per-field similarities, weights and reasons (the explanation) are computed afterwards for the pairs
worth explaining only (`explained_pairs`), with the same model, so they agree with the decision.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from dedupe.blocking_keys import KEY_SOURCES
from dedupe.comparisons import Encoded
from dedupe.engines import ComparisonEngine, LocalEngine, chunked
from dedupe.guards import DECISIONS, capped_at_review, decision_codes
from dedupe.linkage import (
    COMPARE_CHUNK, candidate_pairs, compare, compare_pairs, encoded_records, random_pairs, score_pairs,
)
from dedupe.model import (
    FittedModel, configured_model, decode_patterns, estimate_by_sessions, estimate_u, match_weights, pattern_codes,
    pattern_radices, patterns_with_counts, probability,
)
from dedupe.settings import MatchSettings

COMPARE_THREADS = min(2, os.cpu_count() or 1)


def counted(values: np.ndarray, size: int) -> np.ndarray:
    """`np.bincount` of codes in [0, size), slice by slice: bincount widens its input to 8 bytes per value, which for
    90 million one-byte codes is a 730 MB temporary."""
    out = np.zeros(size, dtype=np.int64)
    for start in range(0, len(values), COMPARE_CHUNK):
        out += np.bincount(values[start:start + COMPARE_CHUNK], minlength=size)
    return out


@dataclass(frozen=True)
class Candidates:
    """Every candidate pair (positions into the records, higher first) with its level pattern, match
    probability and decision (index into DECISIONS); `encoded` and `term_frequencies` are kept so the
    explanation of chosen pairs reuses them instead of encoding the records again."""

    left: np.ndarray
    right: np.ndarray
    pattern: np.ndarray
    probability: np.ndarray
    decision: np.ndarray
    pairs_per_pass: dict[str, int]
    model: FittedModel
    encoded: Encoded = field(repr=False)
    term_frequencies: dict = field(repr=False)
    blocks_skipped: dict[str, dict[str, int]] = field(default_factory=dict)  # candidate_pairs(skipped=)
    decided: dict[str, int] | None = None  # pairs per decision, when only some pairs are kept (`rejected_kept`)

    def __len__(self) -> int:
        return len(self.left)

    def counts(self) -> dict[str, int]:
        """Candidate pairs per decision, every pair scored (also those let go)."""
        if self.decided is not None:
            return dict(self.decided)
        return {name: int(n) for name, n in zip(DECISIONS, counted(self.decision, len(DECISIONS)))}


@dataclass
class Blocked:
    """The candidate pairs of the records (positions, higher first, sorted), the passes that proposed each (one bit
    per pass), and the blocks each capped pass skipped."""

    left: np.ndarray
    right: np.ndarray
    agrees: np.ndarray
    skipped: dict[str, dict[str, int]]

    def narrowed(self, keep: np.ndarray) -> Blocked:
        """The same pairs as positions among the records `keep` (a boolean mask holding every paired record)."""
        index = np.cumsum(keep, dtype=np.int64) - 1
        return Blocked(index[self.left].astype(np.int32), index[self.right].astype(np.int32), self.agrees,
                       self.skipped)


def block(records: pl.DataFrame, settings: MatchSettings, link_only: bool = False) -> Blocked:
    """The union of the settings' blocking passes over the records (`dedupe.linkage.candidate_pairs`)."""
    skipped: dict[str, dict[str, int]] = {}
    left, right, agrees = candidate_pairs(records, settings, link_only, with_passes=True, skipped=skipped)
    return Blocked(left, right, agrees, skipped)


@dataclass(frozen=True)
class Population:
    """What the model learns from all the records when only those in a candidate pair are scored (`dedupe.resolve.
    score_records`): random pairs of all of them for u (their records encoded apart: positions into `sample`), each
    scored record's term frequencies among all of them, how many are batch records and how many known, and whether
    they give first names as written. The model, and so every decision, is the one of scoring them all."""

    sample: Encoded
    sample_left: np.ndarray
    sample_right: np.ndarray
    term_frequencies: dict[int, np.ndarray]
    batch: int
    known: int
    raw_first_given: bool


def population_of(records: pl.DataFrame, scored: np.ndarray, settings: MatchSettings,
                  link_only: bool = False) -> Population:
    """The Population of `records` when only the rows `scored` (a boolean mask) are scored."""
    raw = "first_name_key"
    given = raw in records.columns and bool(records[raw].cast(pl.Utf8).replace("", None).is_not_null().any())
    left = right = np.zeros(0, dtype=np.int64)
    if settings.estimate:
        left, right = random_pairs(records, settings.random_pairs, settings.seed, link_only)
    positions, inverse = np.unique(np.concatenate([left, right]), return_inverse=True)
    sample = encoded_records(records[positions], settings, raw_first_given=given)
    tf = {k: freq[scored] for k, freq in _term_frequencies(records, settings).items()}
    batch = int((records["kind"] == "batch").sum())
    return Population(sample, inverse[:len(left)], inverse[len(left):], tf, batch, records.height - batch, given)


def _term_frequencies(records: pl.DataFrame, settings: MatchSettings) -> dict[int, np.ndarray]:
    """Per comparison with term_frequency on, each record's value frequency among the records (1.0 when
    empty); only with enough records to know what is common."""
    if not settings.use_term_frequencies(records.height):
        return {}
    out = {}
    for k, comparison in enumerate(settings.comparisons):
        if comparison.term_frequency:
            values = records[comparison.column].cast(pl.Utf8)
            out[k] = values.to_frame("v").select(
                (pl.len().over("v") / max(values.drop_nulls().len(), 1)).alias("tf")
            )["tf"].fill_null(1.0).to_numpy()
    return out


def _pattern_tables(model: FittedModel, settings: MatchSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pattern code: total match weight, the per-comparison level rows, and whether a guard caps it at review."""
    rows = decode_patterns(np.arange(math.prod(pattern_radices(settings)), dtype=np.int64), settings)
    _, total = match_weights(rows, model)
    return total, rows, capped_at_review(rows, settings)


def decide(left: np.ndarray, pattern: np.ndarray, model: FittedModel, settings: MatchSettings,
           tf: dict[int, np.ndarray], tables: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """Match probability (float32) and decision (index into DECISIONS) per pair from its pattern and, for
    term-frequency comparisons at their best level, the left record's value frequency. `tables`: the model's
    `_pattern_tables`, when deciding slice by slice."""
    total_of, rows, capped_of = tables if tables is not None else _pattern_tables(model, settings)
    p_of = probability(total_of)
    if not tf:  # everything is a function of the pattern: two small tables and two gathers
        return p_of.astype(np.float32)[pattern], decision_codes(p_of, capped_of, settings, total_of)[pattern]
    p = np.empty(len(pattern), dtype=np.float32)
    decision = np.empty(len(pattern), dtype=np.int8)
    for start in range(0, len(pattern), COMPARE_CHUNK):
        part = pattern[start:start + COMPARE_CHUNK]
        total = total_of[part]
        for k, freq in tf.items():
            exact = rows[part, k] == 0
            m0, u0 = model.m[k][0], model.u[k][0]
            freq_left = np.clip(freq[left[start:start + COMPARE_CHUNK]], 1e-9, 1.0)
            total = total + exact * (np.log2(m0 / freq_left) - np.log2(m0 / u0))
        p_part = probability(total)
        p[start:start + len(part)] = p_part
        decision[start:start + len(part)] = decision_codes(p_part, capped_of[part], settings, total)
    return p, decision


def pattern_chunk(shared: tuple[Encoded, MatchSettings], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The level pattern of each pair of one chunk (what a comparison engine runs, here or on a cluster)."""
    encoded, settings = shared
    dtype = np.int16 if math.prod(pattern_radices(settings)) <= 1 << 15 else np.int32
    return pattern_codes(compare(encoded, settings, left, right)[0], settings).astype(dtype, copy=False)


def score_candidates(records: pl.DataFrame, settings: MatchSettings, link_only: bool = False,
                     accepted: tuple[np.ndarray, np.ndarray] | None = None,
                     engine: ComparisonEngine | None = None, rejected_kept: bool = True,
                     population: Population | None = None, blocked: Blocked | None = None) -> Candidates:
    """Block (the union of the passes, pairs with a batch record), compare, fit (u from random pairs, m by
    EM per blocking pass, the prior from the expected matches) and decide every candidate pair. `accepted`:
    positions (left, right) of pairs reviewers accepted, which refine m as labelled matches. `engine`: where the
    pairs are compared (dedupe.engines; default: two threads in this process). Without `rejected_kept`, past
    `settings.explain_every_pair_up_to` pairs only those decided match or review are kept (decided slice by slice:
    no probability or decision array for the tens of millions of rejected pairs), and `counts()` still covers
    every pair. `blocked`: the candidate pairs when the caller blocked already (`block`); `population`: `records`
    are those of a larger set that can pair; the model is learnt as from all of that set."""
    blocked = blocked or block(records, settings, link_only)
    left, right, agrees, blocks_skipped = blocked.left, blocked.right, blocked.agrees, blocked.skipped
    del blocked
    encoded = encoded_records(records, settings, raw_first_given=population and population.raw_first_given)
    # int16 when the settings have at most 32,768 patterns
    dtype = np.int16 if math.prod(pattern_radices(settings)) <= 1 << 15 else np.int32
    engine = engine or LocalEngine(COMPARE_THREADS, COMPARE_CHUNK)
    parts = engine.map_chunks(pattern_chunk, (encoded, settings), chunked(left, right, engine.chunk_pairs))
    pattern = np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype=dtype)
    del parts
    # the pairs each pass proposed (agreeing on all of its keys, in blocks within its size cap)
    flag_counts = counted(agrees, 1 << len(settings.blocking)) if len(settings.blocking) <= 16 else None
    pairs_per_pass = {
        rule.name: int(flag_counts[(np.arange(len(flag_counts)) >> bit) & 1 == 1].sum()) if flag_counts is not None
        else int(((agrees >> agrees.dtype.type(bit)) & agrees.dtype.type(1)).sum())
        for bit, rule in enumerate(settings.blocking)}
    model = _fit(records, pattern, agrees, settings, link_only, encoded, accepted, population)
    del agrees
    tf = population.term_frequencies if population is not None else _term_frequencies(records, settings)
    if rejected_kept or len(pattern) <= settings.explain_every_pair_up_to:
        p, decision = decide(left, pattern, model, settings, tf)
        return Candidates(left, right, pattern, p, decision, pairs_per_pass, model, encoded, tf, blocks_skipped)
    kept, parts, counts = [], [], np.zeros(len(DECISIONS), dtype=np.int64)
    tables = _pattern_tables(model, settings)
    for start in range(0, len(pattern), COMPARE_CHUNK):
        stop = min(start + COMPARE_CHUNK, len(pattern))
        p, decision = decide(left[start:stop], pattern[start:stop], model, settings, tf, tables)
        counts += np.bincount(decision, minlength=len(DECISIONS))
        rows = np.flatnonzero(decision > 0)
        kept.append(rows + start)
        parts.append((p[rows], decision[rows]))
    rows = np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)
    return Candidates(left[rows], right[rows], pattern[rows],
                      np.concatenate([p for p, _ in parts]) if parts else np.zeros(0, dtype=np.float32),
                      np.concatenate([d for _, d in parts]) if parts else np.zeros(0, dtype=np.int8),
                      pairs_per_pass, model, encoded, tf, blocks_skipped,
                      decided={name: int(n) for name, n in zip(DECISIONS, counts)})


def _fit(records: pl.DataFrame, pattern: np.ndarray, agrees: np.ndarray, settings: MatchSettings,
         link_only: bool, encoded: Encoded, accepted: tuple[np.ndarray, np.ndarray] | None = None,
         population: Population | None = None) -> FittedModel:
    if not settings.estimate or len(pattern) < settings.min_candidate_pairs:
        return configured_model(settings)
    if population is None:
        sample_left, sample_right = random_pairs(records, settings.random_pairs, settings.seed, link_only)
        u = estimate_u(compare_pairs(encoded, settings, sample_left, sample_right)[0], settings)
    else:
        u = estimate_u(compare_pairs(population.sample, settings, population.sample_left,
                                     population.sample_right)[0], settings)
    size = math.prod(pattern_radices(settings))
    # pattern counts per combination of passes agreed on, in one pass over the pairs
    flags = 1 << len(settings.blocking)
    joint = None
    if size * flags <= 1 << 24:  # counted in slices: no 8-byte temporary per pair
        joint = np.zeros(size * flags, dtype=np.int64)
        for start in range(0, len(pattern), COMPARE_CHUNK):
            part = pattern[start:start + COMPARE_CHUNK].astype(np.int64) * flags + agrees[start:start + COMPARE_CHUNK]
            joint += np.bincount(part, minlength=size * flags)
        joint = joint.reshape(size, flags)
    sessions = []
    for bit, rule in enumerate(settings.blocking):
        if joint is not None:
            counts = joint[:, (np.arange(flags) >> bit) & 1 == 1].sum(axis=1)
        else:  # many passes: one pass over the pairs per blocking rule
            counts = np.bincount(pattern[(agrees >> agrees.dtype.type(bit)) & agrees.dtype.type(1) == 1],
                                 minlength=size)
        if counts.sum() < 2:
            continue
        blocked = {k for key in rule.keys for k in (key, *KEY_SOURCES.get(key, ()))}
        active = [c.evidence and not set(c.columns) & blocked for c in settings.comparisons]
        sessions.append((patterns_with_counts(counts, settings), active))
    all_counts = joint.sum(axis=1) if joint is not None else np.bincount(pattern, minlength=size)
    known = None
    if accepted is not None and len(accepted[0]) and settings.verdict_weight:
        known = (compare_pairs(encoded, settings, np.asarray(accepted[0]), np.asarray(accepted[1]))[0],
                 settings.verdict_weight)
    fitted = estimate_by_sessions(sessions, patterns_with_counts(all_counts, settings), u, settings, known)
    # The share of matches among candidate pairs is far above the chance that two records match at all;
    # scoring with it would let any two records that share a block merge on weak evidence. Like Splink,
    # score with the probability that two random comparable records match.
    batch = int((records["kind"] == "batch").sum()) if population is None else population.batch
    known = records.height - batch if population is None else population.known
    comparable = batch * known if link_only else batch * (batch - 1) // 2 + batch * known
    prior = min(max(fitted.lam * len(pattern) / max(comparable, 1), 1e-9), 0.5)
    return FittedModel(fitted.m, fitted.u, prior, True, fitted.em_iterations)


def explained_pairs(records: pl.DataFrame, candidates: Candidates, settings: MatchSettings,
                    rows: np.ndarray) -> pl.DataFrame:
    """The explanation of the chosen candidate rows: per-field similarities and weights, total score,
    probability, decision and reason (`dedupe.linkage.score_pairs` with the fitted model)."""
    left, right = candidates.left[rows], candidates.right[rows]
    level_matrix, sims = compare_pairs(candidates.encoded, settings, left, right, with_similarity=True)
    tf_u = {k: freq[left] for k, freq in candidates.term_frequencies.items()} or None
    return score_pairs(level_matrix, sims, settings, candidates.model, tf_u, left, right)
