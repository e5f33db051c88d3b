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

from dedupe.comparisons import MISSING, BestOfColumns, FastSimilarity, SwappedNames, Vocabulary
from dedupe.model import FittedModel, configured_model, levels, match_weights, probability
from dedupe.guards import DECISIONS, capped_at_review, decision_codes, swap_explains_names
from dedupe.settings import MatchSettings


# pairs per slice of work: compared together, unpacked together (bounds the per-slice temporaries)
COMPARE_CHUNK = 500_000


def pair_index(left: np.ndarray, right: np.ndarray, n_records: int) -> pd.MultiIndex:
    """Record pairs as recordlinkage expects them: a MultiIndex of positions. Built from codes over a
    RangeIndex, so nothing is hashed or factorised (what makes `MultiIndex.from_arrays` slow at scale)."""
    positions = pd.RangeIndex(max(n_records, 1))
    return pd.MultiIndex(levels=[positions, positions], codes=[np.asarray(left), np.asarray(right)],
                         verify_integrity=False)


def _rule_pairs(records: pl.DataFrame, keys: tuple[str, ...], link_only: bool) -> pl.LazyFrame:
    """Packed pairs (`pair`: higher position << 32 | lower) that agree exactly on every key (a missing or
    empty key never pairs), with a batch record on at least one side (on exactly one with `link_only`).

    An exact-key blocking pass is a hash join of the batch records against the records they may pair with,
    on the block id of their key values; only positions travel through the join."""
    keyed = records.lazy().select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), (pl.col("kind") == "batch").alias("_batch"),
        *(pl.col(k).cast(pl.Utf8).replace("", None).alias(k) for k in keys),
    ).drop_nulls(list(keys)).with_columns(
        pl.struct(list(keys)).rank("dense").cast(pl.UInt32).alias("_block")
    ).filter(pl.len().over("_block") > 1).select("_i", "_batch", "_block")
    left = keyed.filter(pl.col("_batch"))
    right = keyed.filter(~pl.col("_batch")) if link_only else keyed
    i, j = pl.col("_i").cast(pl.UInt64), pl.col("_i_r").cast(pl.UInt64)
    joined = left.join(right, on="_block", suffix="_r")
    if not link_only:  # a pair of two batch records is met from both sides: keep it once
        joined = joined.filter((pl.col("_i") != pl.col("_i_r")) & (~pl.col("_batch_r") | (pl.col("_i") > pl.col("_i_r"))))
    return joined.select((pl.max_horizontal(i, j) * (1 << 32) + pl.min_horizontal(i, j)).alias("pair"))


def candidate_pairs(records: pl.DataFrame, settings: MatchSettings,
                    link_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The union of the blocking passes: (left, right) int32 positions into `records`, higher position on
    the left, sorted by pair.

    Each pass is a polars hash join (`_rule_pairs`) instead of recordlinkage's `Block`, whose pandas merges
    and MultiIndex unions need minutes and gigabytes at tens of millions of pairs. The union is an in-place
    sort of the passes' packed pairs and a drop of repeats: the least memory of the ways tried (a hash
    unique holds a table as large again); positions are unpacked in slices, never a second 8-byte array."""
    if not settings.blocking or records.is_empty():
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    pairs = np.concatenate([np.zeros(0, dtype=np.uint64)] + [
        _rule_pairs(records, rule.keys, link_only).collect(engine="streaming")["pair"].to_numpy()
        for rule in settings.blocking])
    pairs.sort()
    keep = np.ones(len(pairs), dtype=bool)
    np.not_equal(pairs[1:], pairs[:-1], out=keep[1:])
    pairs = pairs[keep]
    left, right = np.empty(len(pairs), dtype=np.int32), np.empty(len(pairs), dtype=np.int32)
    for start in range(0, len(pairs), COMPARE_CHUNK):
        part = pairs[start:start + COMPARE_CHUNK]
        left[start:start + len(part)] = part >> np.uint64(32)
        right[start:start + len(part)] = part & np.uint64(0xFFFFFFFF)
    return left, right


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
    return pair_index(left, right, records.height)


def _encoded(records: pl.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, dict[str, Vocabulary]]:
    """Each column as int32 codes into its vocabulary of distinct non-empty values (-1 where empty)."""
    frame, vocabularies = {}, {}
    for column in columns:
        values = records.select(pl.col(column).cast(pl.Utf8).replace("", None).alias("v"))
        distinct = values.drop_nulls().unique().with_row_index("code")
        vocabularies[column] = Vocabulary(distinct["v"])
        frame[column] = values.join(distinct, on="v", how="left", maintain_order="left")["code"] \
            .cast(pl.Int32).fill_null(-1).to_numpy()
    return pd.DataFrame(frame), vocabularies


def _coded_compare(records: pl.DataFrame, settings: MatchSettings,
                   extra_columns: tuple[str, ...] = ()) -> tuple[pd.DataFrame, rl.Compare]:
    """The records as codes and a recordlinkage `Compare` with one feature per configured comparison."""
    columns = sorted({c for comp in settings.comparisons for c in (comp.columns or (comp.column,))}
                     | set(extra_columns))
    frame, vocabularies = _encoded(records, columns)
    compare = rl.Compare()
    for comparison in settings.comparisons:
        if comparison.method == "swapped_names":
            compare.add(SwappedNames(*comparison.columns, label=comparison.field,
                                     vocabularies=tuple(vocabularies[c] for c in comparison.columns)))
        elif comparison.method == "max_jarowinkler":
            compare.add(BestOfColumns(comparison.columns, label=comparison.field,
                                      vocabularies=tuple(vocabularies[c] for c in comparison.columns)))
        else:
            compare.add(FastSimilarity(comparison.column, comparison.column, comparison.method,
                                       label=comparison.field, vocabulary=vocabularies[comparison.column]))
    return frame, compare


def compute_features(compare: rl.Compare, frame: pd.DataFrame, left: np.ndarray, right: np.ndarray,
                     gathered: dict | None = None) -> dict[str, np.ndarray]:
    """Run the features of a recordlinkage `Compare` on the pairs (left[i], right[i]) of `frame`'s rows.

    The same features and the same `BaseCompareFeature._compute` entry as `Compare.compute`, without its
    orchestration: `Compare.compute` gathers each side with a pandas `.loc` on the pair MultiIndex and
    builds a result frame indexed by it, which at tens of millions of pairs costs more than the
    comparisons. Here each side is a numpy gather of integer codes, once per column (`gathered` keeps
    them for the caller: column -> (left codes, right codes))."""
    gathered = {} if gathered is None else gathered

    def side(name: str, which: int) -> pd.Series:
        if name not in gathered:
            codes = frame[name].to_numpy()
            gathered[name] = (codes[left], codes[right])
        return pd.Series(gathered[name][which], copy=False)

    out = {}
    for feature in compare.features:
        names_l = [feature.labels_left] if isinstance(feature.labels_left, str) else list(feature.labels_left)
        names_r = [feature.labels_right] if isinstance(feature.labels_right, str) else list(feature.labels_right)
        lefts = tuple(side(n, 0) for n in names_l)
        rights = tuple(side(n, 1) for n in names_r)
        out[feature.label] = np.asarray(feature._compute(lefts, rights), dtype=np.float64)
    return out


def compare_pairs(records: pl.DataFrame, pairs: pd.MultiIndex, settings: MatchSettings,
                  coded: tuple[pd.DataFrame, rl.Compare] | None = None) -> dict[str, np.ndarray]:
    """Similarity in [0, 1] per comparison for each pair (-1 where either side is missing).

    The features run on integer codes of the values (`compute_features`), so the pairs gather numbers, not
    Python strings, and each distinct value is one string for the string metric. `coded` reuses an
    encoding made by `_coded_compare`."""
    if len(pairs) == 0:
        return {c.field: np.zeros(0) for c in settings.comparisons}
    frame, compare = coded or _coded_compare(records, settings)
    left, right = pairs.get_level_values(0).to_numpy(), pairs.get_level_values(1).to_numpy()
    out = {c.field: np.empty(len(pairs), dtype=np.float64) for c in settings.comparisons}
    for start in range(0, len(pairs), COMPARE_CHUNK):
        stop = min(start + COMPARE_CHUNK, len(pairs))
        for field, values in compute_features(compare, frame, left[start:stop], right[start:stop]).items():
            out[field][start:stop] = values
    return out


def score_pairs(features: dict[str, np.ndarray], settings: MatchSettings, model: FittedModel | None = None,
                tf_u: dict[int, np.ndarray] | None = None, pairs: pd.MultiIndex | None = None) -> pl.DataFrame:
    """Per-field similarities and weights, total match weight, match probability and decision per pair."""
    model = model or configured_model(settings)
    level_matrix = levels(features, settings)
    weights, total = swap_explains_names(level_matrix, *match_weights(level_matrix, model, tf_u), settings)
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
    capped = capped_at_review(level_matrix, settings)
    out["decision"] = np.array(DECISIONS, dtype=object)[decision_codes(out["match_probability"], capped, settings)]
    scored = pl.DataFrame(out, schema_overrides={"decision": pl.Utf8}).with_columns(pl.Series("_capped", capped))
    return scored.with_columns(
        pl.when(pl.col("_capped") & (pl.col("match_probability") >= settings.match_threshold))
        .then(pl.concat_str(pl.lit("kept apart: different first names without a shared email; "),
                            _reason_expr(settings)))
        .otherwise(_reason_expr(settings)).alias("reason"),
    ).drop("_capped")


def _reason_expr(settings: MatchSettings) -> pl.Expr:
    """The fields that weighed most for and against, e.g. `+email +phone -company`."""
    parts = []
    for comparison in settings.comparisons:
        w = pl.col(f"{comparison.field}_weight")
        parts.append(pl.when(w >= 3).then(pl.lit(f"+{comparison.field}"))
                     .when(w <= -2).then(pl.lit(f"-{comparison.field}")).otherwise(None))
    return pl.concat_str(parts, separator=" ", ignore_nulls=True)


__all__ = ["MISSING", "candidate_pairs", "compare_pairs", "pair_index", "random_pairs", "score_pairs"]
