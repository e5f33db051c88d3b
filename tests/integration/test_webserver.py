"""The UI and the daemon on the production instance (PostgreSQL), started as docs/operations.md says: the webserver's
GraphQL API shows every asset, check, the schedule and the sensor, and two runs launched at once both succeed, the
second QUEUED until the first leaves the warehouse's pool."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from pipelines.definitions import build_definitions
from pipelines.instance import WAREHOUSE_POOL
from pipelines.jobs import WEEKLY_IMPORT
from tests.conftest import FUNNEL_INBOX, query
from tests.integration.postgres_server import free_port, running_postgres

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRODUCTION_YAML = REPO / "pipelines" / "dagster.postgres.yaml"
READY_SECONDS = 120
RUNS_SECONDS = 300
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}

REPOSITORIES = """
{ repositoriesOrError { __typename ... on PythonError { message }
    ... on RepositoryConnection { nodes { name location { name }
        jobs { name }
        schedules { name scheduleState { status } }
        sensors { name }
        assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name } } } } } } } }
"""
LOCATIONS = """
{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""
LAUNCH_RUN = """
mutation Launch($params: ExecutionParams!) { launchRun(executionParams: $params) { __typename
    ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } ... on Error { message } } }
"""
RUNS = """
query Runs($ids: [String!]) { runsOrError(filter: {runIds: $ids}) { __typename
    ... on Runs { results { runId status startTime endTime } } } }
"""


@dataclass
class Dagster:
    """The webserver and daemon of one instance: where to reach them and what they print."""
    url: str
    log: Path
    warehouse: Path
    database: str

    def graphql(self, text: str, **variables) -> dict:
        response = requests.post(f"{self.url}/graphql", json={"query": text, "variables": variables}, timeout=60)
        response.raise_for_status()
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


@pytest.fixture(scope="module")
def postgres():
    with running_postgres() as server:
        yield server


def _living_members(group: int) -> list[int]:
    """The processes of a process group that have not exited (zombies left to init are not counted)."""
    living = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == group and fields[0] != "Z":
            living.append(int(entry.name))
    return living


def _stop(processes: list[subprocess.Popen], grace_seconds: float = 30) -> None:
    """SIGTERM to the whole process group (webserver, daemon, their code servers, run workers), SIGKILL to what is
    still alive after the grace period; returns once nothing of the group runs."""
    group = processes[0].pid
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace_seconds
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            pass
    while _living_members(group) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _living_members(group):
        os.killpg(group, signal.SIGKILL)
    for process in processes:
        process.wait()


def _wait_until_loaded(dagster: Dagster, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), f"the webserver or daemon exited:\n{dagster.output()}"
        try:
            entries = dagster.graphql(LOCATIONS)["workspaceOrError"]["locationEntries"]
        except requests.RequestException:  # not listening yet, or still starting
            time.sleep(0.3)
            continue
        loaded = [e for e in entries if e["loadStatus"] == "LOADED"]
        errors = [e["locationOrLoadError"]["message"] for e in loaded
                  if e["locationOrLoadError"]["__typename"] == "PythonError"]
        assert not errors, errors
        if entries and len(loaded) == len(entries):
            return
        time.sleep(0.3)
    pytest.fail(f"the code location did not load within {READY_SECONDS} s:\n{dagster.output()}")


@pytest.fixture(scope="module")
def dagster(postgres, tmp_path_factory) -> Iterator[Dagster]:
    """`dagster-webserver` and `dagster-daemon run` on `-w workspace.yaml`, sharing a production instance (a copy of
    pipelines/dagster.postgres.yaml on a new database, set up as docs/operations.md says) and a copy of the funnel
    inbox; one process group, stopped at the end."""
    tmp_path = tmp_path_factory.mktemp("webserver")
    database = postgres.create_database("leadflow_webserver")
    home, inbox, warehouse = tmp_path / "dagster_home", tmp_path / "inbox", tmp_path / "leadflow.duckdb"
    home.mkdir()
    shutil.copy(PRODUCTION_YAML, home / "dagster.yaml")
    shutil.copytree(FUNNEL_INBOX, inbox)
    env = {**os.environ, **postgres.dagster_environment(database), "DAGSTER_HOME": str(home),
           "LEADFLOW_INBOX": str(inbox), "LEADFLOW_WAREHOUSE": str(warehouse)}
    # the one-time setup of a new instance (docs/operations.md): creates Dagster's tables and sets the pool's limit
    set_pool = subprocess.run([str(BIN / "dagster"), "instance", "concurrency", "set", WAREHOUSE_POOL, "1"],
                              env=env, capture_output=True, text=True, timeout=120)
    assert set_pool.returncode == 0, set_pool.stderr
    port = free_port()
    dagster = Dagster(f"http://127.0.0.1:{port}", tmp_path / "dagster.log", warehouse, database)
    processes = []
    try:
        with open(dagster.log, "wb") as log:
            processes.append(subprocess.Popen(
                [str(BIN / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, process_group=0))
            processes.append(subprocess.Popen(
                [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, process_group=processes[0].pid))
        _wait_until_loaded(dagster, processes)
        yield dagster
    finally:
        if processes:
            _stop(processes)


def test_the_ui_shows_every_asset_check_schedule_and_sensor(dagster):
    defs = build_definitions("inbox", "leadflow.duckdb")
    graph = defs.resolve_asset_graph()
    [repository] = dagster.graphql(REPOSITORIES)["repositoriesOrError"]["nodes"]

    assets = {tuple(node["assetKey"]["path"]) for node in repository["assetNodes"]}
    assert assets == {tuple(key.path) for key in graph.get_all_asset_keys()}
    checks = {(tuple(node["assetKey"]["path"]), check["name"]) for node in repository["assetNodes"]
              for check in node["assetChecksOrError"].get("checks", [])}
    assert checks == {(tuple(key.asset_key.path), key.name) for key in graph.asset_check_keys}
    assert {"record_ledger", "leads_are_consistent", "funnel_adds_up"} <= {name for _, name in checks}
    assert WEEKLY_IMPORT in {job["name"] for job in repository["jobs"]}
    schedules = {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]}
    assert schedules == {"weekly_import_schedule": "STOPPED"}  # its state read from PostgreSQL: never started
    sensors = {s["name"] for s in repository["sensors"]}
    assert "inbox_sensor" in sensors and sensors == {s.name for s in defs.sensors}


def _launch(dagster: Dagster, repository: dict) -> str:
    selector = {"repositoryLocationName": repository["location"]["name"], "repositoryName": repository["name"],
                "jobName": WEEKLY_IMPORT}
    launched = dagster.graphql(LAUNCH_RUN, params={"selector": selector, "runConfigData": {}})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def test_runs_launched_together_take_turns_in_the_warehouse_pool(dagster, postgres):
    [repository] = dagster.graphql(REPOSITORIES)["repositoriesOrError"]["nodes"]
    run_ids = [_launch(dagster, repository), _launch(dagster, repository)]

    seen, deadline = [], time.monotonic() + RUNS_SECONDS
    while time.monotonic() < deadline:
        runs = {r["runId"]: r for r in dagster.graphql(RUNS, ids=run_ids)["runsOrError"]["results"]}
        seen.append(tuple(sorted(r["status"] for r in runs.values())))
        if all(r["status"] in TERMINAL for r in runs.values()):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the runs did not finish within {RUNS_SECONDS} s ({seen[-1]}):\n{dagster.output()}")

    assert [runs[i]["status"] for i in run_ids] == ["SUCCESS", "SUCCESS"], dagster.output()
    assert ("QUEUED", "STARTED") in seen  # one ran while the other waited in the queue
    first, second = sorted(runs.values(), key=lambda r: r["startTime"])
    assert second["startTime"] >= first["endTime"]  # never both in the warehouse at once
    assert query(dagster.warehouse, "SELECT count(*) FROM core.leads").item() == 20
    connection = postgres.connect(dagster.database)  # the runs are in PostgreSQL
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT run_id, status FROM runs WHERE pipeline_name = %s", (WEEKLY_IMPORT,))
        assert dict(cursor.fetchall()) == {run_id: "SUCCESS" for run_id in run_ids}
    finally:
        connection.close()
