"""The warehouse as Dagster resources: one DuckDB session held for a run's whole length, the IO manager that
keeps a run's intermediate frames in staging.* tables, and the one that hands raw.* tables to later steps. Both
IO managers work through the run's `warehouse` resource, so a run opens the file once."""

from contextlib import ExitStack
from typing import Optional

import polars as pl
from dagster import (
    ConfigurableResource, DagsterInvariantViolationError, InitResourceContext, InputContext, IOManager, OutputContext,
    io_manager,
)
from dagster._core.execution.plan.outputs import StepOutputHandle  # the key of execute_in_process's output capture
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
    memory_limit: Optional[str] = None  # DuckDB buffer pool; default LEADFLOW_DUCKDB_MEMORY_LIMIT or 256MB
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


def _round_trips(dtype: pl.DataType) -> bool:
    """Whether a column of this type reads back from DuckDB as the same polars type (categoricals and enums come
    back as text, time zones under other names)."""
    if isinstance(dtype, (pl.Categorical, pl.Enum, pl.Object, pl.Duration)):
        return False
    if isinstance(dtype, pl.Datetime):
        return dtype.time_zone is None
    if isinstance(dtype, (pl.List, pl.Array)):
        return _round_trips(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return all(_round_trips(field.dtype) for field in dtype.fields)
    return True


def _readers_in_run(context: OutputContext) -> int:
    """How many inputs of the steps this run executes read this output (0 when the plan cannot tell). A `deps`
    edge (an asset made from a staging table inside the warehouse, as publish's SQL does) is a Nothing input: it
    orders the steps but loads nothing, so it is not a reader (counted, it kept the frame to the end of the run)."""
    try:
        plan = context.step_context.execution_plan
        readers = 0
        for key in plan.step_keys_to_execute:
            for step_input in plan.get_step_by_key(key).step_inputs:
                if step_input.dagster_type_key == "Nothing":
                    continue
                readers += sum((handle.step_key, handle.output_name) == (context.step_key, context.name)
                               for handle in step_input.get_step_output_handle_dependencies())
        return readers
    except (AttributeError, KeyError, TypeError):  # not a step of an execution plan (e.g. a direct invocation)
        return 0


def _uncapture(context: OutputContext) -> None:
    """Let go of the copy `execute_in_process` (what `leadflow run` uses) keeps of every output for the run's result
    (`output_for_node`): a staging frame is in its table, and kept there too every frame of the run lived until the
    run ended (1.5 GB of frames at a million records). Nothing reads our outputs from the result."""
    try:
        capture = context.step_context.output_capture
    except (AttributeError, DagsterInvariantViolationError):  # a direct invocation: no step context
        return
    if capture:
        capture.pop(StepOutputHandle(context.step_key, context.name), None)


class StagingTableIOManager(IOManager):
    """A step's output frame becomes the staging table its asset key names (`staging/lead_records` ->
    staging.lead_records, replaced each run); a step's input is read back from it.

    Within one run the frame a step wrote is also handed as it is to the steps of the run that read it (the table
    holds the same rows, in the same order and types), and let go once the last of them has it: a million records
    are not read back from DuckDB once per reader, nor held twice. A run that starts from a later step (a
    re-execution) reads the tables."""

    def __init__(self, warehouse: WarehouseResource):
        self.warehouse = warehouse
        self._handed: dict[str, list] = {}  # table -> [frame, readers still to come]

    def handle_output(self, context: OutputContext, obj: pl.DataFrame) -> None:
        path = context.asset_key.path
        if path[0] != STAGING_SCHEMA or len(path) != 2:
            raise ValueError(f"staging tables are staging/<name>, got {context.asset_key.to_user_string()}")
        table = _table_of(path)
        self._handed.pop(table, None)
        self.warehouse.session().replace_table(table, obj)
        _uncapture(context)
        readers = _readers_in_run(context)
        if readers and all(_round_trips(dtype) for dtype in obj.schema.values()):
            self._handed[table] = [obj, readers]

    def load_input(self, context: InputContext) -> pl.DataFrame:
        table = _table_of(context.asset_key.path)
        handed = self._handed.get(table)
        if handed is None:
            return self.warehouse.session().read_table(table)
        handed[1] -= 1
        if handed[1] <= 0:
            del self._handed[table]
        return handed[0]


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
