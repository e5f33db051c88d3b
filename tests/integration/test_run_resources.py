"""A run works through one warehouse session: the file is opened once per run (steps, checks and IO managers share
it), and its schema is brought up to date once."""

import shutil

import duckdb
import pytest

import warehouse.connection
from leadflow.cli.run import run_import
from tests.conftest import WEEK_2, query


@pytest.fixture
def opened(monkeypatch):
    """Every path `duckdb.connect` opens during the test (the real function does the work)."""
    paths = []
    real = duckdb.connect

    def connect(database=":memory:", *args, **kwargs):
        paths.append(str(database))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(warehouse.connection.duckdb, "connect", connect)
    return paths


def test_a_run_opens_the_warehouse_once(tmp_path, sample, opened):
    inbox, wh = tmp_path / "inbox", tmp_path / "w.duckdb"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("truth", f"*{WEEK_2}*"))
    assert run_import(inbox, wh).success
    assert opened.count(str(wh)) == 1
    versions = query(wh, "SELECT version FROM meta.schema_version ORDER BY version")["version"].to_list()
    assert versions == list(range(1, len(versions) + 1)) and len(versions) >= 2
    opened.clear()
    assert run_import(inbox, wh).success  # nothing new: still one open, no migration applied again
    assert opened.count(str(wh)) == 1
    assert query(wh, "SELECT count(*) AS n FROM meta.schema_version")["n"][0] == len(versions)


def test_runs_in_one_process_leave_no_stale_dagster_state_behind(tmp_path, sample):
    """Two runs in one process (as the tests, a notebook or a long-lived worker do), the first run's instance
    collected in between: the second still loads its Definitions, and neither leaves a defs-state storage current
    (one left behind by code whose instance is gone fails the next load: pipelines.instance.opened_instance)."""
    import gc

    from dagster._core.storage.defs_state.base import DefsStateStorage

    inbox = tmp_path / "inbox"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("truth", f"*{WEEK_2}*"))
    assert run_import(inbox, tmp_path / "first.duckdb").success
    assert DefsStateStorage.get() is None
    gc.collect()
    assert run_import(inbox, tmp_path / "second.duckdb").success
    assert DefsStateStorage.get() is None


def test_a_staging_frame_is_let_go_once_its_last_loading_reader_has_it(tmp_path):
    """A frame a later step reads is handed to it in memory; an asset made from the same staging table inside the
    warehouse (a `deps` edge, a Nothing input) loads nothing, so it does not keep the frame alive to the end of
    the run."""
    import polars as pl
    from dagster import AssetExecutionContext, AssetIn, asset, materialize

    from warehouse.resource import WarehouseResource, staging_tables

    seen = {}

    @asset(key=["staging", "numbers"])
    def numbers():
        return pl.DataFrame({"n": [1, 2, 3]})

    @asset(key=["staging", "doubled"], ins={"numbers": AssetIn(["staging", "numbers"])})
    def doubled(numbers):
        return numbers.select(pl.col("n") * 2)

    @asset(key=["staging", "made_in_sql"], deps=[["staging", "numbers"], ["staging", "doubled"]],
           required_resource_keys={"io_manager"})
    def made_in_sql(context: AssetExecutionContext):
        seen["held"] = sorted(context.resources.io_manager._handed)
        return pl.DataFrame({"n": [0]})

    result = materialize([numbers, doubled, made_in_sql], resources={
        "warehouse": WarehouseResource(path=str(tmp_path / "w.duckdb")), "io_manager": staging_tables})
    assert result.success
    assert seen["held"] == []  # numbers: its one loading reader has it; doubled: nothing loads it


def test_a_run_in_process_keeps_no_copy_of_the_staging_frames_for_its_result(tmp_path):
    """`execute_in_process` (what `leadflow run` uses) keeps every output for `output_for_node`; a staging frame is in
    its table, so the IO manager lets go of that copy: frames no longer live until the run ends."""
    import weakref

    import polars as pl
    from dagster import AssetIn, asset, materialize

    from warehouse.resource import WarehouseResource, staging_tables

    made = {}

    @asset(key=["staging", "numbers"])
    def numbers():
        frame = pl.DataFrame({"n": [1, 2, 3]})
        made["numbers"] = weakref.ref(frame)
        return frame

    @asset(key=["staging", "later"], ins={"numbers": AssetIn(["staging", "numbers"])})
    def later(numbers):
        return numbers.head(1)

    @asset(key=["staging", "last"], deps=[["staging", "later"]])
    def last():
        import gc
        gc.collect()
        made["alive_at_the_end"] = made["numbers"]() is not None
        return pl.DataFrame({"n": [0]})

    result = materialize([numbers, later, last], resources={
        "warehouse": WarehouseResource(path=str(tmp_path / "w.duckdb")), "io_manager": staging_tables})
    assert result.success
    assert made["alive_at_the_end"] is False
