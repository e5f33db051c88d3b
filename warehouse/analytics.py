"""The analysts' copy: `<warehouse name>.analytics.duckdb` beside the warehouse, holding core.*, marts.* and
quarantine.*, so analysts never hold the file a run writes.

At the end of every successful run the copy is built aside, under a hidden name in the same folder, and swapped in
with one atomic rename. It starts from a file copy of the previous copy: large tables with a primary key (core.leads,
core.lead_sources) get only the rows that differ, tables runs only append to (core.match_decisions,
core.lead_status_history) only the rows of new runs, the rest is copied whole (at 5M leads 26 s -> see
docs/benchmarks.md). A session open on the old copy keeps reading it (the rename leaves its open file alone);
the next connection sees the new one. A half-built copy left by a killed run is discarded by the next run.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Callable

import duckdb

from warehouse.connection import WarehouseSession
from warehouse.faults import crash_point

COPIED_SCHEMAS = ("core", "marts", "quarantine")
SUFFIX = ".analytics.duckdb"


def analytics_path(warehouse_path: str | Path) -> Path:
    """`data/leadflow.duckdb` -> `data/leadflow.analytics.duckdb`."""
    path = Path(warehouse_path)
    return path.with_name(path.stem + SUFFIX)


def _building_prefix(copy: Path) -> str:
    return f".{copy.name}.building-"


def discard_half_built(copy: Path) -> list[Path]:
    """Remove copies a killed run left half-built beside `copy` (and their WAL files); return what was removed."""
    removed = []
    for leftover in copy.parent.glob(_building_prefix(copy) + "*"):
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


# a table of at least this many cells (rows x columns) with a primary key is brought up to date row by row from the
# previous copy instead of copied whole (a 5M-row core.leads: 1.4 s against 6.8 s)
ROW_DIFF_CELLS = 20_000_000


def _tables(wh: WarehouseSession, database: str) -> dict[tuple[str, str], tuple[int, list[tuple[str, str]]]]:
    """(schema, table) -> (estimated rows, [(column, type)]) of the copied schemas' tables in `database`."""
    rows = wh.query(
        "SELECT t.schema_name, t.table_name, t.estimated_size, c.column_name, c.data_type FROM duckdb_tables() t "
        "JOIN duckdb_columns() c ON c.database_name = t.database_name AND c.schema_name = t.schema_name "
        "AND c.table_name = t.table_name WHERE t.database_name = ? AND t.schema_name IN ('core', 'marts', "
        "'quarantine') ORDER BY t.schema_name, t.table_name, c.column_index", [database]).rows()
    out: dict[tuple[str, str], tuple[int, list[tuple[str, str]]]] = {}
    for schema, table, size, column, kind in rows:
        out.setdefault((schema, table), (int(size or 0), []))[1].append((column, kind))
    return out


def _primary_keys(wh: WarehouseSession) -> dict[tuple[str, str], list[str]]:
    """(schema, table) -> its primary key's columns, for the warehouse's tables that declare one."""
    rows = wh.query("SELECT schema_name, table_name, constraint_column_names FROM duckdb_constraints() "
                    "WHERE database_name = current_database() AND constraint_type = 'PRIMARY KEY'").rows()
    return {(schema, table): list(columns) for schema, table, columns in rows}


def _previous_copy(copy: Path, building: Path, wh: WarehouseSession) -> bool:
    """Start `building` as a byte copy of the previous copy when there is one of the same schema version (its
    tables are then brought up to date); False when the copy is built from nothing."""
    if not copy.exists():
        return False
    try:
        shutil.copyfile(copy, building)
        wh.execute("ATTACH ? AS analytics_copy", [str(building)])
    except (OSError, duckdb.Error):
        discard_half_built(copy)
        return False
    stamped = wh.scalar("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'analytics_copy' "
                        "AND schema_name = 'meta' AND table_name = 'analytics_copy'")
    version = wh.scalar("SELECT max(schema_version) FROM analytics_copy.meta.analytics_copy") if stamped else None
    if version != wh.scalar("SELECT max(version) FROM meta.schema_version"):
        wh.execute("DETACH analytics_copy")
        discard_half_built(copy)
        return False
    return True


# tables a run only ever appends to (its rows carry its run_id; nothing updates or deletes them): the copy gets the
# rows of the runs it lacks (at 5M leads 2.5 s of whole copies -> 0.2 s)
APPENDED_BY_RUN = {("core", "match_decisions"), ("core", "lead_status_history")}


def _append_runs(wh: WarehouseSession, name: str) -> int | None:
    """Append to analytics_copy.`name` the rows of the runs it lacks, when every run it holds has as many rows in the
    warehouse (else None: the copy is not an earlier state of this table, after a restore for instance, and the
    caller copies it whole). Returns the rows appended."""
    per_run = "SELECT run_id, count(*) AS n FROM {} GROUP BY ALL"
    ours = dict(wh.query(per_run.format(f"analytics_copy.{name}")).rows())
    theirs = dict(wh.query(per_run.format(name)).rows())
    missing = [run for run in theirs if run not in ours]
    if any(theirs.get(run) != n for run, n in ours.items()) or None in missing:
        return None
    if missing:
        wh.execute(f"INSERT INTO analytics_copy.{name} SELECT * FROM {name} WHERE list_contains(?, run_id)",
                   [missing])
    return sum(theirs[run] for run in missing)


def _row_diff(wh: WarehouseSession, name: str, key: list[str]) -> int:
    """Bring analytics_copy.`name` to the warehouse's rows (`WarehouseSession.write_difference`): rows are told apart
    by a hash of the primary key and a hash of the whole row (no key strings joined). Returns the rows written."""
    keys = ", ".join(f'r."{k}"' for k in key)
    identity = f"hash({keys}) AS _k, hash(r) AS _h"
    return wh.write_difference(f"analytics_copy.{name}", name, (identity, identity))


def publish_analytics_copy(wh: WarehouseSession, warehouse_path: str | Path, run_id: str, now: datetime,
                           progress: Callable[[int, int], None] | None = None) -> dict[str, int | str]:
    """Build the analysts' copy of core, marts and quarantine aside and rename it over the previous one; return
    tables, rows written and the copy's size in bytes. `progress(rows of the tables done, rows in all)` after each
    table.

    The copy starts from the previous one (a file copy) when it has the same schema version: a table runs only
    append to gets the rows of the runs it lacks (APPENDED_BY_RUN), a large table with a primary key only the rows that
    differ (by key and a hash of the row), any other table is copied whole;
    tables and views the warehouse does not have are dropped. Without a previous copy every table is copied.
    Tables are copied without keeping their row order (DuckDB then writes with every thread; SQL tables have no
    order, and every query that needs one says ORDER BY): a third less time on a million leads."""
    crash_point("analytics:start")
    copy = analytics_path(warehouse_path)
    discard_half_built(copy)
    building = copy.with_name(f"{_building_prefix(copy)}{os.getpid()}")
    tables = _tables(wh, wh.scalar("SELECT current_database()"))
    total = sum(size for size, _ in tables.values())
    rows = processed = 0
    incremental = _previous_copy(copy, building, wh)
    if not incremental:
        wh.execute("ATTACH ? AS analytics_copy", [str(building)])
    wh.execute("SET preserve_insertion_order = false")
    try:
        before = _tables(wh, "analytics_copy") if incremental else {}
        keys = _primary_keys(wh) if incremental else {}
        for schema, table, kind in wh.query(
                "SELECT schema_name, table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = 'analytics_copy' "
                "UNION ALL SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE database_name = "
                "'analytics_copy' AND NOT internal").rows():
            if (schema, table) not in tables or (schema, table) not in before:
                wh.execute(f'DROP {kind} IF EXISTS analytics_copy.{schema}."{table}"')  # names from the catalog
        for schema in COPIED_SCHEMAS:
            wh.execute(f"CREATE SCHEMA IF NOT EXISTS analytics_copy.{schema}")
        for (schema, table), (size, columns) in tables.items():  # names from our own catalog, never from data
            name = f'{schema}."{table}"'
            key = keys.get((schema, table))
            same_shape = before.get((schema, table), (0, None))[1] == columns
            appended = _append_runs(wh, name) if same_shape and (schema, table) in APPENDED_BY_RUN else None
            if appended is not None:
                rows += appended
            elif same_shape and key and size * len(columns) >= ROW_DIFF_CELLS:
                rows += _row_diff(wh, name, key)
            else:
                wh.execute(f"DROP TABLE IF EXISTS analytics_copy.{name}")
                wh.execute(f"CREATE TABLE analytics_copy.{name} AS SELECT * FROM {name}")
                rows += wh.scalar(f"SELECT count(*) FROM analytics_copy.{name}")
            processed += size
            if progress is not None:
                progress(processed, max(total, processed))
        wh.execute("DROP SCHEMA IF EXISTS analytics_copy.meta CASCADE")
        wh.execute("CREATE SCHEMA analytics_copy.meta")
        wh.execute("CREATE TABLE analytics_copy.meta.analytics_copy AS SELECT ? AS run_id, ? AS published_at, "
                   "(SELECT max(version) FROM meta.schema_version) AS schema_version", [run_id, now])
        wh.execute("CHECKPOINT analytics_copy")
    except BaseException:
        wh.execute("RESET preserve_insertion_order")
        wh.execute("DETACH analytics_copy")
        discard_half_built(copy)
        raise
    wh.execute("RESET preserve_insertion_order")
    wh.execute("DETACH analytics_copy")
    crash_point("analytics:before_rename")
    os.replace(building, copy)
    return {"tables": len(tables), "rows": rows, "bytes": copy.stat().st_size, "path": str(copy),
            "from_previous_copy": incremental}
