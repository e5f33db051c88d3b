"""`leadflow backup` / `leadflow restore` on a really imported warehouse: a backup equals it table by table (rows still
only in the WAL too), --keep prunes the oldest, after a restore the next run imports only files newer than the backup,
a file that is not a leadflow warehouse is refused, and a warehouse another process holds is busy (exit 3)."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from leadflow.cli import main
from leadflow.cli.run import run_import
from tests.conftest import FUNNEL_AS_OF, query

REPO = Path(__file__).resolve().parents[2]
NEW_WEEK = """response_id,campaign_id,campaign_name,response_type,responded_at,first_name,last_name,email,company
R-21,CMP-B,Data Webinar,webinar,2026-11-17T10:00:00,Ursula,Underwood,ursula.underwood@northridge-test.com,Northridge
"""
PERSONAL = ("@", "Archer", "Underwood", "northwind")  # nothing of a lead may reach the output


@pytest.fixture
def imported(funnel_import, tmp_path):
    """A copy of the imported 20-lead funnel warehouse and its inbox (the shared fixture's files stay untouched)."""
    inbox, warehouse = tmp_path / "inbox", tmp_path / "data" / "leadflow.duckdb"
    shutil.copytree(funnel_import["inbox"], inbox)
    warehouse.parent.mkdir()
    shutil.copy(funnel_import["warehouse"], warehouse)
    return inbox, warehouse


def _tables(path: Path) -> dict[str, list[str]]:
    """Every table of a DuckDB file with its rows (as text, sorted)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()
        return {f"{s}.{t}": sorted(map(str, con.execute(f'SELECT * FROM "{s}"."{t}"').fetchall())) for s, t in names}
    finally:
        con.close()


def _leads(path: Path) -> int:
    return query(path, "SELECT count(*) AS n FROM core.leads")["n"][0]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_equals_the_warehouse_table_by_table_with_rows_still_only_in_the_wal(imported, tmp_path, capsys):
    _, warehouse = imported
    con = duckdb.connect(str(warehouse))  # committed after the run, never checkpointed: only in the WAL
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("INSERT INTO core.leads SELECT * REPLACE ('LF-WAL-' || lead_id AS lead_id) FROM core.leads")
    con.close()
    assert warehouse.with_name("leadflow.duckdb.wal").stat().st_size > 0
    plain = tmp_path / "plain-file-copy.duckdb"
    shutil.copy(warehouse, plain)  # what copying the file alone would keep

    assert main(["backup", "--warehouse", str(warehouse), "--out", str(tmp_path / "backups")]) == 0
    (backup,) = (tmp_path / "backups").glob("leadflow-*.duckdb")
    assert _tables(backup) == _tables(warehouse)
    assert _leads(backup) == 40 and _leads(plain) == 20  # the file alone lost the WAL's 20 rows
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"backup written: {backup} (")
    assert " MB; schema version " in out and "removed: none" in out
    assert not any(text in out for text in PERSONAL)


def test_keep_prunes_the_oldest_generations_and_never_other_files(imported, tmp_path, capsys):
    _, warehouse = imported
    backups = tmp_path / "backups"
    backups.mkdir()
    earlier = [backups / f"leadflow-202611{day:02d}T080000Z.duckdb" for day in (1, 8, 15)]
    others = [backups / "leadflow-eu-20261101T080000Z.duckdb", backups / "notes.txt"]
    for path in earlier + others:
        path.write_bytes(b"an earlier file")
    args = ["backup", "--warehouse", str(warehouse), "--out", str(backups), "--keep", "2"]

    assert main(args) == 0
    first = capsys.readouterr().out
    assert "removed: leadflow-20261101T080000Z.duckdb, leadflow-20261108T080000Z.duckdb" in first
    assert main(args) == 0  # most likely the same second: a second name, never the first one overwritten
    second = capsys.readouterr().out
    assert "2 backup(s) of this warehouse" in second and "removed: leadflow-20261115T080000Z.duckdb" in second
    new = sorted(set(backups.glob("leadflow-2*.duckdb")) - set(earlier))
    assert len(new) == 2 and all(_leads(path) == 20 for path in new)
    assert sorted(backups.iterdir()) == sorted(new + others)


def test_after_a_restore_the_next_run_imports_only_the_files_newer_than_the_backup(imported, tmp_path, capsys):
    inbox, warehouse = imported
    assert main(["backup", "--warehouse", str(warehouse), "--out", str(tmp_path / "backups")]) == 0
    (backup,) = (tmp_path / "backups").glob("leadflow-*.duckdb")
    registry = "SELECT source_file, file_sha256, version, status, run_id FROM core.import_files ORDER BY ALL"
    at_backup = query(warehouse, registry)
    new_file = "campaign_responses/responses_2026-W47.csv"
    (inbox / new_file).write_text(NEW_WEEK)
    assert run_import(inbox, warehouse, as_of=FUNNEL_AS_OF).success
    assert _leads(warehouse) == 21
    capsys.readouterr()

    assert main(["restore", "--warehouse", str(warehouse), "--from", str(backup)]) == 0
    out = capsys.readouterr().out
    assert _leads(warehouse) == 20 and query(warehouse, registry).equals(at_backup)
    (kept,) = warehouse.parent.glob("leadflow.duckdb.before-restore-*Z.duckdb")
    assert f"kept as {kept}" in out and _leads(kept) == 21  # the replaced warehouse, with the newer file
    assert "rebuilt from the restored warehouse" in out
    assert query(warehouse.with_name("leadflow.analytics.duckdb"), "SELECT count(*) AS n FROM core.leads")["n"][0] == 20
    assert not warehouse.with_name("leadflow.duckdb.wal").exists()
    assert not any(text in out for text in PERSONAL)

    rerun = run_import(inbox, warehouse, as_of=FUNNEL_AS_OF)
    assert rerun.success
    files = query(warehouse, registry)
    imported_now = files.filter(files["run_id"] == rerun.run_id)
    assert imported_now["source_file"].to_list() == [new_file] and imported_now["status"].to_list() == ["imported"]
    assert files.filter(files["run_id"] != rerun.run_id).equals(at_backup)  # the old files were not imported again
    assert _leads(warehouse) == 21


@pytest.mark.parametrize("content", ["duckdb without leadflow tables", "a CSV file"])
def test_restore_refuses_a_file_that_is_not_a_leadflow_warehouse(imported, tmp_path, capsys, content):
    _, warehouse = imported
    candidate = tmp_path / "candidate.duckdb"
    if content == "a CSV file":
        candidate.write_text(NEW_WEEK)
        reason = f"{candidate} is not a DuckDB database file"
    else:
        duckdb.connect(str(candidate)).execute("CREATE TABLE leads AS SELECT 1 AS lead_id").close()
        reason = f"{candidate} is not a leadflow warehouse (it has no meta.schema_version)"
    before = _digest(warehouse)
    assert main(["restore", "--warehouse", str(warehouse), "--from", str(candidate)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"leadflow: error: {reason}\n" and captured.out == ""
    assert _digest(warehouse) == before and not list(warehouse.parent.glob("*before-restore*"))


HOLDERS = {
    "another program has the file open": "import duckdb, sys, time\ncon = duckdb.connect(sys.argv[1])",
    "a run holds the warehouse lock": "import sys, time\nfrom warehouse.lock import holding\n"
                                      "held = holding(sys.argv[1])\nheld.__enter__()",
}


@pytest.mark.parametrize("holder", sorted(HOLDERS))
def test_a_warehouse_held_by_another_process_is_busy_exit_3_in_one_line(imported, tmp_path, capsys, holder):
    _, warehouse = imported
    backups = tmp_path / "backups"
    assert main(["backup", "--warehouse", str(warehouse), "--out", str(backups)]) == 0
    (backup,) = backups.glob("leadflow-*.duckdb")
    capsys.readouterr()
    code = HOLDERS[holder] + "\nprint('holding', flush=True)\ntime.sleep(60)\n"
    process = subprocess.Popen([sys.executable, "-c", code, str(warehouse)], cwd=REPO, stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline() == "holding\n"
        before = _digest(warehouse)
        for args in (["backup", "--warehouse", str(warehouse), "--out", str(backups)],
                     ["restore", "--warehouse", str(warehouse), "--from", str(backup)]):
            assert main(args) == 3
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and err.startswith(f"leadflow: warehouse {warehouse} is in use by process "
                                                           f"{process.pid} ")
            assert "try again when it has finished" in err
        assert list(backups.glob("leadflow-*.duckdb")) == [backup] and _digest(warehouse) == before
    finally:
        process.kill()
        process.wait()
