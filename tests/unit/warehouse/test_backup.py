"""Backups and restores of small real warehouse files (warehouse.backup): names, pruning, what a copy keeps, and what
a restore refuses, replaces and keeps."""

import hashlib
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from warehouse import Warehouse
from warehouse.backup import BackupError, back_up, generation_name, list_generations, prune_generations, restore
from warehouse.migrations import latest_version

NOW = datetime(2026, 11, 28, 22, 15, 1, tzinfo=timezone.utc)


def _warehouse(path, leads=("LF-1", "LF-2")):
    """A migrated warehouse with a few leads, checkpointed and closed."""
    with Warehouse(path).connect() as wh:
        for lead_id in leads:
            wh.execute("INSERT INTO core.leads (lead_id, status) VALUES (?, 'Unqualified')", [lead_id])
    return path


def _leads(path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT lead_id FROM core.leads ORDER BY lead_id").fetchall()]
    finally:
        con.close()


def _write_uncheckpointed(path, sql: str) -> None:
    """Commit rows that stay only in `<path>.wal`, as a run killed before its checkpoint leaves them."""
    con = duckdb.connect(str(path))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute(sql)
    con.close()
    assert path.with_name(path.name + ".wal").stat().st_size > 0


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_generation_is_named_by_the_warehouse_and_the_utc_second_it_was_taken():
    assert generation_name("leadflow", NOW) == "leadflow-20261128T221501Z.duckdb"
    assert generation_name("leadflow", NOW, 2) == "leadflow-20261128T221501Z-2.duckdb"
    berlin = NOW.astimezone(timezone(timedelta(hours=1)))  # the same instant in another zone: the same UTC name
    assert generation_name("leads", berlin) == "leads-20261128T221501Z.duckdb"


def test_only_this_warehouses_backups_are_generations_oldest_first(tmp_path):
    names = ["leadflow-20261128T221501Z-10.duckdb", "leadflow-20261128T221501Z.duckdb",
             "leadflow-20261128T221501Z-2.duckdb", "leadflow-20261121T090000Z.duckdb"]
    others = ["leadflow-eu-20261101T000000Z.duckdb", "other-20261101T000000Z.duckdb", "notes.txt",
              "leadflow-20261128T221501Z.duckdb.wal", ".leadflow.backup-4242", "leadflow-latest.duckdb"]
    for name in names + others:
        (tmp_path / name).write_bytes(b"x")
    assert [g.path.name for g in list_generations(tmp_path, "leadflow")] == [
        "leadflow-20261121T090000Z.duckdb", "leadflow-20261128T221501Z.duckdb",
        "leadflow-20261128T221501Z-2.duckdb", "leadflow-20261128T221501Z-10.duckdb"]
    removed = prune_generations(tmp_path, "leadflow", keep=2)
    assert [p.name for p in removed] == ["leadflow-20261121T090000Z.duckdb", "leadflow-20261128T221501Z.duckdb"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(others + names[:1] + names[2:3])


def test_keep_must_be_at_least_one(tmp_path):
    with pytest.raises(BackupError, match="keep must be at least 1"):
        back_up(_warehouse(tmp_path / "leadflow.duckdb"), tmp_path / "backups", keep=0)
    assert not (tmp_path / "backups").exists()


def test_a_backup_holds_rows_still_only_in_the_wal_and_two_in_one_second_both_survive(tmp_path):
    warehouse = _warehouse(tmp_path / "leadflow.duckdb")
    _write_uncheckpointed(warehouse, "INSERT INTO core.leads (lead_id, status) VALUES ('LF-WAL', 'Qualified')")
    first = back_up(warehouse, tmp_path / "backups", keep=7, now=NOW)
    second = back_up(warehouse, tmp_path / "backups", keep=7, now=NOW)
    assert (first.path.name, second.path.name) == ("leadflow-20261128T221501Z.duckdb",
                                                   "leadflow-20261128T221501Z-2.duckdb")
    assert _leads(first.path) == _leads(second.path) == ["LF-1", "LF-2", "LF-WAL"]
    assert first.table_rows["core.leads"] == 3 and first.schema_version == latest_version()
    assert first.size_bytes == first.path.stat().st_size
    assert not warehouse.with_name(warehouse.name + ".wal").exists()  # checkpointed into the warehouse itself
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == sorted([first.path.name, second.path.name])


def test_the_copy_keeps_schemas_views_constraints_keys_defaults_and_sequences(tmp_path):
    warehouse = _warehouse(tmp_path / "leadflow.duckdb")
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA extra")
    con.execute("CREATE SEQUENCE extra.ticket START 100")
    con.execute("CREATE TABLE extra.tickets (id INTEGER PRIMARY KEY DEFAULT nextval('extra.ticket'), "
                "kind VARCHAR NOT NULL CHECK (kind IN ('a', 'b')), code VARCHAR UNIQUE)")
    con.execute("INSERT INTO extra.tickets (kind, code) VALUES ('a', 'x'), ('b', NULL)")
    con.execute("CREATE VIEW extra.kinds AS SELECT kind, count(*) AS n FROM extra.tickets GROUP BY kind")
    con.close()
    backup = back_up(warehouse, tmp_path / "backups", keep=1).path

    def catalog(path):
        c = duckdb.connect(str(path), read_only=True)
        try:
            return {
                "tables": c.execute("SELECT schema_name, table_name, sql FROM duckdb_tables() ORDER BY ALL").fetchall(),
                "views": c.execute("SELECT schema_name, view_name, sql FROM duckdb_views() WHERE NOT internal "
                                   "ORDER BY ALL").fetchall(),
                "constraints": c.execute("SELECT schema_name, table_name, constraint_type, constraint_text "
                                         "FROM duckdb_constraints() ORDER BY ALL").fetchall(),
                "sequences": c.execute("SELECT schema_name, sequence_name, last_value FROM duckdb_sequences()")
                .fetchall(),
                "tickets": c.execute("SELECT * FROM extra.tickets ORDER BY id").fetchall(),
            }
        finally:
            c.close()

    assert catalog(backup) == catalog(warehouse)
    assert catalog(backup)["sequences"] == [("extra", "ticket", 101)]
    con = duckdb.connect(str(backup))  # the copy goes on numbering where the warehouse stopped, and still checks
    try:
        con.execute("INSERT INTO extra.tickets (kind) VALUES ('a')")
        assert con.execute("SELECT max(id) FROM extra.tickets").fetchall() == [(102,)]
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO extra.tickets (kind) VALUES ('z')")
    finally:
        con.close()


def test_what_a_killed_backup_left_is_removed_and_never_counts_as_a_generation(tmp_path):
    warehouse = _warehouse(tmp_path / "leadflow.duckdb")
    backups = tmp_path / "backups"
    backups.mkdir()
    leftovers = [backups / ".leadflow.backup-4242", backups / ".leadflow.backup-4242.wal"]
    for leftover in leftovers:
        leftover.write_bytes(b"half a DuckDB file")
    result = back_up(warehouse, backups, keep=7, now=NOW)
    assert result.discarded == leftovers
    assert [p.name for p in backups.iterdir()] == ["leadflow-20261128T221501Z.duckdb"]


@pytest.mark.parametrize("case, message", [
    ("missing", "warehouse .* does not exist"),
    ("out_is_a_file", "backup folder .* is a file"),
    ("out_under_a_file", "backup failed at .*sub: Not a directory"),
    ("not_leadflow", "is not a leadflow warehouse"),
])
def test_a_backup_that_cannot_be_made_says_why_in_one_line(tmp_path, case, message):
    warehouse, out = tmp_path / "leadflow.duckdb", tmp_path / "backups"
    if case != "missing":
        _warehouse(warehouse)
    if case == "out_is_a_file":
        out.write_text("not a folder")
    if case == "out_under_a_file":
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "sub"
    if case == "not_leadflow":
        duckdb.connect(str(warehouse)).close()
        warehouse.unlink()
        duckdb.connect(str(warehouse)).execute("CREATE TABLE t (i INTEGER)").close()
    with pytest.raises(BackupError, match=message) as error:
        back_up(warehouse, out, keep=7)
    assert "\n" not in str(error.value)


def test_restore_replaces_the_warehouse_and_keeps_the_replaced_one_with_its_last_rows(tmp_path):
    warehouse = _warehouse(tmp_path / "data" / "leadflow.duckdb")
    backup = back_up(warehouse, tmp_path / "backups", keep=7).path
    _write_uncheckpointed(warehouse, "INSERT INTO core.leads (lead_id, status) VALUES ('LF-LATER', 'Unqualified')")
    result = restore(warehouse, backup, now=NOW)
    assert _leads(warehouse) == ["LF-1", "LF-2"]
    assert result.kept_as == warehouse.with_name("leadflow.duckdb.before-restore-20261128T221501Z.duckdb")
    assert _leads(result.kept_as) == ["LF-1", "LF-2", "LF-LATER"]  # its WAL was checkpointed into it first
    assert not warehouse.with_name("leadflow.duckdb.wal").exists() and not result.replaced_unreadable
    assert result.schema_version == latest_version() and result.table_rows["core.leads"] == 2
    assert not list(warehouse.parent.glob(".leadflow.duckdb.restoring-*"))
    again = restore(warehouse, backup, now=NOW)  # same second: the first kept file is not overwritten
    assert again.kept_as.name == "leadflow.duckdb.before-restore-20261128T221501Z-2.duckdb"
    assert _leads(result.kept_as) == ["LF-1", "LF-2", "LF-LATER"]


def test_restore_over_a_damaged_warehouse_keeps_it_as_it_was_and_never_replays_its_log(tmp_path):
    backup = back_up(_warehouse(tmp_path / "source.duckdb"), tmp_path / "backups", keep=7).path
    warehouse = tmp_path / "leadflow.duckdb"
    warehouse.write_bytes(b"\x00" * 5000)
    wal = tmp_path / "leadflow.duckdb.wal"
    wal.write_bytes(b"a log of another file")
    result = restore(warehouse, backup, now=NOW)
    assert _leads(warehouse) == ["LF-1", "LF-2"] and not wal.exists()
    assert result.replaced_unreadable and result.kept_as.read_bytes() == b"\x00" * 5000
    assert result.kept_as.with_name(result.kept_as.name + ".wal").read_bytes() == b"a log of another file"


def test_restore_where_the_warehouse_was_lost(tmp_path):
    backup = back_up(_warehouse(tmp_path / "leadflow.duckdb"), tmp_path / "backups", keep=7).path
    warehouse = tmp_path / "new" / "leadflow.duckdb"
    result = restore(warehouse, backup)
    assert result.kept_as is None and _leads(warehouse) == ["LF-1", "LF-2"]


@pytest.mark.parametrize("case, message", [
    ("missing", "backup .* does not exist"),
    ("text", "is not a DuckDB database file"),
    ("not_leadflow", r"is not a leadflow warehouse \(it has no meta.schema_version\)"),
    ("newer", "has schema version 99, newer than this leadflow knows"),
    ("itself", "is the warehouse itself"),
])
def test_restore_refuses_what_is_not_a_backup_it_can_run_and_changes_nothing(tmp_path, case, message):
    warehouse = _warehouse(tmp_path / "leadflow.duckdb")
    candidate = tmp_path / "candidate.duckdb"
    if case == "text":
        candidate.write_text("response_id,email\nR-1,someone@example.com\n")
    if case == "not_leadflow":
        duckdb.connect(str(candidate)).execute("CREATE TABLE t (i INTEGER)").close()
    if case == "newer":
        candidate = back_up(warehouse, tmp_path / "backups", keep=7).path
        con = duckdb.connect(str(candidate))
        con.execute("INSERT INTO meta.schema_version VALUES (99, 'from_the_future', now())")
        con.close()
    if case == "itself":
        candidate = warehouse
    before = _digest(warehouse)
    with pytest.raises(BackupError, match=message):
        restore(warehouse, candidate)
    assert _digest(warehouse) == before
    assert not list(tmp_path.glob("*before-restore*")) and not list(tmp_path.glob(".leadflow.duckdb.restoring-*"))

