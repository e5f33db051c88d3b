"""The lead lifecycle (leadflow.qualify.lifecycle) with the shipped rules: the Oracle BANT rule, retire and reopen at
their boundaries, score-threshold qualification, rank bands, assessments with their answers, and a status or rank
a person set winning over the rules."""

from datetime import datetime, timedelta
from importlib import resources

import polars as pl
import pytest

from leadflow.qualify.lifecycle import evaluate_lifecycle
from leadflow.qualify.rules import load_rules, parse_rules
from schemas.config_files import parse_yaml

AS_OF = datetime(2026, 11, 30)
RULES = load_rules()
SCHEMA = {"lead_id": pl.Utf8, "status": pl.Utf8, "created_at": pl.Datetime("us"), "first_touch_at": pl.Datetime("us"),
          "last_touch_at": pl.Datetime("us"), "retired_at": pl.Datetime("us"), "converted_event_at": pl.Datetime("us"),
          "budget_status": pl.Utf8, "timeframe_months": pl.Int32, "decision_maker": pl.Boolean,
          "response_types": pl.List(pl.Utf8), "product_interest": pl.Utf8, "last_disposition": pl.Utf8,
          "has_opportunity": pl.Boolean, "do_not_contact": pl.Boolean, "touch_count": pl.Int32,
          "custom_fields": pl.Utf8, "status_override": pl.Utf8, "status_override_source": pl.Utf8,
          "rank_override": pl.Utf8}
BANT = {"budget_status": "approved", "timeframe_months": 2, "decision_maker": True,
        "response_types": ["attended_event"], "product_interest": "Analytics"}


def _lead(lead_id="L1", days_ago=2, **fields) -> dict:
    touched = AS_OF - timedelta(days=days_ago)
    return {**dict.fromkeys(SCHEMA), "lead_id": lead_id, "created_at": touched, "first_touch_at": touched,
            "last_touch_at": touched, "budget_status": "unknown", "response_types": [], "has_opportunity": False,
            "do_not_contact": False, "touch_count": 1, **fields}


def _evaluate(*leads, rules=RULES):
    result = evaluate_lifecycle(pl.DataFrame(list(leads), schema=SCHEMA), rules, AS_OF)
    return {r["lead_id"]: r for r in result.leads.rows(named=True)}, result.transitions


@pytest.mark.parametrize("fields, status", [
    (BANT, "Qualified"),                                                  # the classic BANT + event rule
    ({**BANT, "product_interest": None}, "Unqualified"),                  # a status requirement
    ({**BANT, "budget_status": "pending"}, "Unqualified"),
    ({**BANT, "timeframe_months": 4}, "Unqualified"),
    ({**BANT, "decision_maker": None}, "Unqualified"),
    ({**BANT, "response_types": ["webinar"]}, "Unqualified"),
    ({"has_opportunity": True, "converted_event_at": datetime(2026, 11, 29)}, "Converted"),
    ({"response_types": ["telemarketing_call"], "last_disposition": "not_interested"}, "Retired"),
])
def test_a_new_lead_enters_unqualified_and_moves_by_the_rules(fields, status):
    leads, transitions = _evaluate(_lead(**fields))
    assert leads["L1"]["status"] == status
    first = transitions.row(0, named=True)
    assert (first["rule_id"], first["to_status"], first["rules_version"]) == ("new-lead", "Unqualified", RULES.version)


@pytest.mark.parametrize("days, status", [(180, "Unqualified"), (181, "Retired")])
def test_inactivity_retires_after_180_days_not_before(days, status):
    leads, transitions = _evaluate(_lead(status="Unqualified", days_ago=days))
    assert leads["L1"]["status"] == status and leads["L1"]["days_since_last_touch"] == days
    if status == "Retired":  # a time rule changes the status as of the run
        assert transitions.select("rule_id", "changed_at").rows() == [("retired-inactive", AS_OF)]


def test_a_new_touch_after_retirement_reopens_the_lead():
    retired = AS_OF - timedelta(days=20)
    leads, transitions = _evaluate(
        _lead("L1", status="Retired", retired_at=retired, last_touch_at=AS_OF - timedelta(days=1),
              response_types=["telemarketing_call", "attended_event"], last_disposition=None),
        _lead("L2", status="Retired", retired_at=retired, last_touch_at=retired))
    assert (leads["L1"]["status"], leads["L2"]["status"]) == ("Unqualified", "Retired")
    assert transitions.select("lead_id", "from_status", "to_status", "rule_id").rows() == [
        ("L1", "Retired", "Unqualified", "reopened-by-new-touch")]


def test_a_reopened_lead_with_all_it_takes_is_qualified_in_the_same_run():
    leads, _ = _evaluate(_lead(status="Retired", retired_at=AS_OF - timedelta(days=9), **BANT))
    assert leads["L1"]["status"] == "Qualified"


def _default_document() -> dict:
    return parse_yaml(resources.files("leadflow").joinpath("defaults/rules.yaml").read_text(), "rules")


def test_score_rules_run_before_status_so_a_score_can_qualify():
    document = _default_document()
    document["status_rules"].insert(3, {"id": "qualified-by-score", "to": "Qualified", "from": ["Unqualified"],
                                        "when": {"field": "score", "gte": 70}})
    rules = parse_rules(document)
    hot = {**BANT, "response_types": ["webinar"]}  # no event: BANT rule does not hold; the score does
    leads, transitions = _evaluate(_lead(**hot), rules=rules)
    assert leads["L1"]["score"] >= 70 and leads["L1"]["status"] == "Qualified"
    assert "qualified-by-score" in transitions["rule_id"].to_list()


@pytest.mark.parametrize("fields, score, rank", [
    (BANT, 90, "Hot"),
    ({"budget_status": "pending", "timeframe_months": 6}, 23, "Cool"),
    ({"budget_status": "approved", "decision_maker": True}, 50, "Warm"),
    ({"last_disposition": "not_interested"}, 1, "Cool"),   # clamped to 1
])
def test_score_and_rank_bands(fields, score, rank):
    leads, _ = _evaluate(_lead(**fields))
    assert (leads["L1"]["score"], leads["L1"]["rank"]) == (score, rank)


def test_the_score_says_which_rules_gave_its_points():
    leads, _ = _evaluate(_lead(budget_status="approved", decision_maker=True))
    assert leads["L1"]["score_rules"] == "budget-approved +25, decision-maker +20"


def test_an_assessment_scores_the_answers_given_apart_from_the_score():
    leads, _ = _evaluate(_lead(response_types=["telemarketing_call"], budget_status="pending", decision_maker=True,
                               product_interest="CRM", timeframe_months=9),
                         _lead("L2", response_types=["webinar"]))
    call = leads["L1"]
    assert (call["assessment_id"], call["assessment_score"]) == ("telemarketing-bant", 15 + 25 + 20 + 10)
    answers = pl.read_json(call["assessment_answers"].encode()).rows()
    assert answers == [("budget", "Is a budget approved?", "pending", 15), ("authority", "Does the contact decide?",
                       "true", 25), ("need", "Which product are they interested in?", "CRM", 20),
                       ("timing", "When will they buy?", "9", 10)]
    assert leads["L2"]["assessment_id"] is None and leads["L2"]["assessment_score"] is None


def test_an_assessment_reads_custom_fields():
    document = _default_document()
    document["assessments"] = [{"id": "size", "questions": [
        {"id": "team", "from": "custom.team_size", "ranges": [{"lte": 10, "points": 5}, {"lte": 1000, "points": 20}]}]}]
    leads, _ = _evaluate(_lead(custom_fields='{"team_size": "120"}'), rules=parse_rules(document))
    assert leads["L1"]["assessment_score"] == 20


def test_a_status_a_person_set_wins_and_is_never_recomputed():
    leads, transitions = _evaluate(
        _lead("L1", status="Unqualified", status_override="Qualified", status_override_source="file:overrides.csv"),
        _lead("L2", status="Qualified", status_override="Qualified", status_override_source="crm",
              last_disposition="not_interested"))
    assert (leads["L1"]["status"], leads["L1"]["status_source"]) == ("Qualified", "file:overrides.csv")
    assert (leads["L2"]["status"], leads["L2"]["status_source"]) == ("Qualified", "crm")  # no rule retires it
    assert transitions.select("lead_id", "from_status", "to_status", "rule_id", "reason").rows() == [
        ("L1", "Unqualified", "Qualified", "manual-override", "set by a person (file:overrides.csv)")]


def test_a_rank_a_person_set_wins():
    leads, _ = _evaluate(_lead(rank_override="Hot"))
    assert (leads["L1"]["score"], leads["L1"]["rank"]) == (5, "Hot")


def test_lead_age_counts_from_creation_as_of_the_run():
    leads, _ = _evaluate(_lead(created_at=AS_OF - timedelta(days=31), days_ago=3))
    assert (leads["L1"]["lead_age_days"], leads["L1"]["days_since_last_touch"]) == (31, 3)
