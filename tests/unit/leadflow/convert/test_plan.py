"""A conversion from candidates to files (leadflow.convert.plan): the five files, the rejects with their reasons and
the counts the command prints; with nothing to convert, every file still has its columns."""

from datetime import datetime

import polars as pl

from leadflow.convert.mappings import load_conversion_mapping
from leadflow.convert.plan import FILES, REJECT_COLUMNS, plan_conversion
from tests.unit.leadflow.convert.frames import candidates, lead, links, touches


def test_a_ready_lead_becomes_an_account_contact_opportunity_and_task():
    mapping, _ = load_conversion_mapping("salesforce")
    plan = plan_conversion(
        candidates(lead("LF-1", account_id="A-0001", account_source="crm", account_name="Acme",
                        account_owner="casey.brown", contact_id="C-1"),
                   lead("LF-2", do_not_contact=True, company=None, account_name=None, account_id=None)),
        touches(("LF-1", datetime(2026, 11, 10), "Asked for pricing", True)),
        links(), mapping)
    assert list(plan.files) == list(FILES)
    assert plan.rows() == {"accounts": 1, "contacts": 1, "opportunities": 1, "tasks": 1, "rejects": 1}
    account = plan.files["accounts"].row(0, named=True)
    assert (account["Action"], account["Id"], account["Name"], account["Owner"]) == (
        "existing", "A-0001", "Acme", "casey.brown")
    contact = plan.files["contacts"].row(0, named=True)
    assert (contact["Action"], contact["Id"], contact["AccountId"], contact["LastName"], contact["Description"],
            contact["Leadflow_Opt_In__c"], contact["HasOptedOutOfEmail"]) == (
        "existing", "C-1", "A-0001", "Lee", "2026-11-10: Asked for pricing", "true", "false")
    deal = plan.files["opportunities"].row(0, named=True)
    assert (deal["Name"], deal["StageName"], deal["CloseDate"], deal["ContactId"]) == (
        "Acme - Insight Studio", "Qualification", "2026-12-10", "C-1")
    task = plan.files["tasks"].row(0, named=True)
    assert (task["Subject"], task["ActivityDate"], task["Owner"]) == (
        "Follow up: Ann Lee (Acme)", "2026-11-12", "jordan.lee")
    reject = plan.files["rejects"].row(0, named=True)
    assert (reject["lead_id"], reject["reason"], reject["other_reasons"], reject["qualified_at"]) == (
        "LF-2", "do-not-contact", "no company", "2026-11-10 09:00:00")
    assert plan.accounts_by_action == {"existing": 1} and plan.contacts_by_action == {"existing": 1}
    assert plan.rejects_by_reason == {"do-not-contact": 1}


def test_rejects_come_most_important_reason_first():
    mapping, _ = load_conversion_mapping("zendesk")
    plan = plan_conversion(candidates(lead("LF-1", last_name=None), lead("LF-2", status="Retired")),
                           touches(), links(("LF-3", "OP-9", "Won", "lead_id", None)), mapping)
    assert plan.files["rejects"].select("lead_id", "reason").rows() == [("LF-2", "retired"), ("LF-1", "no last name")]
    assert list(plan.rejects_by_reason) == ["retired", "no last name"]
    assert plan.rows()["contacts"] == 0


def test_nothing_to_convert_still_gives_every_file_its_columns():
    mapping, _ = load_conversion_mapping("salesforce")
    plan = plan_conversion(candidates(), touches(), links(), mapping)
    assert set(plan.rows().values()) == {0}
    assert plan.files["contacts"].columns == list(mapping.files.contacts)
    assert plan.files["rejects"].columns == list(REJECT_COLUMNS)
    assert all(set(f.schema.values()) <= {pl.String} for f in plan.files.values())
    assert (plan.accounts_by_action, plan.rejects_by_reason) == ({}, {})
