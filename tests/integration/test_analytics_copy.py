"""The analysts' copy: an analyst's open session never blocks a run, the next connection sees the new data, a
half-built copy is discarded; `leadflow query` reads the copy and prints a table, CSV or JSON."""

import json
import shutil

import duckdb

from leadflow.cli import main
from leadflow.cli.run import run_import
from tests.conftest import FUNNEL_AS_OF, FUNNEL_INBOX
from warehouse.analytics import analytics_path

NEW_WEEK = """response_id,campaign_id,campaign_name,response_type,responded_at,first_name,last_name,email,company
R-21,CMP-B,Data Webinar,webinar,2026-11-17T10:00:00,Ursula,Underwood,ursula.underwood@northridge-test.com,Northridge
"""


def _copy_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(FUNNEL_INBOX, inbox)
    return inbox, tmp_path / "wh" / "leadflow.duckdb"


def test_an_open_analyst_session_never_blocks_a_run_and_the_next_one_sees_new_data(tmp_path):
    inbox, warehouse = _copy_inbox(tmp_path)
    assert run_import(inbox, warehouse, as_of=FUNNEL_AS_OF).success
    copy = analytics_path(warehouse)
    assert copy == tmp_path / "wh" / "leadflow.analytics.duckdb"
    analyst = duckdb.connect(str(copy), read_only=True)  # held open across two runs, mid-query
    try:
        cursor = analyst.execute("SELECT lead_id FROM core.leads ORDER BY lead_id")
        assert len(cursor.fetchmany(5)) == 5
        (inbox / "campaign_responses" / "responses_2026-W47.csv").write_text(NEW_WEEK)
        second = run_import(inbox, warehouse, as_of=FUNNEL_AS_OF)
        assert second.success
        third = run_import(inbox, warehouse, as_of=FUNNEL_AS_OF)  # nothing new; still publishes a copy
        assert third.success
        # the open session keeps reading the copy it opened
        assert analyst.execute("SELECT count(*) FROM core.leads").fetchall()[0][0] == 20
        assert analyst.execute("SELECT sum(leads) FROM marts.lead_funnel").fetchall()[0][0] == 20
    finally:
        analyst.close()
    fresh = duckdb.connect(str(copy), read_only=True)
    try:
        assert fresh.execute("SELECT count(*) FROM core.leads").fetchall()[0][0] == 21
        assert fresh.execute("SELECT sum(leads) FROM marts.lead_funnel").fetchall()[0][0] == 21
        assert fresh.execute("SELECT run_id FROM meta.analytics_copy").fetchall()[0][0] == third.run_id
        schemas = {r[0] for r in fresh.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
        assert schemas == {"core", "marts", "quarantine", "meta"}  # never raw or staging
    finally:
        fresh.close()
    assert not list(copy.parent.glob(".leadflow.analytics.duckdb.building-*"))


def test_a_half_built_copy_left_by_a_killed_run_is_discarded(tmp_path):
    inbox, warehouse = _copy_inbox(tmp_path)
    warehouse.parent.mkdir(parents=True)
    leftover = warehouse.parent / ".leadflow.analytics.duckdb.building-4242"
    leftover.write_bytes(b"half a DuckDB file")
    assert run_import(inbox, warehouse, as_of=FUNNEL_AS_OF).success
    assert not leftover.exists()
    con = duckdb.connect(str(analytics_path(warehouse)), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM core.leads").fetchall()[0][0] == 20
    finally:
        con.close()


def test_query_reads_the_copy_as_table_csv_and_json(funnel_import, capsys):
    warehouse = str(funnel_import["warehouse"])
    sql = "SELECT campaign_id, cost, roi, note FROM marts.campaign_roi ORDER BY campaign_id"
    assert main(["query", "--warehouse", warehouse, "--csv", sql]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "campaign_id,cost,roi,note"
    assert lines[1:] == ["CMP-A,1000.0,9.0,", "CMP-B,500.0,3.0,",
                         "CMP-C,,,cost unknown: the CRM campaigns file gives no cost for it"]
    assert main(["query", "--warehouse", warehouse, "--json", sql]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0] == {"campaign_id": "CMP-A", "cost": 1000.0, "roi": 9.0, "note": None}
    assert main(["query", "--warehouse", warehouse, "--limit", "1", sql]) == 0
    table = capsys.readouterr().out
    assert "CMP-A" in table and "CMP-B" not in table
    # the copy holds no raw tables; --live reads the warehouse itself
    assert main(["query", "--warehouse", warehouse, "SELECT count(*) FROM raw.campaign_responses"]) == 2
    assert "query failed" in capsys.readouterr().err
    assert main(["query", "--warehouse", warehouse, "--live", "--csv",
                 "SELECT count(*) AS n FROM raw.campaign_responses"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "20"]


def test_query_without_a_copy_says_how_to_get_one(tmp_path, capsys):
    assert main(["query", "--warehouse", str(tmp_path / "none.duckdb"), "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert "no analysts' copy" in err and "leadflow run" in err and "Traceback" not in err
