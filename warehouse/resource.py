"""The warehouse as Dagster resources: one DuckDB session held for a run's whole length, the IO manager that
keeps a run's intermediate frames in staging.* tables, and the one that hands raw.* tables to later steps. Both
IO managers work through the run's `warehouse` resource, so a run opens the file once."""

from contextlib import ExitStack
from typing import Optional

import polars as pl
from dagster import ConfigurableResource, InitResourceContext, InputContext, IOManager, OutputContext, io_manager
from pydantic import PrivateAttr

from schemas.sources import CRM_SOURCES, LEAD_SOURCES
from warehouse.connection import Warehouse, WarehouseSession, default_memory_limit
from warehouse.lock import holding
from warehouse.raw import RawTable
from warehouse.registry import ImportRegistry

STAGING_SCHEMA = "staging"
WAREHOUSE_POOL = "leadflow_warehouse"  # every asset and check that touches the warehouse: one run at a time
RAW_SPECS = {spec.raw_table: spec for spec in (*LEAD_SOURCES, *CRM_SOURCES.values())}


class WarehouseResource(ConfigurableResource):
    """The DuckDB warehouse file of a run. The first use opens it (bringing its schema up to date); the same
    session serves every step and check of the run and is closed when the run ends."""

    path: str
    memory_limit: Optional[str] = None  # DuckDB buffer pool; default LEADFLOW_DUCKDB_MEMORY_LIMIT or 512MB
    # a run started by the schedule, the sensor or the UI while `leadflow run` holds the warehouse waits this long
    # for it (the run queue cannot see `leadflow run`, which runs in its own process); `leadflow run` itself takes
    # the lock first (--wait) and holds it, so this never makes it wait
    lock_wait_seconds: float = 900.0

    _stack: Optional[ExitStack] = PrivateAttr(default=None)
    _session: Optional[WarehouseSession] = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Take the warehouse's write lock when the run starts (warehouse.lock): a run holds it for its whole
        length, and a second writer gets a clear message instead of DuckDB's lock error half-way."""
        self._stack = ExitStack()
        self._stack.enter_context(holding(self.path, wait=self.lock_wait_seconds))

    def session(self) -> WarehouseSession:
        """The run's open session (opened on first use)."""
        if self._session is None:
            if self._stack is None:
                self._stack = ExitStack()
            warehouse = Warehouse(self.path, self.memory_limit or default_memory_limit())
            self._session = self._stack.enter_context(warehouse.connect())
        return self._session

    def registry(self) -> ImportRegistry:
        return ImportRegistry(self.session())

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._stack is not None:
            self._stack.close()
        self._stack, self._session = None, None


def _table_of(key_path: list[str]) -> str:
    return ".".join(key_path)


class StagingTableIOManager(IOManager):
    """A step's output frame becomes the staging table its asset key names (`staging/lead_records` ->
    staging.lead_records, replaced each run); a step's input is read back from it."""

    def __init__(self, warehouse: WarehouseResource):
        self.warehouse = warehouse

    def handle_output(self, context: OutputContext, obj: pl.DataFrame) -> None:
        path = context.asset_key.path
        if path[0] != STAGING_SCHEMA or len(path) != 2:
            raise ValueError(f"staging tables are staging/<name>, got {context.asset_key.to_user_string()}")
        self.warehouse.session().replace_table(_table_of(path), obj)

    def load_input(self, context: InputContext) -> pl.DataFrame:
        return self.warehouse.session().read_table(_table_of(context.asset_key.path))


class RawTableIOManager(IOManager):
    """Raw tables are written by landing itself (each file with its registry row, in one transaction); a later
    step gets a `RawTable` handle on the table its input names (raw/campaign_responses -> raw.campaign_responses)."""

    def __init__(self, warehouse: WarehouseResource):
        self.warehouse = warehouse

    def handle_output(self, context: OutputContext, obj: None) -> None:
        return None

    def load_input(self, context: InputContext) -> RawTable:
        return RawTable(self.warehouse.session(), RAW_SPECS[_table_of(context.asset_key.path)])


# the IO managers use the run's `warehouse` resource itself (the same session), not a copy of their own
@io_manager(required_resource_keys={"warehouse"},
            description="Intermediate frames as staging.* tables of the warehouse, replaced each run.")
def staging_tables(init_context: InitResourceContext) -> StagingTableIOManager:
    return StagingTableIOManager(init_context.resources.warehouse)


@io_manager(required_resource_keys={"warehouse"},
            description="Raw tables (written by landing) handed to later steps as RawTable handles.")
def raw_tables(init_context: InitResourceContext) -> RawTableIOManager:
    return RawTableIOManager(init_context.resources.warehouse)
