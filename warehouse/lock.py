"""One writer per warehouse: an OS file lock (`<warehouse>.lock`, via `filelock`) held by whoever writes the file.

The lock is an `flock` on an open file: the OS releases it when the holding process ends, however it ends, so a
killed run never blocks the next one (the lock file itself stays, harmless). Beside it `<warehouse>.lock.holder`
names the holding process (pid, command, since when) for the message a second writer gets.

Holding is reentrant within a process: `leadflow run` takes the lock for the whole command (waiting up to
`--wait`), and the run's warehouse session takes it again without blocking itself.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from warehouse.errors import WarehouseBusy, WarehouseError

_held: dict[str, list] = {}  # lock path -> [FileLock, depth] for the locks this process holds
_guard = threading.Lock()
_DUCKDB_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def lock_path(warehouse: str | Path) -> Path:
    path = Path(warehouse)
    return path.with_name(path.name + ".lock")


def _holder_path(warehouse: str | Path) -> Path:
    path = Path(warehouse)
    return path.with_name(path.name + ".lock.holder")


def holder(warehouse: str | Path) -> str:
    """Who holds the warehouse, as the holder file says: `process 123 (leadflow run, since 2026-11-29 06:00 UTC)`;
    `another process` when the file is missing or unreadable."""
    try:
        info = json.loads(_holder_path(warehouse).read_text(encoding="utf-8"))
        return f"process {int(info['pid'])} ({info['command']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def busy_message(warehouse: str | Path, who: str) -> str:
    return (f"warehouse {warehouse} is in use by {who}: wait for it to finish, or run again with --wait SECONDS "
            f"(analysts: query {Path(warehouse).stem}.analytics.duckdb beside it, never the warehouse)")


def _command() -> str:
    args = [Path(sys.argv[0]).name, *sys.argv[1:2]] if sys.argv and sys.argv[0] else ["python"]
    return " ".join(a for a in args if a)


@contextmanager
def holding(warehouse: str | Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's write lock for the block, waiting up to `wait` seconds for another holder to finish;
    raise WarehouseBusy naming the holder when it does not."""
    path = Path(warehouse)
    key = str(lock_path(path).resolve())
    with _guard:
        entry = _held.get(key)
        if entry is not None:
            entry[1] += 1
    if entry is None:
        lock = FileLock(key, timeout=max(wait, 0.0))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout:
            raise WarehouseBusy(busy_message(path, holder(path))) from None
        except (FileExistsError, NotADirectoryError):
            blocking = next((p for p in [path.parent, *path.parent.parents] if p.exists() and not p.is_dir()), None)
            raise WarehouseError(f"cannot create warehouse file {path}: {blocking or path.parent} is a file, "
                                 "not a folder") from None
        except OSError as exc:
            raise WarehouseError(f"cannot write beside warehouse file {path}: {exc.strerror or exc}") from None
        try:
            _holder_path(path).write_text(json.dumps({
                "pid": os.getpid(), "command": _command(),
                "since": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")}), encoding="utf-8")
        except OSError:  # only the busy message reads it; a full disk shows up at the first write that matters
            pass
        with _guard:
            _held[key] = entry = [lock, 1]
    try:
        yield
    finally:
        with _guard:
            entry[1] -= 1
            release = entry[1] == 0
            if release:
                del _held[key]
        if release:
            entry[0].release()


def foreign_holder(error: Exception) -> str | None:
    """The program and pid DuckDB names when another process has the file open (`Could not set lock on file`),
    as `process 123 (/usr/bin/python3)`; None for any other error."""
    found = _DUCKDB_HOLDER.search(str(error))
    return f"process {found['pid']} ({found['program']})" if found else None


def wait_for_warehouse(warehouse: str | Path, wait: float, probe) -> Iterator[None]:
    """Hold the lock and check with `probe()` that no other program has the file open (DuckDB's own lock), retrying
    both until `wait` seconds have passed; a context manager like `holding`."""
    return _waiting(Path(warehouse), wait, probe)


@contextmanager
def _waiting(warehouse: Path, wait: float, probe) -> Iterator[None]:
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        left = max(deadline - time.monotonic(), 0.0)
        with holding(warehouse, wait=left):
            who = probe()
            if who is None:
                yield
                return
        if time.monotonic() >= deadline:
            raise WarehouseBusy(busy_message(warehouse, who))
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0.0)))
