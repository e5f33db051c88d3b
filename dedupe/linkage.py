"""Candidate pairs by blocking, field comparisons by the settings' comparison objects, scored by a Fellegi-Sunter
model.

Records come as one polars frame with a `kind` column: `batch` (this week's new records) or an
existing entity (`lead` source record, CRM `contact`, CRM `crm_lead`). Only pairs with at least one
batch record are compared: existing entities were resolved in earlier runs. With `link_only`, only
pairs of one batch and one existing record are compared (linking two files, as in FEBRL4).
"""

from __future__ import annotations

import sys

import numpy as np
import polars as pl

from dedupe.blocking_keys import with_keys
from dedupe.comparisons import MISSING, Encoded, PairValues, encode
from dedupe.guards import DECISIONS, GUARD_COLUMN, GUARD_NAMES, GUARD_REASONS, capping_guard, decision_codes
from dedupe.model import FittedModel, configured_model, match_weights, probability
from dedupe.settings import MatchSettings


# pairs per slice of work: compared together, unpacked together (bounds the per-slice temporaries)
COMPARE_CHUNK = 500_000


def _keyed(records: pl.DataFrame, keys: tuple[str, ...], batch_keys_only: bool = False) -> pl.LazyFrame:
    """Each record with a value for every key: its position, whether it is a batch record, its block id (the
    position + 1 of the block's first record: a hash group-by, where ranking the keys sorted them, 4x slower at 5M
    records) and its block's size. `batch_keys_only`: only the records whose keys a batch record has too (only a
    block holding a batch record makes pairs: against millions of earlier records most blocks hold none, and their
    records are left out before the blocks are sized; all of a block's records share its keys, so none is left out
    of a block that is kept)."""
    keyed = records.lazy().select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), (pl.col("kind") == "batch").alias("_batch"),
        *(pl.col(k).cast(pl.Utf8).replace("", None).alias(k) for k in keys),
    ).drop_nulls(list(keys))
    if batch_keys_only:
        keyed = keyed.join(keyed.filter(pl.col("_batch")).select(*keys).unique(), on=list(keys), how="semi",
                           maintain_order="left")
    return keyed.with_columns(
        (pl.col("_i").min().over(list(keys)) + 1).alias("_block"),
        pl.len().over(list(keys)).cast(pl.UInt32).alias("_size"))


def _placed(records: pl.DataFrame, keys: tuple[str, ...], max_block_size: int | None = None,
            batch_keys_only: bool = False) -> tuple[pl.DataFrame, dict[str, int] | None]:
    """The records a pass may pair (`_i`, `_batch`, `_block`): a value for every key, in a block of two or more
    records and at most `max_block_size`. Made once per pass; its pairs, their count and each record's block id
    are read from it. With a cap, also what it skipped: the blocks over the cap that hold a batch record, and their
    records (counted from the same block sizes: the keys are grouped once per pass). `batch_keys_only`: see
    `_keyed`."""
    sized = _keyed(with_keys(records, keys), keys, batch_keys_only).select("_i", "_batch", "_block", "_size").collect()
    size = pl.col("_size")
    placed = sized.filter((size > 1) & (size <= max_block_size) if max_block_size else size > 1).drop("_size")
    if not max_block_size:
        return placed, None
    over = sized.filter(size > max_block_size).group_by("_block").agg(pl.len(), pl.col("_batch").any()).filter(
        "_batch")
    return placed, {"blocks": over.height, "records": int(over["len"].sum() or 0)}


def _rule_pairs(placed: pl.DataFrame, link_only: bool) -> pl.LazyFrame:
    """Packed pairs (`pair`: higher position << 32 | lower) of the records one pass placed in one block, with a batch
    record on at least one side (on exactly one with `link_only`).

    An exact-key blocking pass is a hash join of the batch records against the records they may pair with,
    on the block id of their key values; only positions travel through the join."""
    keyed = placed.lazy()
    left = keyed.filter(pl.col("_batch"))
    right = keyed.filter(~pl.col("_batch")) if link_only else keyed
    i, j = pl.col("_i").cast(pl.UInt64), pl.col("_i_r").cast(pl.UInt64)
    joined = left.join(right, on="_block", suffix="_r")
    if not link_only:  # a pair of two batch records is met from both sides: keep it once
        joined = joined.filter((pl.col("_i") != pl.col("_i_r")) & (~pl.col("_batch_r") | (pl.col("_i") > pl.col("_i_r"))))
    return joined.select((pl.max_horizontal(i, j) * (1 << 32) + pl.min_horizontal(i, j)).alias("pair"))


def _block_ids(placed: pl.DataFrame, n_records: int) -> np.ndarray:
    """Per record, the id (>= 1) of the block a pass puts it in, or 0 where it pairs with nobody on that pass (a
    missing key, a block of one, a block over the size cap, a block without a batch record)."""
    ids = np.zeros(n_records, dtype=np.uint32)
    ids[placed["_i"].to_numpy()] = placed["_block"].to_numpy()
    return ids


def _pass_size(placed: pl.DataFrame, link_only: bool) -> int:
    """How many pairs `_rule_pairs` yields for one pass, counted from its block sizes (no pair is made)."""
    blocks = placed.group_by("_block").agg(
        pl.col("_batch").sum().cast(pl.Int64).alias("b"), (~pl.col("_batch")).sum().cast(pl.Int64).alias("k"))
    pairs = pl.col("b") * pl.col("k") if link_only else pl.col("b") * (pl.col("b") - 1) // 2 + pl.col("b") * pl.col("k")
    return int(blocks.select(pairs.sum()).item() or 0)


def _sorted_union(placed: list[pl.DataFrame], names: list[str], link_only: bool) -> np.ndarray:
    """The passes' packed pairs, sorted, each once, in one buffer sized from the passes' block sizes: a pass is
    copied in as soon as it is made, so the passes never sit in memory twice (a concatenation would)."""
    sizes = [_pass_size(frame, link_only) for frame in placed]
    pairs = np.empty(sum(sizes), dtype=np.uint64)
    filled = 0
    for frame, name, expected in zip(placed, names, sizes):
        if not expected:
            continue
        made = _rule_pairs(frame, link_only).collect(engine="streaming")["pair"]
        if len(made) != expected:  # the count and the join disagree: a bug, never a silently short union
            raise AssertionError(f"blocking pass {name!r} made {len(made)} pairs, {expected} counted")
        for chunk in made.get_chunks():  # each chunk read in place: no second copy of the pass
            pairs[filled:filled + len(chunk)] = chunk.to_numpy()
            filled += len(chunk)
        del made
    pairs.sort()
    # drop repeats in place, slice by slice (the write position never passes the read position; the last value
    # of the slice before is remembered as read, since writing may have overwritten it)
    kept, last = 0, None
    for start in range(0, len(pairs), COMPARE_CHUNK):
        part = pairs[start:start + COMPARE_CHUNK]
        first = np.ones(len(part), dtype=bool)
        np.not_equal(part[1:], part[:-1], out=first[1:])
        if last is not None and part[0] == last:
            first[0] = False
        last = part[-1].copy()
        unique = part[first]
        pairs[kept:kept + len(unique)] = unique
        kept += len(unique)
    pairs.resize(kept, refcheck=False)
    return pairs


def candidate_pairs(records: pl.DataFrame, settings: MatchSettings, link_only: bool = False,
                    with_passes: bool = False, skipped: dict[str, dict[str, int]] | None = None):
    """The union of the blocking passes: (left, right) int32 positions into `records`, higher position on
    the left, sorted by pair.

    Each pass is a polars hash join (`_rule_pairs`) instead of recordlinkage's `Block`, whose pandas merges
    and MultiIndex unions need minutes and gigabytes at tens of millions of pairs. The union (`_sorted_union`) is
    an in-place sort of the passes' packed pairs and an in-place drop of repeats: the least memory of the ways
    tried (a hash unique holds a table as large again). `left` and `right` are the two halves of each packed pair,
    read in place (no second 8-byte array per pair).

    `with_passes`: also return, per pair, one bit per blocking pass that proposed it (the pairs that agree on all
    of its keys, in blocks within its size cap), read from each record's block id on that pass.

    `skipped`: filled, per pass with a `max_block_size`, with the blocks holding a batch record that it skipped for
    being larger, and their records: what a run's metadata shows, so a pass that stopped proposing pairs does not go
    unnoticed (large blocks of earlier leads alone are not this import's)."""
    passes = len(settings.blocking)
    flag_type = np.uint8 if passes <= 8 else np.uint16 if passes <= 16 else np.uint32
    if not settings.blocking or records.is_empty():
        empty = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
        return (*empty, np.zeros(0, dtype=flag_type)) if with_passes else empty
    # against more earlier records than batch ones, blocks without a batch record are left out first
    few = int((records["kind"] == "batch").sum()) * 2 < records.height
    made = [_placed(records, rule.keys, rule.max_block_size, few) for rule in settings.blocking]
    placed = [frame for frame, _ in made]
    if skipped is not None:
        skipped.update({rule.name: counts for rule, (_, counts) in zip(settings.blocking, made) if counts is not None})
    del made
    pairs = _sorted_union(placed, [rule.name for rule in settings.blocking], link_only)
    if sys.byteorder == "little" and records.height < 1 << 31:  # a pair is (lower, higher) as two int32 words
        halves = pairs.view(np.int32)
        left, right = halves[1::2], halves[0::2]
    else:
        left, right = (pairs >> np.uint64(32)).astype(np.int32), (pairs & np.uint64(0xFFFFFFFF)).astype(np.int32)
        del pairs
    if not with_passes:
        return left, right
    agrees = np.zeros(len(left), dtype=flag_type)
    for bit, frame in enumerate(placed):
        ids = _block_ids(frame, records.height)
        flag = flag_type(1 << bit)
        for start in range(0, len(left), COMPARE_CHUNK):
            a, b = ids[left[start:start + COMPARE_CHUNK]], ids[right[start:start + COMPARE_CHUNK]]
            agrees[start:start + len(a)] |= ((a == b) & (a != 0)).astype(flag_type) * flag
    return left, right, agrees


def random_pairs(records: pl.DataFrame, n: int, seed: int, link_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Up to `n` random distinct record pairs (batch x existing when `link_only`), for estimating u."""
    rng = np.random.default_rng(seed)
    if link_only:
        batch = np.flatnonzero((records["kind"] == "batch").to_numpy())
        other = np.flatnonzero((records["kind"] != "batch").to_numpy())
        if not len(batch) or not len(other):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return rng.choice(batch, n), rng.choice(other, n)
    if records.height < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    left, right = rng.integers(0, records.height, n), rng.integers(0, records.height, n)
    keep = left != right
    return left[keep], right[keep]


def encoded_records(records: pl.DataFrame, settings: MatchSettings, extra_columns: tuple[str, ...] = (),
                    raw_first_given: bool | None = None) -> Encoded:
    """The records' comparison (and `extra_columns`) values as codes; the name columns share one vocabulary, and
    names are aligned when the settings compare swapped names. `raw_first_given`: whether the records a subset is
    taken from give first names as written (`dedupe.comparisons.pairs.encode`; None: as `records` do)."""
    wanted = {c for comp in settings.comparisons for c in comp.columns} | set(extra_columns)
    columns = sorted(c for c in wanted if c in records.columns)
    names = tuple(sorted({c for comp in settings.comparisons if comp.name_group for c in comp.columns
                          if c in records.columns}))
    swap = next((comp.columns for comp in settings.comparisons if comp.method == "swapped_names"), ())
    if swap:
        raw_first = "first_name_key" if "first_name_key" in names else swap[0]
        swap = (*swap, raw_first)
    return encode(records, columns, [names] if names else [], swap, raw_first_given)


def compare(encoded: Encoded, settings: MatchSettings, left: np.ndarray, right: np.ndarray,
            with_similarity: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Per pair (left[i], right[i]) and comparison: the level (0 = best, MISSING_LEVEL where a side is empty) and,
    when asked, the similarity that explains it."""
    pairs = PairValues(encoded, left, right)
    level = np.empty((len(left), len(settings.comparisons)), dtype=np.int8)
    sims = np.empty((len(left), len(settings.comparisons)), dtype=np.float32) if with_similarity else None
    for k, comparison in enumerate(settings.comparisons):
        level[:, k], sim = comparison.compare(pairs)
        if sims is not None:
            sims[:, k] = sim
    return level, sims


def compare_pairs(encoded: Encoded, settings: MatchSettings, left: np.ndarray, right: np.ndarray,
                  with_similarity: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """`compare` in slices of COMPARE_CHUNK pairs."""
    n, k = len(left), len(settings.comparisons)
    level = np.empty((n, k), dtype=np.int8)
    sims = np.empty((n, k), dtype=np.float32) if with_similarity else None
    for start in range(0, n, COMPARE_CHUNK):
        stop = min(start + COMPARE_CHUNK, n)
        part_level, part_sims = compare(encoded, settings, left[start:stop], right[start:stop], with_similarity)
        level[start:stop] = part_level
        if sims is not None:
            sims[start:stop] = part_sims
    return level, sims


def score_pairs(level_matrix: np.ndarray, similarities: np.ndarray, settings: MatchSettings,
                model: FittedModel | None = None, tf_u: dict[int, np.ndarray] | None = None,
                left: np.ndarray | None = None, right: np.ndarray | None = None) -> pl.DataFrame:
    """Per-field similarities, levels and weights, total match weight, match probability and decision per pair."""
    model = model or configured_model(settings)
    weights, total = match_weights(level_matrix, model, tf_u)
    n = len(total)
    out: dict[str, np.ndarray] = {
        "left": (left if left is not None else np.zeros(n)).astype(np.int64),
        "right": (right if right is not None else np.zeros(n)).astype(np.int64),
    }
    for k, comparison in enumerate(settings.comparisons):
        out[f"{comparison.field}_similarity"] = similarities[:, k].astype(np.float64)
        out[f"{comparison.field}_weight"] = weights[:, k]
    out["total_score"] = total
    out["match_probability"] = probability(total)
    guard = capping_guard(level_matrix, settings)
    capped = guard > 0
    if settings.name_guards_yield_above is not None:
        capped &= total < settings.name_guards_yield_above
    out["decision"] = np.array(DECISIONS, dtype=object)[decision_codes(out["match_probability"], capped, settings)]
    # the guard that kept a pair out of `match` (clustering may keep such pairs apart through other records too)
    held = capped & (out["match_probability"] >= settings.match_threshold)
    named = pl.Series(GUARD_COLUMN, np.where(held, guard, 0)).replace_strict(
        {code: name or None for code, name in enumerate(GUARD_NAMES)}, return_dtype=pl.Utf8)
    scored = pl.DataFrame(out, schema_overrides={"decision": pl.Utf8}).with_columns(
        named,
        *(pl.Series(f"_level_{k}", level_matrix[:, k]) for k in range(len(settings.comparisons))))
    return scored.with_columns(
        pl.when(pl.col(GUARD_COLUMN).is_not_null())
        .then(pl.concat_str(pl.col(GUARD_COLUMN).replace_strict(GUARD_REASONS, default=None), _reason_expr(settings)))
        .otherwise(_reason_expr(settings)).alias("reason"),
    ).drop(*(f"_level_{k}" for k in range(len(settings.comparisons))))


def _reason_expr(settings: MatchSettings) -> pl.Expr:
    """The fields that weighed most for and against, e.g. `+email +phone -company`; a level other than the best
    one is named (`+email(domain_typo)`, `+first_name(initial)`), and so is a swap (`names swapped`)."""
    parts = []
    for k, comparison in enumerate(settings.comparisons):
        level = pl.col(f"_level_{k}")
        if not comparison.evidence:
            if comparison.method == "swapped_names":
                parts.append(pl.when(level == 0).then(pl.lit("names swapped")).otherwise(None))
            continue
        w = pl.col(f"{comparison.field}_weight")
        named = pl.lit(f"+{comparison.field}")
        for index, lv in enumerate(comparison.levels[1:], start=1):
            named = pl.when(level == index).then(pl.lit(f"+{comparison.field}({lv.name})")).otherwise(named)
        parts.append(pl.when(w >= 3).then(named).when(w <= -2).then(pl.lit(f"-{comparison.field}")).otherwise(None))
    return pl.concat_str(parts, separator=" ", ignore_nulls=True)


__all__ = ["MISSING", "candidate_pairs", "compare", "compare_pairs", "encoded_records", "random_pairs", "score_pairs"]
