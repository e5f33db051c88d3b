"""The analysts' copy brought up to date from the previous one: large tables with a primary key get only the rows
that differ, tables runs only append to the rows of new runs, the others are copied whole, a table whose columns changed is copied again, and whatever an analyst
added to the copy is dropped; the result holds exactly the warehouse's rows."""

import shutil
from datetime import datetime

import duckdb
import pytest

import warehouse.analytics as analytics
from warehouse import Warehouse
from warehouse.analytics import analytics_path, publish_analytics_copy


def _tables(con, database: str) -> set[tuple[str, str]]:
    return set(con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? AND "
                           "schema_name IN ('core', 'marts', 'quarantine')", [database]).fetchall())


@pytest.fixture
def copied(funnel_import, tmp_path):
    """The funnel warehouse and its analysts' copy, copied aside: (warehouse, analysts' copy)."""
    warehouse = tmp_path / "leadflow.duckdb"
    shutil.copy(funnel_import["warehouse"], warehouse)
    shutil.copy(funnel_import["copy"], analytics_path(warehouse))
    return warehouse, analytics_path(warehouse)


def test_the_copy_from_the_previous_one_holds_exactly_the_warehouses_rows(copied, monkeypatch):
    warehouse, copy = copied
    with duckdb.connect(str(copy)) as analyst:  # what an analyst might leave in the copy
        analyst.execute("CREATE TABLE main.my_notes AS SELECT 1 AS x")
        analyst.execute("CREATE VIEW core.my_view AS SELECT lead_id FROM core.leads")
        analyst.execute("CREATE TABLE core.stale_table AS SELECT 1 AS x")
    monkeypatch.setattr(analytics, "ROW_DIFF_CELLS", 0)  # every table with a primary key goes row by row
    with Warehouse(warehouse).connect() as wh:
        leads = [r[0] for r in wh.query("SELECT lead_id FROM core.leads ORDER BY lead_id").rows()]
        wh.execute("UPDATE core.leads SET score_rules = 'changed' WHERE lead_id IN (?, ?)", leads[:2])
        wh.execute("DELETE FROM core.lead_sources WHERE lead_id = ?", [leads[2]])
        wh.execute("DELETE FROM core.leads WHERE lead_id = ?", [leads[2]])
        wh.execute("INSERT INTO core.leads SELECT * REPLACE ('LF-NEW0000000' AS lead_id) FROM core.leads "
                   "WHERE lead_id = ?", [leads[3]])
        wh.execute("ALTER TABLE core.campaigns ADD COLUMN budget_owner VARCHAR")  # another shape: copied again
        # a new run's rows in a table runs only append to; and a run the copy holds that the warehouse no longer has
        # (as after a restore): that table is copied whole
        wh.execute("INSERT INTO core.lead_status_history SELECT * REPLACE ('run-2' AS run_id) FROM "
                   "core.lead_status_history LIMIT 3")
        wh.execute("DELETE FROM core.match_decisions WHERE run_id = (SELECT min(run_id) FROM core.match_decisions)")
        done = publish_analytics_copy(wh, warehouse, "run-2", datetime(2026, 11, 30))
    assert done["from_previous_copy"] is True
    assert 0 < done["rows"] < 1000  # rows written, not every row copied
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(f"ATTACH '{copy}' AS c (READ_ONLY)")
        assert _tables(con, "c") == _tables(con, "leadflow")
        for schema, table in _tables(con, "leadflow"):
            name = f'{schema}."{table}"'
            differ = con.execute(f"SELECT (SELECT count(*) FROM (SELECT * FROM {name} EXCEPT ALL SELECT * FROM c.{name})),"
                                 f" (SELECT count(*) FROM (SELECT * FROM c.{name} EXCEPT ALL SELECT * FROM {name}))")
            assert differ.fetchall() == [(0, 0)], name
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE database_name = 'c' AND NOT internal"
                           ).fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'c' AND schema_name = 'main'"
                           ).fetchall() == [(0,)]
        assert con.execute("SELECT run_id FROM c.meta.analytics_copy").fetchall() == [("run-2",)]
        assert "budget_owner" in {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'c' AND table_name = 'campaigns'").fetchall()}


def test_a_copy_of_another_schema_version_or_not_a_duckdb_file_is_built_from_nothing(copied):
    warehouse, copy = copied
    copy.write_bytes(b"not a DuckDB file")
    with Warehouse(warehouse).connect() as wh:
        done = publish_analytics_copy(wh, warehouse, "run-3", datetime(2026, 11, 30))
        leads = wh.scalar("SELECT count(*) FROM core.leads")
    assert done["from_previous_copy"] is False
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.leads").fetchall() == [(leads,)]
        con.close()
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE meta.analytics_copy SET schema_version = 1")
    with Warehouse(warehouse).connect() as wh:
        assert publish_analytics_copy(wh, warehouse, "run-4", datetime(2026, 11, 30))["from_previous_copy"] is False
    assert not list(copy.parent.glob(f".{copy.name}.building-*"))


def test_a_table_runs_append_to_gets_the_new_runs_rows_unless_the_copy_holds_a_run_the_warehouse_lacks(copied):
    warehouse, copy = copied
    with Warehouse(warehouse).connect() as wh:
        wh.execute("ATTACH ? AS analytics_copy", [str(copy)])
        wh.execute("INSERT INTO core.lead_status_history SELECT * REPLACE ('run-2' AS run_id) FROM "
                   "core.lead_status_history LIMIT 4")
        assert analytics._append_runs(wh, 'core."lead_status_history"') == 4
        assert analytics._append_runs(wh, 'core."lead_status_history"') == 0  # up to date: nothing to add
        wh.execute("DELETE FROM core.lead_status_history WHERE run_id = 'run-2'")  # the copy is ahead now
        assert analytics._append_runs(wh, 'core."lead_status_history"') is None
        wh.execute("DETACH analytics_copy")
