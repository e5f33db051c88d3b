"""Accounts as published (leadflow.enrich.accounts): a CRM account keeps its own industry and takes the provider's
only where it has none; a prospect account takes the provider's firmographics and is never a customer."""

from datetime import datetime

import polars as pl

from leadflow.enrich.accounts import enriched_accounts

NOW = datetime(2026, 11, 16, 6, 0)
ENRICHMENT = pl.DataFrame({
    "domain": ["acme.com", "globex.com", "initech.com"],
    "company_name": ["Acme", "Globex", "Initech"],
    "industry": ["Manufacturing", "Energy", "Software"],
    "employee_count": [5000, 120, 45],
    "country": ["US", "US", "DE"],
    "provider": ["reference_file"] * 3,
}, schema_overrides={"employee_count": pl.Int32})
CRM_ACCOUNTS = pl.DataFrame({
    "account_id": ["A-ACME", "A-GLOBEX", "A-HOOLI"],
    "name": ["Acme", "Globex", "Hooli"],
    "domain": ["acme.com", "globex.com", "hooli.com"],
    "company_key": ["acme", "globex", "hooli"],
    "industry": ["Aerospace", None, None],
    "is_customer": [True, False, True],
    "owner": ["jordan.lee", None, "sam.park"],
})
PROSPECTS = pl.DataFrame({
    "account_id": ["PA-1", "PA-2"],
    "name": ["Initech", "Vandelay"],
    "domain": ["initech.com", None],
    "company_key": ["initech", "vandelay"],
})


def _by_id(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["account_id"]: row for row in frame.rows(named=True)}


def test_a_crm_account_keeps_its_industry_and_takes_the_providers_only_where_it_has_none():
    crm, _ = enriched_accounts(CRM_ACCOUNTS, PROSPECTS, ENRICHMENT, NOW)
    accounts = _by_id(crm)
    assert {k: (a["industry"], a["employee_count"]) for k, a in accounts.items()} == {
        "A-ACME": ("Aerospace", 5000), "A-GLOBEX": ("Energy", 120), "A-HOOLI": (None, None)}
    assert {k: (a["is_customer"], a["owner"], a["account_source"]) for k, a in accounts.items()} == {
        "A-ACME": (True, "jordan.lee", "crm"), "A-GLOBEX": (False, None, "crm"), "A-HOOLI": (True, "sam.park", "crm")}


def test_prospects_take_the_providers_firmographics_and_are_never_customers():
    _, prospects = enriched_accounts(CRM_ACCOUNTS, PROSPECTS, ENRICHMENT, NOW)
    accounts = _by_id(prospects)
    assert {k: (a["name"], a["industry"], a["employee_count"]) for k, a in accounts.items()} == {
        "PA-1": ("Initech", "Software", 45), "PA-2": ("Vandelay", None, None)}
    assert all(a["is_customer"] is False and a["account_source"] == "prospect" and a["created_at"] == NOW
               for a in accounts.values())


def test_without_enrichment_every_account_is_published_as_it_is():
    crm, prospects = enriched_accounts(CRM_ACCOUNTS, PROSPECTS, ENRICHMENT.clear(), NOW)
    assert crm.height == 3 and prospects.height == 2
    assert crm.sort("account_id")["industry"].to_list() == ["Aerospace", None, None]
    assert prospects["industry"].to_list() == [None, None]
