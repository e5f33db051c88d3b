"""Pair-level rules on top of the Fellegi-Sunter weights, switched on in the settings' `guards`.

- A name swap explains the name disagreement: when first and last name were entered the wrong way round
  (the `swapped_names` comparison at its best level), the first- and last-name disagreements carry no
  weight: they are one mistake, not two pieces of evidence against.
- Different first names need a shared email: a pair whose first names fall in the lowest level (not a
  nickname, not a typo, not a swap) and whose emails are not equal is at most `review`, however much else
  agrees (colleagues or relatives sharing a surname, a switchboard phone and a company).
"""

from __future__ import annotations

import numpy as np

from dedupe.settings import MatchSettings


def _fields(settings: MatchSettings) -> dict[str, int]:
    return {c.field: k for k, c in enumerate(settings.comparisons)}


def swap_explains_names(level_matrix: np.ndarray, weights: np.ndarray, total: np.ndarray,
                        settings: MatchSettings) -> tuple[np.ndarray, np.ndarray]:
    """Weights and totals with the name disagreements of swapped-name pairs set to zero."""
    fields = _fields(settings)
    if not len(level_matrix) or not {"swapped_names", "first_name", "last_name"} <= fields.keys():
        return weights, total
    swapped = level_matrix[:, fields["swapped_names"]] == 0
    if not swapped.any():
        return weights, total
    weights = weights.copy()
    names = [fields["first_name"], fields["last_name"]]
    against = np.minimum(weights[:, names], 0.0) * swapped[:, None]
    weights[:, names] -= against
    return weights, total - against.sum(axis=1)


def capped_at_review(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """True for pairs a guard keeps out of `match` whatever their score."""
    capped = np.zeros(len(level_matrix), dtype=bool)
    fields = _fields(settings)
    if settings.different_first_names_need_email and len(level_matrix) and {"first_name", "email"} <= fields.keys():
        first, email = fields["first_name"], fields["email"]
        lowest = len(settings.comparisons[first].levels) - 1
        capped = (level_matrix[:, first] == lowest) & (level_matrix[:, email] != 0)
        if "swapped_names" in fields:
            capped &= level_matrix[:, fields["swapped_names"]] != 0
    return capped
