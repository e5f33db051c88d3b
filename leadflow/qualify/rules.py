"""The lifecycle rules file (leadflow/defaults/rules.yaml): status rules, scoring and rank bands, assessment
templates, CRM statuses that win, and routing (territories, teams, assignment rules), kept as data.

`RulesFile` describes the file (pydantic, see `schemas.config_files`); `load_rules` checks it, saying at once
everything that is wrong and where, and compiles it into `Rules`: polars expressions and plain data that
`leadflow.qualify.lifecycle` and `leadflow.qualify.routing` apply. `Rules.version` is a hash of the checked
content (comments and layout do not count): every status change, score and assignment carries it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

import polars as pl
from pydantic import Field, field_validator, model_validator

from leadflow.qualify.conditions import (
    CUSTOM_PREFIX, TIME_FIELDS, Condition, FieldName, Number, combined_time_bounds,
)
from schemas.config_files import (
    ConfigError, ConfigModel, Scalar, Text, load_config, one_of, raise_problems, validate_config,
)
from schemas.vocabulary import STATUSES

MAX_MOVES = 5
OWNER_FIELDS = ("account_owner", "crm_owner")
SCORE_FIELDS = ("score", "rank", "assessment_score")  # what scoring rules cannot read (they make it)


class RulesError(ConfigError):
    """The rules file is invalid; the message names the file and every wrong entry and field."""


Status = one_of(STATUSES, "status", "statuses")


def _unique_ids(entries: list, what: str, key: str = "id") -> list:
    ids = [getattr(e, key) for e in entries]
    raise_problems(((i,), f"another {what} has the {key} {ids[i]!r}: {key}s must be unique")
                   for i in range(len(ids)) if ids[i] in ids[:i])
    return entries


class StatusRuleSpec(ConfigModel):
    id: Text
    to: Status
    from_: list[Status] = Field(default=[], alias="from")
    when: Condition
    reason: Text | None = None


class ScoreRuleSpec(ConfigModel):
    id: Text
    points: int
    when: Condition

    @model_validator(mode="after")
    def _not_about_the_score(self) -> ScoreRuleSpec:
        used = sorted(self.when.fields() & set(SCORE_FIELDS))
        if used:
            raise_problems([(("when",), f"a scoring rule cannot read {', '.join(used)}: the score is what it makes")])
        return self


class RankBand(ConfigModel):
    rank: Text
    min_score: int = Field(ge=1, le=100)
    max_score: int = Field(ge=1, le=100)


class Scoring(ConfigModel):
    base: int = 0
    rules: list[ScoreRuleSpec] = []
    ranks: list[RankBand] = Field(min_length=1)

    @field_validator("rules")
    @classmethod
    def _unique_rule_ids(cls, rules: list[ScoreRuleSpec]) -> list[ScoreRuleSpec]:
        return _unique_ids(rules, "scoring rule")

    @field_validator("ranks")
    @classmethod
    def _bands_cover_1_to_100(cls, ranks: list[RankBand]) -> list[RankBand]:
        found = [((i,), f"another rank is named {r.rank!r}: rank names must be unique")
                 for i, r in enumerate(ranks) if r.rank in [x.rank for x in ranks[:i]]]
        found += [((i,), f"min_score {r.min_score} is above max_score {r.max_score}")
                  for i, r in enumerate(ranks) if r.min_score > r.max_score]
        if found:
            raise_problems(found)
        bands = sorted(ranks, key=lambda r: r.min_score)
        if bands[0].min_score != 1:
            found.append(((), f"the lowest band starts at {bands[0].min_score}: scores 1 to "
                              f"{bands[0].min_score - 1} get no rank (the lowest rank must start at min_score 1)"))
        if bands[-1].max_score != 100:
            found.append(((), f"the highest band ends at {bands[-1].max_score}: scores {bands[-1].max_score + 1} "
                              "to 100 get no rank"))
        for low, high in zip(bands, bands[1:]):
            if high.min_score <= low.max_score:
                found.append(((), f"ranks {low.rank} ({low.min_score}-{low.max_score}) and {high.rank} "
                                  f"({high.min_score}-{high.max_score}) overlap"))
            elif high.min_score > low.max_score + 1:
                found.append(((), f"scores {low.max_score + 1} to {high.min_score - 1} fall between ranks "
                                  f"{low.rank} and {high.rank}: a gap"))
        raise_problems(found)
        return ranks


class AnswerRange(ConfigModel):
    lte: Number
    points: int


class QuestionSpec(ConfigModel):
    """One question: where its answer comes from, and the points each answer is worth (by value, by numeric range,
    or for any answer given)."""

    id: Text
    question: Text | None = None
    from_: FieldName = Field(alias="from")
    answers: dict[Union[bool, str], int] = {}
    ranges: list[AnswerRange] = []
    when_given: Optional[int] = None

    @model_validator(mode="after")
    def _one_way_to_score(self) -> QuestionSpec:
        ways = [w for w, given in (("answers", self.answers), ("ranges", self.ranges),
                                   ("when_given", self.when_given is not None)) if given]
        if len(ways) != 1:
            raise_problems([((), "give exactly one of answers (points per answer), ranges (points per numeric "
                                 f"range) or when_given (points for any answer), got {', '.join(ways) or 'none'}")])
        return self


class AssessmentSpec(ConfigModel):
    id: Text
    name: Text | None = None
    applies_to: Condition | None = None
    questions: list[QuestionSpec] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _unique_questions(cls, questions: list[QuestionSpec]) -> list[QuestionSpec]:
        return _unique_ids(questions, "question")


class TeamMember(ConfigModel):
    name: Text
    weight: Number = 1
    weekly_capacity: Optional[int] = Field(default=None, ge=1)
    away: bool = False

    @field_validator("weight")
    @classmethod
    def _positive(cls, weight: float) -> float:
        if weight <= 0:
            raise_problems([((), f"needs a weight above 0, got {weight}")])
        return weight


class TeamSpec(ConfigModel):
    members: list[TeamMember] = Field(min_length=1)

    @field_validator("members")
    @classmethod
    def _unique_members(cls, members: list[TeamMember]) -> list[TeamMember]:
        return _unique_ids(members, "member", key="name")


class TerritorySpec(ConfigModel):
    territory: Text
    when: Condition
    teams: dict[Text, Text] = {}


class DefaultTerritory(ConfigModel):
    territory: Text
    teams: dict[Text, Text] = {}


class AssignmentRuleSpec(ConfigModel):
    """Who holds a lead when `when` holds: a named `owner`, the lead's `owner_from` field, or the territory's team
    for a `role`."""

    id: Text
    when: Condition | None = None
    owner: Text | None = None
    owner_from: Literal[OWNER_FIELDS] | None = None  # type: ignore[valid-type]
    role: Text | None = None
    reason: Text | None = None

    @model_validator(mode="after")
    def _one_target(self) -> AssignmentRuleSpec:
        targets = [t for t in ("owner", "owner_from", "role") if getattr(self, t) is not None]
        if len(targets) != 1:
            raise_problems([((), f"give exactly one of owner, owner_from or role, got {', '.join(targets) or 'none'}")])
        return self


class Routing(ConfigModel):
    territories: list[TerritorySpec] = []
    default_territory: DefaultTerritory
    teams: dict[Text, TeamSpec] = {}
    assignment_rules: list[AssignmentRuleSpec] = Field(min_length=1)
    fallback_owner: Text

    @field_validator("assignment_rules")
    @classmethod
    def _unique_rule_ids(cls, rules: list[AssignmentRuleSpec]) -> list[AssignmentRuleSpec]:
        return _unique_ids(rules, "assignment rule")

    @model_validator(mode="after")
    def _teams_and_roles_exist(self) -> Routing:
        found = []
        places = [(("territories", i), t) for i, t in enumerate(self.territories)]
        places.append((("default_territory",), self.default_territory))
        for where, territory in places:
            for role, team in territory.teams.items():
                if team not in self.teams:
                    found.append(((*where, "teams", role), f"no team named {team!r} (teams: "
                                                           f"{', '.join(self.teams) or 'none'})"))
        for i, rule in enumerate(self.assignment_rules):
            if rule.role is None:
                continue
            for where, territory in places:
                if rule.role not in territory.teams:
                    found.append((("assignment_rules", i, "role"), f"territory {territory.territory} names no team "
                                                                   f"for role {rule.role!r}"))
        raise_problems(found)
        return self


class RulesFile(ConfigModel):
    """The rules file as marketing operations write it (leadflow/defaults/rules.yaml)."""

    version: Literal[2] = 2
    initial_status: Status = "Unqualified"
    status_requirements: dict[Status, list[Condition]] = {}
    status_rules: list[StatusRuleSpec] = []
    scoring: Scoring
    assessments: list[AssessmentSpec] = []
    crm_statuses: dict[Text, Status] = {}
    routing: Routing

    @field_validator("status_rules")
    @classmethod
    def _unique_rule_ids(cls, rules: list[StatusRuleSpec]) -> list[StatusRuleSpec]:
        return _unique_ids(rules, "status rule")

    @field_validator("assessments")
    @classmethod
    def _unique_assessments(cls, assessments: list[AssessmentSpec]) -> list[AssessmentSpec]:
        return _unique_ids(assessments, "assessment")

    @field_validator("status_requirements")
    @classmethod
    def _requirements_not_empty(cls, requirements: dict) -> dict:
        raise_problems(((status,), "needs at least one condition") for status, conds in requirements.items()
                       if not conds)
        return requirements


# --------------------------------------------------------------------------------------
# compiled for evaluation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRule:
    id: str
    to: str
    from_statuses: tuple[str, ...]
    when: pl.Expr
    reason: str
    at_run_date: bool  # reads a time field: the change happens as of the run, not at a touch


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    field: str
    answers: dict[str, int]                 # lower-cased answer text -> points
    ranges: tuple[tuple[float, int], ...]   # (upper bound, points), first that holds
    when_given: int | None


@dataclass(frozen=True)
class Assessment:
    id: str
    name: str
    applies: pl.Expr
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Member:
    name: str
    weight: float
    weekly_capacity: int | None
    away: bool


@dataclass(frozen=True)
class Territory:
    name: str
    when: pl.Expr | None                     # None: the default territory
    teams: dict[str, str]                    # role -> team


@dataclass(frozen=True)
class AssignmentRule:
    id: str
    when: pl.Expr
    kind: str                                # owner | owner_from | role
    target: str
    reason: str


@dataclass(frozen=True)
class Rules:
    """A checked rules file, ready to evaluate."""

    version: str
    initial_status: str
    requirements: dict[str, pl.Expr]
    status_rules: tuple[StatusRule, ...]
    score_base: int
    score_rules: tuple[tuple[str, int, pl.Expr], ...]
    ranks: tuple[tuple[str, int, int], ...]  # (rank, min_score, max_score), highest first
    assessments: tuple[Assessment, ...]
    crm_statuses: dict[str, str]
    territories: tuple[Territory, ...]       # the default one last
    teams: dict[str, tuple[Member, ...]]
    assignment_rules: tuple[AssignmentRule, ...]
    fallback_owner: str
    custom_fields: tuple[str, ...] = ()      # the custom.<name> fields any rule reads
    # the day counts of lead_age_days / days_since_last_touch where a rule can start or stop holding, as
    # (field, n): an untouched lead's result changes with time only when one of its counts reaches an n; None
    # when a rule can change any day (an assessment answer that is a time field, a time compared with text)
    time_bounds: tuple[tuple[str, int], ...] | None = ()

    @property
    def rank_names(self) -> list[str]:
        return [rank for rank, _, _ in self.ranks]


def _question(q: QuestionSpec) -> Question:
    answers = {(("true" if k else "false") if isinstance(k, bool) else str(k).strip().lower()): v
               for k, v in q.answers.items()}
    return Question(q.id, q.question or q.id, q.from_, answers, tuple((r.lte, r.points) for r in q.ranges),
                    q.when_given)


def _conditions(spec: RulesFile) -> list:
    """Every condition of the file."""
    return [*(r.when for r in spec.status_rules), *(c for cs in spec.status_requirements.values() for c in cs),
            *(r.when for r in spec.scoring.rules), *(a.applies_to for a in spec.assessments if a.applies_to),
            *(t.when for t in spec.routing.territories), *(r.when for r in spec.routing.assignment_rules if r.when)]


def _fields_read(spec: RulesFile) -> set[str]:
    """Every field any condition or question of the file reads."""
    return set().union(*(c.fields() for c in _conditions(spec)),
                       {q.from_ for a in spec.assessments for q in a.questions})


def _time_bounds(spec: RulesFile) -> tuple[tuple[str, int], ...] | None:
    """Where the file's conditions can change as days pass (Rules.time_bounds); an assessment question on a time
    field records the day count itself, which changes every day."""
    if any(q.from_ in TIME_FIELDS for a in spec.assessments for q in a.questions):
        return None
    bounds = combined_time_bounds(_conditions(spec))
    return None if bounds is None else tuple(sorted(bounds))


def compile_rules(spec: RulesFile) -> Rules:
    """The polars form of a checked rules file."""
    routing = spec.routing
    always = pl.lit(True)
    return Rules(
        version=hashlib.sha256(spec.model_dump_json(by_alias=True).encode()).hexdigest()[:12],
        initial_status=spec.initial_status,
        requirements={status: pl.all_horizontal([c.expr() for c in conditions])
                      for status, conditions in spec.status_requirements.items()},
        status_rules=tuple(StatusRule(id=r.id, to=r.to, from_statuses=tuple(r.from_), when=r.when.expr(),
                                      reason=r.reason or r.id, at_run_date=bool(r.when.fields() & set(TIME_FIELDS)))
                           for r in spec.status_rules),
        score_base=spec.scoring.base,
        score_rules=tuple((r.id, r.points, r.when.expr()) for r in spec.scoring.rules),
        ranks=tuple(sorted(((r.rank, r.min_score, r.max_score) for r in spec.scoring.ranks), key=lambda r: -r[1])),
        assessments=tuple(Assessment(a.id, a.name or a.id, a.applies_to.expr() if a.applies_to else always,
                                     tuple(_question(q) for q in a.questions)) for a in spec.assessments),
        crm_statuses={k.strip().lower(): v for k, v in spec.crm_statuses.items()},
        territories=(*(Territory(t.territory, t.when.expr(), dict(t.teams)) for t in routing.territories),
                     Territory(routing.default_territory.territory, None, dict(routing.default_territory.teams))),
        teams={name: tuple(Member(m.name, float(m.weight), m.weekly_capacity, m.away) for m in team.members)
               for name, team in routing.teams.items()},
        assignment_rules=tuple(AssignmentRule(
            r.id, r.when.expr() if r.when else always,
            "owner" if r.owner else "owner_from" if r.owner_from else "role",
            r.owner or r.owner_from or r.role, r.reason or r.id) for r in routing.assignment_rules),
        fallback_owner=routing.fallback_owner,
        custom_fields=tuple(sorted(f for f in _fields_read(spec) if f.startswith(CUSTOM_PREFIX))),
        time_bounds=_time_bounds(spec),
    )


def parse_rules(raw: Any, origin: str = "rules file") -> Rules:
    """Check and compile a parsed rules document; RulesError lists every problem."""
    return compile_rules(validate_config(raw, RulesFile, origin, RulesError))


def load_rules(path: str | Path | None = None) -> Rules:
    """Load the rules file (`path`, or the packaged default) and check it."""
    spec, _ = load_config(path, RulesFile, label="rules", package="leadflow", resource="defaults/rules.yaml",
                          error=RulesError)
    return compile_rules(spec)
