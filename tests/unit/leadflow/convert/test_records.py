"""The conversion records (leadflow.convert.records): accounts existing or to create, one per company; contacts
existing or new; due and close dates; notes, consent, tags and custom fields of the lead."""

from datetime import date, datetime

import pytest

from dedupe.accounts import prospect_account_id
from leadflow.convert.records import CUSTOM_FIELDS_JSON, account_records, lead_records, lead_touch_summary
from schemas.conversion_mapping import FIELDS
from tests.unit.leadflow.convert.frames import candidates, lead, touches


def _records(*rows, touched=(), due_days=2, close_days=30):
    return lead_records(candidates(*rows), touches(*touched), due_days, close_days)


def test_every_mapping_field_is_a_record_column():
    leads = _records(lead("LF-1"), lead("LF-2"))
    assert set(leads.columns) == {f"{ns}.{f}" for ns, fields in FIELDS.items() for f in fields} | {CUSTOM_FIELDS_JSON}
    assert leads.height == 2


def test_a_crm_account_is_existing_and_a_prospect_is_to_create():
    leads = _records(lead("LF-1", account_id="A-0001", account_source="crm", account_name="Acme Inc",
                          account_owner="casey.brown"),
                     lead("LF-2", account_id="PA-BETA", company="Beta", account_name=None))
    accounts = account_records(leads)
    assert accounts.select("account.id", "account.action", "account.crm_id", "account.external_id",
                           "account.name", "account.owner").rows() == [
        ("A-0001", "existing", "A-0001", None, "Acme Inc", "casey.brown"),
        ("PA-BETA", "create", None, "PA-BETA", "Beta", "jordan.lee"),
    ]


def test_leads_of_one_company_make_one_account_owned_by_its_first_qualified_lead():
    leads = _records(lead("LF-1", owner="sam.patel", qualified_at=datetime(2026, 11, 12)),
                     lead("LF-2", owner="alex.kim", qualified_at=datetime(2026, 11, 10)))
    accounts = account_records(leads)
    assert accounts.select("account.id", "account.owner").rows() == [("PA-ACME", "alex.kim")]
    assert leads["lead.id"].to_list() == ["LF-2", "LF-1"], "first qualified first"
    assert leads["account.id"].to_list() == ["PA-ACME", "PA-ACME"]


def test_a_company_without_an_account_gets_the_prospect_id_its_name_gives():
    leads = _records(lead("LF-1", account_id=None, account_source=None, company="Gamma GmbH", account_name=None),
                     lead("LF-2"))
    row = leads.filter(leads["lead.id"] == "LF-1").row(0, named=True)
    assert row["account.external_id"] == prospect_account_id("name:gamma") and row["account.action"] == "create"
    assert row["account.name"] == "Gamma GmbH"


def test_a_matched_crm_contact_is_existing_and_a_new_one_has_the_lead_id():
    leads = _records(lead("LF-1", contact_id="C-00001"), lead("LF-2"))
    assert leads.select("lead.id", "contact.id", "contact.crm_id", "contact.external_id", "contact.action").rows() \
        == [("LF-1", "C-00001", "C-00001", None, "existing"), ("LF-2", "LF-2", None, "LF-2", "create")]


@pytest.mark.parametrize("qualified_at, due_days, due, close", [
    (datetime(2026, 11, 10, 9), 2, date(2026, 11, 12), date(2026, 12, 10)),   # Tuesday + 2 business days
    (datetime(2026, 11, 13, 18), 2, date(2026, 11, 17), date(2026, 12, 13)),  # Friday: over the weekend
    (datetime(2026, 11, 14, 10), 2, date(2026, 11, 18), date(2026, 12, 14)),  # Saturday counts from Monday
    (datetime(2026, 11, 14, 10), 0, date(2026, 11, 16), date(2026, 12, 14)),  # ... even for 0 days
])
def test_task_due_date_in_business_days_and_close_date_in_days(qualified_at, due_days, due, close):
    leads = _records(lead("LF-1", qualified_at=qualified_at), lead("LF-2"), due_days=due_days)
    row = leads.filter(leads["lead.id"] == "LF-1").row(0, named=True)
    assert (row["task.due_date"], row["opportunity.close_date"], row["lead.qualified_on"]) == (
        due, close, qualified_at.date())


def test_a_lead_without_qualified_at_counts_from_its_last_update():
    leads = _records(lead("LF-1", qualified_at=None, updated_at=datetime(2026, 11, 11, 8)), lead("LF-2"))
    row = leads.filter(leads["lead.id"] == "LF-1").row(0, named=True)
    assert row["lead.qualified_on"] == date(2026, 11, 11) and row["task.due_date"] == date(2026, 11, 13)


@pytest.mark.parametrize("touched, notes, opt_in", [
    ([("LF-1", datetime(2026, 11, 10), "Asked for\r\npricing", True),
      ("LF-1", datetime(2026, 11, 2), "Met at booth", None),
      ("LF-1", datetime(2026, 11, 12), "Asked for pricing", None)],
     "2026-11-02: Met at booth | 2026-11-10: Asked for pricing", True),
    ([("LF-1", datetime(2026, 11, 2), None, True), ("LF-1", datetime(2026, 11, 3), " ", False)], None, False),
    ([("LF-1", None, "no date", None)], "no date", None),
])
def test_touches_give_one_line_of_notes_and_the_consent(touched, notes, opt_in):
    summary = lead_touch_summary(touches(*touched, ("LF-2", datetime(2026, 11, 1), "other lead", True)))
    assert summary.sort("lead_id").rows() == [("LF-1", notes, opt_in), ("LF-2", "2026-11-01: other lead", True)]


def test_tags_full_name_and_custom_fields_of_the_lead():
    leads = _records(lead("LF-1", response_types=["webinar", "attended_event"], rank="Warm",
                          custom_fields='{"liste": "Q4", "call_duration_s": "184", "empty": ""}'),
                     lead("LF-2", first_name=None, product_interest=None, response_types=None))
    assert leads.select("lead.id", "lead.full_name", "lead.tags", "lead.custom_fields").rows() == [
        ("LF-1", "Ann Lee", ["webinar", "attended_event", "Insight Studio", "Warm"], "call_duration_s: 184; liste: Q4"),
        ("LF-2", "Lee", ["Hot"], None),
    ]
