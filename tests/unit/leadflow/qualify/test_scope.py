"""Which leads a run qualifies: the day counts where rules can change, the moments whose counts reach one between
two run dates (checked against the day counts the lifecycle computes), and when every lead is qualified."""

from datetime import datetime, timedelta
from importlib import resources

import polars as pl
import pytest
import yaml

from leadflow.qualify.lifecycle import with_time_fields
from leadflow.qualify.rules import load_rules, parse_rules
from leadflow.qualify.scope import LastQualification, full_evaluation_reason, time_windows
from schemas.config_files import _YamlLoader

BASE = load_rules()


def _rules_with(condition: dict, **extra) -> object:
    raw = yaml.load(resources.files("leadflow").joinpath("defaults/rules.yaml").read_text(), Loader=_YamlLoader)
    raw["status_rules"] = [{"id": "probe", "to": "Retired", "from": ["Unqualified"], "when": condition}]
    raw.update(extra)
    return parse_rules(raw)


def test_the_packaged_rules_change_with_time_at_their_day_counts_only():
    assert BASE.time_bounds == (("days_since_last_touch", 180), ("days_since_last_touch", 181),
                                ("lead_age_days", 30), ("lead_age_days", 31))


@pytest.mark.parametrize("condition, bounds", [
    ({"field": "lead_age_days", "gt": 30}, {30, 31}),
    ({"field": "lead_age_days", "gte": 7.5}, {7, 8}),
    ({"field": "lead_age_days", "in": [1, 3]}, {1, 2, 3, 4}),
    ({"not": {"field": "lead_age_days", "lte": 0}}, {0, 1}),
    ({"field": "lead_age_days", "present": True}, set()),
    ({"all": [{"field": "touch_count", "gte": 2}, {"field": "lead_age_days", "lt": 10}]}, {10, 11}),
])
def test_day_counts_of_conditions(condition, bounds):
    found = {n for field, n in _rules_with(condition).time_bounds if field == "lead_age_days"}
    assert found == bounds | {30, 31}  # the 30-day rule of the packaged routing stays


def test_a_time_compared_with_text_or_answered_in_an_assessment_can_change_any_day():
    assert _rules_with({"field": "lead_age_days", "equals": "thirty"}).time_bounds is None
    assessed = _rules_with({"field": "touch_count", "gt": 1}, assessments=[{
        "id": "age", "questions": [{"id": "q", "from": "lead_age_days", "when_given": 1}]}])
    assert assessed.time_bounds is None
    assert full_evaluation_reason(LastQualification(assessed.version, datetime(2026, 1, 1)), assessed,
                                  datetime(2026, 1, 2)).startswith("a rule can change any day")


@pytest.mark.parametrize("condition", [{"field": "lead_age_days", "gt": 30}, {"field": "lead_age_days", "lte": -2},
                                       {"field": "lead_age_days", "equals": 0}])
def test_a_moment_is_in_a_window_exactly_when_its_day_count_crosses_a_bound(condition):
    rules = _rules_with(condition)
    last, now = datetime(2026, 3, 1, 6, 30), datetime(2026, 3, 9, 18, 0)
    # moments around every edge: a microsecond either side of each bound's window end, and a spread of others
    moments = [now - timedelta(days=d, hours=h) for d in range(-6, 45) for h in (0, 7, 13)]
    windows = time_windows(rules, last, now)
    moments += [w + timedelta(microseconds=e) for w in (*windows["after"], *windows["until"]) for e in (-1, 0, 1)]
    frame = pl.DataFrame({"created_at": moments, "last_touch_at": moments, "status": ["Unqualified"] * len(moments),
                          "retired_at": [None] * len(moments)}, schema_overrides={"retired_at": pl.Datetime("us")})
    before = with_time_fields(frame, last)["lead_age_days"]
    after = with_time_fields(frame, now)["lead_age_days"]
    bounds = [n for field, n in rules.time_bounds if field == "lead_age_days"]
    crosses = [any(b < n <= a for n in bounds) for b, a in zip(before, after)]
    created = windows.filter(pl.col("moment") == "created_at")
    inside = [any(w["after"] <= m <= w["until"] for w in created.iter_rows(named=True)) for m in moments]
    assert any(crosses)
    assert [c for c, i in zip(crosses, inside) if c and not i] == []  # never a crossing outside the windows
    assert sum(inside) - sum(crosses) <= 2 * len(bounds)  # and the windows' ends hold no more than their edges


def test_when_every_lead_is_qualified():
    last = LastQualification(BASE.version, datetime(2026, 11, 30))
    assert full_evaluation_reason(last, BASE, datetime(2026, 12, 7)) is None
    assert full_evaluation_reason(last, BASE, datetime(2026, 12, 7), asked=True) == "asked for (--requalify-all)"
    assert full_evaluation_reason(None, BASE, datetime(2026, 12, 7)) == "no earlier qualification in this warehouse"
    assert full_evaluation_reason(LastQualification("0ld", last.as_of), BASE, datetime(2026, 12, 7)).startswith(
        "the rules changed (version 0ld -> ")
    assert full_evaluation_reason(last, BASE, datetime(2026, 11, 29)).startswith("the run date 2026-11-29")
    assert time_windows(BASE, last.as_of, last.as_of).height == 0  # the same run date: time moved nothing
