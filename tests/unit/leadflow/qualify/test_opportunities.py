"""Links between leads and CRM opportunities (leadflow.qualify.opportunities): by lead id, CRM lead, contact or only
the account, the strongest per pair, and exactly one credited lead per opportunity."""

from datetime import datetime

import polars as pl
import pytest

from leadflow.qualify.opportunities import LINK_COLUMNS, converted_event_at, lead_opportunities

LEADS = pl.DataFrame(
    {"lead_id": ["L1", "L2", "L3"], "crm_lead_id": ["CL-1", None, None], "contact_id": [None, "C-2", "C-3"],
     "account_id": ["A-1", "A-1", "A-3"],
     "created_at": [datetime(2026, 11, 2), datetime(2026, 11, 1), datetime(2026, 11, 3)],
     "first_touch_at": [datetime(2026, 11, 2), datetime(2026, 11, 1), datetime(2026, 11, 3)]})
OPP_SCHEMA = {"opportunity_id": pl.Utf8, "lead_id": pl.Utf8, "account_id": pl.Utf8, "contact_id": pl.Utf8,
              "name": pl.Utf8, "amount": pl.Float64, "stage": pl.Utf8, "is_won": pl.Boolean, "is_closed": pl.Boolean,
              "created_at": pl.Datetime("us"), "closed_at": pl.Datetime("us")}


def opportunity(opp_id, lead=None, account=None, contact=None, created=datetime(2026, 11, 10), won=False):
    return {"opportunity_id": opp_id, "lead_id": lead, "account_id": account, "contact_id": contact, "name": opp_id,
            "amount": 100.0, "stage": "Closed Won" if won else "Prospecting", "is_won": won, "is_closed": won,
            "created_at": created, "closed_at": None}


def links(*opps) -> dict[tuple[str, str], tuple[str, bool]]:
    frame = lead_opportunities(LEADS, pl.DataFrame(list(opps), schema=OPP_SCHEMA))
    assert frame.columns == LINK_COLUMNS
    return {(r["lead_id"], r["opportunity_id"]): (r["link_via"], r["is_attributed"]) for r in frame.rows(named=True)}


@pytest.mark.parametrize("opp, expected", [
    (opportunity("O1", lead="L1"), {("L1", "O1"): ("lead_id", True)}),
    (opportunity("O1", lead="CL-1"), {("L1", "O1"): ("crm_lead", True)}),
    (opportunity("O1", contact="C-2", account="A-1"), {("L2", "O1"): ("contact", True)}),
    # only an account: linked to the account's leads first touched before it, credited to none
    (opportunity("O1", account="A-1"), {("L1", "O1"): ("account", False), ("L2", "O1"): ("account", False)}),
    (opportunity("O1", account="A-1", created=datetime(2026, 11, 1, 12)), {("L2", "O1"): ("account", False)}),
    # names a CRM lead nobody matched: no link at all
    (opportunity("O1", lead="CL-404"), {}),
])
def test_how_an_opportunity_links(opp, expected):
    assert links(opp) == expected


def test_a_pair_keeps_its_strongest_link_and_an_opportunity_one_credited_lead():
    # names L1's CRM lead and L2's contact: both direct, the CRM lead is stronger, so L1 is credited
    got = links(opportunity("O1", lead="CL-1", contact="C-2", account="A-1"))
    assert got == {("L1", "O1"): ("crm_lead", True), ("L2", "O1"): ("contact", False)}
    # two contacts' leads cannot both name it; same kind of link: the lead created first is credited
    both = pl.DataFrame([opportunity("O2", contact="C-2")], schema=OPP_SCHEMA)
    leads = LEADS.with_columns(pl.when(pl.col("lead_id") == "L3").then(pl.lit("C-2")).otherwise("contact_id")
                               .alias("contact_id"))
    frame = lead_opportunities(leads, both)
    assert frame.filter("is_attributed")["lead_id"].to_list() == ["L2"]  # created 11-01, before L3


def test_a_direct_link_hides_the_account_link_of_other_leads():
    got = links(opportunity("O1", lead="L1", account="A-1"))
    assert got == {("L1", "O1"): ("lead_id", True)}  # L2 on the same account gets no account link


def test_converted_event_at_is_the_first_directly_linked_opportunity():
    opps = pl.DataFrame([opportunity("O1", lead="L1", created=datetime(2026, 11, 9)),
                         opportunity("O2", lead="CL-1", created=datetime(2026, 11, 5)),
                         opportunity("O3", account="A-3", created=datetime(2026, 11, 4))], schema=OPP_SCHEMA)
    got = dict(converted_event_at(LEADS, opps).rows())
    assert got == {"L1": datetime(2026, 11, 5)}  # the account-only O3 converts nobody
