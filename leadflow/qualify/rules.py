"""Qualification, scoring and routing rules kept as data (YAML), checked on load, evaluated with polars.

The rules file is marketing operations' to edit; `load_rules` says exactly what is wrong in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from schemas.config_files import load_yaml_document

STATUSES = ("Unqualified", "Qualified", "Converted", "Retired")
RANKS = ("Hot", "Warm", "Cool")
FIELDS = {
    "budget_status": pl.Utf8, "timeframe_months": pl.Int32, "decision_maker": pl.Boolean,
    "product_interest": pl.Utf8, "response_types": pl.List(pl.Utf8), "last_disposition": pl.Utf8,
    "has_opportunity": pl.Boolean, "do_not_contact": pl.Boolean, "is_existing_customer": pl.Boolean,
    "touch_count": pl.Int32, "job_title": pl.Utf8, "country": pl.Utf8, "industry": pl.Utf8,
    "employee_count": pl.Int32,
}
OPERATORS = ("equals", "in", "lte", "lt", "gte", "gt", "present", "contains")
MAX_MOVES = 5


class RulesError(ValueError):
    """The rules file is invalid; the message names the entry and what is wrong with it."""


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
    ranks: tuple[tuple[str, int], ...]
    territories: tuple[tuple[str, tuple[str, ...]], ...]
    default_territory: str
    queues: dict[str, str]
    do_not_contact_owner: str


def condition(spec: Any, where: str) -> pl.Expr:
    """Compile one YAML condition into a polars boolean expression (null counts as false)."""
    if not isinstance(spec, dict):
        raise RulesError(f"{where}: a condition must be a mapping, got {spec!r}")
    if "all" in spec or "any" in spec:
        key = "all" if "all" in spec else "any"
        parts = spec[key]
        if not isinstance(parts, list) or not parts:
            raise RulesError(f"{where}: '{key}' needs a non-empty list of conditions")
        exprs = [condition(p, f"{where}.{key}[{i}]") for i, p in enumerate(parts)]
        return pl.all_horizontal(exprs) if key == "all" else pl.any_horizontal(exprs)
    field = spec.get("field")
    if field not in FIELDS:
        raise RulesError(f"{where}: unknown field {field!r}; known fields: {', '.join(sorted(FIELDS))}")
    ops = [k for k in spec if k != "field"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise RulesError(f"{where}: give exactly one operator of {', '.join(OPERATORS)} (got {ops})")
    op, value = ops[0], spec[ops[0]]
    col = pl.col(field)
    if op == "contains":
        if FIELDS[field] != pl.List(pl.Utf8):
            raise RulesError(f"{where}: 'contains' works on list fields only, {field} is not one")
        expr = col.list.contains(pl.lit(value))
    elif op == "present":
        expr = col.is_not_null() if value else col.is_null()
        return expr
    elif op == "in":
        if not isinstance(value, list):
            raise RulesError(f"{where}: 'in' needs a list")
        expr = col.is_in(value)
    elif op == "equals":
        expr = col == value
    else:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise RulesError(f"{where}: '{op}' needs a number, got {value!r}")
        expr = {"lte": col <= value, "lt": col < value, "gte": col >= value, "gt": col > value}[op]
    return expr.fill_null(False)


def _status(value: Any, where: str) -> str:
    if value not in STATUSES:
        raise RulesError(f"{where}: unknown status {value!r}; statuses are {', '.join(STATUSES)}")
    return value


def parse_rules(raw: Any) -> Rules:
    """Check and compile a parsed rules document."""
    if not isinstance(raw, dict):
        raise RulesError("rules file must be a YAML mapping")
    try:
        status_rules = []
        seen = set()
        for i, r in enumerate(raw.get("status_rules") or []):
            where = f"status_rules[{i}]"
            rule_id = r.get("id") or ""
            if not rule_id or rule_id in seen:
                raise RulesError(f"{where}: every rule needs a unique id (got {rule_id!r})")
            seen.add(rule_id)
            status_rules.append(StatusRule(
                id=rule_id, to=_status(r.get("to"), f"{where}.to"),
                from_statuses=tuple(_status(s, f"{where}.from") for s in r.get("from") or []),
                when=condition(r.get("when"), f"{where}.when"), reason=str(r.get("reason") or rule_id),
            ))
        requirements = {
            _status(status, "status_requirements"): pl.all_horizontal(
                [condition(c, f"status_requirements.{status}[{i}]") for i, c in enumerate(conds)])
            for status, conds in (raw.get("status_requirements") or {}).items()
        }
        scoring = raw.get("scoring") or {}
        score_rules = tuple(
            (str(s["id"]), int(s["points"]), condition(s.get("when"), f"scoring.rules[{i}].when"))
            for i, s in enumerate(scoring.get("rules") or [])
        )
        ranks = tuple(sorted(((str(r["rank"]), int(r["min_score"])) for r in scoring.get("ranks") or []),
                             key=lambda r: -r[1]))
        for rank, _ in ranks:
            if rank not in RANKS:
                raise RulesError(f"scoring.ranks: unknown rank {rank!r}; ranks are {', '.join(RANKS)}")
        if not ranks or ranks[-1][1] > 1:
            raise RulesError("scoring.ranks: the lowest rank must start at min_score 1 so every lead gets a rank")
        routing = raw.get("routing") or {}
        territories = tuple((str(t["territory"]), tuple(str(c).upper() for c in t["countries"]))
                            for t in routing.get("territories") or [])
        default_territory = str(routing.get("default_territory") or "International")
        queues = {str(k): str(v) for k, v in (routing.get("queues") or {}).items()}
        missing_queues = [t for t in [*(t for t, _ in territories), default_territory] if t not in queues]
        if missing_queues:
            raise RulesError(f"routing.queues: no queue for territory {', '.join(missing_queues)}")
        return Rules(
            initial_status=_status(raw.get("initial_status", "Unqualified"), "initial_status"),
            requirements=requirements, status_rules=tuple(status_rules),
            score_base=int(scoring.get("base", 0)), score_rules=score_rules, ranks=ranks,
            territories=territories, default_territory=default_territory, queues=queues,
            do_not_contact_owner=str(routing.get("do_not_contact_owner") or "marketing-ops"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, RulesError):
            raise
        raise RulesError(f"malformed entry: {type(exc).__name__}: {exc}") from None


def load_rules(path: str | Path | None = None) -> Rules:
    """Load the rules file (`path`, or the packaged default) and check it."""
    raw, where = load_yaml_document(path, "defaults/rules.yaml", "rules", RulesError)
    try:
        return parse_rules(raw)
    except RulesError as exc:
        raise RulesError(f"{where}: {exc}") from None


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
