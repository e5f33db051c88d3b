"""Survivorship (dedupe.survivorship): one golden profile per lead from its touches (CRM contact values, latest
phone and title, first touch's source, do-not-contact, budget), the source records a lead is built from, and
merged custom fields."""

import json
from datetime import datetime

import polars as pl
import pytest

from dedupe.survivorship import SOURCE_COLUMNS, build_lead_profiles, lead_sources_for_profiles, merge_custom_fields

SOURCES = {c: pl.Utf8 for c in SOURCE_COLUMNS} | {
    "touch_at": pl.Datetime("us"), "opt_in": pl.Boolean, "decision_maker": pl.Boolean,
    "timeframe_months": pl.Int32, "contact_id": pl.Utf8, "crm_lead_id": pl.Utf8}
CONTACTS = {c: pl.Utf8 for c in ("contact_id", "first_name", "last_name", "email", "phone", "job_title",
                                 "account_id")}
NO_CONTACTS = pl.DataFrame(schema=CONTACTS)


def _touch(record_id: str, day: int, **fields) -> dict:
    return {**dict.fromkeys(SOURCES), "lead_id": "L1", "source_file": "responses.csv", "source_record_id": record_id,
            "touch_at": datetime(2026, 11, day), **fields}


def _profile(touches: list[dict], contacts: pl.DataFrame = NO_CONTACTS) -> dict:
    [profile] = build_lead_profiles(pl.DataFrame(touches, schema=SOURCES), contacts).rows(named=True)
    return profile


def test_a_crm_contacts_name_and_email_beat_the_imported_ones():
    contacts = pl.DataFrame([{"contact_id": "C-1", "first_name": "Katherine", "last_name": "Jones",
                              "email": "k.jones@acme.com", "phone": "+14155550100", "job_title": "CFO",
                              "account_id": "A-1"}], schema=CONTACTS)
    profile = _profile([_touch("1", 2, first_name="Kate", last_name="Jones", email="kate@gmail.com",
                               phone="+14155550199", contact_id="C-1")], contacts)
    assert (profile["first_name"], profile["email"]) == ("Katherine", "k.jones@acme.com")
    assert profile["phone"] == "+14155550199", "the lead's own latest phone is kept"
    assert profile["job_title"] == "CFO", "the contact's title fills a title the touches never gave"
    assert profile["contact_account_id"] == "A-1"


def test_a_lead_without_a_crm_contact_keeps_its_own_name():
    contacts = pl.DataFrame([{"contact_id": "C-9", "first_name": "Someone", "last_name": "Else", "email": "x@y.com",
                              "phone": None, "job_title": None, "account_id": "A-9"}], schema=CONTACTS)
    profile = _profile([_touch("1", 2, first_name="Kate", email="kate@acme.com")], contacts)
    assert (profile["first_name"], profile["email"], profile["contact_account_id"]) == ("Kate", "kate@acme.com", None)


@pytest.mark.parametrize("older, newer, expected", [
    ({"phone": "+14155550100", "job_title": "CTO"}, {"phone": None, "job_title": None}, ("+14155550100", "CTO")),
    ({"phone": "+14155550100", "job_title": "CTO"}, {"phone": "+14155550199", "job_title": "CEO"},
     ("+14155550199", "CEO")),
    ({"phone": None, "job_title": None}, {"phone": "+14155550199", "job_title": "CEO"}, ("+14155550199", "CEO")),
])
def test_phone_and_title_take_the_latest_non_empty_value(older, newer, expected):
    # given newest first: the order of the touches in time decides, not their order in the frame
    profile = _profile([_touch("2", 9, **newer), _touch("1", 2, **older)])
    assert (profile["phone"], profile["job_title"]) == expected


def test_the_first_touchs_source_and_campaign_are_kept():
    profile = _profile([_touch("2", 9, source="telemarketer/callpoint", campaign_id="TM-1"),
                        _touch("1", 2, source="campaign_response", campaign_id="C-WEBINAR")])
    assert (profile["source"], profile["campaign_id"]) == ("campaign_response", "C-WEBINAR")
    assert (profile["first_touch_at"], profile["last_touch_at"]) == (datetime(2026, 11, 2), datetime(2026, 11, 9))
    assert profile["touch_count"] == 2


@pytest.mark.parametrize("touches, do_not_contact", [
    ([{"opt_in": True}, {"opt_in": None}], False),
    ([{"opt_in": False}, {"opt_in": True}], True),
    ([{"opt_in": True}, {"disposition": "do_not_call"}], True),
    ([{"disposition": "not_interested"}, {"opt_in": None}], False),
])
def test_one_opted_out_touch_makes_the_lead_do_not_contact(touches, do_not_contact):
    profile = _profile([_touch(str(n), 2 + n, **fields) for n, fields in enumerate(touches)])
    assert profile["do_not_contact"] is do_not_contact


@pytest.mark.parametrize("budgets, expected", [
    (["approved", "unknown"], "approved"),
    (["approved", "pending"], "pending"),
    (["unknown", None], "unknown"),
    (["none", "unknown", "unknown"], "none"),
])
def test_an_unknown_budget_never_overwrites_a_known_one(budgets, expected):
    profile = _profile([_touch(str(n), 2 + n, budget_status=b) for n, b in enumerate(budgets)])
    assert profile["budget_status"] == expected


def test_each_lead_gets_one_profile_from_its_own_touches():
    profiles = build_lead_profiles(pl.DataFrame([
        _touch("1", 2, lead_id="L1", first_name="Ann"), _touch("2", 3, lead_id="L2", first_name="Bob"),
        _touch("3", 4, lead_id="L1", response_type="webinar"), _touch("4", 5, lead_id="L2", disposition="callback"),
    ], schema=SOURCES), NO_CONTACTS)
    by_lead = {p["lead_id"]: p for p in profiles.rows(named=True)}
    assert sorted(by_lead) == ["L1", "L2"]
    assert (by_lead["L1"]["first_name"], by_lead["L1"]["touch_count"], by_lead["L1"]["response_types"]) == (
        "Ann", 2, ["webinar"])
    assert (by_lead["L2"]["first_name"], by_lead["L2"]["last_disposition"]) == ("Bob", "callback")


def test_custom_fields_of_all_touches_reach_the_profile():
    profile = _profile([_touch("1", 2, custom_fields='{"lead_score": "40", "region": "west"}'),
                        _touch("2", 9, custom_fields='{"lead_score": "87", "region": ""}')])
    assert json.loads(profile["custom_fields"]) == {"lead_score": "87", "region": "west"}


@pytest.mark.parametrize("documents, expected", [
    (None, None),
    ([], None),
    (['{"a": "1"}', '{"a": "2", "b": "x"}'], {"a": "2", "b": "x"}),
    (['{"a": "1"}', '{"a": "", "b": null}'], {"a": "1"}),
    (['not json', '{"a": "1"}', '["a", "list"]', None], {"a": "1"}),
    (['{"a": ""}'], None),
])
def test_merge_custom_fields_latest_non_empty_value_wins(documents, expected):
    merged = merge_custom_fields(documents)
    assert (json.loads(merged) if merged is not None else None) == expected


def test_merged_custom_fields_keep_their_letters_and_sort_their_keys():
    assert merge_custom_fields(['{"z": "Zoë", "a": "Jörg"}']) == '{"a": "Jörg", "z": "Zoë"}'


# ---- the source records a profile is built from --------------------------------------------------------------

ASSIGNMENTS = {"record_key": pl.Utf8, "lead_id": pl.Utf8, "contact_id": pl.Utf8, "crm_lead_id": pl.Utf8,
               "previous_lead_id": pl.Utf8}


def _records(rows: list[dict], with_lead: bool) -> pl.DataFrame:
    schema = SOURCES | {"record_key": pl.Utf8}
    if not with_lead:
        schema = {c: t for c, t in schema.items() if c not in ("lead_id", "contact_id", "crm_lead_id")}
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema)


def _record(key: str, day: int, **fields) -> dict:
    file, record_id = key.split("#")
    return {"record_key": key, "source_file": file, "source_record_id": record_id,
            "touch_at": datetime(2026, 11, day), **fields}


def test_this_imports_records_join_the_earlier_records_of_their_lead_with_its_crm_links():
    batch = _records([_record("w2.csv#1", 9, first_name="Ann")], with_lead=False)
    assignments = pl.DataFrame([{"record_key": "w2.csv#1", "lead_id": "L1", "contact_id": None,
                                 "crm_lead_id": None, "previous_lead_id": None}], schema=ASSIGNMENTS)
    prior = _records([_record("w1.csv#1", 2, lead_id="L1", contact_id="C-1", first_name="Ann")], with_lead=True)
    sources = lead_sources_for_profiles(batch, assignments, prior)
    assert sorted(sources.select("source_record_id", "source_file", "lead_id", "contact_id").rows()) == [
        ("1", "w1.csv", "L1", "C-1"), ("1", "w2.csv", "L1", "C-1")]


def test_a_reopened_record_counts_for_the_lead_re_clustering_gave_it():
    """Lead L1 = {w1#1, w1#2} was re-opened by a verdict: w1#2 moved to L2 (with L2's CRM contact), w1#1 stayed."""
    batch = _records([_record("w2.csv#7", 9, first_name="Bob")], with_lead=False)
    assignments = pl.DataFrame([
        {"record_key": "w2.csv#7", "lead_id": "L2", "contact_id": "C-2", "crm_lead_id": None, "previous_lead_id": None},
        {"record_key": "w1.csv#1", "lead_id": "L1", "contact_id": None, "crm_lead_id": None, "previous_lead_id": "L1"},
        {"record_key": "w1.csv#2", "lead_id": "L2", "contact_id": "C-2", "crm_lead_id": None,
         "previous_lead_id": "L1"},
    ], schema=ASSIGNMENTS)
    prior = _records([_record("w1.csv#1", 2, lead_id="L1", contact_id="C-1", first_name="Ann"),
                      _record("w1.csv#2", 3, lead_id="L1", contact_id="C-1", first_name="Bob")], with_lead=True)
    sources = lead_sources_for_profiles(batch, assignments, prior)
    by_key = {(r["source_file"], r["source_record_id"]): r for r in sources.rows(named=True)}
    assert sorted(by_key) == [("w1.csv", "1"), ("w1.csv", "2"), ("w2.csv", "7")]
    assert (by_key["w1.csv", "2"]["lead_id"], by_key["w1.csv", "2"]["contact_id"]) == ("L2", "C-2")
    assert by_key["w1.csv", "1"]["lead_id"] == "L1" and by_key["w1.csv", "1"]["contact_id"] is None
    profiles = build_lead_profiles(sources, NO_CONTACTS)
    assert dict(profiles.select("lead_id", "touch_count").iter_rows()) == {"L1": 1, "L2": 2}
