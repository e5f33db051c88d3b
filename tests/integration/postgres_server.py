"""A throwaway PostgreSQL server for the production-instance tests: a new cluster in a temp folder, on a free local
port with its socket in the same folder, stopped and deleted when the block ends.

The server comes from the machine (Debian's `postgresql` package; `.ci/ensure-postgres` installs it). PostgreSQL
refuses to run as root, so under root it runs as the `postgres` user (or `nobody` where there is none).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

STARTUP_SECONDS = 30


def postgres_bin_dir() -> Path | None:
    """The folder holding initdb and postgres: on PATH, else the newest /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("postgres"):
        return Path(os.path.realpath(on_path)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parts[-3])])
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str

    def connect(self, database: str = "postgres"):
        """A psycopg2 connection in autocommit mode (close it, or use it in `contextlib.closing`)."""
        connection = psycopg2.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                                      dbname=database, connect_timeout=5)
        connection.autocommit = True
        return connection

    def create_database(self, name: str) -> str:
        connection = self.connect()
        try:
            connection.cursor().execute(f'CREATE DATABASE "{name}"')  # a constant identifier from the test
        finally:
            connection.close()
        return name

    def dagster_environment(self, database: str) -> dict[str, str]:
        """The DAGSTER_PG_* variables pipelines/dagster.postgres.yaml reads, for `database` on this server."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port), "DAGSTER_PG_USERNAME": self.user,
                "DAGSTER_PG_PASSWORD": self.password, "DAGSTER_PG_DB": database}


def _unprivileged_user() -> str | None:
    """Who runs the server: None (this process's user) unless that is root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    pytest.fail("running as root and there is neither a `postgres` nor a `nobody` user to run PostgreSQL as")


def _as_user(user: str | None) -> dict:
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": [],
            "env": {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": entry.pw_dir, "LC_ALL": "C.UTF-8"}}


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGINT)  # "fast" shutdown: disconnect clients, write a checkpoint, exit
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()  # its backends notice the postmaster is gone and exit
        server.wait()


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A new PostgreSQL cluster on 127.0.0.1 and a free port; a superuser `leadflow` with a random password (TCP
    connections must give it, as in production)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL's initdb is neither on PATH nor under /usr/lib/postgresql/*/bin: run "
                    ".ci/ensure-postgres (it installs Debian's postgresql package)")
    user = _unprivileged_user()
    root = Path(tempfile.mkdtemp(prefix="leadflow-pg-"))  # not under pytest's tmp: that is private to root
    password = secrets.token_urlsafe(16)
    (root / "password").write_text(password)
    if user is not None:
        os.chown(root, pwd.getpwnam(user).pw_uid, -1)
        os.chown(root / "password", pwd.getpwnam(user).pw_uid, -1)
    data, log = root / "data", root / "server.log"
    server = None
    try:
        created = subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "leadflow", "--pwfile", str(root / "password"),
             "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions"],
            capture_output=True, text=True, cwd=root, **_as_user(user))
        if created.returncode != 0:
            pytest.fail(f"initdb failed:\n{created.stdout}{created.stderr}")
        server, port = _start(bin_dir, data, root, log, user)
        yield PostgresServer("127.0.0.1", port, "leadflow", password)
    finally:
        if server is not None:
            _stop(server)
        shutil.rmtree(root, ignore_errors=True)


def _start(bin_dir: Path, data: Path, root: Path, log: Path, user: str | None) -> tuple[subprocess.Popen, int]:
    """The server process, accepting connections, and its port."""
    password = (root / "password").read_text()
    for _ in range(3):  # another process may take the free port between the probe and the server's bind
        port = free_port()
        with open(log, "ab") as output:
            server = subprocess.Popen(
                [str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(root),
                 "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off"],
                stdout=output, stderr=subprocess.STDOUT, cwd=root, **_as_user(user))
        probe = PostgresServer("127.0.0.1", port, "leadflow", password)
        deadline = time.monotonic() + STARTUP_SECONDS
        while server.poll() is None and time.monotonic() < deadline:
            try:
                probe.connect().close()
                return server, port
            except psycopg2.OperationalError:
                time.sleep(0.1)
        _stop(server)
    pytest.fail(f"PostgreSQL did not start:\n{log.read_text(errors='replace')[-3000:]}")
