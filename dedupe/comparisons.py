"""Vectorised comparison features for recordlinkage's `Compare`.

recordlinkage's built-in string comparisons call a Python function per pair (about 125k pairs/s);
these features hand whole columns to rapidfuzz, which runs in C over both cores.
Every feature returns a similarity in [0, 1], or MISSING (-1) where either side is empty.

A feature works on the strings themselves or, when given the column's `Vocabulary`, on integer codes
into it (what `dedupe.linkage.compare_pairs` passes): then equal codes score 1 without a string
comparison, and a small vocabulary is compared once as a full matrix (`cdist`) that the pairs index.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import polars as pl
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein
from rapidfuzz.process import cdist, cpdist
from recordlinkage.base import BaseCompareFeature

MISSING = -1.0
SCORERS = {
    "jarowinkler": JaroWinkler.normalized_similarity,
    "levenshtein": Levenshtein.normalized_similarity,
    "damerau_levenshtein": DamerauLevenshtein.normalized_similarity,
}
METHODS = ("exact", *SCORERS)
# vocabularies whose full similarity matrix has at most this many cells are compared as a matrix
DENSE_CELLS = 4_000_000
# string pairs handed to rapidfuzz at once (bounds the Python lists built for it)
CHUNK = 2_000_000


class Vocabulary:
    """The distinct non-empty values of a column; a record's code is its value's position (-1: empty).

    Kept as an Arrow-backed string column; the Python strings (`values`) are made only when a comparison
    needs them (a similarity matrix or rapidfuzz), never for exact comparisons of codes."""

    def __init__(self, strings: pl.Series):
        self.strings = strings.cast(pl.Utf8)
        self._matrices: dict = {}
        self._values: np.ndarray | None = None

    @property
    def values(self) -> np.ndarray:
        if self._values is None:
            self._values = np.asarray(self.strings.to_list(), dtype=object)
        return self._values

    def __len__(self) -> int:
        return len(self.strings)


def _missing(values: np.ndarray) -> np.ndarray:
    return pd.isna(values) | (values == "")


def similarity(left: np.ndarray, right: np.ndarray, method: str) -> np.ndarray:
    """Element-wise similarity of two aligned object arrays of strings (MISSING where either is empty)."""
    left = np.asarray(left, dtype=object)
    right = np.asarray(right, dtype=object)
    missing = _missing(left) | _missing(right)
    if method == "exact":
        result = (left == right).astype(np.float64)
    else:
        l_text = np.where(missing, "", left).astype(str).tolist()
        r_text = np.where(missing, "", right).astype(str).tolist()
        result = cpdist(l_text, r_text, scorer=SCORERS[method], workers=-1, dtype=np.float64) if l_text \
            else np.zeros(0)
    result = np.asarray(result, dtype=np.float64)
    result[missing] = MISSING
    return result


def code_similarity(left: np.ndarray, left_vocabulary: Vocabulary, right: np.ndarray,
                    right_vocabulary: Vocabulary, method: str) -> np.ndarray:
    """`similarity` for values given as codes into vocabularies (MISSING where a code is -1).

    Equal codes of one vocabulary are equal strings and score 1; the other pairs are compared through a
    full vocabulary x vocabulary matrix when that is small, else pair by pair in chunks.
    """
    left = np.asarray(left)
    right = np.asarray(right)
    present = (left >= 0) & (right >= 0)
    if left_vocabulary is right_vocabulary and method == "exact":  # one vocabulary: equal codes = equal values
        return np.where(present, (left == right).astype(np.float64), MISSING)
    result = np.full(len(left), MISSING, dtype=np.float64)
    todo = present
    if left_vocabulary is right_vocabulary:
        same = todo & (left == right)
        result[same] = 1.0
        todo &= ~same
    rows = np.flatnonzero(todo)
    if not len(rows):
        return result
    if method == "exact":
        result[rows] = (left_vocabulary.values[left[rows]] == right_vocabulary.values[right[rows]])
        return result
    scorer = SCORERS[method]
    if len(left_vocabulary) * len(right_vocabulary) <= DENSE_CELLS:
        key = (id(right_vocabulary), method)
        matrix = left_vocabulary._matrices.get(key)
        if matrix is None:
            matrix = cdist(left_vocabulary.values.tolist(), right_vocabulary.values.tolist(), scorer=scorer,
                           workers=-1, dtype=np.float64)
            left_vocabulary._matrices[key] = matrix
        result[rows] = matrix[left[rows], right[rows]]
        return result
    if method == "jarowinkler":
        result[rows] = _jaro_winkler_in_duckdb(left_vocabulary.strings.gather(left[rows]),
                                               right_vocabulary.strings.gather(right[rows]))
        return result
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        result[part] = cpdist(left_vocabulary.values[left[part]].tolist(),
                              right_vocabulary.values[right[part]].tolist(),
                              scorer=scorer, workers=-1, dtype=np.float64)
    return result


def _jaro_winkler_in_duckdb(left: pl.Series, right: pl.Series) -> np.ndarray:
    """Jaro-Winkler of aligned string columns in an in-memory DuckDB, which reads the Arrow strings as they
    are (rapidfuzz's own C++ scorer inside): about twice rapidfuzz's `cpdist`, whose time goes into
    turning tens of millions of Python strings into buffers."""
    pairs = pl.DataFrame({"l": left, "r": right}).to_arrow()  # noqa: F841 - scanned by name below
    with duckdb.connect() as con:
        return con.sql("SELECT jaro_winkler_similarity(l, r) AS s FROM pairs").pl()["s"].to_numpy()


def _compare(left: pd.Series, right: pd.Series, method: str, left_vocabulary: Vocabulary | None,
             right_vocabulary: Vocabulary | None) -> np.ndarray:
    if left_vocabulary is None:
        return similarity(left.to_numpy(dtype=object), right.to_numpy(dtype=object), method)
    return code_similarity(left.to_numpy(), left_vocabulary, right.to_numpy(), right_vocabulary, method)


def swapped_name_similarity(first_l, last_l, first_r, last_r) -> np.ndarray:
    """How well the names agree once first and last are swapped on one side: min(JW(first_l, last_r),
    JW(last_l, first_r)); MISSING when a name is empty. High only for `Lee Ann` vs `Ann Lee`."""
    a = similarity(first_l, last_r, "jarowinkler")
    b = similarity(last_l, first_r, "jarowinkler")
    return _both_present_min(a, b)


def _both_present_min(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.minimum(a, b)
    out[(a == MISSING) | (b == MISSING)] = MISSING
    return out


class FastSimilarity(BaseCompareFeature):
    """A recordlinkage Compare feature: one column vs one column with a rapidfuzz scorer or exact equality.

    With `vocabulary`, the column holds codes into it instead of strings."""

    name = "fast_similarity"
    description = "Vectorised string similarity (rapidfuzz) with explicit missing values."

    def __init__(self, left_on: str, right_on: str, method: str, label: str | None = None,
                 vocabulary: Vocabulary | None = None):
        if method not in METHODS:
            raise ValueError(f"unknown comparison method {method!r}; use one of {', '.join(METHODS)}")
        super().__init__(left_on, right_on, label=label)
        self.method = method
        self.vocabulary = vocabulary

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        values = _compare(s_left, s_right, self.method, self.vocabulary, self.vocabulary)
        return pd.Series(values, index=s_left.index)


class BestOfColumns(BaseCompareFeature):
    """The best Jaro-Winkler similarity over several columns describing one thing (company name and company
    domain): one comparison, so correlated evidence is not counted twice. MISSING only when every column
    pair is missing. With `vocabularies` (one per column), the columns hold codes."""

    name = "best_of_columns"
    description = "Maximum Jaro-Winkler similarity over several columns."

    def __init__(self, columns: tuple[str, ...], label: str | None = None,
                 vocabularies: tuple[Vocabulary, ...] | None = None):
        super().__init__(list(columns), list(columns), label=label)
        self.n = len(columns)
        self.vocabularies = vocabularies or (None,) * self.n

    def _compute_vectorized(self, *series) -> pd.Series:
        lefts, rights = series[: self.n], series[self.n:]
        best = None
        for l, r, vocabulary in zip(lefts, rights, self.vocabularies):
            sim = _compare(l, r, "jarowinkler", vocabulary, vocabulary)
            best = sim if best is None else np.maximum(best, sim)
        return pd.Series(best, index=lefts[0].index)


class SwappedNames(BaseCompareFeature):
    """A recordlinkage Compare feature for first and last name entered the wrong way round.

    With `vocabularies` (first, last), the columns hold codes."""

    name = "swapped_names"
    description = "Similarity of (first, last) on the left with (last, first) on the right."

    def __init__(self, first: str, last: str, label: str | None = None,
                 vocabularies: tuple[Vocabulary, Vocabulary] | None = None):
        super().__init__([first, last], [first, last], label=label)
        self.vocabularies = vocabularies

    def _compute_vectorized(self, first_l, last_l, first_r, last_r) -> pd.Series:
        if self.vocabularies is None:
            values = swapped_name_similarity(first_l.to_numpy(dtype=object), last_l.to_numpy(dtype=object),
                                             first_r.to_numpy(dtype=object), last_r.to_numpy(dtype=object))
        else:
            first, last = self.vocabularies
            values = _both_present_min(_compare(first_l, last_r, "jarowinkler", first, last),
                                       _compare(last_l, first_r, "jarowinkler", last, first))
        return pd.Series(values, index=first_l.index)
