"""A touched lead's known state (leadflow.qualify.state): its published status and creation date, and the CRM
opportunities pointing at it through its own id, its CRM lead or its CRM contact."""

from datetime import datetime

import polars as pl
import pytest

from leadflow.qualify.state import with_lead_state

PROFILES = pl.DataFrame({"lead_id": ["L1", "L2"], "crm_lead_id": [None, "CRM-L2"], "contact_id": ["C-1", None]},
                        schema={"lead_id": pl.Utf8, "crm_lead_id": pl.Utf8, "contact_id": pl.Utf8})
CURRENT = pl.DataFrame({"lead_id": ["L1"], "status": ["Qualified"], "created_at": [datetime(2026, 11, 2)]})
OPPORTUNITIES = {"opportunity_id": pl.Utf8, "lead_id": pl.Utf8, "contact_id": pl.Utf8,
                 "created_at": pl.Datetime("us")}


def _state(opportunities: list[dict]) -> dict[str, dict]:
    frame = with_lead_state(PROFILES, CURRENT, pl.DataFrame(opportunities, schema=OPPORTUNITIES))
    return {row["lead_id"]: row for row in frame.rows(named=True)}


def test_a_published_lead_carries_its_status_and_creation_date_and_a_new_one_none():
    state = _state([])
    assert (state["L1"]["status"], state["L1"]["published_created_at"]) == ("Qualified", datetime(2026, 11, 2))
    assert (state["L2"]["status"], state["L2"]["published_created_at"]) == (None, None)
    assert not state["L1"]["has_opportunity"] and not state["L2"]["has_opportunity"]


@pytest.mark.parametrize("opportunity, lead", [
    ({"opportunity_id": "O1", "lead_id": None, "contact_id": "C-1"}, "L1"),
    ({"opportunity_id": "O1", "lead_id": "CRM-L2", "contact_id": None}, "L2"),
    ({"opportunity_id": "O1", "lead_id": "L2", "contact_id": None}, "L2"),
])
def test_an_opportunity_reaches_its_lead_through_contact_crm_lead_or_lead_id(opportunity, lead):
    state = _state([{**opportunity, "created_at": datetime(2026, 11, 20)}])
    assert {k: (s["has_opportunity"], s["converted_event_at"]) for k, s in state.items()} == {
        "L1": (False, None), "L2": (False, None), lead: (True, datetime(2026, 11, 20))}


def test_the_first_linked_opportunity_dates_the_conversion():
    state = _state([
        {"opportunity_id": "O2", "lead_id": None, "contact_id": "C-1", "created_at": datetime(2026, 12, 1)},
        {"opportunity_id": "O1", "lead_id": "L1", "contact_id": None, "created_at": datetime(2026, 11, 20)},
    ])
    assert state["L1"]["converted_event_at"] == datetime(2026, 11, 20)
    assert PROFILES.height == len(state), "one row per lead, however many opportunities point at it"
