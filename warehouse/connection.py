"""A thin DuckDB layer of our own: open the warehouse file, apply the DDL, move polars frames in and out.

DuckDB lets one process hold a file at a time, so every caller opens, works and closes
(`with Warehouse(path).connect() as wh:`); nothing keeps a connection between assets.
"""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator, Sequence

import duckdb
import polars as pl

_SCRATCH_NAMES = itertools.count()


def memory_limit() -> str:
    """DuckDB's buffer limit for warehouse sessions (LEADFLOW_DUCKDB_MEMORY_LIMIT, default 512MB). Its cache of
    a large import's pages would otherwise add to polars' memory in the same process; queries past the limit
    spill to disk beside the warehouse file."""
    return os.environ.get("LEADFLOW_DUCKDB_MEMORY_LIMIT", "512MB")


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or used (locked, unreadable, wrong path)."""


def _schema_sql() -> str:
    return resources.files("warehouse").joinpath("sql/schema.sql").read_text(encoding="utf-8")


class Warehouse:
    """A DuckDB warehouse file. `connect()` yields a `WarehouseSession` with the schema applied."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator["WarehouseSession"]:
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise WarehouseError(f"warehouse file {self.path} does not exist yet: run an import first")
        try:
            con = duckdb.connect(str(self.path), read_only=read_only, config={"memory_limit": memory_limit()})
        except duckdb.Error as exc:  # locked by another process, not a DuckDB file, ...
            raise WarehouseError(f"cannot open warehouse file {self.path}: {exc}") from exc
        session = WarehouseSession(con)
        try:
            if not read_only:
                session.run_script(_schema_sql())
            yield session
        finally:
            con.close()


class WarehouseSession:
    """One open connection. Values are bound with `?`; only constant identifiers are formatted into SQL."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def run_script(self, sql: str) -> None:
        """Run a file of `;`-separated statements (full-line `--` comments allowed, no `;` inside literals)."""
        code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
        for statement in code.split(";"):
            if any(line.strip() and not line.lstrip().startswith("--") for line in statement.splitlines()):
                self.con.execute(statement).complete()

    def execute(self, sql: str, params: Sequence | None = None) -> None:
        self.con.execute(sql, list(params or [])).complete()

    def query(self, sql: str, params: Sequence | None = None) -> pl.DataFrame:
        relation = self.con.sql(sql, params=list(params)) if params else self.con.sql(sql)
        if relation is None:
            return pl.DataFrame()
        return pl.from_arrow(relation.to_arrow_table())

    def scalar(self, sql: str, params: Sequence | None = None):
        rows = self.con.execute(sql, list(params or [])).fetchall()
        return rows[0][0] if rows else None

    def table_exists(self, qualified_name: str) -> bool:
        schema, table = qualified_name.split(".")
        return bool(
            self.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                [schema, table],
            )
        )

    def columns(self, qualified_name: str) -> list[str]:
        schema, table = qualified_name.split(".")
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
            "ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
        return [r[0] for r in rows]

    @contextmanager
    def registered(self, frame: pl.DataFrame) -> Iterator[str]:
        """Expose a polars frame to SQL under a scratch name for the duration of the block."""
        name = f"_frame_{next(_SCRATCH_NAMES)}"
        # string views as polars holds them: no copy of the text on the way to DuckDB
        self.con.register(name, frame.to_arrow(compat_level=pl.CompatLevel.newest()))
        try:
            yield name
        finally:
            self.con.unregister(name)

    def insert(self, qualified_name: str, frame: pl.DataFrame) -> int:
        """Append a frame to a table by column name; table columns absent from the frame become NULL."""
        if frame.height == 0:
            return 0
        target = self.columns(qualified_name)
        cols = [c for c in frame.columns if c in target]
        col_list = ", ".join(f'"{c}"' for c in cols)
        with self.registered(frame.select(cols)) as name:
            self.execute(f"INSERT INTO {qualified_name} ({col_list}) SELECT {col_list} FROM {name}")
        return frame.height

    def replace_table(self, qualified_name: str, frame: pl.DataFrame) -> int:
        """(Re)create a scratch or mart table from a frame (staging.* and marts.* only)."""
        with self.registered(frame) as name:
            self.execute(f"CREATE OR REPLACE TABLE {qualified_name} AS SELECT * FROM {name}")
        return frame.height

    def read_table(self, qualified_name: str) -> pl.DataFrame:
        return self.query(f"SELECT * FROM {qualified_name}")

    def begin(self) -> None:
        self.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()
