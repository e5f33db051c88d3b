"""The production instance (pipelines/dagster.postgres.yaml) on a real PostgreSQL server: `leadflow run` stores its
run, materializations and check evaluations there, `dagster schedule start` the schedule's state, and
`DagsterInstance.get()` reads them all back."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, DagsterRunStatus

from pipelines.definitions import build_definitions
from pipelines.jobs import WEEKLY_IMPORT
from tests.conftest import FUNNEL_AS_OF, FUNNEL_INBOX, query
from tests.integration.postgres_server import running_postgres

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRODUCTION_YAML = REPO / "pipelines" / "dagster.postgres.yaml"
SCHEDULE = "weekly_import_schedule"


@pytest.fixture(scope="module")
def postgres():
    with running_postgres() as server:
        yield server


def _rows(postgres, database: str, sql: str, params: tuple = ()) -> list[tuple]:
    connection = postgres.connect(database)
    try:
        cursor = connection.cursor()
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        connection.close()


def test_leadflow_run_and_the_schedule_state_are_stored_in_postgresql(postgres, tmp_path, monkeypatch):
    database = postgres.create_database("leadflow_production")
    home, inbox, warehouse = tmp_path / "dagster_home", tmp_path / "inbox", tmp_path / "leadflow.duckdb"
    home.mkdir()
    shutil.copy(PRODUCTION_YAML, home / "dagster.yaml")
    shutil.copytree(FUNNEL_INBOX, inbox)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in postgres.dagster_environment(database).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LEADFLOW_INBOX", str(inbox))
    monkeypatch.setenv("LEADFLOW_WAREHOUSE", str(warehouse))

    ran = subprocess.run([str(BIN / "leadflow"), "run", "--inbox", str(inbox), "--warehouse", str(warehouse),
                          "--as-of", FUNNEL_AS_OF], capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert not (warehouse.parent / ".dagster_home").exists()  # DAGSTER_HOME was used, not a folder beside it
    started = subprocess.run([str(BIN / "dagster"), "schedule", "start", SCHEDULE, "-w", "workspace.yaml"],
                             cwd=REPO, capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    assert query(warehouse, "SELECT count(*) FROM core.leads").item() == 20

    defs = build_definitions(str(inbox), str(warehouse))
    assets = set(defs.resolve_job_def(WEEKLY_IMPORT).asset_layer.executable_asset_keys)
    checks = defs.resolve_asset_graph().asset_check_keys
    assert len(assets) > 40 and len(checks) >= 6

    # in PostgreSQL's tables, as a DBA would see them
    [(run_id, status)] = _rows(postgres, database, "SELECT run_id, status FROM runs WHERE pipeline_name = %s",
                               (WEEKLY_IMPORT,))
    assert status == "SUCCESS"
    materialized = _rows(postgres, database, "SELECT DISTINCT asset_key FROM event_logs "
                                             "WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
                         (run_id,))
    assert {AssetKey(json.loads(key)) for (key,) in materialized} == assets
    evaluated = _rows(postgres, database, "SELECT asset_key, check_name, execution_status FROM asset_check_executions "
                                          "WHERE run_id = %s", (run_id,))
    assert {(AssetKey(json.loads(key)), name) for key, name, _ in evaluated} == \
        {(key.asset_key, key.name) for key in checks}
    assert {execution for _, _, execution in evaluated} <= {"SUCCEEDED", "FAILED"}  # evaluated, not just planned
    schedule_rows = _rows(postgres, database, "SELECT status FROM instigators WHERE instigator_type = 'SCHEDULE' "
                                              "AND instigator_body::jsonb #>> '{origin,job_name}' = %s", (SCHEDULE,))
    assert schedule_rows == [("RUNNING",)]

    # and through Dagster's own API, as the UI and the daemon read them
    with DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        [run] = instance.get_runs()
        assert (run.run_id, run.job_name, run.status) == (run_id, WEEKLY_IMPORT, DagsterRunStatus.SUCCESS)
        leads = instance.get_latest_materialization_event(AssetKey(["core", "leads"]))
        assert leads is not None and leads.run_id == run_id
        check_events = instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records
        assert {record.event_log_entry.dagster_event.asset_check_evaluation_data.check_name
                for record in check_events} == {key.name for key in checks}
        states = {state.instigator_name: state.status.value for state in instance.all_instigator_state()}
        assert states == {SCHEDULE: "RUNNING"}
