"""The CRM snapshot staged (leadflow.validate.crm): rows without an id rejected (only those of newly landed files
reported), contacts and CRM leads as people to match, accounts with domain and customer flag, opportunities."""

import json
from datetime import datetime

import polars as pl
import pytest

from leadflow.validate.crm import stage_crm_snapshot
from schemas.quarantine import QUARANTINE_COLUMNS
from schemas.sources import CRM_SOURCES


def _raw(entity: str, rows: list[dict], source_file: str | None = None) -> pl.DataFrame:
    """A raw CRM table as landing writes it: every column text, plus the file's keys."""
    spec = CRM_SOURCES[entity]
    columns = ["source_file", "source_record_id", "file_sha256", *spec.columns, "custom_fields", "read_problem"]
    full = [{**dict.fromkeys(columns), "source_file": source_file or f"crm/{entity}.csv", "file_sha256": "sha",
             "source_row": n, "source_record_id": row.get(spec.id_column) or f"row-{n}", "loaded_at": LOADED, **row}
            for n, row in enumerate(rows, 1)]
    return pl.DataFrame(full, schema={**dict.fromkeys(columns, pl.Utf8), "source_row": pl.Int32,
                                      "loaded_at": pl.Datetime("us")})


LOADED = datetime(2026, 11, 23, 6, 0)


ACCOUNTS = [
    {"account_id": "A-1", "name": "Acme, Inc.", "website": "https://www.acme.com", "industry": "Manufacturing",
     "country": "us", "owner": "jordan.lee", "created_at": "2024-01-05"},
    {"account_id": "A-2", "name": "Globex GmbH", "website": None, "country": "de", "owner": "sam.park"},
]
CONTACTS = [{"contact_id": "C-1", "account_id": "A-1", "first_name": "KATE", "last_name": "jones",
             "email": "Kate.Jones@Acme.com", "phone": "(415) 555-0132", "job_title": "CFO"}]
LEADS = [{"lead_id": "CL-1", "status": "Open", "first_name": "Bob", "last_name": "Ng", "email": "bob@globex.de",
          "company": "Globex"}]
OPPORTUNITIES = [
    {"opportunity_id": "O-1", "account_id": "A-1", "contact_id": "C-1", "name": "Acme renewal", "amount": "$12,500.00",
     "stage": "Closed Won", "created_at": "2026-11-20T10:00:00Z"},
    {"opportunity_id": "O-2", "account_id": "A-2", "name": "Globex pilot", "amount": "n/a", "stage": "Proposal",
     "created_at": "2026-11-21"},
]


def _snapshot(landed=("crm/accounts.csv", "crm/contacts.csv", "crm/leads.csv", "crm/opportunities.csv",
                      "crm/campaigns.csv"), **rows) -> dict[str, pl.DataFrame]:
    tables = {"accounts": ACCOUNTS, "contacts": CONTACTS, "leads": LEADS, "opportunities": OPPORTUNITIES,
              "campaigns": [{"campaign_id": "C-WEBINAR", "name": "Webinar"}]} | rows
    return stage_crm_snapshot({entity: _raw(entity, r) for entity, r in tables.items()}, list(landed))


def test_a_won_opportunity_makes_its_account_a_customer():
    accounts = _snapshot()["crm_accounts"]
    assert accounts.select("account_id", "name", "domain", "company_key", "country", "is_customer").rows() == [
        ("A-1", "Acme", "acme.com", "acme", "US", True),
        ("A-2", "Globex", None, "globex", "DE", False),
    ]
    assert accounts["created_at"].to_list() == [datetime(2024, 1, 5), None]


@pytest.mark.parametrize("stage, customer", [("Closed Won", True), ("closed_won", True), ("WON", True),
                                             ("Closed Lost", False), (None, False)])
def test_only_a_won_stage_makes_a_customer(stage, customer):
    opportunities = [{**OPPORTUNITIES[0], "stage": stage}]
    accounts = _snapshot(opportunities=opportunities)["crm_accounts"]
    assert dict(accounts.select("account_id", "is_customer").iter_rows())["A-1"] is customer


def test_contacts_and_crm_leads_become_people_to_match_against():
    people = _snapshot()["crm_people"]
    assert people.select("record_key", "kind", "contact_id", "crm_lead_id", "account_id", "first_name", "email",
                         "phone", "company", "domain").rows() == [
        ("crm/contacts.csv#C-1", "contact", "C-1", None, "A-1", "Kate", "kate.jones@acme.com", "+14155550132",
         "Acme", "acme.com"),
        ("crm/leads.csv#CL-1", "crm_lead", None, "CL-1", None, "Bob", "bob@globex.de", None, "Globex", "globex.de"),
    ]


def test_opportunities_get_a_number_for_amount_and_a_time_for_created_at():
    opportunities = _snapshot()["crm_opportunities"]
    assert opportunities.select("opportunity_id", "amount", "created_at").rows() == [
        ("O-1", 12500.0, datetime(2026, 11, 20, 10, 0)), ("O-2", None, datetime(2026, 11, 21))]


@pytest.mark.parametrize("stage, won, closed", [("Closed Won", True, True), (" closed_won ", True, True),
                                                ("Won", True, True), ("Closed Lost", False, True), ("lost", False, True),
                                                ("Closed - Duplicate", False, True), ("Proposal", False, False),
                                                (None, False, False)])
def test_the_stage_says_whether_a_deal_is_won_and_whether_it_is_over(stage, won, closed):
    opportunities = _snapshot(opportunities=[{**OPPORTUNITIES[0], "stage": stage}])["crm_opportunities"]
    assert opportunities.select("is_won", "is_closed").row(0) == (won, closed)


@pytest.mark.parametrize("custom, closed_at", [
    ({"close_date": "2026-11-25"}, datetime(2026, 11, 25)),
    ({"closed_at": "2026-11-25T16:30:00Z"}, datetime(2026, 11, 25, 16, 30)),
    ({"closed_date": "not a date"}, None),
    ({"region": "EMEA"}, None),
])
def test_a_close_date_column_of_the_export_becomes_closed_at(custom, closed_at):
    row = {**OPPORTUNITIES[0], "custom_fields": json.dumps(custom)}
    assert _snapshot(opportunities=[row])["crm_opportunities"]["closed_at"].to_list() == [closed_at]


def test_rows_without_an_id_or_repeating_one_are_rejected_with_their_raw_record():
    staged = _snapshot(contacts=[*CONTACTS, {"first_name": "No", "last_name": "Id"},
                                 {**CONTACTS[0], "first_name": "Again"}])
    assert staged["crm_people"].filter(pl.col("kind") == "contact")["first_name"].to_list() == ["Kate"]
    rejected = staged["crm_rejections"]
    assert rejected.columns == list(QUARANTINE_COLUMNS)
    assert rejected.select("source_file", "source_row", "source_type", "reason").rows() == [
        ("crm/contacts.csv", 2, "crm", "CRM record has no id"),
        ("crm/contacts.csv", 3, "crm", "CRM id repeats an earlier record of the same file"),
    ]
    assert json.loads(rejected["raw_record"][0])["last_name"] == "Id"


def test_only_the_rejections_of_newly_landed_files_are_returned():
    """contacts.csv was quarantined when it came in; this import lands only a new accounts.csv."""
    staged = _snapshot(landed=["crm/accounts.csv"], contacts=[*CONTACTS, {"first_name": "No", "last_name": "Id"}],
                       accounts=[*ACCOUNTS, {"name": "Nameless account"}])
    assert staged["crm_rejections"].select("source_file", "reason").rows() == [
        ("crm/accounts.csv", "CRM record has no id")]
    assert _snapshot(landed=[], contacts=[*CONTACTS, {"first_name": "No"}])["crm_rejections"].height == 0
