"""How a pair is decided from its match probability, and the pair-level rules on top of the Fellegi-Sunter
weights that the settings' `guards` switch on.

- Decision: `match` at or above the match threshold unless a guard caps the pair, `review` at or above
  the review threshold, `non_match` below.

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

DECISIONS = ("non_match", "review", "match")


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


def decision_codes(probability: np.ndarray, capped: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """Per pair, the index into DECISIONS."""
    out = (probability >= settings.review_threshold).astype(np.int8)
    out[(probability >= settings.match_threshold) & ~capped] = 2
    return out
