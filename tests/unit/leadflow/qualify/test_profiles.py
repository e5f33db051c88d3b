"""Touched leads and their profiles (leadflow.qualify.profiles): which leads an import touches, and each one's
profile from all of its current records, its CRM contact and its published state."""

from datetime import datetime

import polars as pl

from dedupe.survivorship import SOURCE_COLUMNS
from leadflow.qualify.profiles import touched_lead_profiles, touched_leads

LEAD_IDS = {"lead_id": pl.Utf8}
RECORDS = {c: pl.Utf8 for c in SOURCE_COLUMNS} | {
    "record_key": pl.Utf8, "touch_at": pl.Datetime("us"), "opt_in": pl.Boolean, "decision_maker": pl.Boolean,
    "timeframe_months": pl.Int32, "contact_id": pl.Utf8, "crm_lead_id": pl.Utf8}
ASSIGNMENTS = {"record_key": pl.Utf8, "lead_id": pl.Utf8, "contact_id": pl.Utf8, "crm_lead_id": pl.Utf8,
               "previous_lead_id": pl.Utf8}
SUPERSEDED = {"record_key": pl.Utf8, "lead_id": pl.Utf8}
CRM_PEOPLE = {c: pl.Utf8 for c in ("record_key", "kind", "contact_id", "crm_lead_id", "account_id", "first_name",
                                   "last_name", "email", "phone", "job_title")}
CURRENT = {"lead_id": pl.Utf8, "status": pl.Utf8, "created_at": pl.Datetime("us")}
OPPORTUNITIES = {"opportunity_id": pl.Utf8, "lead_id": pl.Utf8, "contact_id": pl.Utf8,
                 "created_at": pl.Datetime("us")}


def _ids(*ids: str) -> pl.DataFrame:
    return pl.DataFrame({"lead_id": list(ids)}, schema=LEAD_IDS)


def test_touched_leads_are_every_lead_the_import_changes_once():
    touched = touched_leads(
        assignments=_ids("L1", "L2", "L1"),
        moves=pl.DataFrame({"record_key": ["a#1"], "from_lead_id": ["L3"], "to_lead_id": ["L1"]}),
        superseded=pl.DataFrame({"record_key": ["b#1"], "lead_id": ["L4"]}),
        with_new_opportunity=_ids("L5", "L2"),
    )
    assert sorted(touched["lead_id"].to_list()) == ["L1", "L2", "L3", "L4", "L5"]


def test_nothing_happened_nothing_touched():
    empty = pl.DataFrame(schema={"record_key": pl.Utf8, "from_lead_id": pl.Utf8, "lead_id": pl.Utf8})
    assert touched_leads(_ids(), empty, empty, _ids()).height == 0


def _record(key: str, day: int, **fields) -> dict:
    file, record_id = key.split("#")
    return {**dict.fromkeys(RECORDS), "record_key": key, "source_file": file, "source_record_id": record_id,
            "touch_at": datetime(2026, 11, day), "source": "campaign_response", **fields}


def _frame(rows: list[dict], schema: dict, drop: tuple[str, ...] = ()) -> pl.DataFrame:
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema).drop(drop)


def test_a_touched_lead_is_built_from_its_current_records_its_crm_contact_and_its_state():
    """L1 was published with w1#1 and w1#2; this import brings w2#1 and a corrected w1.csv that replaces w1#2."""
    batch = _frame([_record("w2.csv#1", 9, first_name="Kate", phone="+14155550199"),
                    _record("w1.csv#2", 10, first_name="Kate", job_title="VP Sales")], RECORDS,
                   drop=("lead_id", "contact_id", "crm_lead_id"))
    assignments = _frame([{"record_key": "w2.csv#1", "lead_id": "L1", "contact_id": "C-1"},
                          {"record_key": "w1.csv#2", "lead_id": "L1", "contact_id": "C-1"}], ASSIGNMENTS)
    prior = _frame([_record("w1.csv#1", 2, lead_id="L1", contact_id="C-1", first_name="Kate", campaign_id="C-EVENT"),
                    _record("w1.csv#2", 3, lead_id="L1", contact_id="C-1", first_name="Kate", job_title="Intern",
                            disposition="do_not_call")], RECORDS)
    superseded = _frame([{"record_key": "w1.csv#2", "lead_id": "L1"}], SUPERSEDED)
    crm_people = _frame([
        {"record_key": "crm/contacts.csv#C-1", "kind": "contact", "contact_id": "C-1", "account_id": "A-1",
         "first_name": "Katherine", "last_name": "Jones", "email": "k.jones@acme.com"},
        {"record_key": "crm/leads.csv#X", "kind": "crm_lead", "crm_lead_id": "X", "first_name": "Other"},
    ], CRM_PEOPLE)
    current = _frame([{"lead_id": "L1", "status": "Unqualified", "created_at": datetime(2026, 11, 2)}], CURRENT)
    opportunities = _frame([{"opportunity_id": "O1", "contact_id": "C-1", "created_at": datetime(2026, 11, 20)}],
                           OPPORTUNITIES)

    profiles = touched_lead_profiles(batch, assignments, superseded, prior, crm_people, current, opportunities)

    [lead] = profiles.rows(named=True)
    assert lead["lead_id"] == "L1" and lead["touch_count"] == 3, "w1#1, w2#1 and the corrected w1#2"
    assert (lead["first_name"], lead["last_name"], lead["email"]) == ("Katherine", "Jones", "k.jones@acme.com")
    assert (lead["phone"], lead["job_title"]) == ("+14155550199", "VP Sales")
    assert lead["do_not_contact"] is False, "the replaced version's do-not-call no longer counts"
    assert (lead["campaign_id"], lead["first_touch_at"]) == ("C-EVENT", datetime(2026, 11, 2))
    assert (lead["status"], lead["published_created_at"]) == ("Unqualified", datetime(2026, 11, 2))
    assert (lead["has_opportunity"], lead["converted_event_at"]) == (True, datetime(2026, 11, 20))
    assert lead["contact_account_id"] == "A-1"


def test_a_new_lead_has_no_published_state():
    batch = _frame([_record("w2.csv#1", 9, first_name="Ann")], RECORDS, drop=("lead_id", "contact_id", "crm_lead_id"))
    assignments = _frame([{"record_key": "w2.csv#1", "lead_id": "L9"}], ASSIGNMENTS)
    profiles = touched_lead_profiles(batch, assignments, _frame([], SUPERSEDED), _frame([], RECORDS),
                                     _frame([], CRM_PEOPLE), _frame([], CURRENT), _frame([], OPPORTUNITIES))
    assert profiles.select("lead_id", "first_name", "status", "has_opportunity", "touch_count").rows() == [
        ("L9", "Ann", None, False, 1)]
