"""Rule conditions (leadflow.qualify.conditions), table-driven: every operator on the kinds of field it reads
(text, number, yes/no, list, time, custom fields), null never matching, and all / any / not."""

import polars as pl
import pytest
from pydantic import TypeAdapter, ValidationError

from leadflow.qualify.conditions import FIELDS, Condition, with_fields

CONDITION = TypeAdapter(Condition)
LEADS = with_fields(pl.DataFrame({
    "lead_id": ["L1", "L2", "L3"],
    "budget_status": ["approved", "pending", None],
    "timeframe_months": [2, 12, None],
    "decision_maker": [True, False, None],
    "response_types": [["attended_event", "webinar"], ["telemarketing_call"], None],
    "country": ["US", "DE", None],
    "employee_count": [5000, 40, None],
    "lead_age_days": [31, 30, None],
    "score": [75, 40, 1],
    "rank": ["Hot", "Warm", "Cool"],
    "custom_fields": ['{"team_size": "120", "segment": "enterprise"}', '{"team_size": "8"}', None],
}, schema_overrides={"timeframe_months": pl.Int32, "employee_count": pl.Int32, "lead_age_days": pl.Int32,
                     "score": pl.Int32, "response_types": pl.List(pl.Utf8)}),
    custom={"custom.team_size", "custom.segment", "custom.missing"})


def _holds(spec: dict) -> list[str]:
    return LEADS.filter(CONDITION.validate_python(spec).expr())["lead_id"].to_list()


@pytest.mark.parametrize("spec, leads", [
    ({"field": "budget_status", "equals": "approved"}, ["L1"]),
    ({"field": "decision_maker", "equals": True}, ["L1"]),
    ({"field": "decision_maker", "equals": False}, ["L2"]),
    ({"field": "country", "in": ["US", "CA"]}, ["L1"]),
    ({"field": "rank", "in": ["Hot", "Warm"]}, ["L1", "L2"]),
    ({"field": "timeframe_months", "lte": 12}, ["L1", "L2"]),
    ({"field": "timeframe_months", "lt": 12}, ["L1"]),
    ({"field": "employee_count", "gte": 5000}, ["L1"]),
    ({"field": "employee_count", "gt": 40}, ["L1"]),
    ({"field": "lead_age_days", "gt": 30}, ["L1"]),                 # day 31 is past 30, day 30 is not
    ({"field": "lead_age_days", "gte": 30}, ["L1", "L2"]),
    ({"field": "score", "gte": 70}, ["L1"]),
    ({"field": "budget_status", "present": True}, ["L1", "L2"]),
    ({"field": "budget_status", "present": False}, ["L3"]),
    ({"field": "response_types", "contains": "attended_event"}, ["L1"]),
    ({"field": "response_types", "contains": "telemarketing_call"}, ["L2"]),
    ({"field": "custom.segment", "equals": "enterprise"}, ["L1"]),
    ({"field": "custom.team_size", "gte": 100}, ["L1"]),          # a custom field compares as a number
    ({"field": "custom.team_size", "present": True}, ["L1", "L2"]),
    ({"field": "custom.missing", "present": False}, ["L1", "L2", "L3"]),
    ({"field": "campaign_type", "present": False}, ["L1", "L2", "L3"]),  # an alias of campaign_channel
    ({"all": [{"field": "country", "equals": "US"}, {"field": "score", "gte": 70}]}, ["L1"]),
    ({"any": [{"field": "country", "equals": "DE"}, {"field": "score", "gte": 70}]}, ["L1", "L2"]),
    ({"not": {"field": "country", "equals": "US"}}, ["L2", "L3"]),  # null is not US
])
def test_operators_on_every_kind_of_field(spec, leads):
    assert _holds(spec) == leads


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_every_field_can_be_read_and_each_lead_either_has_it_or_not(field):
    given, missing = _holds({"field": field, "present": True}), _holds({"field": field, "present": False})
    assert sorted(given + missing) == ["L1", "L2", "L3"] and not set(given) & set(missing)


@pytest.mark.parametrize("spec, message", [
    ({"field": "budget", "equals": 1}, "unknown field 'budget'"),
    ({"field": "custom.", "equals": 1}, "unknown field 'custom.'"),
    ({"field": "score", "lte": "x"}, "needs a number"),
    ({"field": "country", "contains": "US"}, "list fields only"),
    ({"field": "country", "equals": "US", "in": ["US"]}, "give exactly one operator"),
    ({"field": "country"}, "give exactly one operator"),
    ("country is US", "a condition must be a mapping"),
    ({"all": []}, "at least 1 item"),
])
def test_a_wrong_condition_says_what_is_wrong(spec, message):
    with pytest.raises(ValidationError, match=message):
        CONDITION.validate_python(spec)
