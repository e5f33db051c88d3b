"""A thin DuckDB layer of our own: open the warehouse file, bring its schema up to date once, run the named SQL
files in `warehouse/sql/`, move polars frames in and out.

A run holds one session for its whole length (`WarehouseResource`); the CLI opens one per command. Values are
bound as parameters (`$name`); only constant identifiers (a table name from the code, never from data) are
formatted into SQL text.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb
import polars as pl

from warehouse.errors import WarehouseBusy, WarehouseError
from warehouse.faults import crash_point
from warehouse.lock import busy_message, foreign_holder, holding
from warehouse.migrations import migrate
from warehouse.sql_files import sql_statements

DEFAULT_MEMORY_LIMIT = "256MB"
# for a query joining every lead with its sources outside matching (the sources of a run's touched leads, the
# leads' integrity check, the marts): within the default such a query spills to disk at a few million leads (at
# 4.8M leads 1.2 -> 0.8 s and 1.7 -> 1.2 s; the marts 19.0 -> 12.6 s already at 512MB)
SCAN_MEMORY_LIMIT = "1GB"
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


def default_memory_limit() -> str:
    """DuckDB's buffer limit for warehouse sessions (LEADFLOW_DUCKDB_MEMORY_LIMIT, default 256MB). Its cache of
    a large import's pages would otherwise add to polars' memory in the same process (at 512MB the 1M-record weekly
    run peaked 128 MiB higher, during matching); queries past the limit spill to disk beside the warehouse file.
    The steps that need more raise it for their own block (`memory_at_least`: publish, the marts)."""
    return os.environ.get("LEADFLOW_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


_UNITS = {"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15, "kib": 2**10, "mib": 2**20,
          "gib": 2**30, "tib": 2**40, "pib": 2**50}


def _bytes(setting: str) -> float:
    """'488.2 MiB', '2GB' -> bytes."""
    number, unit = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", setting).groups()
    return float(number) * _UNITS.get(unit.lower() or "b", 1)


def _bound(statement: str, params: dict[str, Any]) -> dict[str, Any]:
    """The named parameters one statement uses (DuckDB refuses parameters a statement does not name)."""
    return {name: params[name] for name in dict.fromkeys(_PARAMETER.findall(statement))}


class Warehouse:
    """A DuckDB warehouse file. `connect()` yields a `WarehouseSession` on a schema brought up to date."""

    def __init__(self, path: str | Path, memory_limit: str | None = None):
        self.path = Path(path)
        self.memory_limit = memory_limit or default_memory_limit()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator["WarehouseSession"]:
        """A session on the file; a writing one holds the warehouse's write lock (warehouse.lock) while open."""
        if read_only:
            if not self.path.exists():
                raise WarehouseError(f"warehouse file {self.path} does not exist yet: run an import first")
            with self._session(read_only=True) as session:
                yield session
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"cannot create the folder of warehouse file {self.path}: "
                                 f"{exc.strerror or exc}") from exc
        with holding(self.path), self._session(read_only=False) as session:
            yield session

    @contextmanager
    def _session(self, read_only: bool) -> Iterator["WarehouseSession"]:
        try:
            con = duckdb.connect(str(self.path), read_only=read_only, config={"memory_limit": self.memory_limit})
        except duckdb.Error as exc:  # open in another process, not a DuckDB file, ...
            who = foreign_holder(exc)
            if who:
                raise WarehouseBusy(busy_message(self.path, who)) from exc
            raise WarehouseError(f"cannot open warehouse file {self.path}: {str(exc).splitlines()[0]}") from exc
        session = WarehouseSession(con, self.memory_limit)
        try:
            con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would draw over `leadflow run`'s lines
            if not read_only:
                migrate(con)
            yield session
        finally:
            con.close()

    def other_program_holding(self) -> str | None:
        """The process another program (not leadflow) has the file open in, as DuckDB names it; None when the file
        is free or does not exist yet."""
        if not self.path.exists():
            return None
        try:
            duckdb.connect(str(self.path), config={"memory_limit": self.memory_limit}).close()
        except duckdb.Error as exc:
            who = foreign_holder(exc)
            if who:
                return who
            raise WarehouseError(f"cannot open warehouse file {self.path}: {str(exc).splitlines()[0]}") from exc
        return None


class WarehouseSession:
    """One open connection: named SQL files with `$name` parameters, and polars frames in and out."""

    def __init__(self, con: duckdb.DuckDBPyConnection, memory_limit: str | None = None):
        self.con = con
        self.memory_limit = memory_limit  # as configured ('512MB'): DuckDB reads it back rounded ('488.2 MiB')

    # --- SQL ------------------------------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence | dict | None = None) -> None:
        self.con.execute(sql, params if isinstance(params, dict) else list(params or [])).complete()

    def query(self, sql: str, params: Sequence | dict | None = None) -> pl.DataFrame:
        relation = self.con.sql(sql, params=params) if params else self.con.sql(sql)
        if relation is None:
            return pl.DataFrame()
        return pl.from_arrow(relation.to_arrow_table())

    def scalar(self, sql: str, params: Sequence | dict | None = None):
        rows = self.con.execute(sql, params if isinstance(params, dict) else list(params or [])).fetchall()
        return rows[0][0] if rows else None

    def run(self, name: str, **params: Any) -> None:
        """Run every statement of `warehouse/sql/<name>.sql`, each with the parameters it names."""
        crash_point(f"sql:{name}")
        for statement in sql_statements(name):
            self.execute(statement, _bound(statement, params))

    def fetch(self, name: str, **params: Any) -> pl.DataFrame:
        """The rows of the one query in `warehouse/sql/<name>.sql`."""
        (statement,) = sql_statements(name)
        return self.query(statement, _bound(statement, params) or None)

    def fetch_one(self, name: str, **params: Any) -> dict[str, Any]:
        """The single row of `warehouse/sql/<name>.sql` as a dict."""
        return self.fetch(name, **params).row(0, named=True)

    def fetch_value(self, name: str, **params: Any):
        """The first value of the first row of `warehouse/sql/<name>.sql` (None when it returns no row)."""
        (statement,) = sql_statements(name)
        return self.scalar(statement, _bound(statement, params))

    # --- frames ---------------------------------------------------------------------------------------------
    @contextmanager
    def registered(self, name: str, frame: pl.DataFrame) -> Iterator[str]:
        """Expose a polars frame to SQL as `name` (a name the SQL files use) for the duration of the block."""
        # string views as polars holds them: no copy of the text on the way to DuckDB
        self.con.register(name, frame.to_arrow(compat_level=pl.CompatLevel.newest()))
        try:
            yield name
        except BaseException:
            # a failed statement aborts the transaction, and then unregistering fails too: the first error is the one
            # that says what went wrong
            with suppress(duckdb.Error):
                self.con.unregister(name)
            raise
        self.con.unregister(name)

    def columns(self, qualified_name: str) -> list[str]:
        schema, table = qualified_name.split(".")
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
            "ORDER BY ordinal_position", [schema, table]).fetchall()
        return [r[0] for r in rows]

    def table_exists(self, qualified_name: str) -> bool:
        return bool(self.columns(qualified_name))

    def insert(self, qualified_name: str, frame: pl.DataFrame) -> int:
        """Append a frame to a table by column name (`INSERT ... BY NAME`): the frame's columns the table has;
        the table's other columns get their default (NULL)."""
        if frame.height == 0:
            return 0
        crash_point(f"insert:{qualified_name}")
        target = set(self.columns(qualified_name))
        with self.registered("_inserted_rows", frame.select([c for c in frame.columns if c in target])):
            self.execute(f"INSERT INTO {qualified_name} BY NAME SELECT * FROM _inserted_rows")
        return frame.height

    def insert_from(self, name: str, qualified_name: str, **params: Any) -> int:
        """Run the one `INSERT INTO <qualified_name> ... SELECT` of `warehouse/sql/<name>.sql` (rows made from tables
        already in the warehouse) and return how many rows it wrote."""
        crash_point(f"insert:{qualified_name}")
        (statement,) = sql_statements(name)
        return int(self.scalar(statement, _bound(statement, params)) or 0)

    def write_difference(self, target: str, source: str, identity: tuple[str, str], columns: str = "*",
                         source_id: str = "rowid") -> int:
        """Make table `target` hold exactly the rows of relation `source`, writing only the rows that differ: each
        side's rows (aliased `r`) get the identity columns `identity` makes of them (a select list over the target's
        rows and one over the source's, naming the same columns), rows of the target whose identity the source lacks
        are deleted by row id, and source rows whose identity the target lacks are inserted (`columns` of them,
        found by `source_id`). Returns the rows inserted."""
        self.execute(f"CREATE OR REPLACE TEMP TABLE _old_rows AS SELECT rowid AS _id, {identity[0]} FROM {target} r")
        self.execute(f"CREATE OR REPLACE TEMP TABLE _new_rows AS SELECT {source_id} AS _id, {identity[1]} "
                     f"FROM {source} r")
        using = ", ".join(d[0] for d in self.con.execute("SELECT * FROM _old_rows LIMIT 0").description[1:])
        self.execute(f"DELETE FROM {target} WHERE rowid IN (SELECT _id FROM _old_rows ANTI JOIN _new_rows "
                     f"USING ({using}))")
        self.execute(f"CREATE OR REPLACE TEMP TABLE _added_rows AS SELECT _id FROM _new_rows ANTI JOIN _old_rows "
                     f"USING ({using})")
        into = "" if columns == "*" else f" ({columns})"
        self.execute(f"INSERT INTO {target}{into} SELECT {columns} FROM {source} "
                     f"WHERE {source_id} IN (SELECT _id FROM _added_rows)")
        inserted = self.scalar("SELECT count(*) FROM _added_rows")
        for scratch in ("_old_rows", "_new_rows", "_added_rows"):
            self.execute(f"DROP TABLE {scratch}")
        return int(inserted)

    def replace_rows(self, qualified_name: str, frame: pl.DataFrame) -> int:
        """Make a published table hold exactly the frame's rows (its columns the table has; the table's others
        NULL), writing only the rows that differ (`write_difference`): each side's rows are told apart by a hash of
        every column (the frame's cast to the table's types) and their rank among equal rows, so a table rebuilt
        whole by every run rewrites only what changed. Returns the rows inserted."""
        crash_point(f"replace:{qualified_name}")
        schema, table = qualified_name.split(".")
        types = self.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
            "ORDER BY ordinal_position", [schema, table]).fetchall()
        theirs = ", ".join(f'"{c}"' for c, _ in types)
        ours = ", ".join(f'CAST("{c}" AS {t})' if c in frame.columns else f"CAST(NULL AS {t})" for c, t in types)
        shared = [c for c, _ in types if c in frame.columns]
        ranked = "hash({0}) AS _h, row_number() OVER (PARTITION BY hash({0})) AS _n"
        with self.registered("_replacing_rows", frame.select(shared).with_row_index("_i")):
            return self.write_difference(qualified_name, "_replacing_rows",
                                         (ranked.format(theirs), ranked.format(ours)),
                                         ", ".join(f'"{c}"' for c in shared), source_id="_i")

    def replace_table(self, qualified_name: str, frame: pl.DataFrame) -> int:
        """(Re)create a scratch or mart table from a frame (staging.* and marts.* only)."""
        crash_point(f"replace:{qualified_name}")
        with self.registered("_replacing_rows", frame):
            self.execute(f"CREATE OR REPLACE TABLE {qualified_name} AS SELECT * FROM _replacing_rows")
        return frame.height

    def read_table(self, qualified_name: str) -> pl.DataFrame:
        return self.query(f"SELECT * FROM {qualified_name}")

    @contextmanager
    def memory_at_least(self, limit: str) -> Iterator[None]:
        """DuckDB's memory limit raised to at least `limit` (a constant of the code, e.g. '2GB') for the block, then
        set back: for one transaction that must hold a large import's rows next to the tables it joins."""
        before = self.memory_limit or self.scalar("SELECT current_setting('memory_limit')")
        raise_it = _bytes(self.scalar("SELECT current_setting('memory_limit')")) < _bytes(limit)
        if raise_it:
            self.execute(f"SET memory_limit = '{limit}'")
        try:
            yield
        finally:
            if raise_it:
                self.execute(f"SET memory_limit = '{before}'")

    # --- transactions ---------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        crash_point("commit")
        self.execute("COMMIT")
