"""The marts and core.lead_opportunities against values computed by hand from the 20-lead funnel fixture
(tests/fixtures/funnel_inbox/README.md), and that the same data gives the same marts."""

import shutil
from datetime import date, datetime

import duckdb
import pytest

from leadflow.cli.run import run_import
from tests.conftest import FUNNEL_AS_OF, FUNNEL_INBOX, query

FUNNEL_COLUMNS = ["week_start", "source", "campaign_id", "leads", "qualified", "converted", "won", "retired",
                  "qualification_rate", "conversion_rate", "qualified_to_converted_rate", "win_rate",
                  "median_days_to_qualify", "median_days_to_convert", "median_days_to_win"]
W1, W2 = date(2026, 11, 2), date(2026, 11, 9)


def rows(path, sql, params=None):
    return query(path, sql, params).rows(named=True)


def lead_of(path, first_name):
    return query(path, "SELECT lead_id FROM core.leads WHERE first_name = ?", [first_name]).item()


def test_lead_funnel_per_week_source_and_campaign(funnel_import):
    got = query(funnel_import["copy"], f"SELECT {', '.join(FUNNEL_COLUMNS)} FROM marts.lead_funnel").rows()
    assert got == [
        # Bruno: CRM lead source `Event`, created 11-03 09:00, converted 11-06 (3 days), lost: not won
        (W1, "Event", "CMP-A", 1, 1, 1, 0, 0, 1.0, 1.0, 1.0, 0.0, 3.0, 3.0, None),
        # Ivy: converted 11-12 (8 days after 11-04), won, closed 11-16 (12 days)
        (W1, "Webinar", "CMP-B", 1, 1, 1, 1, 0, 1.0, 1.0, 1.0, 1.0, 8.0, 8.0, 12.0),
        # Alice (converted 11-05: 2 days; won, closed 11-20: 17 days), Chiara and Dmitri (qualified the same day)
        # and four unqualified
        (W1, "campaign_response", "CMP-A", 7, 3, 1, 1, 0, 0.4286, 0.1429, 0.3333, 0.1429, 0.0, 2.0, 17.0),
        (W1, "campaign_response", "CMP-B", 5, 0, 0, 0, 0, 0.0, 0.0, None, 0.0, None, None, None),
        # Oscar: converted 11-13 (3 days after 11-10), won, closed 11-18 (8 days)
        (W2, "campaign_response", "CMP-C", 4, 1, 1, 1, 0, 0.25, 0.25, 1.0, 0.25, 3.0, 3.0, 8.0),
        (W2, "telemarketer/acme", None, 2, 0, 0, 0, 1, 0.0, 0.0, None, 0.0, None, None, None),
    ]


def test_funnel_detail_adds_up_to_the_funnel_and_carries_vendor_channel_owner_rank(funnel_import):
    copy = funnel_import["copy"]
    by_detail = query(copy, "SELECT week_start, source, campaign_id, sum(leads) l, sum(qualified) q, "
                            "sum(converted) c, sum(won) w, sum(retired) r FROM marts.lead_funnel_detail "
                            "GROUP BY ALL ORDER BY ALL").rows()
    by_funnel = query(copy, "SELECT week_start, source, campaign_id, leads, qualified, converted, won, retired "
                            "FROM marts.lead_funnel ORDER BY ALL").rows()
    assert by_detail == by_funnel
    acme = rows(copy, "SELECT vendor, channel, sum(leads) AS leads FROM marts.lead_funnel_detail "
                      "WHERE source = 'telemarketer/acme' GROUP BY ALL")
    assert acme == [{"vendor": "acme", "channel": None, "leads": 2}]
    assert query(copy, "SELECT DISTINCT channel FROM marts.lead_funnel_detail WHERE campaign_id = 'CMP-B'").item() \
        == "webinar"
    assert query(copy, "SELECT count(*) FROM marts.lead_funnel_detail WHERE owner IS NULL OR rank IS NULL").item() == 0
    checks = {c.check_name: c.passed for c in funnel_import["result"].get_asset_check_evaluations()}
    assert checks["funnel_adds_up"] is True


def test_campaign_roi_by_hand(funnel_import):
    got = {r["campaign_id"]: r for r in rows(funnel_import["copy"], "SELECT * FROM marts.campaign_roi")}
    assert set(got) == {"CMP-A", "CMP-B", "CMP-C"}
    a, b, c = got["CMP-A"], got["CMP-B"], got["CMP-C"]
    # CMP-A: 8 leads (Esther's second touch is CMP-B but her first is CMP-A), 4 qualified, 2 converted;
    # OP-1 10,000 won + OP-2 5,000 open (Alice) + OP-3 3,000 lost (Bruno); OP-6 (account link only) not counted
    assert (a["cost"], a["leads"], a["cost_per_lead"], a["qualified"], a["converted"]) == (1000.0, 8, 125.0, 4, 2)
    assert (a["opportunities"], a["pipeline_amount"], a["won_opportunities"], a["won_amount"]) == (3, 18000.0, 1, 10000.0)
    assert (a["won_customers"], a["cost_per_won_customer"], a["roi"], a["note"]) == (1, 1000.0, 9.0, None)
    # CMP-B: 6 leads, Ivy converted and won 2,000: ROI (2000 - 500) / 500
    assert (b["cost"], b["leads"], b["cost_per_lead"], b["qualified"], b["converted"]) == (500.0, 6, 83.33, 1, 1)
    assert (b["opportunities"], b["pipeline_amount"], b["won_amount"], b["cost_per_won_customer"], b["roi"]) == \
        (1, 2000.0, 2000.0, 500.0, 3.0)
    # CMP-C: no cost in the CRM file: the cost figures are NULL with the reason, the rest is counted
    assert (c["cost"], c["leads"], c["cost_per_lead"], c["converted"], c["won_amount"]) == (None, 4, None, 1, 4000.0)
    assert (c["cost_per_won_customer"], c["roi"]) == (None, None)
    assert c["note"] == "cost unknown: the CRM campaigns file gives no cost for it"
    assert (a["campaign_name"], a["channel"], a["start_date"]) == ("Spring Summit", "event", date(2026, 10, 1))


def test_source_performance_by_hand(funnel_import):
    got = rows(funnel_import["copy"], "SELECT * FROM marts.source_performance")
    assert got == [
        # 20 responses: 19 accepted, 1 quarantined; Esther's second response joined her lead; 18 leads, 6 qualified,
        # 4 converted; CMP-A's 1,000 and CMP-B's 500 spread over their 14 leads, 3 of them converted
        {"source": "campaign_response", "vendor": None, "records": 20, "accepted": 19, "quarantined": 1,
         "quarantine_rate": 0.05, "duplicates": 1, "duplicate_rate": 0.0526, "leads": 18, "qualified": 6,
         "converted": 4, "qualification_rate": 0.3333, "conversion_rate": 0.2222, "cost": 1500.0,
         "cost_per_converted_lead": 500.0},
        {"source": "telemarketer", "vendor": "acme", "records": 2, "accepted": 2, "quarantined": 0,
         "quarantine_rate": 0.0, "duplicates": 0, "duplicate_rate": 0.0, "leads": 2, "qualified": 0, "converted": 0,
         "qualification_rate": 0.0, "conversion_rate": 0.0, "cost": None, "cost_per_converted_lead": None},
    ]


def test_lead_aging_bands_open_leads_to_the_newest_date_in_the_data(funnel_import):
    copy = funnel_import["copy"]
    # newest: OP-6 created 11-14 (after the last calls on 11-12); 15 open leads: created 11-03/11-04 are 10-11 days
    # old, those of 11-10 and 11-12 under a week
    bands = query(copy, "SELECT as_of, age_band, sum(open_leads)::INT AS n, sum(qualified)::INT AS q, "
                        "max(oldest_age_days) AS oldest FROM marts.lead_aging GROUP BY ALL ORDER BY age_band").rows()
    assert bands == [(date(2026, 11, 14), "0-7 days", 4, 0, 4), (date(2026, 11, 14), "8-30 days", 11, 2, 11)]
    assert query(copy, "SELECT count(*) FROM marts.lead_aging WHERE owner IS NULL OR rank IS NULL").item() == 0


def test_a_lead_keeps_every_opportunity_with_how_it_is_linked(funnel_import):
    copy = funnel_import["copy"]
    alice = lead_of(copy, "Alice")
    links = rows(copy, "SELECT opportunity_id, amount, stage, is_won, is_closed, created_at, closed_at, link_via, "
                       "evidence, is_attributed, account_id FROM core.lead_opportunities WHERE lead_id = ? "
                       "ORDER BY opportunity_id", [alice])
    assert [(r["opportunity_id"], r["link_via"], r["is_attributed"]) for r in links] == [
        ("OP-1", "contact", True), ("OP-2", "contact", True), ("OP-6", "account", False)]
    op1, op2, op6 = links
    assert (op1["amount"], op1["stage"], op1["is_won"], op1["is_closed"]) == (10000.0, "Closed Won", True, True)
    assert (op1["created_at"], op1["closed_at"]) == (datetime(2026, 11, 5, 12), datetime(2026, 11, 20))
    assert (op2["is_won"], op2["is_closed"], op2["closed_at"]) == (False, False, None)
    assert op1["evidence"] == "opportunity OP-1 names CRM contact C-1, matched to this lead"
    assert "names only account ACC-1" in op6["evidence"]
    assert {r["account_id"] for r in links} == {"ACC-1"}
    lead = rows(copy, "SELECT status, converted_at FROM core.leads WHERE lead_id = ?", [alice])[0]
    assert lead == {"status": "Converted", "converted_at": datetime(2026, 11, 5, 12)}  # the first opportunity
    bruno = rows(copy, "SELECT o.link_via, o.evidence FROM core.lead_opportunities o JOIN core.leads l USING (lead_id) "
                       "WHERE l.first_name = 'Bruno'")
    assert bruno == [{"link_via": "crm_lead", "evidence": "opportunity OP-3 names CRM lead CL-2, matched to this lead"}]
    # every opportunity credited at most once
    assert query(copy, "SELECT max(n) FROM (SELECT count(*) n FROM core.lead_opportunities WHERE is_attributed "
                       "GROUP BY opportunity_id)").item() == 1


def _marts(path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM marts.{t} ORDER BY ALL").fetchall()
                for t in ("lead_funnel", "lead_funnel_detail", "campaign_roi", "source_performance", "lead_aging",
                          "lead_outcomes")}
    finally:
        con.close()


def test_the_same_data_gives_the_same_marts(funnel_import, tmp_path):
    """No run timestamp in any mart: a rerun, and a fresh warehouse built from the same inbox on another day, give
    the marts byte for byte."""
    first = _marts(funnel_import["copy"])
    inbox = tmp_path / "inbox"
    shutil.copytree(FUNNEL_INBOX, inbox)
    again = tmp_path / "again.duckdb"
    assert run_import(inbox, again, as_of=FUNNEL_AS_OF).success
    assert run_import(inbox, again, as_of=FUNNEL_AS_OF).success  # nothing new: marts rebuilt the same
    assert _marts(tmp_path / "again.analytics.duckdb") == first
    columns = query(funnel_import["copy"], "SELECT table_name, column_name, data_type FROM information_schema.columns "
                                           "WHERE table_schema = 'marts'").rows()
    assert not [c for c in columns if c[2].startswith("TIMESTAMP") or c[1] in ("run_id", "loaded_at", "updated_at")]


@pytest.mark.parametrize("table", ["lead_outcomes", "lead_funnel", "lead_funnel_detail", "campaign_roi",
                                   "source_performance", "lead_aging"])
def test_marts_hold_no_personal_data(funnel_import, table):
    columns = set(query(funnel_import["copy"], f"SELECT * FROM marts.{table} LIMIT 0").columns)
    assert not columns & {"first_name", "last_name", "email", "phone", "job_title", "notes"}
