"""The one Dagster instance `leadflow run`, the schedule, the sensor and the UI share: `$DAGSTER_HOME` when set, else
a `.dagster_home` folder beside the warehouse, created with its `dagster.yaml` (run history and event logs in SQLite
there, telemetry off, and the warehouse's concurrency pool limited to one run at a time).

    python -m pipelines.instance data/leadflow.duckdb    # prints the folder, creating it (what `make ui` uses)

A production instance keeps runs, events and schedules in PostgreSQL instead: see docs/operations.md.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from warehouse.resource import WAREHOUSE_POOL

HOME_FOLDER = ".dagster_home"
WAREHOUSE_TAG = "leadflow/warehouse"
INSTANCE_YAML = f"""\
# leadflow's Dagster instance (written by leadflow; edit freely, it is not rewritten once it exists).
# `leadflow run`, `make ui` (dagster dev), the schedule and the sensor all read and write this folder.
telemetry:
  enabled: false
concurrency:
  pools:
    # every leadflow asset is in the pool "{WAREHOUSE_POOL}": one run at a time writes the warehouse;
    # overlapping schedule, sensor and UI runs wait in the queue
    granularity: run
    default_limit: 1
run_monitoring:
  enabled: true            # a run whose process died is marked failed, so it never holds the pool
  poll_interval_seconds: 30
"""


def instance_home(warehouse: str | Path) -> Path:
    """$DAGSTER_HOME, else `<warehouse folder>/.dagster_home`."""
    configured = os.environ.get("DAGSTER_HOME")
    return Path(configured) if configured else Path(warehouse).resolve().parent / HOME_FOLDER


def ensure_instance_home(warehouse: str | Path) -> Path:
    """The instance folder, created with leadflow's dagster.yaml when it has none."""
    home = instance_home(warehouse)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        scratch = config.with_name(f".dagster.yaml.{os.getpid()}")
        scratch.write_text(INSTANCE_YAML, encoding="utf-8")
        os.replace(scratch, config)
    return home


def leadflow_instance(warehouse: str | Path) -> DagsterInstance:
    """The shared instance of this warehouse (see the module's docstring), its warehouse pool limited to one."""
    instance = DagsterInstance.from_config(str(ensure_instance_home(warehouse)))
    limit_warehouse_pool(instance)
    return instance


@contextmanager
def opened_instance(warehouse: str | Path) -> Iterator[DagsterInstance]:
    """The warehouse's instance for the block, its defs-state storage the current one (what Definitions loaded in
    the block read), disposed after it and the previous storage current again. A run never loads its job with
    whatever storage another piece of Dagster code left current in the process: a context built outside a `with`
    (e.g. `build_run_status_sensor_context(..., resources=...)` enters an ephemeral instance for its resources) keeps
    its instance's storage current, and once that instance is garbage-collected a Definitions load fails with
    "Attempted to resolve undefined DagsterInstance weakref" (seen in full test runs after the alert tests)."""
    from dagster._core.storage.defs_state.base import set_defs_state_storage

    instance = leadflow_instance(warehouse)
    try:
        with set_defs_state_storage(instance.defs_state_storage):
            yield instance
    finally:
        instance.dispose()


def limit_warehouse_pool(instance: DagsterInstance) -> None:
    """Write the pool's limit of one into the instance once. `default_limit` in dagster.yaml alone is not enough on a
    new instance: Dagster 1.13's daemon decides its first queue pass from the pools it read before it stores the
    default, so two runs queued together would both start (the second then stops at the warehouse lock)."""
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits and WAREHOUSE_POOL not in storage.get_concurrency_keys():
        storage.set_concurrency_slots(WAREHOUSE_POOL, 1)


def fail_abandoned_runs(instance: DagsterInstance, warehouse: str | Path) -> list[str]:
    """Mark failed the runs of this warehouse the instance still shows as in progress though their process is gone
    (call it holding the warehouse's lock: then no run of it is alive). Returns their run ids."""
    runs = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
                                        tags={WAREHOUSE_TAG: str(Path(warehouse).resolve())}))
    for run in runs:
        instance.report_run_failed(run, "the process running it ended before the run finished (killed?); "
                                        "the next run picked up where it stopped")
    return [run.run_id for run in runs]


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "data/leadflow.duckdb"
    with opened_instance(target):
        print(instance_home(target))
