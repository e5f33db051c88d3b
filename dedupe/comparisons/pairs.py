"""The values of a slice of record pairs, as codes into vocabularies, with the similarities comparisons share.

`encode` turns the records' comparison columns into int32 codes (-1 where empty); columns that are compared with
each other (first and last names, for swapped names) share one vocabulary, so a first name's code means the same
string in the last-name column. `PairValues` gathers the codes of one slice of pairs once per column and remembers
each similarity it computed, so two comparisons reading the same column pay for it once.

Name alignment: when the settings compare swapped names, each pair whose right record's first and last name fit the
left record's last and first name clearly better than the other way round counts as swapped, and every name
comparison reads the right record's names the other way round: a swap with a typo or a nickname on top is compared
with the same levels as an unswapped pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from dedupe.comparisons.strings import MISSING, Vocabulary, code_similarity, transpositions_as_typos

# how much better the swapped reading must fit (sum of two Jaro-Winkler similarities), and how well at least
SWAP_MARGIN = 0.15
SWAP_MIN_SIMILARITY = 0.8


@dataclass
class Encoded:
    """Every comparison and blocking column of the records as codes, with the vocabulary of each column."""

    codes: dict[str, np.ndarray]
    vocabularies: dict[str, Vocabulary]
    name_columns: tuple[str, ...] = ()          # (first, last[, first raw]) when names are aligned
    swap_partner: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.codes.values()))) if self.codes else 0


def encode(records: pl.DataFrame, columns: list[str], groups: list[tuple[str, ...]] = (),
           swap: tuple[str, ...] = (), raw_first_given: bool | None = None) -> Encoded:
    """Each column as int32 codes into its vocabulary of distinct non-empty values (-1 where empty); the columns of
    one group share a vocabulary. `swap` = (first, last[, first raw]) turns on name alignment; `raw_first_given`
    says whether the records (of which these may be a subset) give first names as written (None: whether these
    do)."""
    grouped = {c: tuple(g) for g in groups for c in g}
    codes: dict[str, np.ndarray] = {}
    vocabularies: dict[str, Vocabulary] = {}
    done: set[str] = set()
    for column in columns:
        if column in done:
            continue
        members = [c for c in grouped.get(column, (column,)) if c in records.columns]
        values = {c: records.select(pl.col(c).cast(pl.Utf8).replace("", None).alias("v")) for c in members}
        distinct = pl.concat(list(values.values())).drop_nulls().unique().sort("v").with_row_index("code")
        vocabulary = Vocabulary(distinct["v"])
        for c in members:
            codes[c] = values[c].join(distinct, on="v", how="left", maintain_order="left")["code"] \
                .cast(pl.Int32).fill_null(-1).to_numpy()
            vocabularies[c] = vocabulary
            done.add(c)
    partner: dict[str, str] = {}
    if swap:
        first, last, *raw = swap
        # the first name as written, unless the records leave it empty (then the nickname-resolved one)
        given = raw and raw[0] in codes and (
            raw_first_given if raw_first_given is not None else bool((codes[raw[0]] >= 0).any()))
        raw_first = raw[0] if given else first
        partner = {first: last, last: raw_first, raw_first: last}
    return Encoded(codes, vocabularies, tuple(swap), partner)


class PairValues:
    """Codes of the pairs (left[i], right[i]) per column, aligned for swapped names, and memoised similarities."""

    def __init__(self, encoded: Encoded, left: np.ndarray, right: np.ndarray):
        self.encoded = encoded
        self.left = left
        self.right = right
        self._raw: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._similarities: dict = {}
        self._swapped: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.left)

    def vocabulary(self, column: str) -> Vocabulary:
        return self.encoded.vocabularies[column]

    def raw(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(left codes, right codes) as the records hold them."""
        if column not in self._raw:
            codes = self.encoded.codes[column]
            self._raw[column] = (codes[self.left], codes[self.right])
        return self._raw[column]

    @property
    def swapped(self) -> np.ndarray:
        """True where the right record's first and last name are read the other way round."""
        if self._swapped is None:
            self._swapped = np.zeros(len(self), dtype=bool)
            if self.encoded.name_columns:
                first, last = self.encoded.name_columns[:2]
                fl, fr = self.raw(first)
                ll, lr = self.raw(last)
                rows = np.flatnonzero((fl >= 0) & (fr >= 0) & (ll >= 0) & (lr >= 0) & ((fl != fr) | (ll != lr))
                                      & ((fl == lr) | (ll == fr) | (fl != fr) & (ll != lr)))
                if len(rows):
                    names = self.vocabulary(first)

                    def jw(a, b):
                        return transpositions_as_typos(code_similarity(a[rows], names, b[rows], names, "jarowinkler"),
                                                       a[rows], b[rows], names)
                    cross_1, cross_2 = jw(fl, lr), jw(ll, fr)
                    direct = jw(fl, fr) + jw(ll, lr)
                    self._swapped[rows] = ((cross_1 + cross_2 > direct + SWAP_MARGIN)
                                           & (np.minimum(cross_1, cross_2) >= SWAP_MIN_SIMILARITY))
        return self._swapped

    def codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(left codes, right codes), the right read the other way round where names are swapped."""
        left, right = self.raw(column)
        partner = self.encoded.swap_partner.get(column)
        if partner is None or not self.swapped.any():
            return left, right
        return left, np.where(self.swapped, self.raw(partner)[1], right)

    def equal(self, column: str) -> np.ndarray:
        left, right = self.codes(column)
        return (left == right) & (left >= 0)

    def present(self, column: str) -> np.ndarray:
        left, right = self.codes(column)
        return (left >= 0) & (right >= 0)

    def similarity(self, column: str, method: str = "jarowinkler") -> np.ndarray:
        """Similarity in [0, 1] of the column's values (MISSING where a side is empty), computed once."""
        key = (column, method)
        if key not in self._similarities:
            left, right = self.codes(column)
            vocabulary = self.vocabulary(column)
            self._similarities[key] = code_similarity(left, vocabulary, right, vocabulary, method)
        return self._similarities[key]

    def name_similarity(self, column: str) -> np.ndarray:
        """Jaro-Winkler of a name column with one swap of two adjacent letters read as a typo
        (`strings.transpositions_as_typos`), computed once."""
        key = (column, "name")
        if key not in self._similarities:
            left, right = self.codes(column)
            self._similarities[key] = transpositions_as_typos(self.similarity(column), left, right,
                                                              self.vocabulary(column))
        return self._similarities[key]

    def strings(self, column: str, rows: np.ndarray) -> tuple[list[str], list[str]]:
        """The values of `rows` (both sides present) as Python strings."""
        left, right = self.codes(column)
        values = self.vocabulary(column).values
        return values[left[rows]].tolist(), values[right[rows]].tolist()


__all__ = ["MISSING", "Encoded", "PairValues", "encode"]
