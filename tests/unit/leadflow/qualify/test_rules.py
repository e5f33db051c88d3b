"""Qualification, scoring and routing rules: the classic BANT rule, product requirement, ranks, routing, errors."""

from datetime import datetime

import polars as pl
import pytest

from leadflow.qualify.rules import (
    RulesError, evaluate_routing, evaluate_score, evaluate_status, load_rules, parse_rules,
)

T = datetime(2026, 11, 10)


def _profile(**fields):
    base = {"lead_id": "L1", "status": None, "first_touch_at": T, "last_touch_at": T, "converted_event_at": None,
            "budget_status": "approved", "timeframe_months": 2, "decision_maker": True,
            "response_types": ["attended_event"], "product_interest": "Analytics", "last_disposition": None,
            "has_opportunity": False, "do_not_contact": False, "country": "US", "touch_count": 1}
    base.update(fields)
    return pl.DataFrame([base], schema_overrides={"response_types": pl.List(pl.Utf8), "status": pl.Utf8,
                                                   "converted_event_at": pl.Datetime("us"),
                                                   "last_disposition": pl.Utf8, "product_interest": pl.Utf8})


@pytest.mark.parametrize("fields, expected", [
    ({}, "Qualified"),
    ({"product_interest": None}, "Unqualified"),
    ({"budget_status": "pending"}, "Unqualified"),
    ({"timeframe_months": 4}, "Unqualified"),
    ({"decision_maker": False}, "Unqualified"),
    ({"decision_maker": None}, "Unqualified"),
    ({"response_types": ["webinar"]}, "Unqualified"),
    ({"has_opportunity": True, "converted_event_at": datetime(2026, 11, 20)}, "Converted"),
    ({"response_types": ["telemarketing_call"], "last_disposition": "not_interested"}, "Retired"),
])
def test_status_rules(fields, expected):
    leads, changes = evaluate_status(_profile(**fields), load_rules())
    assert leads["status"][0] == expected
    assert changes["rule_id"][0] == "new-lead" and changes["to_status"][0] == "Unqualified"


def test_qualified_then_converted_records_both_changes_with_rules():
    leads, changes = evaluate_status(_profile(status="Unqualified", has_opportunity=True,
                                              converted_event_at=datetime(2026, 11, 20)), load_rules())
    assert leads["status"][0] == "Converted"
    assert changes.select("from_status", "to_status", "rule_id").rows() == [
        ("Unqualified", "Converted", "converted-by-opportunity")]
    assert changes["changed_at"][0] == datetime(2026, 11, 20)


def test_score_and_rank_are_bounded():
    rules = load_rules()
    hot = evaluate_score(_profile(), rules)
    cold = evaluate_score(_profile(budget_status="none", timeframe_months=None, decision_maker=False,
                                   response_types=[], last_disposition="not_interested"), rules)
    assert hot["rank"][0] == "Hot" and 70 <= hot["score"][0] <= 100
    assert cold["score"][0] == 1 and cold["rank"][0] == "Cool"


@pytest.mark.parametrize("country, dnc, owner, territory", [
    ("US", False, "na-inside-sales", "North America"),
    ("DE", False, "emea-inside-sales", "EMEA"),
    ("BR", False, "intl-inside-sales", "International"),
    ("US", True, "marketing-ops", "North America"),
    ("NO", False, "emea-inside-sales", "EMEA"),  # `NO` in the rules file is Norway, not a YAML false
])
def test_routing(country, dnc, owner, territory):
    routed = evaluate_routing(_profile(country=country, do_not_contact=dnc), load_rules())
    assert (routed["owner"][0], routed["territory"][0]) == (owner, territory)


def test_account_owner_wins_over_queue():
    routed = evaluate_routing(_profile().with_columns(pl.lit("jordan.lee").alias("account_owner")), load_rules())
    assert routed["owner"][0] == "jordan.lee"


@pytest.mark.parametrize("doc, message", [
    ({"status_rules": [{"id": "a", "to": "Won", "when": {"field": "touch_count", "gte": 1}}]}, "unknown status 'Won'"),
    ({"status_rules": [{"id": "a", "to": "Qualified", "when": {"field": "budget", "equals": 1}}]}, "unknown field 'budget'"),
    ({"status_rules": [{"id": "a", "to": "Qualified", "when": {"field": "touch_count", "lte": "x"}}]}, "needs a number"),
    ({"status_rules": [{"id": "a", "to": "Qualified", "when": {"field": "country", "contains": "US"}}]},
     "list fields only"),
    ({"scoring": {"ranks": [{"rank": "Hot", "min_score": 50}]}}, "lowest rank must start at min_score 1"),
    ({"scoring": {"ranks": [{"rank": "Hot", "min_score": 50}, {"rank": "Hot", "min_score": 1}]}},
     r"scoring.ranks\[1\] \(Hot\): another rank is named 'Hot'"),
    ({"scoring": {"ranks": [{"rank": "Hot", "min_score": 1}, {"rank": "Cool", "min_score": 1}]}},
     r"scoring.ranks\[1\] \(Cool\): another rank starts at min_score 1"),
    ({"status_rules": [{"id": "a", "to": "Qualified", "when": {"field": "touch_count", "gte": 1}}] * 2},
     r"status_rules\[1\] \(a\): another status rule has the id 'a'"),
    ({"routing": {"territories": [{"territory": "EMEA", "countries": ["DE"]}], "queues": {"EMEA": "emea"}}},
     "routing.queues: no queue for territory International"),
])
def test_rule_errors_name_the_entry(doc, message):
    with pytest.raises(RulesError, match=message):
        parse_rules(doc)


def test_every_problem_is_named_at_once():
    with pytest.raises(RulesError) as caught:
        parse_rules({"status_rules": [{"id": "a", "to": "Won", "when": {"field": "budget", "equals": 1}}],
                     "scoring": {"ranks": [{"rank": "Hot", "min_score": 50}]}})
    assert str(caught.value) == (
        "rules file: status_rules[0] (a).to: unknown status 'Won' (known statuses: Unqualified, Qualified, "
        "Converted, Retired); status_rules[0] (a).when.field: unknown field 'budget' (known fields: "
        "budget_status, timeframe_months, decision_maker, product_interest, response_types, last_disposition, "
        "has_opportunity, do_not_contact, is_existing_customer, touch_count, job_title, country, industry, "
        "employee_count); scoring.ranks: the lowest rank must start at min_score 1 so every lead gets a rank; "
        "routing: is required")


def test_rules_check_command(tmp_path, capsys):
    from leadflow.cli import main
    assert main(["rules", "check", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read rules file" in capsys.readouterr().err
