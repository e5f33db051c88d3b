"""Shared fixtures: a generated sample inbox with known truth, imported week by week into a temp DuckDB file."""

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from leadflow.cli.run import run_import
from leadflow.sample import generate_sample_inbox
from leadflow.sample.vendor_layouts import apply_vendor_layouts

SAMPLE_PEOPLE = 600
WEEK_1, WEEK_2 = "2026-W46", "2026-W47"


def query(warehouse: Path, sql: str, params=None) -> pl.DataFrame:
    """Read the warehouse as an analyst would (a separate read-only connection)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        relation = con.sql(sql, params=params) if params else con.sql(sql)
        return pl.from_arrow(relation.to_arrow_table())
    finally:
        con.close()


def table_fingerprint(warehouse: Path) -> dict[str, list]:
    tables = ["core.leads", "core.lead_sources", "core.accounts", "core.lead_status_history", "core.match_decisions",
              "core.import_files", "quarantine.rejected_rows", "marts.lead_funnel"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: sorted(map(str, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    finally:
        con.close()


# The suite's runs share one Dagster instance whose event log lives in memory: the default instance (SQLite files
# beside the warehouse, pipelines/instance.py) spends ~8 ms committing each of a run's ~400 events to disk, which
# over the suite's runs costs minutes. Tests of the default instance unset DAGSTER_HOME themselves.
TEST_INSTANCE_YAML = """\
telemetry:
  enabled: false
event_log_storage:
  module: dagster._core.storage.event_log
  class: InMemoryEventLogStorage
"""


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text(TEST_INSTANCE_YAML)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        yield home


@pytest.fixture(autouse=True)
def _no_stale_defs_state_storage():
    """A Dagster context built outside a `with` (e.g. `build_run_status_sensor_context(..., resources=...)`, which
    enters an ephemeral instance for its resources) leaves that instance's defs-state storage current; once the
    collector frees the instance, the next Definitions load fails ("Attempted to resolve undefined DagsterInstance
    weakref"), in whichever test runs next. Each test starts and ends with none current, as a process does outside
    an instance's block (`leadflow run` itself loads its job with its own instance's storage: pipelines.instance)."""
    from dagster._core.storage.defs_state.base import _current_storage
    _current_storage.set(None)
    yield
    _current_storage.set(None)


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    # telemarketer files in the vendors' own layouts, read through the shipped source mappings (as in production)
    apply_vendor_layouts(root, generate_sample_inbox(root, seed=11, people=SAMPLE_PEOPLE, weeks=2, start_week=WEEK_1))
    return root


@pytest.fixture(scope="session")
def scenarios(sample) -> dict:
    return json.loads((sample / "truth" / "scenarios.json").read_text())


@pytest.fixture(scope="session")
def truth_records(sample) -> pl.DataFrame:
    return pl.read_csv(sample / "truth" / "records.csv", infer_schema=False)


@pytest.fixture(scope="session")
def weekly_import(sample, tmp_path_factory):
    """Week 1 imported, then week 2's file added and imported: (inbox, warehouse, results, fingerprints)."""
    root = tmp_path_factory.mktemp("weekly")
    inbox, warehouse = root / "inbox", root / "leadflow.duckdb"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("truth", f"*{WEEK_2}*"))
    first = run_import(inbox, warehouse)
    after_week_1 = table_fingerprint(warehouse)
    rerun = run_import(inbox, warehouse)
    after_rerun = table_fingerprint(warehouse)
    week_2_file = f"responses_{WEEK_2}.csv"
    shutil.copy(sample / "campaign_responses" / week_2_file, inbox / "campaign_responses" / week_2_file)
    second = run_import(inbox, warehouse)
    return {"inbox": inbox, "warehouse": warehouse, "first": first, "rerun": rerun, "second": second,
            "after_week_1": after_week_1, "after_rerun": after_rerun}


FUNNEL_INBOX = Path(__file__).parent / "fixtures" / "funnel_inbox"
FUNNEL_AS_OF = "2026-11-23"


@pytest.fixture(scope="session")
def funnel_import(tmp_path_factory):
    """The 20-lead funnel fixture (tests/fixtures/funnel_inbox, outcomes in its README) imported once as of
    2026-11-23: (inbox, warehouse, analytics copy, result)."""
    from warehouse.analytics import analytics_path
    root = tmp_path_factory.mktemp("funnel")
    inbox, warehouse = root / "inbox", root / "leadflow.duckdb"
    shutil.copytree(FUNNEL_INBOX, inbox)
    result = run_import(inbox, warehouse, as_of=FUNNEL_AS_OF)
    assert result.success
    return {"inbox": inbox, "warehouse": warehouse, "copy": analytics_path(warehouse), "result": result}
