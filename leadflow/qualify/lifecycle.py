"""The lead lifecycle, evaluated for every lead on every run: time fields as of the run's date, score and rank,
assessment, and status, with what a person decided (a status or rank set in the CRM or in an overrides file)
winning over the rules and never recomputed.

Input: one row per lead with the fields of `leadflow.qualify.conditions.FIELDS` it has (a touched lead's fresh
profile, an untouched lead's published row), its current status / rank (null for a new lead), its times
(created_at, first_touch_at, last_touch_at, retired_at, converted_event_at), and `status_override` /
`rank_override` with their source where a person decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from leadflow.qualify.conditions import column, with_fields
from leadflow.qualify.rules import MAX_MOVES, Assessment, Rules

TRANSITION_SCHEMA = {"lead_id": pl.Utf8, "from_status": pl.Utf8, "to_status": pl.Utf8, "changed_at": pl.Datetime("us"),
                     "reason": pl.Utf8, "rule_id": pl.Utf8, "rules_version": pl.Utf8}
NEW_LEAD = "new-lead"
MANUAL = "manual-override"


def _days_since(moment: str, as_of: datetime) -> pl.Expr:
    return (pl.lit(as_of, dtype=pl.Datetime("us")) - pl.col(moment)).dt.total_days().cast(pl.Int32)


def with_time_fields(frame: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """lead_age_days (since created_at), days_since_last_touch, and touched_since_retired (a touch after the lead was
    last retired), as of `as_of`."""
    return frame.with_columns(
        _days_since("created_at", as_of).alias("lead_age_days"),
        _days_since("last_touch_at", as_of).alias("days_since_last_touch"),
        ((pl.col("status") == "Retired") & (pl.col("last_touch_at") > pl.col("retired_at"))).fill_null(False)
        .alias("touched_since_retired"),
    )


def score_and_rank(frame: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """score (base plus the points of every scoring rule that holds, clamped to 1..100), `score_rules` (the rules
    that fired with their points, for explanations) and rank from the bands; a rank a person set wins."""
    fired = [pl.when(expr).then(pl.lit(points)).otherwise(pl.lit(0)) for _, points, expr in rules.score_rules]
    score = (pl.lit(rules.score_base) + pl.sum_horizontal(fired)) if fired else pl.lit(rules.score_base)
    details = pl.concat_str([pl.when(expr).then(pl.lit(f"{rule_id} {points:+d}"))
                             for rule_id, points, expr in rules.score_rules], separator=", ", ignore_nulls=True)
    rank = pl.lit(None, dtype=pl.Utf8)
    for name, low, high in reversed(rules.ranks):
        rank = pl.when(pl.col("score").is_between(low, high)).then(pl.lit(name)).otherwise(rank)
    # lazily, so that a condition used for the points and for the details (and a custom field read by several
    # rules) is computed once
    return frame.lazy().with_columns(score.clip(1, 100).cast(pl.Int32).alias("score"),
                                     (details if fired else pl.lit("")).alias("score_rules")) \
        .with_columns(pl.coalesce("rank_override", rank).alias("rank")).collect()


def _question_points(question) -> tuple[pl.Expr, pl.Expr]:
    """(answer as text, points) of one question; null answer: not asked / not answered."""
    value = column(question.field)
    answer = value.cast(pl.Utf8)
    if question.answers:
        points = answer.str.to_lowercase().replace_strict(question.answers, default=None, return_dtype=pl.Int32)
        answer = pl.when(points.is_not_null()).then(answer)
    elif question.ranges:
        number = value.cast(pl.Float64, strict=False)
        points = pl.lit(None, dtype=pl.Int32)
        for bound, pts in reversed(question.ranges):
            points = pl.when(number <= bound).then(pl.lit(pts, dtype=pl.Int32)).otherwise(points)
        answer = pl.when(points.is_not_null()).then(answer)
    else:
        points = pl.when(value.is_not_null()).then(pl.lit(question.when_given, dtype=pl.Int32))
    return answer, points


def _assessment(template: Assessment) -> tuple[pl.Expr, pl.Expr]:
    """(score, answers JSON) of one template for every lead."""
    scored = [_question_points(q) for q in template.questions]
    total = pl.sum_horizontal([points.fill_null(0) for _, points in scored])
    answers = pl.concat_str([
        pl.when(points.is_not_null()).then(pl.struct(pl.lit(q.id).alias("question"), pl.lit(q.text).alias("asked"),
                                                      answer.alias("answer"), points.alias("points"))
                                           .struct.json_encode())
        for q, (answer, points) in zip(template.questions, scored)], separator=",", ignore_nulls=True)
    return total.cast(pl.Int32), pl.format("[{}]", answers)


def assess(frame: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """assessment_id, assessment_score and assessment_answers (JSON: question, asked, answer, points) of the first
    template that applies to each lead; nulls where none applies."""
    template_id = score = answers = pl.lit(None, dtype=pl.Utf8)
    score = pl.lit(None, dtype=pl.Int32)
    for template in reversed(rules.assessments):
        total, given = _assessment(template)
        template_id = pl.when(template.applies).then(pl.lit(template.id)).otherwise(template_id)
        score = pl.when(template.applies).then(total).otherwise(score)
        answers = pl.when(template.applies).then(given).otherwise(answers)
    return frame.lazy().with_columns(template_id.alias("assessment_id"), score.alias("assessment_score"),
                                     answers.alias("assessment_answers")).collect()


def _transitions(moves: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    return moves.with_columns(pl.lit(rules.version).alias("rules_version")).select(list(TRANSITION_SCHEMA)).cast(
        TRANSITION_SCHEMA)


def apply_status_rules(frame: pl.DataFrame, rules: Rules, as_of: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Status after the rules (new leads enter the initial status, rule `new-lead`; then the first rule whose `from`
    and `when` hold moves the lead, up to MAX_MOVES times), unless a person set it (`status_override`, rule
    `manual-override` with the override's source as reason). Returns (frame with status and `status_source`,
    transitions). A transition happens at the lead's latest touch, at its first linked opportunity for Converted,
    or as of the run for a rule that reads a time field."""
    new = frame.filter(pl.col("status").is_null()).select(
        "lead_id", pl.lit(None, dtype=pl.Utf8).alias("from_status"), pl.lit(rules.initial_status).alias("to_status"),
        pl.col("first_touch_at").alias("changed_at"), pl.lit("new lead").alias("reason"),
        pl.lit(NEW_LEAD).alias("rule_id"))
    transitions = [_transitions(new, rules)]
    frame = frame.with_columns(pl.col("status").fill_null(rules.initial_status))
    manual = pl.col("status_override").is_not_null()
    overridden = frame.filter(manual & (pl.col("status_override") != pl.col("status"))).select(
        "lead_id", pl.col("status").alias("from_status"), pl.col("status_override").alias("to_status"),
        pl.lit(as_of, dtype=pl.Datetime("us")).alias("changed_at"),
        pl.format("set by a person ({})", pl.col("status_override_source")).alias("reason"),
        pl.lit(MANUAL).alias("rule_id"))
    transitions.append(_transitions(overridden, rules))
    frame = frame.with_columns(pl.coalesce("status_override", "status").alias("status"))
    by_id = {r.id: r for r in rules.status_rules}
    for _ in range(MAX_MOVES):
        chosen = pl.lit(None, dtype=pl.Utf8)
        for rule in reversed(rules.status_rules):
            allowed = pl.col("status").is_in(list(rule.from_statuses)) & rule.when & ~manual
            if rule.to in rules.requirements:
                allowed = allowed & rules.requirements[rule.to]
            chosen = pl.when(allowed).then(pl.lit(rule.id)).otherwise(chosen)
        moved = frame.with_columns(chosen.alias("_rule")).filter(pl.col("_rule").is_not_null())
        if moved.height == 0:
            break
        rule_of = pl.col("_rule")
        moves = moved.select(
            "lead_id", pl.col("status").alias("from_status"),
            rule_of.replace_strict({k: r.to for k, r in by_id.items()}, return_dtype=pl.Utf8).alias("to_status"),
            rule_of.replace_strict({k: r.reason for k, r in by_id.items()}, return_dtype=pl.Utf8).alias("reason"),
            pl.when(rule_of.replace_strict({k: r.at_run_date for k, r in by_id.items()}, return_dtype=pl.Boolean))
            .then(pl.lit(as_of, dtype=pl.Datetime("us")))
            .when(rule_of.replace_strict({k: r.to for k, r in by_id.items()}, return_dtype=pl.Utf8) == "Converted")
            .then(pl.coalesce("converted_event_at", "last_touch_at"))
            .otherwise(pl.col("last_touch_at")).alias("changed_at"),
            rule_of.alias("rule_id"))
        transitions.append(_transitions(moves, rules))
        frame = frame.join(moves.select("lead_id", pl.col("to_status").alias("_to")), on="lead_id", how="left") \
            .with_columns(pl.coalesce("_to", "status").alias("status")).drop("_to")
        # a lead that moved is no longer a candidate of the rules of its earlier status, but its time fields stand
        frame = frame.with_columns((pl.col("touched_since_retired") & (pl.col("status") == "Retired"))
                                   .alias("touched_since_retired"))
    return (frame.with_columns(pl.when(manual).then(pl.col("status_override_source")).otherwise(pl.lit("rules"))
                               .alias("status_source")),
            pl.concat(transitions, how="vertical_relaxed"))


@dataclass(frozen=True)
class Lifecycle:
    """Every lead evaluated (fields, score, rank, assessment, status) and the status changes of this run."""

    leads: pl.DataFrame
    transitions: pl.DataFrame


def evaluate_lifecycle(candidates: pl.DataFrame, rules: Rules, as_of: datetime) -> Lifecycle:
    """Time fields, score and rank, assessment, then status, for every lead of `candidates`."""
    frame = with_time_fields(with_fields(candidates, rules.custom_fields), as_of)
    frame = assess(score_and_rank(frame, rules), rules)
    frame, transitions = apply_status_rules(frame, rules, as_of)
    return Lifecycle(frame, transitions)
