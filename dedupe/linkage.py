"""Candidate pairs and field comparisons with recordlinkage, scored by the Fellegi-Sunter settings.

Records come as one polars frame with a `kind` column: `batch` (this week's new records) or an
existing entity (`lead` source record, CRM `contact`, CRM `crm_lead`). Only pairs with at least one
batch record are compared: existing entities were resolved in earlier runs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import recordlinkage as rl

from dedupe.settings import MatchSettings

MISSING = -1.0


def _blocking_frame(records: pl.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Key columns with nulls replaced by a per-row sentinel, so a missing key never pairs two records."""
    sentinel = pl.format("\u0000missing-{}", pl.int_range(pl.len()))
    return records.select(
        pl.coalesce(pl.col(k).cast(pl.Utf8), sentinel).alias(k) for k in keys
    ).to_pandas()


def candidate_pairs(records: pl.DataFrame, settings: MatchSettings) -> tuple[pd.MultiIndex, dict[str, int]]:
    """Union of the blocking passes over `records`, keeping pairs that involve a batch record.

    Returns the pairs (positional index into `records`) and the number of pairs each pass proposed.
    """
    is_batch = (records["kind"] == "batch").to_numpy()
    per_pass: dict[str, int] = {}
    found: list[pd.MultiIndex] = []
    for rule in settings.blocking:
        frame = _blocking_frame(records, rule.keys)
        indexer = rl.Index()
        indexer.block(left_on=list(rule.keys))
        pairs = indexer.index(frame)
        if len(pairs):
            keep = is_batch[pairs.get_level_values(0)] | is_batch[pairs.get_level_values(1)]
            pairs = pairs[keep]
        per_pass[rule.name] = len(pairs)
        found.append(pairs)
    if not found or not sum(len(p) for p in found):
        return pd.MultiIndex.from_arrays([[], []]), per_pass
    union = found[0]
    for pairs in found[1:]:
        union = union.union(pairs)
    return union, per_pass


def compare_pairs(records: pl.DataFrame, pairs: pd.MultiIndex, settings: MatchSettings) -> pd.DataFrame:
    """Similarity in [0, 1] per comparison for each pair (-1 where either side is missing)."""
    columns = sorted({c.column for c in settings.comparisons})
    frame = records.select(columns).to_pandas()
    compare = rl.Compare()
    for comparison in settings.comparisons:
        if comparison.method == "exact":
            compare.exact(comparison.column, comparison.column, missing_value=MISSING, label=comparison.field)
        else:
            compare.string(comparison.column, comparison.column, method=comparison.method,
                           missing_value=MISSING, label=comparison.field)
    if len(pairs) == 0:
        return pd.DataFrame(columns=[c.field for c in settings.comparisons], index=pairs, dtype=float)
    features = compare.compute(pairs, frame).astype(float)
    # recordlinkage's exact() reports missing only for NaN on the left; make both sides count
    for comparison in settings.comparisons:
        left = frame[comparison.column].isna().to_numpy()[pairs.get_level_values(0)]
        right = frame[comparison.column].isna().to_numpy()[pairs.get_level_values(1)]
        features.loc[left | right, comparison.field] = MISSING
    return features


def score_pairs(features: pd.DataFrame, settings: MatchSettings) -> pl.DataFrame:
    """Per-field level weights, total match weight, match probability and decision for each compared pair."""
    out: dict[str, np.ndarray] = {
        "left": features.index.get_level_values(0).to_numpy().astype(np.int64),
        "right": features.index.get_level_values(1).to_numpy().astype(np.int64),
    }
    total = np.full(len(features), settings.prior_weight)
    for comparison in settings.comparisons:
        similarity = features[comparison.field].to_numpy().astype(np.float64)
        weight = np.zeros(len(features))
        for level in reversed(comparison.levels):  # best level last so it wins
            weight = np.where(similarity >= level.min_similarity, level.weight, weight)
        weight = np.where(similarity == MISSING, 0.0, weight)
        out[f"{comparison.field}_similarity"] = similarity
        out[f"{comparison.field}_weight"] = weight
        total = total + weight
    probability = 1.0 / (1.0 + np.exp2(-total))
    out["total_score"] = total
    out["match_probability"] = probability
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


def probability_to_weight(probability: float) -> float:
    """Inverse of the logistic link: the match weight that gives `probability`."""
    return math.log2(probability / (1 - probability))
