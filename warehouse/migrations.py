"""Versioned migrations: `warehouse/sql/migrations/NNN_name.sql`, each applied once per warehouse file, in
order, and recorded in `meta.schema_version` (version, name, applied_at).

Opening a file for writing checks the recorded version (one query) and applies only what is missing, each
migration in its own transaction. A file written before versioning holds everything of migration 1 (whose
statements are all IF NOT EXISTS) and is brought forward the same way.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from importlib import resources

import duckdb

from warehouse.sql_files import split_statements

VERSION_TABLE = "meta.schema_version"
_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@functools.cache
def migrations() -> tuple[tuple[int, str, str], ...]:
    """(version, name, SQL text) of every migration shipped, in order."""
    folder = resources.files("warehouse").joinpath("sql/migrations")
    found = []
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _, _ in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 001, 002, ... without gaps: {[v for v, _, _ in found]}")
    return tuple(found)


def latest_version() -> int:
    return len(migrations())


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The last migration applied to this file (0 for a new file or one written before versioning)."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' "
                         "AND table_name = 'schema_version'").fetchall()[0][0]
    if not exists:
        return 0
    return con.execute(f"SELECT coalesce(max(version), 0) FROM {VERSION_TABLE}").fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this file lacks; return their versions."""
    version = current_version(con)
    pending = [m for m in migrations() if m[0] > version]
    if not pending:
        return []
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP NOT NULL)")
    for number, name, sql in pending:
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in split_statements(sql):
                con.execute(statement)
            con.execute(f"INSERT INTO {VERSION_TABLE} VALUES (?, ?, ?)", [number, name, datetime.now()])
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    return [number for number, _, _ in pending]
