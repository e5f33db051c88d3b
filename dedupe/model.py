"""The Fellegi-Sunter model: levels per comparison, u from random pairs, m and the match share by EM,
term-frequency adjustment, and match weights and probabilities for scored pairs.

Estimated without labels. u (how often two *different* records fall in a level) comes from random
record pairs, where almost every pair is a non-match; estimating it from the blocked pairs instead
would make every blocking field look like overwhelming evidence. m (how often a *matching* pair
falls in a level) and the share of matches among candidate pairs come from EM on the candidate pairs
with u held fixed. EM runs on distinct level patterns with counts, so its cost does not grow with pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dedupe.settings import MatchSettings

MISSING_LEVEL = -1
# no level is impossible for a true match: a floor on m keeps one typo from vetoing every other agreement
M_FLOOR = 0.005


@dataclass(frozen=True)
class FittedModel:
    """m and u per comparison level (best level first), and the prior match share `lam` of candidate pairs."""

    m: tuple[np.ndarray, ...]
    u: tuple[np.ndarray, ...]
    lam: float
    estimated: bool
    em_iterations: int = 0

    def weights(self) -> list[np.ndarray]:
        return [np.log2(m / u) for m, u in zip(self.m, self.u)]

    def describe(self, settings: MatchSettings) -> dict:
        """Parameters by field and level, for run metadata and docs."""
        return {
            c.field: {lv.name: {"m": round(float(m), 4), "u": round(float(u), 6)}
                      for lv, m, u in zip(c.levels, m_k, u_k)}
            for c, m_k, u_k in zip(settings.comparisons, self.m, self.u)
        } | {"prior_match_share": round(self.lam, 5), "estimated": self.estimated}


def configured_model(settings: MatchSettings) -> FittedModel:
    """The m/u written in the settings file, unestimated (used when there are too few pairs to learn from). A
    comparison that is no evidence (it only explains) weighs nothing: its m is its u."""
    u = tuple(np.array([lv.u for lv in c.levels]) for c in settings.comparisons)
    m = [np.array([lv.u if not c.evidence else lv.m for lv in c.levels]) for c in settings.comparisons]
    return FittedModel(m=against_only(m, u, settings), u=u, lam=settings.prior_match_probability, estimated=False)


def against_only(m: list[np.ndarray], u: tuple[np.ndarray, ...], settings: MatchSettings) -> tuple[np.ndarray, ...]:
    """m of an `against_only` comparison: its agreeing levels at their u (they weigh nothing: log2 m/u = 0), its
    other levels at most their u (a level more likely between two people weighs against, never for)."""
    return tuple(np.where(c.agreeing, u_k, np.minimum(m_k, u_k)) if c.against_only else m_k
                 for m_k, u_k, c in zip(m, u, settings.comparisons))


def estimate_u(random_levels: np.ndarray, settings: MatchSettings) -> tuple[np.ndarray, ...]:
    """u per level: the level frequencies among random pairs (a pseudo-count keeps every u above zero)."""
    u = []
    for k, comparison in enumerate(settings.comparisons):
        column = random_levels[:, k]
        present = column[column != MISSING_LEVEL]
        counts = np.bincount(present.astype(np.int64), minlength=len(comparison.levels)).astype(np.float64)
        u.append((counts + 0.5) / (counts.sum() + 0.5 * len(comparison.levels)))
    return tuple(u)


def pattern_radices(settings: MatchSettings) -> list[int]:
    """One digit per comparison (its levels plus missing): a pair's levels read as one mixed-radix number."""
    return [len(c.levels) + 1 for c in settings.comparisons]


def pattern_codes(level_matrix: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """One integer per row of a level matrix (missing levels included)."""
    code = np.zeros(len(level_matrix), dtype=np.int32)
    for k, radix in enumerate(pattern_radices(settings)):
        code = code * radix + (level_matrix[:, k].astype(np.int32) - MISSING_LEVEL)
    return code


def decode_patterns(codes: np.ndarray, settings: MatchSettings) -> np.ndarray:
    """The level matrix rows of pattern codes."""
    radices = pattern_radices(settings)
    out = np.empty((len(codes), len(radices)), dtype=np.int8)
    rest = np.asarray(codes, dtype=np.int64).copy()
    for k in range(len(radices) - 1, -1, -1):
        out[:, k] = rest % radices[k] + MISSING_LEVEL
        rest //= radices[k]
    return out


def patterns_with_counts(counts: np.ndarray, settings: MatchSettings) -> tuple[np.ndarray, np.ndarray]:
    """From counts per pattern code (a bincount), the patterns that occur (as level rows) and their counts:
    what EM runs on, so its cost does not grow with the number of pairs."""
    present = np.flatnonzero(counts)
    return decode_patterns(present, settings), counts[present].astype(np.float64)


def estimate_m(patterns_counts: tuple[np.ndarray, np.ndarray], u: tuple[np.ndarray, ...], settings: MatchSettings,
               max_iterations: int = 50, tolerance: float = 1e-5, active: list[bool] | None = None,
               m_start: list[np.ndarray] | None = None, update_m: bool = True,
               known_matches: tuple[np.ndarray, float] | None = None) -> FittedModel:
    """EM for m and the match share among candidate pairs, with u fixed, on their distinct level patterns
    and counts (`patterns_with_counts`).

    `active` leaves comparisons out of the likelihood (those a training session blocked on: within that
    session they agree by construction and say nothing); with `update_m=False` only the share moves.
    `known_matches` = (level rows of pairs reviewers accepted, weight of each): they count in every M-step as
    matches for certain (labelled pairs refine m; the unlabelled ones still carry the estimate).
    """
    active = active if active is not None else [True] * len(settings.comparisons)
    patterns, counts = patterns_counts
    m = [np.array(x, dtype=np.float64) for x in (m_start or [[lv.m for lv in c.levels] for c in settings.comparisons])]
    lam = 0.1
    # an against-only comparison is learned (its m from the others' posterior) but left out of the posterior itself:
    # agreement it does not weigh must not pull the estimate of the others
    in_likelihood = [on and not c.against_only for on, c in zip(active, settings.comparisons)]
    log_u = np.zeros(len(patterns))
    for k in range(len(settings.comparisons)):
        if not in_likelihood[k]:
            continue
        present = patterns[:, k] != MISSING_LEVEL
        log_u[present] += np.log(u[k][patterns[present, k]])
    iteration = 0
    for iteration in range(1, max_iterations + 1):
        log_m = np.zeros(len(patterns))
        for k in range(len(settings.comparisons)):
            if not in_likelihood[k]:
                continue
            present = patterns[:, k] != MISSING_LEVEL
            log_m[present] += np.log(m[k][patterns[present, k]])
        a = math.log(lam) + log_m
        b = math.log(1 - lam) + log_u
        w = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        weighted = w * counts
        new_lam = float(weighted.sum() / counts.sum())
        new_m = []
        for k, comparison in enumerate(settings.comparisons):
            if not (active[k] and update_m):
                new_m.append(m[k])
                continue
            present = patterns[:, k] != MISSING_LEVEL
            sums = np.bincount(patterns[present, k].astype(np.int64), weights=weighted[present],
                               minlength=len(comparison.levels))
            if known_matches is not None and len(known_matches[0]):
                rows, weight = known_matches
                seen = rows[:, k] != MISSING_LEVEL
                sums = sums + weight * np.bincount(rows[seen, k].astype(np.int64), minlength=len(comparison.levels))
            level_m = np.maximum(sums / max(sums.sum(), 1e-12), M_FLOOR)
            new_m.append(level_m / level_m.sum())
        change = max([abs(new_lam - lam)] + [float(np.max(np.abs(a_ - b_))) for a_, b_ in zip(new_m, m)])
        m, lam = new_m, min(max(new_lam, 1e-6), 1 - 1e-6)
        if change < tolerance:
            break
    return FittedModel(m=tuple(m), u=tuple(u), lam=lam, estimated=True, em_iterations=iteration)


def estimate_by_sessions(sessions: list[tuple[tuple[np.ndarray, np.ndarray], list[bool]]],
                         all_pairs: tuple[np.ndarray, np.ndarray], u: tuple[np.ndarray, ...],
                         settings: MatchSettings,
                         known_matches: tuple[np.ndarray, float] | None = None) -> FittedModel:
    """Splink-style training: one EM session per blocking rule, each estimating m only for the comparisons
    that rule did not block on; m is averaged over sessions. The match share among all candidate pairs is
    then estimated with m and u fixed (a one-parameter EM that cannot switch labels). Sessions and all pairs
    come as (patterns, counts)."""
    sums = [np.zeros(len(c.levels)) for c in settings.comparisons]
    seen = [0] * len(settings.comparisons)
    iterations = 0
    for session, active in sessions:
        if session[1].sum() < 2 or not any(active):
            continue
        fitted = estimate_m(session, u, settings, active=active, known_matches=known_matches)
        iterations += fitted.em_iterations
        for k, on in enumerate(active):
            if on:
                sums[k] += fitted.m[k]
                seen[k] += 1
    configured = configured_model(settings)
    m = [u[k] if not c.evidence else sums[k] / seen[k] if seen[k] else configured.m[k]
         for k, c in enumerate(settings.comparisons)]
    m = list(against_only(m, u, settings))
    final = estimate_m(all_pairs, u, settings, m_start=m, update_m=False)
    return FittedModel(m=tuple(m), u=u, lam=final.lam, estimated=True, em_iterations=iterations + final.em_iterations)


def match_weights(level_matrix: np.ndarray, model: FittedModel,
                  tf_u: dict[int, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-comparison weights (pairs x comparisons; 0 where missing) and the total match weight.

    `tf_u` maps a comparison index to a per-pair u for its best level (term-frequency adjustment):
    agreeing on a rare value weighs more than agreeing on a common one.
    """
    weights = np.zeros(level_matrix.shape, dtype=np.float64)
    for k, (m_k, u_k) in enumerate(zip(model.m, model.u)):
        column = level_matrix[:, k]
        present = column != MISSING_LEVEL
        w = np.zeros(len(column))
        w[present] = np.log2(m_k[column[present]] / u_k[column[present]])
        if tf_u is not None and k in tf_u:
            exact = column == 0
            w[exact] = np.log2(m_k[0] / np.clip(tf_u[k][exact], 1e-9, 1.0))
        weights[:, k] = w
    prior = math.log2(model.lam / (1 - model.lam))
    return weights, prior + weights.sum(axis=1)


def probability(total_weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(total_weight, -1000, 1000)))
