"""Matching settings as data: blocking passes, comparisons with m/u per level, prior, thresholds, guards.

The settings object authors; `dedupe.blocking`, `dedupe.comparisons`, `dedupe.model` execute it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml


@dataclass(frozen=True)
class BlockingRule:
    """Pairs that agree exactly on every key column are compared."""

    name: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison, with its Fellegi-Sunter m and u probabilities."""

    name: str
    min_similarity: float
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class Comparison:
    """How one field of two records is compared: similarity method and its levels (best first).

    `columns` holds the two name columns for the `swapped_names` method; `term_frequency` turns on the
    term-frequency adjustment of the best level (agreeing on a rare value counts more).
    """

    field: str
    column: str
    method: str
    levels: tuple[Level, ...]
    term_frequency: bool = False
    columns: tuple[str, ...] = ()

    def level_for(self, similarity: float) -> Level:
        for level in self.levels:
            if similarity >= level.min_similarity:
                return level
        return self.levels[-1]


@dataclass(frozen=True)
class MatchSettings:
    """Everything that decides a match, kept apart from the code that runs it."""

    blocking: tuple[BlockingRule, ...]
    comparisons: tuple[Comparison, ...]
    prior_match_probability: float
    match_threshold: float
    review_threshold: float
    different_domains_cannot_link: bool
    estimate: bool = True
    different_first_names_need_email: bool = False
    term_frequency_min_records: int = 1_000
    explain_every_pair_up_to: int = 1_000_000
    random_pairs: int = 200_000
    min_candidate_pairs: int = 2_000
    seed: int = 42

    def use_term_frequencies(self, n_records: int) -> bool:
        """Value frequencies from a handful of records say nothing about how common a name is."""
        return n_records >= self.term_frequency_min_records

    @property
    def prior_weight(self) -> float:
        p = self.prior_match_probability
        return math.log2(p / (1 - p))


METHODS = ("exact", "jarowinkler", "levenshtein", "damerau_levenshtein", "swapped_names", "max_jarowinkler")


class SettingsError(ValueError):
    """The matching settings file is malformed; the message says where."""


def load_match_settings(path: str | Path | None = None) -> MatchSettings:
    """Read matching settings from YAML (the packaged lead settings when `path` is None, or the name of a
    packaged settings file such as `febrl`) and check them."""
    if path is None or (isinstance(path, str) and "/" not in path and not path.endswith(".yaml")):
        name = "lead" if path is None else path
        text = resources.files("dedupe").joinpath(f"data/{name}_matching.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    raw = yaml.safe_load(text) or {}
    try:
        blocking = tuple(BlockingRule(b["name"], tuple(b["keys"])) for b in raw["blocking"])
        comparisons = tuple(
            Comparison(c["field"], c.get("column") or c["columns"][0], c["method"],
                       tuple(Level(lv["name"], float(lv["min_similarity"]), float(lv.get("m", 0.5)),
                                   float(lv.get("u", 0.5)))
                             for lv in c["levels"]),
                       term_frequency=bool(c.get("term_frequency", False)),
                       columns=tuple(c.get("columns") or ()))
            for c in raw["comparisons"]
        )
        estimation = raw.get("estimation") or {}
        settings = MatchSettings(
            blocking=blocking,
            comparisons=comparisons,
            prior_match_probability=float(raw["prior_match_probability"]),
            match_threshold=float(raw["thresholds"]["match"]),
            review_threshold=float(raw["thresholds"]["review"]),
            different_domains_cannot_link=bool((raw.get("guards") or {}).get("different_domains_cannot_link", True)),
            different_first_names_need_email=bool(
                (raw.get("guards") or {}).get("different_first_names_need_email", False)),
            estimate=bool(estimation.get("enabled", True)),
            random_pairs=int(estimation.get("random_pairs", 200_000)),
            min_candidate_pairs=int(estimation.get("min_candidate_pairs", 2_000)),
            term_frequency_min_records=int(estimation.get("term_frequency_min_records", 1_000)),
            explain_every_pair_up_to=int((raw.get("explanations") or {}).get("every_pair_up_to", 1_000_000)),
            seed=int(estimation.get("seed", 42)),
        )
    except (KeyError, TypeError) as exc:
        raise SettingsError(f"matching settings: missing or malformed entry {exc}") from None
    for comparison in settings.comparisons:
        if comparison.method not in METHODS:
            raise SettingsError(f"comparison {comparison.field}: unknown method {comparison.method!r}; "
                                f"use one of {', '.join(METHODS)}")
        if comparison.method == "swapped_names" and len(comparison.columns) != 2:
            raise SettingsError(f"comparison {comparison.field}: swapped_names needs columns: [first, last]")
        if comparison.method == "max_jarowinkler" and len(comparison.columns) < 2:
            raise SettingsError(f"comparison {comparison.field}: max_jarowinkler needs two or more columns")
        for level in comparison.levels:
            if not (0 < level.m <= 1 and 0 < level.u <= 1):
                raise SettingsError(f"comparison {comparison.field} level {level.name}: m and u must be in (0, 1]")
    if not 1 <= len(settings.blocking) <= 32:
        raise SettingsError(f"blocking: need 1 to 32 passes, got {len(settings.blocking)}")
    if not 0 < settings.review_threshold <= settings.match_threshold < 1:
        raise SettingsError("thresholds: need 0 < review <= match < 1")
    return settings
