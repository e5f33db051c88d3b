"""Blocking (dedupe.linkage.candidate_pairs): the union of the passes, each pair once, with the passes that propose it,
checked against a brute force over every pair of a small frame with repeated keys, missing keys and capped blocks."""

import itertools
from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from dedupe import linkage
from dedupe.linkage import candidate_pairs
from dedupe.settings import BlockingRule, load_match_settings


def _records(kinds: list[str]) -> pl.DataFrame:
    rng = np.random.default_rng(3)
    n = 400
    pick = lambda values: [values[i] for i in rng.integers(0, len(values), n)]  # noqa: E731
    return pl.DataFrame({
        "kind": pick(kinds),
        "a": pick(["x", "x", "x", "y", "z", None, ""]),  # x: a block over a_capped's cap of 100
        "b": pick([f"b{i}" for i in range(12)] + [None]),
        "c": pick([f"c{i}" for i in range(40)]),
    })


@pytest.fixture(scope="module")
def records():
    return _records(["batch", "batch", "lead", "contact"])


@pytest.fixture(scope="module")
def few_batch_records():
    """Fewer batch records than earlier ones: blocks without a batch record are left out before they are sized."""
    return _records(["batch", "lead", "lead", "lead", "contact", "lead", "lead", "lead"])


RULES = (BlockingRule("a_b", ("a", "b")), BlockingRule("c", ("c",)), BlockingRule("a_capped", ("a",), 100))


def _expected(records: pl.DataFrame, link_only: bool) -> dict[tuple[int, int], int]:
    rows = records.to_dicts()
    sizes = {rule.name: records.filter(pl.all_horizontal(pl.col(k).is_not_null() & (pl.col(k) != "") for k in rule.keys))
             .group_by(list(rule.keys)).len() for rule in RULES}
    size_of = {name: {tuple(r[k] for k in rule.keys): r["len"] for r in sizes[name].to_dicts()}
               for name, rule in zip(sizes, RULES)}
    out = {}
    for i, j in itertools.combinations(range(len(rows)), 2):
        batch = (rows[i]["kind"] == "batch") + (rows[j]["kind"] == "batch")
        if batch == 0 or (link_only and batch != 1):
            continue
        flags = 0
        for bit, rule in enumerate(RULES):
            key = tuple(rows[i][k] for k in rule.keys)
            if (all(v not in (None, "") for v in key) and key == tuple(rows[j][k] for k in rule.keys)
                    and (rule.max_block_size is None or size_of[rule.name][key] <= rule.max_block_size)):
                flags |= 1 << bit
        if flags:
            out[(j, i)] = flags  # the higher position on the left
    return out


@pytest.mark.parametrize("link_only", [False, True])
@pytest.mark.parametrize("slice_pairs", [7, 500_000])  # repeats across many slice boundaries, and in one slice
@pytest.mark.parametrize("which", ["records", "few_batch_records"])
def test_candidate_pairs_are_the_union_of_the_passes_each_once_with_the_passes_that_propose_them(
        which, link_only, slice_pairs, monkeypatch, request):
    records = request.getfixturevalue(which)
    monkeypatch.setattr(linkage, "COMPARE_CHUNK", slice_pairs)
    settings = replace(load_match_settings(), blocking=RULES)
    left, right, agrees = candidate_pairs(records, settings, link_only, with_passes=True)
    expected = _expected(records, link_only)
    got = dict(zip(zip(left.tolist(), right.tolist()), agrees.tolist()))
    assert len(got) == len(left)  # each pair once
    assert got == expected and len(expected) > (500 if which == "records" else 100)
    assert {flags & 4 for flags in got.values()} == {0, 4}  # the capped pass proposes the small blocks' pairs only
    packed = left.astype(np.int64) << 32 | right.astype(np.int64)
    assert np.all(np.diff(packed) > 0)  # sorted by pair
    plain_left, plain_right = candidate_pairs(records, settings, link_only)
    assert np.array_equal(plain_left, left) and np.array_equal(plain_right, right)


def test_no_pass_or_no_record_gives_no_pair(records):
    settings = replace(load_match_settings(), blocking=RULES)
    assert [len(x) for x in candidate_pairs(records.clear(), settings, with_passes=True)] == [0, 0, 0]
    assert [len(x) for x in candidate_pairs(records, replace(settings, blocking=()))] == [0, 0]
