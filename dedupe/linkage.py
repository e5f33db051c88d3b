"""Candidate pairs and field comparisons with recordlinkage, scored by a Fellegi-Sunter model.

Records come as one polars frame with a `kind` column: `batch` (this week's new records) or an
existing entity (`lead` source record, CRM `contact`, CRM `crm_lead`). Only pairs with at least one
batch record are compared: existing entities were resolved in earlier runs. With `link_only`, only
pairs of one batch and one existing record are compared (linking two files, as in FEBRL4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import recordlinkage as rl

from dedupe.comparisons import MISSING, BestOfColumns, FastSimilarity, SwappedNames
from dedupe.model import (
    FittedModel, configured_model, estimate_by_sessions, estimate_u, levels, match_weights, probability,
)
from dedupe.settings import MatchSettings


def _blocking_frame(records: pl.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Key columns with nulls replaced by a per-row sentinel, so a missing key never pairs two records."""
    sentinel = pl.format("\u0000missing-{}", pl.int_range(pl.len()))
    return records.select(
        pl.coalesce(pl.col(k).cast(pl.Utf8).replace("", None), sentinel).alias(k) for k in keys
    ).to_pandas()


def _keep(pairs: pd.MultiIndex, is_batch: np.ndarray, link_only: bool) -> pd.MultiIndex:
    left, right = is_batch[pairs.get_level_values(0)], is_batch[pairs.get_level_values(1)]
    return pairs[(left != right) if link_only else (left | right)]


def candidate_pairs(records: pl.DataFrame, settings: MatchSettings,
                    link_only: bool = False) -> tuple[pd.MultiIndex, dict[str, int]]:
    """Union of the blocking passes over `records`, keeping pairs that involve a batch record.

    Returns the pairs (positional index into `records`) and the number of pairs each pass proposed.
    """
    union, per_rule = candidate_pairs_by_rule(records, settings, link_only)
    return union, {name: len(p) for name, p in per_rule.items()}


def candidate_pairs_by_rule(records: pl.DataFrame, settings: MatchSettings,
                            link_only: bool = False) -> tuple[pd.MultiIndex, dict[str, pd.MultiIndex]]:
    """The union of the blocking passes and each pass's own pairs (for training sessions)."""
    is_batch = (records["kind"] == "batch").to_numpy()
    per_pass: dict[str, pd.MultiIndex] = {}
    union = pd.MultiIndex.from_arrays([np.array([], dtype=np.int64), np.array([], dtype=np.int64)])
    for rule in settings.blocking:
        indexer = rl.Index()
        indexer.block(left_on=list(rule.keys))
        pairs = indexer.index(_blocking_frame(records, rule.keys))
        if len(pairs):
            pairs = _keep(pairs, is_batch, link_only)
        per_pass[rule.name] = pairs
        if len(pairs):
            union = pairs if not len(union) else union.union(pairs)
    return union, per_pass


def random_pairs(records: pl.DataFrame, n: int, seed: int, link_only: bool = False) -> pd.MultiIndex:
    """Up to `n` random distinct record pairs (batch x existing when `link_only`), for estimating u."""
    rng = np.random.default_rng(seed)
    if link_only:
        batch = np.flatnonzero((records["kind"] == "batch").to_numpy())
        other = np.flatnonzero((records["kind"] != "batch").to_numpy())
        if not len(batch) or not len(other):
            return pd.MultiIndex.from_arrays([[], []])
        left, right = rng.choice(batch, n), rng.choice(other, n)
    else:
        if records.height < 2:
            return pd.MultiIndex.from_arrays([[], []])
        left, right = rng.integers(0, records.height, n), rng.integers(0, records.height, n)
        keep = left != right
        left, right = left[keep], right[keep]
    return pd.MultiIndex.from_arrays([left, right])


def compare_pairs(records: pl.DataFrame, pairs: pd.MultiIndex, settings: MatchSettings) -> dict[str, np.ndarray]:
    """Similarity in [0, 1] per comparison for each pair (-1 where either side is missing)."""
    columns = sorted({c for comp in settings.comparisons for c in (comp.columns or (comp.column,))})
    frame = records.select(pl.col(c).cast(pl.Utf8) for c in columns).to_pandas()
    if len(pairs) == 0:
        return {c.field: np.zeros(0) for c in settings.comparisons}
    compare = rl.Compare()
    for comparison in settings.comparisons:
        if comparison.method == "swapped_names":
            compare.add(SwappedNames(*comparison.columns, label=comparison.field))
        elif comparison.method == "max_jarowinkler":
            compare.add(BestOfColumns(comparison.columns, label=comparison.field))
        else:
            compare.add(FastSimilarity(comparison.column, comparison.column, comparison.method,
                                       label=comparison.field))
    features = compare.compute(pairs, frame)
    return {c.field: features[c.field].to_numpy(dtype=np.float64) for c in settings.comparisons}


def fit_model(records: pl.DataFrame, union: pd.MultiIndex, per_rule: dict[str, pd.MultiIndex],
              candidate_levels: np.ndarray, settings: MatchSettings, link_only: bool = False) -> FittedModel:
    """u from random pairs, m by EM sessions per blocking rule, then the match share; the configured m/u
    when estimation is off or there are too few candidate pairs to learn from."""
    if not settings.estimate or len(candidate_levels) < settings.min_candidate_pairs:
        return configured_model(settings)
    sample = random_pairs(records, settings.random_pairs, settings.seed, link_only)
    u = estimate_u(levels(compare_pairs(records, sample, settings), settings), settings)
    sessions = []
    for rule in settings.blocking:
        pairs = per_rule.get(rule.name)
        if pairs is None or not len(pairs):
            continue
        rows = union.get_indexer(pairs)
        active = [not set(c.columns or (c.column,)) & set(rule.keys) for c in settings.comparisons]
        sessions.append((candidate_levels[rows], active))
    fitted = estimate_by_sessions(sessions, candidate_levels, u, settings)
    # The share of matches among candidate pairs is far above the chance that two records match at all;
    # scoring with it would let any two records that share a block merge on weak evidence. Like Splink,
    # score with the probability that two random comparable records match.
    batch = int((records["kind"] == "batch").sum())
    known = records.height - batch
    comparable = batch * known if link_only else batch * (batch - 1) // 2 + batch * known
    expected_matches = fitted.lam * len(candidate_levels)
    prior = min(max(expected_matches / max(comparable, 1), 1e-9), 0.5)
    return FittedModel(fitted.m, fitted.u, prior, True, fitted.em_iterations)


def term_frequency_u(records: pl.DataFrame, pairs: pd.MultiIndex, settings: MatchSettings) -> dict[int, np.ndarray]:
    """Per pair, the frequency of the left record's value for each comparison with term_frequency on."""
    out = {}
    left = pairs.get_level_values(0).to_numpy() if len(pairs) else np.zeros(0, dtype=np.int64)
    for k, comparison in enumerate(settings.comparisons):
        if not comparison.term_frequency:
            continue
        values = records[comparison.column].cast(pl.Utf8)
        freq = values.to_frame("v").with_columns(
            (pl.len().over("v") / values.drop_nulls().len()).alias("tf")
        )["tf"].fill_null(1.0).to_numpy()
        out[k] = freq[left]
    return out


def score_pairs(features: dict[str, np.ndarray], settings: MatchSettings, model: FittedModel | None = None,
                tf_u: dict[int, np.ndarray] | None = None, pairs: pd.MultiIndex | None = None) -> pl.DataFrame:
    """Per-field similarities and weights, total match weight, match probability and decision per pair."""
    model = model or configured_model(settings)
    level_matrix = levels(features, settings)
    weights, total = match_weights(level_matrix, model, tf_u)
    n = len(total)
    out: dict[str, np.ndarray] = {
        "left": (pairs.get_level_values(0).to_numpy() if pairs is not None and n else np.zeros(n)).astype(np.int64),
        "right": (pairs.get_level_values(1).to_numpy() if pairs is not None and n else np.zeros(n)).astype(np.int64),
    }
    for k, comparison in enumerate(settings.comparisons):
        out[f"{comparison.field}_similarity"] = features[comparison.field]
        out[f"{comparison.field}_weight"] = weights[:, k]
    out["total_score"] = total
    out["match_probability"] = probability(total)
    scored = pl.DataFrame(out)
    return scored.with_columns(
        pl.when(pl.col("match_probability") >= settings.match_threshold).then(pl.lit("match"))
        .when(pl.col("match_probability") >= settings.review_threshold).then(pl.lit("review"))
        .otherwise(pl.lit("non_match")).alias("decision"),
        _reason_expr(settings).alias("reason"),
    )


def _reason_expr(settings: MatchSettings) -> pl.Expr:
    """The fields that weighed most for and against, e.g. `+email +phone -company`."""
    parts = []
    for comparison in settings.comparisons:
        w = pl.col(f"{comparison.field}_weight")
        parts.append(pl.when(w >= 3).then(pl.lit(f"+{comparison.field}"))
                     .when(w <= -2).then(pl.lit(f"-{comparison.field}")).otherwise(None))
    return pl.concat_str(parts, separator=" ", ignore_nulls=True)


__all__ = ["MISSING", "candidate_pairs", "compare_pairs", "fit_model", "random_pairs", "score_pairs",
           "term_frequency_u"]
