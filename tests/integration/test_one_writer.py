"""One writer per warehouse: a second `leadflow run` waits (--wait) or exits 3 with one line naming the holder, a
killed holder never blocks the next run, overlapping runs serialize, every asset is in the warehouse's pool of one,
and `leadflow run` records its runs in the one Dagster instance beside the warehouse (what `make ui` opens)."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance

from leadflow.cli import main
from pipelines.definitions import build_definitions
from pipelines.instance import HOME_FOLDER, WAREHOUSE_POOL
from tests.conftest import FUNNEL_AS_OF, FUNNEL_INBOX, query
from warehouse.lock import lock_path

LEADFLOW = str(Path(sys.executable).with_name("leadflow"))
HOLD = """
import sys, time
from warehouse.lock import holding
with holding(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""
OPEN_IN_DUCKDB = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def inbox(tmp_path) -> Path:
    shutil.copytree(FUNNEL_INBOX, tmp_path / "inbox")
    return tmp_path / "inbox"


def _holder(script: str, warehouse: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", script, str(warehouse), str(seconds)], stdout=subprocess.PIPE,
                               text=True, cwd=Path(__file__).resolve().parents[2])
    assert process.stdout.readline().strip() == "held"
    return process


def _run(inbox: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([LEADFLOW, "run", "--inbox", str(inbox), "--warehouse", str(warehouse),
                           "--as-of", FUNNEL_AS_OF, *extra], capture_output=True, text=True, timeout=300)


def test_a_second_run_exits_3_with_one_line_naming_the_holder(inbox, tmp_path):
    warehouse = tmp_path / "leadflow.duckdb"
    holder = _holder(HOLD, warehouse, 60)
    try:
        started = time.monotonic()
        second = _run(inbox, warehouse)
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 3
    assert second.stdout == ""
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert str(warehouse) in lines[0] and f"process {holder.pid}" in lines[0] and "--wait" in lines[0]
    assert "Error" not in lines[0] and "Traceback" not in lines[0] and "Exception" not in lines[0]
    # the holder was killed: the OS released its lock, nothing left behind blocks the next run
    assert lock_path(warehouse).exists()
    third = _run(inbox, warehouse)
    assert third.returncode == 0, third.stderr
    assert query(tmp_path / "leadflow.analytics.duckdb", "SELECT count(*) FROM core.leads").item() == 20


def test_wait_lets_a_run_start_when_the_holder_finishes(inbox, tmp_path):
    warehouse = tmp_path / "leadflow.duckdb"
    holder = _holder(HOLD, warehouse, 2)
    try:
        waited = _run(inbox, warehouse, "--wait", "60")
    finally:
        holder.wait()
    assert waited.returncode == 0, waited.stderr


def test_another_program_with_the_file_open_gets_the_same_treatment(inbox, tmp_path):
    warehouse = tmp_path / "leadflow.duckdb"
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", FUNNEL_AS_OF]) == 0
    analyst = _holder(OPEN_IN_DUCKDB, warehouse, 60)  # someone's DuckDB session on the warehouse itself
    try:
        refused = _run(inbox, warehouse)
    finally:
        analyst.kill()
        analyst.wait()
    assert refused.returncode == 3
    line = refused.stderr.strip()
    assert "\n" not in line and f"process {analyst.pid}" in line and "analytics.duckdb" in line


def test_overlapping_runs_take_turns_and_give_one_run_s_result(inbox, tmp_path):
    warehouse = tmp_path / "leadflow.duckdb"
    command = [LEADFLOW, "run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--as-of", FUNNEL_AS_OF,
               "--wait", "120"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outcomes = [p.communicate(timeout=300) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outcomes
    files = query(warehouse, "SELECT status, count(*) FROM core.import_files GROUP BY ALL").rows()
    assert dict(files)["imported"] == 7  # imported once; the later run found nothing new
    assert query(warehouse, "SELECT count(*) FROM core.leads").item() == 20


def test_every_asset_and_check_is_in_the_warehouse_pool():
    defs = build_definitions("inbox", "warehouse.duckdb")
    nodes = {}
    for definition in [*defs.assets, *defs.asset_checks]:
        if getattr(definition, "is_executable", True):
            keys = [*definition.keys, *definition.check_keys] if hasattr(definition, "keys") else []
            nodes[definition.node_def.name] = (definition.node_def.pool, keys)
    assert len(nodes) > 20
    assert {pool for pool, _ in nodes.values()} == {WAREHOUSE_POOL}, \
        {name: pool for name, (pool, _) in nodes.items() if pool != WAREHOUSE_POOL}
    assert any(AssetKey(["analytics", "analysts_copy"]) in keys for _, keys in nodes.values())


def test_leadflow_run_records_in_the_instance_beside_the_warehouse(inbox, tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME")
    warehouse = tmp_path / "data" / "leadflow.duckdb"
    done = subprocess.run([LEADFLOW, "run", "--inbox", str(inbox), "--warehouse", str(warehouse),
                           "--as-of", FUNNEL_AS_OF], capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"})
    assert done.returncode == 0, done.stderr
    assert "telemetry" not in (done.stdout + done.stderr).lower()
    home = warehouse.parent / HOME_FOLDER
    config = (home / "dagster.yaml").read_text()
    assert "granularity: run" in config and "enabled: false" in config
    with DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert len(runs) == 1 and runs[0].job_name == "weekly_import"
        assert instance.get_latest_materialization_event(AssetKey(["marts", "campaign_roi"])) is not None
        assert instance.get_latest_materialization_event(AssetKey(["analytics", "analysts_copy"])) is not None


def test_a_run_killed_mid_way_leaves_nothing_that_blocks_the_next(inbox, tmp_path):
    warehouse = tmp_path / "leadflow.duckdb"
    run = subprocess.Popen([LEADFLOW, "run", "--inbox", str(inbox), "--warehouse", str(warehouse),
                            "--as-of", FUNNEL_AS_OF], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not warehouse.exists() and time.monotonic() < deadline:  # killed once it has started writing
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait()
    again = _run(inbox, warehouse)
    assert again.returncode == 0, again.stderr
    assert query(warehouse, "SELECT count(*) FROM core.leads").item() == 20
    assert not list(tmp_path.glob(".*.building-*"))
