"""Qualification, scoring and routing rules kept as data (YAML), checked on load, evaluated with polars.

The rules file is marketing operations' to edit. `RulesFile` describes it (pydantic, see
`schemas.config_files`); `load_rules` checks it, saying at once everything that is wrong and where, and
compiles it into `Rules`: polars expressions the evaluate functions apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import polars as pl
from pydantic import BeforeValidator, Discriminator, Field, Tag, field_validator, model_validator

from schemas.config_files import (
    ConfigError, ConfigModel, Scalar, Text, load_config, one_of, problem, raise_problems, validate_config,
)
from schemas.vocabulary import STATUSES

FIELDS = {
    "budget_status": pl.Utf8, "timeframe_months": pl.Int32, "decision_maker": pl.Boolean,
    "product_interest": pl.Utf8, "response_types": pl.List(pl.Utf8), "last_disposition": pl.Utf8,
    "has_opportunity": pl.Boolean, "do_not_contact": pl.Boolean, "is_existing_customer": pl.Boolean,
    "touch_count": pl.Int32, "job_title": pl.Utf8, "country": pl.Utf8, "industry": pl.Utf8,
    "employee_count": pl.Int32,
}
OPERATORS = ("equals", "in", "lte", "lt", "gte", "gt", "present", "contains")
MAX_MOVES = 5


class RulesError(ConfigError):
    """The rules file is invalid; the message names the file and every wrong entry and field."""


# --------------------------------------------------------------------------------------
# the rules file
# --------------------------------------------------------------------------------------

Status = one_of(STATUSES, "status", "statuses")
FieldName = one_of(FIELDS, "field")


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise problem(f"needs a number, got {value!r}")
    return value


Number = Annotated[Union[int, float], BeforeValidator(_number)]


class Equals(ConfigModel):
    field: FieldName
    equals: Scalar

    def expr(self) -> pl.Expr:
        return (pl.col(self.field) == self.equals).fill_null(False)


class In(ConfigModel):
    field: FieldName
    in_: list[Scalar] = Field(alias="in", min_length=1)

    def expr(self) -> pl.Expr:
        return pl.col(self.field).is_in(self.in_).fill_null(False)


class Lte(ConfigModel):
    field: FieldName
    lte: Number

    def expr(self) -> pl.Expr:
        return (pl.col(self.field) <= self.lte).fill_null(False)


class Lt(ConfigModel):
    field: FieldName
    lt: Number

    def expr(self) -> pl.Expr:
        return (pl.col(self.field) < self.lt).fill_null(False)


class Gte(ConfigModel):
    field: FieldName
    gte: Number

    def expr(self) -> pl.Expr:
        return (pl.col(self.field) >= self.gte).fill_null(False)


class Gt(ConfigModel):
    field: FieldName
    gt: Number

    def expr(self) -> pl.Expr:
        return (pl.col(self.field) > self.gt).fill_null(False)


class Present(ConfigModel):
    field: FieldName
    present: bool

    def expr(self) -> pl.Expr:
        return pl.col(self.field).is_not_null() if self.present else pl.col(self.field).is_null()


class Contains(ConfigModel):
    field: FieldName
    contains: Scalar

    @model_validator(mode="after")
    def _list_field(self) -> Contains:
        if FIELDS[self.field] != pl.List(pl.Utf8):
            raise_problems([(("field",), f"'contains' works on list fields only, {self.field} is not one")])
        return self

    def expr(self) -> pl.Expr:
        return pl.col(self.field).list.contains(pl.lit(self.contains)).fill_null(False)


class AllOf(ConfigModel):
    all: list[Condition] = Field(min_length=1)

    def expr(self) -> pl.Expr:
        return pl.all_horizontal([c.expr() for c in self.all])


class AnyOf(ConfigModel):
    any: list[Condition] = Field(min_length=1)

    def expr(self) -> pl.Expr:
        return pl.any_horizontal([c.expr() for c in self.any])


CONDITIONS = {"all": AllOf, "any": AnyOf, "equals": Equals, "in": In, "lte": Lte, "lt": Lt, "gte": Gte, "gt": Gt,
              "present": Present, "contains": Contains}


def _condition_shape(spec: Any) -> Any:
    """A condition is a mapping with exactly one operator (or all/any): say so before trying the members."""
    if not isinstance(spec, dict):
        raise problem(f"a condition must be a mapping such as {{field: NAME, equals: VALUE}}, got {spec!r}")
    ops = [k for k in spec if k in CONDITIONS]
    if len(ops) != 1:
        raise problem(f"give exactly one operator of {', '.join(OPERATORS)} (or all/any), "
                      f"got {', '.join(ops) if ops else 'none'}")
    return spec


def _operator(spec: Any) -> str | None:
    if isinstance(spec, dict):
        return next((CONDITIONS[k].__name__ for k in spec if k in CONDITIONS), None)
    return type(spec).__name__


Condition = Annotated[
    Union[tuple(Annotated[model, Tag(model.__name__)] for model in CONDITIONS.values())],
    Discriminator(_operator),
    BeforeValidator(_condition_shape),
]
"""`{field: NAME, <operator>: VALUE}`, or `{all: [conditions]}` / `{any: [conditions]}`."""
AllOf.model_rebuild()
AnyOf.model_rebuild()


def _unique_ids(entries: list, what: str) -> list:
    ids = [e.id for e in entries]
    raise_problems(((i,), f"another {what} has the id {e.id!r}: ids must be unique")
                   for i, e in enumerate(entries) if e.id in ids[:i])
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


class RankSpec(ConfigModel):
    rank: Text
    min_score: int = Field(ge=1, le=100)


class Scoring(ConfigModel):
    base: int = 0
    rules: list[ScoreRuleSpec] = []
    ranks: list[RankSpec]

    @field_validator("rules")
    @classmethod
    def _unique_rule_ids(cls, rules: list[ScoreRuleSpec]) -> list[ScoreRuleSpec]:
        return _unique_ids(rules, "scoring rule")

    @field_validator("ranks")
    @classmethod
    def _rank_bands(cls, ranks: list[RankSpec]) -> list[RankSpec]:
        found = []
        for i, rank in enumerate(ranks):
            if rank.rank in [r.rank for r in ranks[:i]]:
                found.append(((i,), f"another rank is named {rank.rank!r}: rank names must be unique"))
            if rank.min_score in [r.min_score for r in ranks[:i]]:
                found.append(((i,), f"another rank starts at min_score {rank.min_score}: min_scores must be unique"))
        if not ranks or min(r.min_score for r in ranks) != 1:
            found.append(((), "the lowest rank must start at min_score 1 so every lead gets a rank"))
        raise_problems(found)
        return ranks


class TerritorySpec(ConfigModel):
    territory: Text
    countries: list[Text] = Field(min_length=1)


class Routing(ConfigModel):
    territories: list[TerritorySpec] = []
    default_territory: Text = "International"
    queues: dict[Text, Text]
    do_not_contact_owner: Text = "marketing-ops"

    @model_validator(mode="after")
    def _every_territory_has_a_queue(self) -> Routing:
        territories = [*(t.territory for t in self.territories), self.default_territory]
        missing = [t for t in dict.fromkeys(territories) if t not in self.queues]
        if missing:
            raise_problems([(("queues",), f"no queue for territory {', '.join(missing)}")])
        return self


class RulesFile(ConfigModel):
    """The rules file as marketing operations write it (leadflow/defaults/rules.yaml)."""

    version: Literal[1] = 1
    initial_status: Status = "Unqualified"
    status_requirements: dict[Status, list[Condition]] = {}
    status_rules: list[StatusRuleSpec] = []
    scoring: Scoring
    routing: Routing

    @field_validator("status_rules")
    @classmethod
    def _unique_rule_ids(cls, rules: list[StatusRuleSpec]) -> list[StatusRuleSpec]:
        return _unique_ids(rules, "status rule")

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


@dataclass(frozen=True)
class Rules:
    """A checked rules file, ready to evaluate."""

    initial_status: str
    requirements: dict[str, pl.Expr]
    status_rules: tuple[StatusRule, ...]
    score_base: int
    score_rules: tuple[tuple[str, int, pl.Expr], ...]
    ranks: tuple[tuple[str, int], ...]  # (rank, min_score), highest first
    territories: tuple[tuple[str, tuple[str, ...]], ...]
    default_territory: str
    queues: dict[str, str]
    do_not_contact_owner: str


def compile_rules(spec: RulesFile) -> Rules:
    """The polars form of a checked rules file."""
    return Rules(
        initial_status=spec.initial_status,
        requirements={status: pl.all_horizontal([c.expr() for c in conditions])
                      for status, conditions in spec.status_requirements.items()},
        status_rules=tuple(StatusRule(id=r.id, to=r.to, from_statuses=tuple(r.from_), when=r.when.expr(),
                                      reason=r.reason or r.id) for r in spec.status_rules),
        score_base=spec.scoring.base,
        score_rules=tuple((r.id, r.points, r.when.expr()) for r in spec.scoring.rules),
        ranks=tuple(sorted(((r.rank, r.min_score) for r in spec.scoring.ranks), key=lambda r: -r[1])),
        territories=tuple((t.territory, tuple(c.upper() for c in t.countries)) for t in spec.routing.territories),
        default_territory=spec.routing.default_territory,
        queues=dict(spec.routing.queues),
        do_not_contact_owner=spec.routing.do_not_contact_owner,
    )


def parse_rules(raw: Any, origin: str = "rules file") -> Rules:
    """Check and compile a parsed rules document; RulesError lists every problem."""
    return compile_rules(validate_config(raw, RulesFile, origin, RulesError))


def load_rules(path: str | Path | None = None) -> Rules:
    """Load the rules file (`path`, or the packaged default) and check it."""
    spec, _ = load_config(path, RulesFile, label="rules", package="leadflow", resource="defaults/rules.yaml",
                          error=RulesError)
    return compile_rules(spec)


def _with_fields(profiles: pl.DataFrame) -> pl.DataFrame:
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in FIELDS.items() if name not in profiles.columns]
    return profiles.with_columns(missing) if missing else profiles


def evaluate_status(profiles: pl.DataFrame, rules: Rules) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the status rules. `profiles` has lead_id, status (null for a new lead), event times and fields.

    Returns (profiles with the new status, transitions: lead_id, from_status, to_status, changed_at,
    reason, rule_id). A new lead first enters the initial status (rule `new-lead`).
    Event times: first_touch_at, last_touch_at, converted_event_at (first linked opportunity).
    """
    frame = _with_fields(profiles)
    transitions = [frame.filter(pl.col("status").is_null()).select(
        "lead_id", pl.lit(None, dtype=pl.Utf8).alias("from_status"), pl.lit(rules.initial_status).alias("to_status"),
        pl.col("first_touch_at").alias("changed_at"), pl.lit("new lead").alias("reason"),
        pl.lit("new-lead").alias("rule_id"),
    )]
    frame = frame.with_columns(pl.col("status").fill_null(rules.initial_status))
    for _ in range(MAX_MOVES):
        chosen = pl.lit(None, dtype=pl.Utf8)
        for rule in reversed(rules.status_rules):
            allowed = pl.col("status").is_in(list(rule.from_statuses)) & rule.when
            if rule.to in rules.requirements:
                allowed = allowed & rules.requirements[rule.to]
            chosen = pl.when(allowed).then(pl.lit(rule.id)).otherwise(chosen)
        frame = frame.with_columns(chosen.alias("_rule"))
        moved = frame.filter(pl.col("_rule").is_not_null())
        if moved.height == 0:
            break
        by_id = {r.id: r for r in rules.status_rules}
        moves = moved.select("lead_id", pl.col("status").alias("from_status"), "_rule",
                             "last_touch_at", "converted_event_at").with_columns(
            pl.col("_rule").replace_strict({k: r.to for k, r in by_id.items()}, return_dtype=pl.Utf8)
            .alias("to_status"),
            pl.col("_rule").replace_strict({k: r.reason for k, r in by_id.items()}, return_dtype=pl.Utf8)
            .alias("reason"),
        ).with_columns(
            pl.when(pl.col("to_status") == "Converted").then(pl.coalesce("converted_event_at", "last_touch_at"))
            .otherwise(pl.col("last_touch_at")).alias("changed_at"),
        )
        transitions.append(moves.select("lead_id", "from_status", "to_status", "changed_at", "reason",
                                        pl.col("_rule").alias("rule_id")))
        frame = frame.join(moves.select("lead_id", pl.col("to_status").alias("_to")), on="lead_id", how="left") \
            .with_columns(pl.coalesce("_to", "status").alias("status")).drop("_to")
    return frame.drop("_rule", strict=False), pl.concat(transitions, how="vertical_relaxed")


def evaluate_score(profiles: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Add score (1..100, base plus the points of every scoring rule that holds) and rank."""
    frame = _with_fields(profiles)
    points = [pl.when(expr).then(pl.lit(p)).otherwise(pl.lit(0)) for _, p, expr in rules.score_rules]
    score = (pl.lit(rules.score_base) + pl.sum_horizontal(points)) if points else pl.lit(rules.score_base)
    frame = frame.with_columns(score.clip(1, 100).cast(pl.Int32).alias("score"))
    rank = pl.lit(rules.ranks[-1][0])
    for name, minimum in reversed(rules.ranks):
        rank = pl.when(pl.col("score") >= minimum).then(pl.lit(name)).otherwise(rank)
    return frame.with_columns(rank.alias("rank"))


def evaluate_routing(profiles: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Add territory (by country) and owner: the account owner, else the territory's queue; do-not-contact
    leads go to the do-not-contact owner and never to sales or telemarketing."""
    territory = pl.lit(rules.default_territory)
    for name, countries in reversed(rules.territories):
        territory = pl.when(pl.col("country").is_in(list(countries))).then(pl.lit(name)).otherwise(territory)
    frame = _with_fields(profiles).with_columns(territory.alias("territory"))
    if "account_owner" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("account_owner"))
    queue = pl.col("territory").replace_strict(rules.queues, default=None, return_dtype=pl.Utf8)
    return frame.with_columns(
        pl.when(pl.col("do_not_contact").fill_null(False)).then(pl.lit(rules.do_not_contact_owner))
        .otherwise(pl.coalesce("account_owner", queue)).alias("owner")
    )
