"""Versioned migrations (warehouse.migrations): a new warehouse file gets every migration once, opening it again
applies nothing, and a file written before versioning is brought forward with its rows kept."""

from datetime import datetime
from importlib import resources

import duckdb
import pytest

from warehouse import Warehouse
from warehouse.migrations import current_version, latest_version, migrate, migrations
from warehouse.sql_files import split_statements

SHIPPED = [(version, name) for version, name, _ in migrations()]


def _schema_version(path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT version, name, applied_at FROM meta.schema_version ORDER BY version").fetchall()
    finally:
        con.close()


def test_the_shipped_migrations_are_numbered_from_one_without_gaps():
    assert [version for version, _ in SHIPPED] == list(range(1, latest_version() + 1))
    assert SHIPPED[:2] == [(1, "initial"), (2, "record_keys_and_views")]


def test_a_new_file_gets_every_migration_once(tmp_path):
    path = tmp_path / "new.duckdb"
    with Warehouse(path).connect() as wh:
        assert current_version(wh.con) == latest_version()
        assert wh.table_exists("core.leads") and wh.table_exists("core.file_record_counts")
        assert "record_key" in wh.columns("core.lead_sources")
    assert [(v, n) for v, n, _ in _schema_version(path)] == SHIPPED


def test_opening_a_file_again_applies_nothing(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse(path).connect():
        pass
    recorded = _schema_version(path)
    with Warehouse(path).connect() as wh:
        assert migrate(wh.con) == []
    assert _schema_version(path) == recorded, "the same migrations, applied at the same times"


@pytest.fixture
def written_before_versioning(tmp_path):
    """A warehouse file as leadflow wrote it before meta.schema_version: migration 1's tables, one published record."""
    path = tmp_path / "old.duckdb"
    initial = resources.files("warehouse").joinpath("sql/migrations/001_initial.sql").read_text(encoding="utf-8")
    con = duckdb.connect(str(path))
    try:
        for statement in split_statements(initial):
            con.execute(statement)
        con.execute("INSERT INTO core.lead_sources (source_file, source_record_id, lead_id, file_sha256, first_name) "
                    "VALUES ('campaign_responses/w46.csv', 'R1', 'LF-1', 'sha-1', 'Ann')")
        con.execute("INSERT INTO core.import_files (source_file, file_sha256, source_type, status, version) "
                    "VALUES ('campaign_responses/w46.csv', 'sha-1', 'campaign_response', 'imported', 1)")
    finally:
        con.close()
    return path


def test_a_file_written_before_versioning_is_brought_forward_and_keeps_its_rows(written_before_versioning):
    con = duckdb.connect(str(written_before_versioning))
    try:
        assert current_version(con) == 0
    finally:
        con.close()
    with Warehouse(written_before_versioning).connect() as wh:
        rows = wh.query("SELECT source_file, source_record_id, lead_id, first_name, record_key "
                        "FROM core.lead_sources").rows()
        counts = wh.query("SELECT source_file, accepted, rejected, superseded FROM core.file_record_counts").rows()
    assert rows == [("campaign_responses/w46.csv", "R1", "LF-1", "Ann", "campaign_responses/w46.csv#R1")]
    assert counts == [("campaign_responses/w46.csv", 1, 0, 0)]
    versions = _schema_version(written_before_versioning)
    assert [(v, n) for v, n, _ in versions] == SHIPPED
    assert all(isinstance(applied_at, datetime) for _, _, applied_at in versions)


def test_the_status_constraint_holds_exactly_the_statuses_of_the_vocabulary(tmp_path):
    from schemas.vocabulary import STATUSES
    with Warehouse(tmp_path / "w.duckdb").connect() as wh:
        for status in STATUSES:
            wh.execute("INSERT INTO core.leads (lead_id, status) VALUES (?, ?)", [f"L-{status}", status])
        with pytest.raises(duckdb.ConstraintException):
            wh.execute("INSERT INTO core.leads (lead_id, status) VALUES ('L-x', 'Open')")
