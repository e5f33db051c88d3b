"""Matching settings as data: blocking passes, comparisons with m/u per level, prior, thresholds, guards.

The settings object authors; `dedupe.blocking`, `dedupe.comparisons`, `dedupe.model` execute it.
`MatchSettingsFile` describes the YAML file (pydantic, see `schemas.config_files`); `load_match_settings`
checks it, saying at once every entry and field that is wrong, and gives the `MatchSettings` below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from dedupe.comparisons import METHODS, Comparison, make_comparison
from dedupe.comparisons.library import LIBRARY
from schemas.config_files import ConfigError, ConfigModel, Text, load_config, one_of, problem, raise_problems


@dataclass(frozen=True)
class BlockingRule:
    """Pairs that agree exactly on every key column are compared. A block of more than `max_block_size` records
    (e.g. one surname at a company of thousands of leads) is skipped by this pass: its pairs grow with the square
    of its size and say little; its people still meet through the other passes (block purging)."""

    name: str
    keys: tuple[str, ...]
    max_block_size: int | None = None


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
    different_last_names_need_email: bool = False
    other_address_needs_review: bool = False
    names_alone_need_review: bool = False
    missing_first_name_needs_email: bool = False
    two_contacts_differ_need_review: bool = False
    other_place_needs_review: bool = False
    apart_through_other_records: tuple[str, ...] = ()
    merge_leads_threshold: float | None = None
    review_max_share: float | None = None
    name_guards_yield_above: float | None = None
    verdict_weight: float = 0.0
    term_frequency_min_records: int = 1_000
    explain_every_pair_up_to: int = 1_000_000
    random_pairs: int = 200_000
    min_candidate_pairs: int = 2_000
    seed: int = 42

    def use_term_frequencies(self, n_records: int) -> bool:
        """Value frequencies from a handful of records say nothing about how common a name is."""
        return n_records >= self.term_frequency_min_records


MAX_BLOCKING_PASSES = 32


class SettingsError(ConfigError):
    """The matching settings file cannot be used; the message names the file and every wrong entry and field."""


# --------------------------------------------------------------------------------------
# the settings file
# --------------------------------------------------------------------------------------


def _probability(value: float) -> float:
    if not 0 < value <= 1:
        raise problem(f"m and u must be in (0, 1], got {value}")
    return value


def _unique(entries: list, attr: str, what: str) -> None:
    seen = [getattr(e, attr) for e in entries]
    raise_problems(((i,), f"another {what} is named {value!r}: names must be unique")
                   for i, value in enumerate(seen) if value in seen[:i])


class BlockingSpec(ConfigModel):
    name: Text
    keys: list[Text] = Field(min_length=1)
    max_block_size: int | None = Field(default=None, ge=2)


class LevelSpec(ConfigModel):
    name: Text
    min_similarity: float = 0.0
    m: Annotated[float, AfterValidator(_probability)] = 0.5
    u: Annotated[float, AfterValidator(_probability)] = 0.5


class ComparisonSpec(ConfigModel):
    field: Text
    column: Text | None = None
    columns: list[Text] = []
    method: one_of(METHODS, "method")
    term_frequency: bool = False
    # `against`: agreement weighs nothing, disagreement weighs against (evidence that repeats another comparison
    # when it agrees: colleagues share their office's city as they share the company)
    weighs: Literal["for_and_against", "against"] = "for_and_against"
    # first_name only: a name and its nickname in the `nicknames` package count as `exact` too
    nickname_package: bool = False
    levels: list[LevelSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _columns_fit_the_method(self) -> ComparisonSpec:
        if self.method == "swapped_names" and len(self.columns) != 2:
            raise_problems([(("columns",), "swapped_names needs columns: [first, last]")])
        if self.method == "max_jarowinkler" and len(self.columns) < 2:
            raise_problems([(("columns",), "max_jarowinkler needs two or more columns")])
        if not self.column and not self.columns:
            raise_problems([(("column",), "is required (the column to compare)")])
        if self.weighs == "against" and self.term_frequency:
            raise_problems([(("weighs",), "a comparison that weighs only against cannot adjust for term frequency "
                                          "(a rare agreeing value would weigh for the pair)")])
        if self.nickname_package and self.method != "first_name":
            raise_problems([(("nickname_package",), "only the first_name method reads the nickname package")])
        if self.method == "place" and len(self.columns) != 3:
            raise_problems([(("columns",), "place needs columns: [city, region, country]")])
        names = LIBRARY[self.method].level_names if self.method in LIBRARY else None
        given = [lv.name for lv in self.levels]
        if names is not None and (given != [n for n in names if n in given] or given[-1] != names[-1]):
            raise_problems([(("levels",), f"{self.method} compares into the levels {', '.join(names)} (best first; "
                                          f"leave out any but the last), got {', '.join(given)}")])
        return self


class Thresholds(ConfigModel):
    match: float
    review: float
    merge_leads: float | None = None
    review_max_share: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _review_below_match(self) -> Thresholds:
        if not 0 < self.review <= self.match < 1:
            raise problem(f"need 0 < review <= match < 1, got review {self.review}, match {self.match}")
        if self.merge_leads is not None and not self.match <= self.merge_leads <= 1:
            raise problem(f"need match <= merge_leads <= 1, got match {self.match}, merge_leads {self.merge_leads}")
        return self


class Guards(ConfigModel):
    different_domains_cannot_link: bool = True
    different_first_names_need_email: bool = False
    different_last_names_need_email: bool = False
    other_address_needs_review: bool = False
    names_alone_need_review: bool = False
    missing_first_name_needs_email: bool = False
    two_contacts_differ_need_review: bool = False
    other_place_needs_review: bool = False
    # the guards whose capped pairs never end in one lead through other records either
    apart_through_other_records: list[Literal["different_first_names", "different_last_names", "names_alone",
                                              "other_address", "missing_first_name", "two_contacts_differ",
                                              "other_place"]] = []
    name_guards_yield_above: float | None = None


class Estimation(ConfigModel):
    enabled: bool = True
    random_pairs: int = Field(200_000, ge=0)
    min_candidate_pairs: int = Field(2_000, ge=0)
    term_frequency_min_records: int = Field(1_000, ge=0)
    verdict_weight: float = Field(0.0, ge=0)
    seed: int = 42


class Explanations(ConfigModel):
    every_pair_up_to: int = Field(1_000_000, ge=0)


class MatchSettingsFile(ConfigModel):
    """The matching settings file (dedupe/data/lead_matching.yaml)."""

    blocking: list[BlockingSpec]
    comparisons: list[ComparisonSpec] = Field(min_length=1)
    prior_match_probability: float = Field(gt=0, lt=1)
    thresholds: Thresholds
    guards: Guards = Guards()
    estimation: Estimation = Estimation()
    explanations: Explanations = Explanations()

    @field_validator("blocking")
    @classmethod
    def _passes(cls, blocking: list[BlockingSpec]) -> list[BlockingSpec]:
        if not 1 <= len(blocking) <= MAX_BLOCKING_PASSES:
            raise problem(f"need 1 to {MAX_BLOCKING_PASSES} passes, got {len(blocking)}")
        _unique(blocking, "name", "blocking pass")
        return blocking

    @field_validator("comparisons")
    @classmethod
    def _one_comparison_per_field(cls, comparisons: list[ComparisonSpec]) -> list[ComparisonSpec]:
        _unique(comparisons, "field", "comparison")
        return comparisons


def compile_settings(spec: MatchSettingsFile) -> MatchSettings:
    """The settings `dedupe` runs with, from a checked file."""
    return MatchSettings(
        blocking=tuple(BlockingRule(b.name, tuple(b.keys), b.max_block_size) for b in spec.blocking),
        comparisons=tuple(
            make_comparison(c.method, c.field, tuple(c.columns) or (c.column,),
                            tuple(Level(lv.name, lv.min_similarity, lv.m, lv.u) for lv in c.levels),
                            term_frequency=c.term_frequency, against_only=c.weighs == "against",
                            **({"nickname_package": True} if c.nickname_package else {}))
            for c in spec.comparisons
        ),
        prior_match_probability=spec.prior_match_probability,
        match_threshold=spec.thresholds.match,
        review_threshold=spec.thresholds.review,
        merge_leads_threshold=spec.thresholds.merge_leads,
        review_max_share=spec.thresholds.review_max_share,
        name_guards_yield_above=spec.guards.name_guards_yield_above,
        different_domains_cannot_link=spec.guards.different_domains_cannot_link,
        different_first_names_need_email=spec.guards.different_first_names_need_email,
        different_last_names_need_email=spec.guards.different_last_names_need_email,
        other_address_needs_review=spec.guards.other_address_needs_review,
        names_alone_need_review=spec.guards.names_alone_need_review,
        missing_first_name_needs_email=spec.guards.missing_first_name_needs_email,
        two_contacts_differ_need_review=spec.guards.two_contacts_differ_need_review,
        other_place_needs_review=spec.guards.other_place_needs_review,
        apart_through_other_records=tuple(spec.guards.apart_through_other_records),
        estimate=spec.estimation.enabled,
        random_pairs=spec.estimation.random_pairs,
        min_candidate_pairs=spec.estimation.min_candidate_pairs,
        term_frequency_min_records=spec.estimation.term_frequency_min_records,
        verdict_weight=spec.estimation.verdict_weight,
        explain_every_pair_up_to=spec.explanations.every_pair_up_to,
        seed=spec.estimation.seed,
    )


def _packaged_names() -> list[str]:
    return sorted(f.name.removesuffix("_matching.yaml") for f in resources.files("dedupe").joinpath("data").iterdir()
                  if f.name.endswith("_matching.yaml"))


def load_match_settings(path: str | Path | None = None) -> MatchSettings:
    """Read matching settings from YAML (the packaged lead settings when `path` is None, or the name of a
    packaged settings file such as `febrl`) and check them; SettingsError names the file and what is wrong."""
    name = "lead" if path is None else path
    if isinstance(name, str) and "/" not in name and not name.endswith(".yaml") and not Path(name).is_file():
        if name not in _packaged_names():
            raise SettingsError(name, f"cannot read matching settings file: no such file, nor packaged settings "
                                      f"of that name ({', '.join(_packaged_names())})")
        spec, _ = load_config(None, MatchSettingsFile, label="matching settings" if path is None else
                              f"{name} matching settings", package="dedupe",
                              resource=f"data/{name}_matching.yaml", error=SettingsError)
    else:
        spec, _ = load_config(path, MatchSettingsFile, label="matching settings", package="dedupe",
                              resource="data/lead_matching.yaml", error=SettingsError)
    return compile_settings(spec)
