"""Accounts as published (leadflow.enrich.accounts): each field from the first source that has it in the configured
priority (CRM > enrichment > form by default), every candidate kept with its source and whether it won, prospects
kept with their creation time, enrichment status per account, and what rules read of a lead's company."""

from datetime import datetime

import polars as pl
import pytest

from leadflow.enrich.accounts import build_accounts, form_values, lead_company_fields
from leadflow.enrich.lookup import RESULT_SCHEMA
from leadflow.enrich.settings import load_enrichment_settings

NOW = datetime(2026, 11, 16, 6, 0)
LOADED = datetime(2026, 11, 15, 22, 0)
FETCHED = datetime(2026, 11, 1, 9, 0)
CRM_ACCOUNTS = pl.DataFrame({
    "account_id": ["A-ACME", "A-GLOBEX"], "name": ["Acme", "Globex"], "domain": ["acme.com", None],
    "company_key": ["acme", "globex"], "industry": ["Aerospace", None], "country": ["US", "US"],
    "state": ["CA", None], "city": ["San Jose", None], "website": ["www.acme.com", None],
    "owner": ["jordan.lee", None], "created_at": [datetime(2020, 1, 1)] * 2, "is_customer": [True, False],
    "loaded_at": [LOADED] * 2,
})
NEW_PROSPECTS = pl.DataFrame({"account_id": ["PA-NEW"], "name": ["Initech"], "domain": ["initech.com"],
                              "company_key": ["initech"]})
PUBLISHED_PROSPECTS = pl.DataFrame({"account_id": ["PA-OLD"], "domain": ["hooli.com"], "company_key": ["hooli"],
                                    "created_at": [datetime(2026, 10, 5)]})


def _enrichment(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame([{**dict.fromkeys(RESULT_SCHEMA), **r} for r in rows], schema=RESULT_SCHEMA)


ENRICHMENT = _enrichment(
    {"domain": "acme.com", "enrichment_status": "enriched", "provider": "http:x", "fetched_at": FETCHED,
     "name": "Acme Corporation", "industry": "Manufacturing", "employee_count": 5000, "country": "US",
     "description": "Makes anvils."},
    {"domain": "initech.com", "enrichment_status": "enriched", "provider": "http:x", "fetched_at": FETCHED,
     "name": "Initech GmbH", "industry": "Software", "employee_count": 45, "country": "DE", "city": "Berlin"},
    {"domain": "hooli.com", "enrichment_status": "pending", "provider": "http:x",
     "enrichment_reason": "lookup failed (timeout): asked again next run"},
)
FORM = pl.DataFrame({"account_id": ["PA-NEW", "PA-OLD"], "name": ["Initech", "Hooli"], "country": ["FR", "US"],
                     "state": [None, "CA"], "city": ["Paris", "Mountain View"],
                     "observed_at": [datetime(2026, 11, 10), datetime(2026, 11, 12)]})
NO_EARLIER_FORM = pl.DataFrame(schema={"account_id": pl.Utf8, "field": pl.Utf8, "value": pl.Utf8, "source": pl.Utf8,
                                       "provider": pl.Utf8, "observed_at": pl.Datetime("us")})


def _build(settings=None, form=FORM, earlier=NO_EARLIER_FORM):
    return build_accounts(CRM_ACCOUNTS, NEW_PROSPECTS, PUBLISHED_PROSPECTS, ENRICHMENT, form, earlier,
                          settings or load_enrichment_settings(), NOW)


def _by_id(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["account_id"]: row for row in frame.rows(named=True)}


def test_crm_values_beat_enrichment_and_enrichment_beats_what_leads_typed():
    accounts = _by_id(_build()[0])
    assert {k: (a["name"], a["industry"], a["employee_count"], a["country"], a["city"]) for k, a in accounts.items()} == {
        "A-ACME": ("Acme", "Aerospace", 5000, "US", "San Jose"),            # CRM industry kept; size from enrichment
        "A-GLOBEX": ("Globex", None, None, "US", None),                     # no domain: nothing to look up
        "PA-NEW": ("Initech GmbH", "Software", 45, "DE", "Berlin"),         # enrichment over the form's FR / Paris
        "PA-OLD": ("Hooli", None, None, "US", "Mountain View"),             # lookup pending: the form's values
    }
    assert accounts["A-ACME"]["description"] == "Makes anvils."


def test_every_candidate_value_keeps_its_source_and_time_and_one_wins_per_field():
    _, sources = _build()
    industry = sources.filter((pl.col("account_id") == "A-ACME") & (pl.col("field") == "industry"))
    assert industry.select("source", "value", "provider", "observed_at", "chosen").rows() == [
        ("crm", "Aerospace", None, LOADED, True), ("enrichment", "Manufacturing", "http:x", FETCHED, False)]
    winners = sources.filter("chosen").group_by("account_id", "field").len()
    assert winners["len"].max() == 1


def test_the_priority_is_configurable_per_field(tmp_path):
    path = tmp_path / "enrichment.yaml"
    path.write_text("field_priority:\n  default: [crm, enrichment, form]\n  fields:\n"
                    "    industry: [enrichment, crm, form]\n    country: [form, crm, enrichment]\n")
    accounts = _by_id(_build(load_enrichment_settings(path))[0])
    assert (accounts["A-ACME"]["industry"], accounts["PA-NEW"]["country"]) == ("Manufacturing", "FR")


def test_enrichment_status_reason_and_time_per_account():
    accounts = _by_id(_build()[0])
    assert {k: (a["enrichment_status"], a["enrichment_reason"], a["enriched_at"]) for k, a in accounts.items()} == {
        "A-ACME": ("enriched", None, FETCHED), "A-GLOBEX": ("skipped", "no company domain", None),
        "PA-NEW": ("enriched", None, FETCHED),
        "PA-OLD": ("pending", "lookup failed (timeout): asked again next run", None)}


def test_prospects_published_earlier_keep_their_creation_new_ones_are_created_now_never_customers():
    accounts = _by_id(_build()[0])
    assert {k: (a["account_source"], a["created_at"], a["is_customer"], a["owner"]) for k, a in accounts.items()} == {
        "A-ACME": ("crm", datetime(2020, 1, 1), True, "jordan.lee"),
        "A-GLOBEX": ("crm", datetime(2020, 1, 1), False, None),
        "PA-NEW": ("prospect", NOW, False, None), "PA-OLD": ("prospect", datetime(2026, 10, 5), False, None)}


def test_a_name_leads_typed_before_stands_until_a_lead_says_otherwise_a_location_stands():
    earlier = pl.DataFrame({"account_id": ["PA-OLD", "PA-OLD"], "field": ["city", "name"],
                            "value": ["Palo Alto", "Hooli Inc"], "source": ["form", "form"], "provider": [None, None],
                            "observed_at": [datetime(2026, 10, 1)] * 2},
                           schema_overrides={"provider": pl.Utf8})
    only_new = FORM.filter(pl.col("account_id") == "PA-NEW")
    accounts = _by_id(_build(form=only_new, earlier=earlier)[0])
    assert (accounts["PA-OLD"]["name"], accounts["PA-OLD"]["city"]) == ("Hooli Inc", "Palo Alto")
    accounts = _by_id(_build(earlier=earlier)[0])  # this import's leads of Hooli say Mountain View
    assert accounts["PA-OLD"]["city"] == "Palo Alto"  # another office: the company does not move
    assert accounts["PA-OLD"]["name"] == FORM.filter(pl.col("account_id") == "PA-OLD")["name"][0]


def test_an_account_without_an_earlier_location_takes_this_imports():
    earlier = pl.DataFrame({"account_id": ["PA-OLD"], "field": ["name"], "value": ["Hooli Inc"], "source": ["form"],
                            "provider": [None], "observed_at": [datetime(2026, 10, 1)]},
                           schema_overrides={"provider": pl.Utf8})
    accounts = _by_id(_build(earlier=earlier)[0])
    assert accounts["PA-OLD"]["city"] == "Mountain View"


def test_form_values_come_from_the_latest_lead_that_gave_a_location():
    profiles = pl.DataFrame({
        "lead_id": ["L1", "L2", "L3"], "company": ["Initech", "Initech SA", None], "country": ["DE", "FR", None],
        "state": [None, None, None], "city": ["Berlin", "Paris", "Lyon"],
        "last_touch_at": [datetime(2026, 11, 1), datetime(2026, 11, 5), datetime(2026, 11, 9)]},
        schema_overrides={"state": pl.Utf8})
    links = pl.DataFrame({"lead_id": ["L1", "L2", "L3"], "account_id": ["PA-NEW"] * 3})
    [row] = form_values(profiles, links).rows(named=True)
    assert (row["name"], row["country"], row["city"], row["observed_at"]) == (
        "Initech SA", "FR", "Paris", datetime(2026, 11, 9))


def test_a_leads_company_fields_are_its_accounts():
    accounts, _ = _build()
    links = pl.DataFrame({"lead_id": ["L1", "L2"], "account_id": ["A-ACME", None]},
                         schema_overrides={"account_id": pl.Utf8})
    rows = {r["lead_id"]: r for r in lead_company_fields(links, accounts).rows(named=True)}
    assert (rows["L1"]["industry"], rows["L1"]["employee_count"], rows["L1"]["company_country"]) == (
        "Aerospace", 5000, "US")
    assert rows["L2"]["industry"] is None


@pytest.mark.parametrize("document, message", [
    ("field_priority: {default: [crm, crm]}", "lists a source twice"),
    ("field_priority: {fields: {colour: [crm]}}", "unknown account field 'colour'"),
    ("cache: {found_ttl_days: 0}", "greater than or equal to 1"),
    ("cache: {ttl: 3}", "unknown key `ttl`"),
])
def test_settings_errors_name_the_entry(tmp_path, document, message):
    from leadflow.enrich.settings import EnrichmentSettingsError
    path = tmp_path / "enrichment.yaml"
    path.write_text(document + "\n")
    with pytest.raises(EnrichmentSettingsError, match=message):
        load_enrichment_settings(path)
