"""Account matching (dedupe.accounts): a lead's account is its CRM contact's account, else the CRM account of its
domain, else of its company name, else a prospect account with a stable id; never another company's account."""

import polars as pl
import pytest

from dedupe.accounts import match_accounts, prospect_account_id

LEADS = {"lead_id": pl.Utf8, "domain": pl.Utf8, "company_key": pl.Utf8, "company": pl.Utf8,
         "contact_account_id": pl.Utf8}
CRM_ACCOUNTS = pl.DataFrame({
    "account_id": ["A-ACME", "A-GLOBEX"],
    "name": ["Acme", "Globex"],
    "domain": ["acme.com", "globex.com"],
    "company_key": ["acme", "globex"],
    "is_customer": [True, False],
    "owner": ["jordan.lee", "sam.park"],
})


def _lead(lead_id="L1", domain=None, company_key=None, company=None, contact_account_id=None) -> dict:
    return {"lead_id": lead_id, "domain": domain, "company_key": company_key, "company": company,
            "contact_account_id": contact_account_id}


def _match(*leads: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    return match_accounts(pl.DataFrame(list(leads), schema=LEADS), CRM_ACCOUNTS)


@pytest.mark.parametrize("lead, account_id, how, customer, owner", [
    (_lead(domain="acme.com", company_key="acme", contact_account_id="A-GLOBEX"), "A-GLOBEX", "contact", False,
     "sam.park"),
    (_lead(domain="acme.com", company_key="globex"), "A-ACME", "domain", True, "jordan.lee"),
    (_lead(domain="acme-widgets.io", company_key="globex"), "A-GLOBEX", "name", False, "sam.park"),
    (_lead(company_key="acme"), "A-ACME", "name", True, "jordan.lee"),
    (_lead(domain="initech.com", company_key="initech", company="Initech"), prospect_account_id("initech.com"),
     "prospect", False, None),
    (_lead(company_key="initech", company="Initech"), prospect_account_id("name:initech"), "prospect", False, None),
    (_lead(), None, "none", False, None),
])
def test_the_strongest_evidence_decides_the_account(lead, account_id, how, customer, owner):
    links, _ = _match(lead)
    assert links.select("lead_id", "account_id", "account_match", "is_existing_customer", "account_owner").rows() == [
        ("L1", account_id, how, customer, owner)]


def test_a_contact_account_the_crm_does_not_hold_is_never_used():
    """A stale contact link (an account deleted from the CRM) does not make up an account: the domain decides."""
    links, _ = _match(_lead(domain="acme.com", contact_account_id="A-DELETED"))
    assert links.select("account_id", "account_match").rows() == [("A-ACME", "domain")]


def test_a_lead_without_domain_or_name_gets_no_account_not_someone_elses():
    links, prospects = _match(_lead("L1"), _lead("L2", company="  "))
    assert links.select("lead_id", "account_id", "account_match").sort("lead_id").rows() == [
        ("L1", None, "none"), ("L2", None, "none")]
    assert prospects.height == 0


def test_leads_of_one_new_company_share_one_prospect_account():
    links, prospects = _match(_lead("L2", domain="initech.com", company_key="initech", company="Initech LLC"),
                              _lead("L1", domain="initech.com", company_key="initech", company="Initech"))
    assert links["account_id"].n_unique() == 1
    assert prospects.rows(named=True) == [{"account_id": prospect_account_id("initech.com"), "name": "Initech",
                                          "domain": "initech.com", "company_key": "initech"}]


def test_prospect_ids_are_stable_across_runs_and_input_order():
    leads = [_lead("L1", domain="initech.com", company="Initech"), _lead("L2", company_key="hooli", company="Hooli")]
    first, _ = _match(*leads)
    again, _ = _match(*reversed(leads))
    assert sorted(first.select("lead_id", "account_id").rows()) == sorted(again.select("lead_id", "account_id").rows())
    assert first.filter(pl.col("lead_id") == "L1")["account_id"][0].startswith("PA-")
    assert prospect_account_id("initech.com") == prospect_account_id("initech.com") != prospect_account_id("hooli.com")


def test_crm_accounts_are_never_prospects():
    _, prospects = _match(_lead("L1", domain="acme.com", company="Acme"),
                          _lead("L2", company_key="globex", company="Globex"))
    assert prospects.height == 0
