"""Backups of the warehouse file, and restores from them (`leadflow backup`, `leadflow restore`).

A backup is a plain DuckDB file `<out>/<warehouse stem>-<UTC timestamp>.duckdb` (`-2`, `-3` ... when one second
holds more than one). It is taken while no run writes: it holds the warehouse's write lock (`warehouse.lock`, which
every run holds for its whole length) and opens the file for writing, which DuckDB grants to one process at a time
(so any other program with the file open counts too); either held elsewhere is `WarehouseBusy`, nothing copied.
Committed rows may still be only in the write-ahead log (`<warehouse>.wal`), which a copy of the file alone loses;
the backup checkpoints first, then DuckDB copies the database into a new file (`COPY FROM DATABASE`): schemas,
tables with their keys, CHECK constraints and defaults, views, sequences with their current values, every row
read back through DuckDB's checksums, so a damaged block fails the backup instead of being carried into every
generation. The copy is written under a hidden name, compared with the warehouse (tables, views, rows per table)
and only then given its backup name, so a killed backup never leaves a half file under a backup's name (the next
backup removes such leftovers). The newest `keep` generations of this warehouse stay; other files in the folder
are never touched.

A restore checks that the file is a leadflow warehouse this code can run (`meta.schema_version`, not newer than
the migrations shipped), copies it beside the warehouse under a hidden name and renames it over the warehouse in
one step, so the warehouse is always either the old or the restored file. The replaced warehouse is kept as
`<warehouse>.before-restore-<UTC timestamp>.duckdb` (with its `.wal`, if one was left), and the analysts' copy is
rebuilt from the restored warehouse.

Files are opened here with DuckDB's ATTACH on an in-memory connection rather than `Warehouse.connect`: a backup
copies the file as it is and must not migrate it, and fixed aliases (`source`, `copy_target` ...) keep file names
out of SQL text.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb

from warehouse.analytics import analytics_path, publish_analytics_copy
from warehouse.connection import WarehouseSession, default_memory_limit
from warehouse.errors import WarehouseBusy, WarehouseError
from warehouse.lock import foreign_holder, holder, holding
from warehouse.migrations import current_version, latest_version

_STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(WarehouseError):
    """A backup or restore cannot be made; the message is one line naming the file and the reason."""


@dataclass(frozen=True)
class Generation:
    """One backup of a warehouse: its file, the UTC second it was taken and its order within that second."""
    path: Path
    taken_at: datetime
    sequence: int


@dataclass
class BackupResult:
    path: Path
    size_bytes: int
    schema_version: int
    table_rows: dict[str, int]
    generations: int                                      # backups of this warehouse in the folder now
    removed: list[Path] = field(default_factory=list)    # generations past `keep`, oldest first
    discarded: list[Path] = field(default_factory=list)  # half-written files a killed backup left


@dataclass
class RestoreResult:
    warehouse: Path
    backup: Path
    schema_version: int
    table_rows: dict[str, int]
    kept_as: Path | None           # the replaced warehouse (None when there was none)
    replaced_unreadable: bool      # the replaced file could not be opened as a DuckDB file (kept as it was)
    analytics_copy: Path
    analytics_refreshed: bool
    analytics_note: str = ""       # why the analysts' copy was not rebuilt


# --- names ------------------------------------------------------------------------------------------------------
def _stamp(now: datetime) -> str:
    return now.astimezone(timezone.utc).strftime(_STAMP)


def generation_name(stem: str, now: datetime, sequence: int = 1) -> str:
    """`leadflow`, 2026-11-28 22:15:01 UTC -> `leadflow-20261128T221501Z.duckdb` (`...Z-2.duckdb` for the second
    backup taken in the same second)."""
    return f"{stem}-{_stamp(now)}{'' if sequence == 1 else f'-{sequence}'}.duckdb"


def list_generations(out_dir: Path, stem: str) -> list[Generation]:
    """The backups of the warehouse named `stem` in `out_dir`, oldest first; any other file is not one."""
    pattern = re.compile(rf"^{re.escape(stem)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?\.duckdb$")
    found = []
    for entry in out_dir.iterdir() if out_dir.is_dir() else ():
        match = pattern.match(entry.name)
        if match and entry.is_file():
            taken_at = datetime.strptime(match[1], _STAMP).replace(tzinfo=timezone.utc)
            found.append(Generation(entry, taken_at, int(match[2] or 1)))
    return sorted(found, key=lambda g: (g.taken_at, g.sequence))


def _check_keep(keep: int) -> None:
    if keep < 1:
        raise BackupError(f"keep must be at least 1 (got {keep}): the newest backup is never removed")


def prune_generations(out_dir: Path, stem: str, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups of `stem` in `out_dir`; return the removed files, oldest first."""
    _check_keep(keep)
    generations = list_generations(out_dir, stem)
    removed = [g.path for g in generations[:max(len(generations) - keep, 0)]]
    for path in removed:
        path.unlink()
    return removed


def _partial_prefix(target_name: str, purpose: str) -> str:
    return f".{target_name}.{purpose}-"


def _discard_partials(folder: Path, prefix: str) -> list[Path]:
    """Remove files a killed backup or restore left half-written in `folder` (and their WAL files)."""
    removed = []
    for leftover in sorted(folder.glob(_glob_literal(prefix) + "*")) if folder.is_dir() else ():
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def _glob_literal(text: str) -> str:
    """`text` matched literally in a glob pattern (a warehouse may be called `leads[eu]`)."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _claim_name(partial: Path, candidates: Iterator[Path]) -> Path:
    """Give the finished `partial` the first name of `candidates` that no file has, never replacing a file."""
    for name in candidates:
        try:
            os.link(partial, name)  # fails if the name is taken: two backups in one second both survive
        except FileExistsError:
            continue
        except OSError:  # no hard links here (exFAT, some network shares): backups of one warehouse are
            if name.exists():  # serialised by its write lock, so checking before the rename is enough
                continue
            os.replace(partial, name)
            return name
        partial.unlink()
        return name
    raise AssertionError("unreachable: candidates never end")


def _keep_aside(warehouse: Path, now: datetime) -> Path:
    """Keep the warehouse's current file under `<warehouse>.before-restore-<UTC timestamp>.duckdb` while its own
    name stays in place until the restored file replaces it (a hard link, or a copy where links are refused)."""
    for sequence in itertools.count(1):
        kept = warehouse.with_name(f"{warehouse.name}.before-restore-{_stamp(now)}"
                                   f"{'' if sequence == 1 else f'-{sequence}'}.duckdb")
        try:
            os.link(warehouse, kept)
        except FileExistsError:
            continue
        except OSError:
            if kept.exists():
                continue
            shutil.copyfile(warehouse, kept)
        return kept
    raise AssertionError("unreachable")


# --- DuckDB -----------------------------------------------------------------------------------------------------
def _first_line(exc: BaseException) -> str:
    """The cause in one line: DuckDB's first line, or what it calls the original error when it wraps one."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line.rsplit("Original error: ", 1)[-1]


def _in_use(path: Path, who: str) -> WarehouseBusy:
    return WarehouseBusy(f"warehouse {path} is in use by {who}: try again when it has finished (a run holds "
                         "the warehouse for its whole length)")


@contextmanager
def _writer_lock(warehouse: Path) -> Iterator[None]:
    """Hold the warehouse's write lock (warehouse.lock, taken by every run) for the block, without waiting."""
    lock = ExitStack()
    try:
        lock.enter_context(holding(warehouse))
    except WarehouseBusy:  # its message offers `--wait`, which backup and restore do not have
        raise _in_use(warehouse, holder(warehouse)) from None
    with lock:
        yield


def _open_error(path: Path, exc: duckdb.Error) -> BackupError | WarehouseBusy:
    who = foreign_holder(exc)  # another program has the file open (DuckDB's own lock)
    if who:
        return _in_use(path, who)
    if "not a valid DuckDB database file" in str(exc):
        return BackupError(f"{path} is not a DuckDB database file")
    return BackupError(f"cannot open {path}: {_first_line(exc)}")


@contextmanager
def _attached(path: Path, alias: str, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection with the file `path` attached as `alias` (a constant of this module).
    Writing takes the file's exclusive lock, reading a shared one: either way no run can write it meanwhile."""
    con = duckdb.connect(":memory:", config={"memory_limit": default_memory_limit(),
                                             "temp_directory": f"{path}.tmp"})
    try:
        try:
            con.execute(f"ATTACH ? AS {alias}{' (READ_ONLY)' if read_only else ''}", [str(path)])
        except duckdb.Error as exc:
            raise _open_error(path, exc) from exc
        yield con
    finally:
        con.close()


def _schema_version(con: duckdb.DuckDBPyConnection, alias: str, path: Path) -> int:
    """The leadflow schema version of the database attached as `alias` (the only file attached so far)."""
    try:
        con.execute(f"USE {alias}")
        version = current_version(con)
        con.execute("USE memory")
    except duckdb.Error as exc:  # a meta.schema_version that is not leadflow's
        raise BackupError(f"{path} is not a leadflow warehouse ({_first_line(exc)})") from exc
    if version == 0:
        raise BackupError(f"{path} is not a leadflow warehouse (it has no meta.schema_version)")
    return version


def _catalog(con: duckdb.DuckDBPyConnection, alias: str) -> tuple[dict[str, int], list[str]]:
    """Rows per table and the views of one attached database (names from its catalog, never from data)."""
    tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
                         "ORDER BY ALL", [alias]).fetchall()
    rows = {f"{schema}.{table}": con.execute(f'SELECT count(*) FROM {alias}."{schema}"."{table}"').fetchall()[0][0]
            for schema, table in tables}
    views = [f"{s}.{v}" for s, v in con.execute(
        "SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = ? AND NOT internal ORDER BY ALL",
        [alias]).fetchall()]
    return rows, views


def _copy_database(con: duckdb.DuckDBPyConnection, source: str, target_path: Path, what: str) -> dict[str, int]:
    """Copy the database attached as `source` into the new file `target_path`, checkpointed (no WAL), and check
    that the copy holds the same tables, views and rows; return rows per table."""
    try:
        con.execute("ATTACH ? AS copy_target", [str(target_path)])
        try:
            con.execute(f"COPY FROM DATABASE {source} TO copy_target")
            con.execute("CHECKPOINT copy_target")
            expected, copied = _catalog(con, source), _catalog(con, "copy_target")
        finally:
            con.execute("DETACH copy_target")
    except duckdb.Error as exc:  # disk full, folder not writable ...
        raise BackupError(f"cannot write the {what} into {target_path.parent}: {_first_line(exc)}") from exc
    if copied != expected:
        differing = sorted(set(expected[0].items()) ^ set(copied[0].items())) or sorted(
            set(expected[1]) ^ set(copied[1]))
        raise BackupError(f"the {what} written into {target_path.parent} differs from its source "
                          f"({differing[:3]}); it was discarded")
    return expected[0]


@contextmanager
def _os_errors(action: str) -> Iterator[None]:
    """An OSError (disk full, permission denied, a file where a folder should be) as one line naming the path."""
    try:
        yield
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise BackupError(f"{action} failed at{where}: {exc.strerror or exc}") from exc


# --- backup -----------------------------------------------------------------------------------------------------
def back_up(warehouse: str | Path, out_dir: str | Path, keep: int, now: datetime | None = None) -> BackupResult:
    """Write a consistent copy of the warehouse into `out_dir` as its next generation and keep the newest `keep`.
    Raises WarehouseBusy while a run (or another program) holds the warehouse, BackupError for anything else."""
    warehouse, out_dir = Path(warehouse), Path(out_dir)
    now = now or datetime.now(timezone.utc)
    _check_keep(keep)
    if not warehouse.is_file():
        raise BackupError(f"warehouse {warehouse} does not exist" if not warehouse.exists()
                          else f"warehouse {warehouse} is not a file")
    if out_dir.exists() and not out_dir.is_dir():
        raise BackupError(f"backup folder {out_dir} is a file; give a folder for the backups")
    stem = warehouse.stem
    prefix = _partial_prefix(stem, "backup")
    with _os_errors("backup"):
        out_dir.mkdir(parents=True, exist_ok=True)
        # no run writes while both locks are held: leadflow's (every run takes it) and DuckDB's own (any program)
        with _writer_lock(warehouse), _attached(warehouse, "source", read_only=False) as con:
            version = _schema_version(con, "source", warehouse)
            con.execute("CHECKPOINT source")  # committed rows still only in the WAL go into the file first
            discarded = _discard_partials(out_dir, prefix)
            partial = out_dir / f"{prefix}{os.getpid()}"
            try:
                table_rows = _copy_database(con, "source", partial, "backup")
                path = _claim_name(partial, (out_dir / generation_name(stem, now, n) for n in itertools.count(1)))
            except BaseException:
                _discard_partials(out_dir, partial.name)
                raise
            removed = prune_generations(out_dir, stem, keep)
    return BackupResult(path, path.stat().st_size, version, table_rows, len(list_generations(out_dir, stem)),
                        removed, discarded)


# --- restore ----------------------------------------------------------------------------------------------------
@contextmanager
def _held_for_replacement(warehouse: Path) -> Iterator[bool]:
    """Hold the current file so no other program writes it while it is replaced: checkpoint it (its WAL goes into
    the file that is kept), then keep DuckDB's shared (read-only) lock until the block ends. A read-only
    connection never touches `<warehouse>.wal`, which after the rename belongs to the restored file. Yields False
    when there is no file or it is not a readable DuckDB file (then it is kept as it is, its WAL beside it)."""
    readable = warehouse.exists()
    if readable:
        try:
            with _attached(warehouse, "current", read_only=False) as con:
                con.execute("CHECKPOINT current")
        except BackupError:  # damaged or not DuckDB: the very case a restore is for (WarehouseBusy goes up)
            readable = False
    if not readable:
        yield False
        return
    with _attached(warehouse, "current", read_only=True):
        yield True


def restore(warehouse: str | Path, backup: str | Path, now: datetime | None = None) -> RestoreResult:
    """Replace the warehouse with the backup in one rename, keeping the replaced file aside; then rebuild the
    analysts' copy. Raises WarehouseBusy while a run (or another program) holds the warehouse, BackupError when the
    backup is missing, not a DuckDB file, not a leadflow warehouse or from a newer schema than this code knows."""
    warehouse, backup = Path(warehouse), Path(backup)
    now = now or datetime.now(timezone.utc)
    if not backup.is_file():
        raise BackupError(f"backup {backup} does not exist" if not backup.exists()
                          else f"backup {backup} is not a file")
    existed = warehouse.exists()
    if existed and not warehouse.is_file():
        raise BackupError(f"warehouse {warehouse} is not a file")
    if existed and warehouse.resolve() == backup.resolve():
        raise BackupError(f"{backup} is the warehouse itself; give a backup file")
    prefix = _partial_prefix(warehouse.name, "restoring")
    restoring = warehouse.with_name(f"{prefix}{os.getpid()}")
    with _os_errors("restore"), _attached(backup, "backup_file", read_only=True) as con:
        version = _schema_version(con, "backup_file", backup)
        if version > latest_version():
            raise BackupError(f"{backup} has schema version {version}, newer than this leadflow knows "
                              f"({latest_version()}): restore it with the leadflow that wrote it")
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        # WarehouseBusy here, before anything is written; the locks stay held until the analysts' copy is rebuilt
        with _writer_lock(warehouse), _held_for_replacement(warehouse) as held:
            _discard_partials(warehouse.parent, prefix)
            try:
                table_rows = _copy_database(con, "backup_file", restoring, "restored warehouse")
                kept = _keep_aside(warehouse, now) if existed else None
                wal = warehouse.with_name(warehouse.name + ".wal")
                if wal.exists():  # a stale log must never be replayed onto the restored file
                    if kept is not None:
                        os.replace(wal, kept.with_name(kept.name + ".wal"))
                    else:
                        wal.unlink()
                os.replace(restoring, warehouse)  # the one step: old file or restored file, never half of one
            except BaseException:
                _discard_partials(warehouse.parent, restoring.name)
                raise
            refreshed, note = _refresh_analytics_copy(warehouse, backup)
    return RestoreResult(warehouse, backup, version, table_rows, kept, existed and not held,
                         analytics_path(warehouse), refreshed, note)


def _refresh_analytics_copy(warehouse: Path, backup: Path) -> tuple[bool, str]:
    """Rebuild the analysts' copy from the restored warehouse (read-only: the warehouse stays as restored), so
    analysts do not query rows the warehouse no longer has; when that fails, the next run rebuilds it."""
    try:
        with _attached(warehouse, "restored", read_only=True) as con:
            con.execute("USE restored")
            publish_analytics_copy(WarehouseSession(con), warehouse, f"restore of {backup.name}", datetime.now())
    except (WarehouseError, duckdb.Error, OSError) as exc:
        return False, f"{_first_line(exc)}; the next run rebuilds it"
    return True, ""
