"""Crash safety: a run killed with SIGKILL at 22 points spread over every stage (landing, validation, matching,
enrichment, qualification, inside the publish transaction, the marts, between publish and the analysts' copy and
before its rename), then run again, leaves a warehouse and an analysts' copy equal to a clean run's; a full disk or
an unwritable warehouse gives one clear line and leaves the last good state."""

import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from leadflow.cli import main
from leadflow.cli.run import run_import
from tests.conftest import FUNNEL_AS_OF, FUNNEL_INBOX, query
from warehouse.analytics import analytics_path
from warehouse.faults import KILL_AT

LEADFLOW = str(Path(sys.executable).with_name("leadflow"))
KILL_POINTS = [
    # landing (each file with its registry row, one transaction per file)
    "insert:raw.crm_contacts", "sql:register_file_version", "insert:raw.campaign_responses",
    "insert:raw.telemarketer_calls",
    # validation and normalization (staging tables)
    "replace:staging.crm_people", "replace:staging.normalized_records",
    # matching
    "replace:staging.lead_assignments", "replace:staging.lead_profiles",
    # enrichment
    "replace:staging.company_enrichment",
    # qualification and routing
    "replace:staging.lead_qualification", "replace:staging.assignments",
    # inside the publish transaction
    "sql:supersede_earlier_versions", "insert:core.lead_sources", "insert:core.leads", "sql:apply_record_moves",
    "sql:publish_assignments", "sql:mark_files_imported",
    # after publish: opportunity links and marts
    "insert:core.lead_opportunities", "sql:marts_lead_outcomes", "sql:marts_source_performance",
    # between publish and the analysts' copy, and before the copy's rename
    "analytics:start", "analytics:before_rename",
]
SMALL_FS_MB = 64
NEW_WEEK_HEADER = "response_id,campaign_id,response_type,responded_at,first_name,last_name,email\n"


def fingerprint(path: Path) -> dict[str, list]:
    """Every table's rows (sorted), without the columns that differ by run: timestamps and run ids."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_schema NOT IN ('staging') AND table_type = 'BASE TABLE'").fetchall()
        out = {}
        for schema, table in tables:
            columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                  "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                                  [schema, table]).fetchall()
            kept = [f'"{name}"' for name, kind in columns
                    if not kind.startswith("TIMESTAMP") and not name.endswith("run_id")]
            rows = con.execute(f'SELECT {", ".join(kept)} FROM {schema}."{table}"').fetchall()
            out[f"{schema}.{table}"] = sorted(map(repr, rows))
        return out
    finally:
        con.close()


def published(path: Path) -> dict[str, list]:
    """The published tables (core, quarantine, marts) but the file ledger, where a failed run's files stay
    `landed` for the next run to pick up."""
    return {t: rows for t, rows in fingerprint(path).items()
            if t.split(".")[0] in ("core", "quarantine", "marts") and t != "core.import_files"}


@pytest.fixture(scope="module")
def clean_run(funnel_import):
    """The shared clean import of the same inbox, as of the same day."""
    return fingerprint(funnel_import["warehouse"]), fingerprint(funnel_import["copy"])


def _killed_run(root: Path, point: str) -> int:
    shutil.copytree(FUNNEL_INBOX, root / "inbox")
    done = subprocess.run([LEADFLOW, "run", "--inbox", str(root / "inbox"), "--warehouse",
                           str(root / "leadflow.duckdb"), "--as-of", FUNNEL_AS_OF],
                          env={**os.environ, KILL_AT: point}, capture_output=True, timeout=300)
    return done.returncode


def test_a_run_killed_anywhere_then_run_again_equals_a_clean_run(clean_run, tmp_path):
    reference, reference_copy = clean_run
    roots = {point: tmp_path / f"p{n:02d}" for n, point in enumerate(KILL_POINTS)}
    for root in roots.values():
        root.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:  # the killed runs, two at a time (2 cores)
        killed = dict(zip(roots, pool.map(lambda p: _killed_run(roots[p], p), roots)))
    assert killed == {point: -signal.SIGKILL for point in roots}, "every run reached its kill point"
    for point, root in roots.items():
        warehouse = root / "leadflow.duckdb"
        assert run_import(root / "inbox", warehouse, as_of=FUNNEL_AS_OF).success, point
        got = fingerprint(warehouse)
        assert got.keys() == reference.keys(), point
        assert [t for t in reference if got[t] != reference[t]] == [], point
        assert fingerprint(analytics_path(warehouse)) == reference_copy, point
        assert not list(root.glob(".*building*")) and not list(root.glob("*.tmp")), point


@pytest.fixture
def small_filesystem(tmp_path):
    """A tmpfs of SMALL_FS_MB mounted for the test (tests run as root)."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_FS_MB}m", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_gives_a_clear_error_and_keeps_the_last_good_state(small_filesystem, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    shutil.copytree(FUNNEL_INBOX, inbox)
    warehouse = small_filesystem / "leadflow.duckdb"
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", FUNNEL_AS_OF]) == 0
    copy_before = fingerprint(analytics_path(warehouse))
    capsys.readouterr()
    # a new week's file arrives while the disk is all but full
    (inbox / "campaign_responses" / "responses_2026-W47.csv").write_text(NEW_WEEK_HEADER + "".join(
        f"N-{n},CMP-B,webinar,2026-11-17T10:00:00,Nora{n},Newman{n},nora{n}@newco{n}-test.com\n"
        for n in range(2000)))
    filler = small_filesystem / "filler"
    free = shutil.disk_usage(small_filesystem).free
    with open(filler, "wb") as out:
        out.write(b"\0" * max(free - 256 * 1024, 0))
    status = main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", FUNNEL_AS_OF])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "Exception" not in err
    assert "is full (No space left on device); free some space and run again" in err, err
    filler.unlink()
    # analysts still see the last good run; the warehouse is whole: either as before, or with the new week
    # published in one transaction (the disk filled up later, at the analysts' copy)
    assert fingerprint(analytics_path(warehouse)) == copy_before
    assert query(warehouse, "SELECT count(*) FROM core.leads").item() in (20, 2020)
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", FUNNEL_AS_OF]) == 0
    assert query(warehouse, "SELECT count(*) FROM core.leads").item() == 2020
    assert query(analytics_path(warehouse), "SELECT count(*) FROM core.leads").item() == 2020


def test_an_unwritable_warehouse_gives_a_clear_error(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    shutil.copytree(FUNNEL_INBOX, inbox)
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(a_file / "leadflow.duckdb")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{a_file} is a file, not a folder" in err, err


def test_a_read_only_filesystem_keeps_the_warehouse_as_it_was(small_filesystem, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    shutil.copytree(FUNNEL_INBOX, inbox)
    warehouse = small_filesystem / "leadflow.duckdb"
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", FUNNEL_AS_OF]) == 0
    good = published(warehouse)
    capsys.readouterr()
    subprocess.run(["mount", "-o", "remount,ro", str(small_filesystem)], check=True)
    (inbox / "campaign_responses" / "responses_2026-W47.csv").write_text(
        NEW_WEEK_HEADER + "N-1,CMP-B,webinar,2026-11-17T10:00:00,Nora,Newman,nora@newco-test.com\n")
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", FUNNEL_AS_OF]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Read-only file system" in err, err
    assert published(warehouse) == good
