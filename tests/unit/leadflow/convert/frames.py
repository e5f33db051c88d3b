"""Tiny frames for the conversion's pure functions: candidates as `warehouse.conversions.conversion_inputs` reads
them (every column, with its type), touches and opportunity links."""

from datetime import datetime

import polars as pl

CANDIDATE_SCHEMA = {
    "lead_id": pl.String, "status": pl.String, "status_source": pl.String, "first_name": pl.String,
    "last_name": pl.String, "email": pl.String, "phone": pl.String, "company": pl.String, "domain": pl.String,
    "job_title": pl.String, "country": pl.String, "state": pl.String, "city": pl.String, "score": pl.Int32,
    "rank": pl.String, "owner": pl.String, "team": pl.String, "territory": pl.String, "source": pl.String,
    "campaign_id": pl.String, "campaign_name": pl.String, "campaign_channel": pl.String, "vendor": pl.String,
    "product_interest": pl.String, "budget_status": pl.String, "timeframe_months": pl.Int32,
    "decision_maker": pl.Boolean, "do_not_contact": pl.Boolean, "touch_count": pl.Int32,
    "response_types": pl.List(pl.String), "created_at": pl.Datetime("us"), "first_touch_at": pl.Datetime("us"),
    "last_touch_at": pl.Datetime("us"), "qualified_at": pl.Datetime("us"), "converted_at": pl.Datetime("us"),
    "retired_at": pl.Datetime("us"), "updated_at": pl.Datetime("us"), "custom_fields": pl.String,
    "crm_lead_id": pl.String, "contact_id": pl.String, "account_id": pl.String, "account_source": pl.String,
    "account_name": pl.String, "account_domain": pl.String, "account_website": pl.String,
    "account_industry": pl.String, "account_employee_count": pl.Int32, "account_country": pl.String,
    "account_state": pl.String, "account_city": pl.String, "account_owner": pl.String,
    "account_is_customer": pl.Boolean,
}
TOUCH_SCHEMA = {"lead_id": pl.String, "touch_at": pl.Datetime("us"), "notes": pl.String, "opt_in": pl.Boolean}
LINK_SCHEMA = {"lead_id": pl.String, "opportunity_id": pl.String, "stage": pl.String, "link_via": pl.String,
               "created_at": pl.Datetime("us")}


def lead(lead_id: str = "LF-1", **values) -> dict:
    """A qualified lead ready to convert, on a prospect account, unless `values` say otherwise."""
    row = {
        "lead_id": lead_id, "status": "Qualified", "status_source": "rules", "first_name": "Ann", "last_name": "Lee",
        "email": "ann.lee@acme.io", "phone": "+14155550100", "company": "Acme", "domain": "acme.io",
        "job_title": "CTO", "country": "US", "state": "CA", "city": "Oakland", "score": 90, "rank": "Hot",
        "owner": "jordan.lee", "team": "sales-north-america", "territory": "North America",
        "source": "campaign_response", "campaign_id": "CMP-101", "campaign_name": "Analytics Summit",
        "campaign_channel": "event", "vendor": None, "product_interest": "Insight Studio",
        "budget_status": "approved", "timeframe_months": 2, "decision_maker": True, "do_not_contact": False,
        "touch_count": 1, "response_types": ["attended_event"], "created_at": datetime(2026, 11, 2, 9, 0),
        "first_touch_at": datetime(2026, 11, 2, 9, 0), "last_touch_at": datetime(2026, 11, 10, 9, 0),
        "qualified_at": datetime(2026, 11, 10, 9, 0), "converted_at": None, "retired_at": None,
        "updated_at": datetime(2026, 11, 10, 9, 0), "custom_fields": None, "crm_lead_id": None, "contact_id": None,
        "account_id": "PA-ACME", "account_source": "prospect", "account_name": "Acme", "account_domain": "acme.io",
        "account_website": "acme.io", "account_industry": "Robotics", "account_employee_count": 120,
        "account_country": "US", "account_state": "CA", "account_city": "Oakland", "account_owner": None,
        "account_is_customer": False,
    }
    unknown = set(values) - set(row)
    assert not unknown, f"not a candidate column: {unknown}"
    return {**row, **values}


def candidates(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=CANDIDATE_SCHEMA)


def touches(*rows: tuple) -> pl.DataFrame:
    """(lead_id, touch_at, notes, opt_in) rows."""
    return pl.DataFrame([dict(zip(TOUCH_SCHEMA, r)) for r in rows], schema=TOUCH_SCHEMA)


def links(*rows: tuple) -> pl.DataFrame:
    """(lead_id, opportunity_id, stage, link_via, created_at) rows."""
    return pl.DataFrame([dict(zip(LINK_SCHEMA, r)) for r in rows], schema=LINK_SCHEMA)
