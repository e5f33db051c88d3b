"""The published lead row (leadflow.qualify.leads): first-touch fields never overwritten, status times from the
status changes, only leads whose row changes come back (stamped updated_at); qualify_leads applies the rules file
to a lead's profile, account and firmographics."""

from datetime import datetime

import polars as pl
import pytest

from leadflow.qualify.leads import LEAD_COLUMNS, golden_leads, qualify_leads
from leadflow.qualify.rules import load_rules

NOW = datetime(2026, 11, 16, 6, 0)
LATER = datetime(2026, 11, 23, 6, 0)
DAY = {d: datetime(2026, 11, d) for d in range(1, 31)}
TYPES = {"score": pl.Int32, "employee_count": pl.Int32, "touch_count": pl.Int32, "timeframe_months": pl.Int32,
         "is_existing_customer": pl.Boolean, "decision_maker": pl.Boolean, "do_not_contact": pl.Boolean,
         "first_touch_at": pl.Datetime("us"), "last_touch_at": pl.Datetime("us"), "qualified_at": pl.Datetime("us"),
         "converted_at": pl.Datetime("us"), "retired_at": pl.Datetime("us"), "created_at": pl.Datetime("us"),
         "updated_at": pl.Datetime("us")}
PUBLISHED = {c: TYPES.get(c, pl.Utf8) for c in LEAD_COLUMNS}
STAGED = {c: t for c, t in PUBLISHED.items()
          if c not in ("qualified_at", "converted_at", "retired_at", "created_at", "updated_at")}
CHANGES = {"lead_id": pl.Utf8, "from_status": pl.Utf8, "to_status": pl.Utf8, "changed_at": pl.Datetime("us"),
           "reason": pl.Utf8, "rule_id": pl.Utf8}


def _staged(lead_id="L1", **fields) -> dict:
    return {**dict.fromkeys(STAGED), "lead_id": lead_id, "status": "Unqualified", "score": 30, "rank": "Cool",
            "owner": "na-inside-sales", "territory": "North America", "first_name": "Ann", "email": "ann@acme.com",
            "source": "campaign_response", "campaign_id": "C-WEBINAR", "touch_count": 1, "do_not_contact": False,
            "first_touch_at": DAY[2], "last_touch_at": DAY[2], **fields}


def _change(lead_id, to_status, day, from_status=None) -> dict:
    return {"lead_id": lead_id, "from_status": from_status, "to_status": to_status, "changed_at": DAY[day],
            "reason": "test", "rule_id": "test"}


def _golden(staged: list[dict], changes: list[dict] = (), current: pl.DataFrame | None = None, now=NOW):
    current = pl.DataFrame(schema=PUBLISHED) if current is None else current
    return golden_leads(pl.DataFrame(staged, schema=STAGED), pl.DataFrame(list(changes), schema=CHANGES), current,
                        now)


def test_a_new_lead_is_created_at_its_first_touch_with_its_status_times():
    leads, changes = _golden([_staged(status="Qualified", last_touch_at=DAY[9])],
                             [_change("L1", "Unqualified", 2), _change("L1", "Qualified", 9, "Unqualified")])
    [lead] = leads.rows(named=True)
    assert leads.columns == list(LEAD_COLUMNS)
    assert (lead["created_at"], lead["qualified_at"], lead["converted_at"], lead["retired_at"]) == (
        DAY[2], DAY[9], None, None)
    assert lead["updated_at"] == NOW
    assert changes["to_status"].to_list() == ["Unqualified", "Qualified"]


def test_an_unchanged_lead_is_not_returned_nor_its_changes():
    first, _ = _golden([_staged()], [_change("L1", "Unqualified", 2)])
    leads, changes = _golden([_staged()], [_change("L1", "Unqualified", 2)], current=first, now=LATER)
    assert leads.height == 0 and changes.height == 0


def test_only_the_leads_that_changed_come_back_stamped_now():
    published, _ = _golden([_staged("L1"), _staged("L2", first_name="Bob")],
                           [_change("L1", "Unqualified", 2), _change("L2", "Unqualified", 2)])
    leads, changes = _golden([_staged("L1"), _staged("L2", first_name="Bob", phone="+14155550100", status="Retired")],
                             [_change("L2", "Retired", 9, "Unqualified")], current=published, now=LATER)
    assert leads.select("lead_id", "status", "phone", "retired_at", "updated_at").rows() == [
        ("L2", "Retired", "+14155550100", DAY[9], LATER)]
    assert changes.select("lead_id", "to_status").rows() == [("L2", "Retired")]


@pytest.mark.parametrize("field, staged_value", [
    ("source", "telemarketer/callpoint"),
    ("campaign_id", "TM-CALLPOINT"),
    ("first_touch_at", DAY[1]),
])
def test_first_touch_fields_are_never_overwritten(field, staged_value):
    published, _ = _golden([_staged()], [_change("L1", "Unqualified", 2)])
    leads, _ = _golden([_staged(**{field: staged_value}, touch_count=2, last_touch_at=DAY[9])], [],
                       current=published, now=LATER)
    [lead] = leads.rows(named=True)
    assert (lead["source"], lead["campaign_id"], lead["first_touch_at"], lead["created_at"]) == (
        "campaign_response", "C-WEBINAR", DAY[2], DAY[2])
    assert (lead["touch_count"], lead["last_touch_at"], lead["updated_at"]) == (2, DAY[9], LATER)


def test_a_status_time_once_published_is_kept():
    published, _ = _golden([_staged(status="Qualified")], [_change("L1", "Qualified", 5)])
    leads, changes = _golden([_staged(status="Converted")],
                             [_change("L1", "Qualified", 12), _change("L1", "Converted", 20, "Qualified")],
                             current=published, now=LATER)
    [lead] = leads.rows(named=True)
    assert (lead["status"], lead["qualified_at"], lead["converted_at"]) == ("Converted", DAY[5], DAY[20])
    assert changes.height == 2


def test_a_lead_changed_only_in_a_status_time_is_returned():
    published, _ = _golden([_staged(status="Retired")], [])
    leads, _ = _golden([_staged(status="Retired")], [_change("L1", "Retired", 9, "Unqualified")],
                       current=published, now=LATER)
    assert leads.select("lead_id", "retired_at").rows() == [("L1", DAY[9])]


# ---- qualify_leads: the rules file on profile, account and firmographics -------------------------------------

PROFILE = {
    "lead_id": pl.Utf8, "status": pl.Utf8, "first_name": pl.Utf8, "last_name": pl.Utf8, "email": pl.Utf8,
    "phone": pl.Utf8, "company": pl.Utf8, "domain": pl.Utf8, "contact_id": pl.Utf8, "crm_lead_id": pl.Utf8,
    "source": pl.Utf8, "campaign_id": pl.Utf8, "job_title": pl.Utf8, "country": pl.Utf8, "state": pl.Utf8,
    "city": pl.Utf8, "product_interest": pl.Utf8, "budget_status": pl.Utf8, "timeframe_months": pl.Int32,
    "decision_maker": pl.Boolean, "do_not_contact": pl.Boolean, "touch_count": pl.Int32,
    "first_touch_at": pl.Datetime("us"), "last_touch_at": pl.Datetime("us"), "response_types": pl.List(pl.Utf8),
    "last_disposition": pl.Utf8, "custom_fields": pl.Utf8, "has_opportunity": pl.Boolean,
    "converted_event_at": pl.Datetime("us"),
}
ACCOUNTS = pl.DataFrame({"lead_id": ["L1", "L2"], "account_id": ["A-ACME", "PA-1"],
                         "account_match": ["domain", "prospect"], "is_existing_customer": [True, False],
                         "account_owner": ["jordan.lee", None]})
# the leads' companies as their accounts publish them (leadflow.enrich.accounts.lead_company_fields)
COMPANY = pl.DataFrame({"lead_id": ["L1", "L2"], "industry": ["Manufacturing", "Software"],
                        "employee_count": [5000, 45], "company_country": ["US", "DE"],
                        "company_state": ["CA", None], "company_city": ["San Jose", "Berlin"]},
                       schema_overrides={"employee_count": pl.Int32})


def _profile(lead_id, **fields) -> dict:
    return {**dict.fromkeys(PROFILE), "lead_id": lead_id, "first_name": "Ann", "source": "campaign_response",
            "campaign_id": "C-EVENT", "country": "US", "budget_status": "unknown", "do_not_contact": False,
            "touch_count": 1, "first_touch_at": DAY[2], "last_touch_at": DAY[2], "response_types": [],
            "has_opportunity": False, **fields}


BANT = {"budget_status": "approved", "timeframe_months": 2, "decision_maker": True,
        "response_types": ["attended_event"], "product_interest": "Analytics"}


def _qualify(profiles: list[dict], current: pl.DataFrame | None = None, now=NOW):
    current = pl.DataFrame(schema=PUBLISHED) if current is None else current
    return qualify_leads(pl.DataFrame(profiles, schema=PROFILE), ACCOUNTS, COMPANY, current, load_rules(), now)


def test_new_leads_are_qualified_scored_and_routed_by_the_rules():
    leads, changes = _qualify([
        _profile("L1", domain="acme.com", last_touch_at=DAY[9], **BANT),
        _profile("L2", domain="initech.com", country="DE", do_not_contact=True),
    ])
    by_id = {lead["lead_id"]: lead for lead in leads.rows(named=True)}
    assert {k: (v["status"], v["rank"], v["territory"], v["owner"]) for k, v in by_id.items()} == {
        "L1": ("Qualified", "Hot", "North America", "jordan.lee"),
        "L2": ("Unqualified", "Cool", "EMEA", "marketing-ops")}
    assert {k: (v["account_id"], v["is_existing_customer"], v["industry"], v["employee_count"])
            for k, v in by_id.items()} == {"L1": ("A-ACME", True, "Manufacturing", 5000),
                                           "L2": ("PA-1", False, "Software", 45)}
    assert (by_id["L1"]["qualified_at"], by_id["L1"]["created_at"]) == (DAY[9], DAY[2])
    assert sorted(changes.select("lead_id", "to_status", "rule_id").rows()) == [
        ("L1", "Qualified", "qualified-bant-event"), ("L1", "Unqualified", "new-lead"),
        ("L2", "Unqualified", "new-lead")]


def test_a_lead_is_located_and_routed_where_its_company_is_when_that_is_known():
    leads, _ = _qualify([
        _profile("L1", country="GB", state=None, city="London"),   # works for Acme (US): routed by the company
        _profile("L3", country="FR", city="Paris"),                 # no account: where the lead said it is
    ])
    by_id = {lead["lead_id"]: lead for lead in leads.rows(named=True)}
    assert {k: (v["country"], v["state"], v["city"], v["territory"]) for k, v in by_id.items()} == {
        "L1": ("US", "CA", "San Jose", "North America"), "L3": ("FR", None, "Paris", "EMEA")}


def test_qualifying_again_with_nothing_new_changes_nothing():
    published, _ = _qualify([_profile("L1", domain="acme.com", **BANT)])
    leads, changes = _qualify([_profile("L1", domain="acme.com", status="Qualified", **BANT)], published, LATER)
    assert leads.height == 0 and changes.height == 0


def test_an_opportunity_converts_a_published_lead_at_its_creation():
    published, _ = _qualify([_profile("L1", domain="acme.com", **BANT)])
    leads, changes = _qualify([_profile("L1", domain="acme.com", status="Qualified", has_opportunity=True,
                                        converted_event_at=DAY[20], **BANT)], published, LATER)
    [lead] = leads.rows(named=True)
    assert (lead["status"], lead["qualified_at"], lead["converted_at"], lead["updated_at"]) == (
        "Converted", DAY[2], DAY[20], LATER)
    assert changes.select("from_status", "to_status", "rule_id").rows() == [
        ("Qualified", "Converted", "converted-by-opportunity")]
