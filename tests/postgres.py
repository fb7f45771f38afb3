"""A real PostgreSQL server for the tests: a throwaway cluster on a loopback port.

PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to the
``postgres`` system user that Debian's package creates, and its programs run as that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.ports import free_port


def find_binaries() -> Path | None:
    """The directory holding PostgreSQL's server programs, or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


class PostgresServer:
    """One PostgreSQL cluster; ``database()`` makes a fresh database in it for one test."""

    def __init__(self, binaries: Path, *, fsync: bool = False) -> None:
        """``fsync``: make commits durable, as a production server does (the benchmarks); the
        tests leave it off, which only matters if the machine itself goes down."""
        self._binaries = binaries
        self._fsync = fsync
        self._as_user: list[str] = []
        self.directory = Path(tempfile.mkdtemp(prefix="track17-pg-"))
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.directory, "postgres")
        self.data = self.directory / "data"
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self._as_user, str(self._binaries / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def start(self) -> None:
        """Start (or start again) the server on its port, and wait until it takes connections."""
        self.process = subprocess.Popen(
            [
                *self._as_user,
                str(self._binaries / "postgres"),
                "-D",
                str(self.data),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-k",
                str(self.directory),
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.admin_url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("PostgreSQL did not start") from None
                time.sleep(0.05)  # polling for readiness, not synchronising the tests

    def stop(self) -> None:
        """Stop the server at once (fast shutdown); ``start`` brings it back with its data."""
        if self.process is not None and self.process.poll() is None:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
            self.process.wait(timeout=30)

    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.admin_url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
