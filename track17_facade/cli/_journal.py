"""The job journal: each number's state in a SQLite file, so that a killed job resumes.

SQLite (standard library) in WAL mode: a write is one short transaction, readers never block the
writer, and a committed transaction survives the process being killed (``synchronous=NORMAL``
keeps it on a power cut too, except the last few transactions, which then count as never sent).

States: ``queued`` (read in some run, not yet sent), ``sent`` (its request was about to go out:
no final outcome, the request may or may not have taken effect), and the final outcomes
``accepted``, ``rejected`` and ``failed`` (failed, and rejected for want of quota, are tried again
on the next run).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Final

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS job (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS numbers (
    number TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    run INTEGER NOT NULL,
    row TEXT,
    updated REAL NOT NULL
) WITHOUT ROWID;
"""
FINAL: Final = ("accepted", "rejected")
RETRIED_CODE: Final = "QUOTA_EXHAUSTED"
"""A rejection sent again by the next run: refused (or left unsent) for want of quota, which
charges nothing and may have been topped up since."""


class JournalError(Exception):
    """The journal cannot be used for this job: another command's journal, not a journal, a damaged
    one, or a place it cannot be created; the message says which."""


class Admission(Enum):
    """What a run does with a number it reads, by the journal."""

    SEND = "send"
    """Never sent: send it."""
    IN_DOUBT = "in doubt"
    """Its request was in flight when an earlier run died, or failed: send it, and count
    "already done" answers as accepted (recovered)."""
    DONE = "done"
    """A final outcome from an earlier run: report it, send nothing."""
    DUPLICATE = "duplicate"
    """Already read in this run."""


COMMANDS: Final = {
    "register": "register",
    "get_track_info": "status",
    "stop_track": "stop",
    "retrack": "retrack",
    "delete_track": "delete",
    "push": "push",
}
"""The command line's command for each bulk method a journal records."""
_TABLES: Final = {"job", "numbers"}
_SQLITE_HEADER: Final = b"SQLite format 3\x00"


def _command(method: str | None) -> str:
    return COMMANDS.get(method or "", method or "?")


class Journal:
    """One job's journal file. Safe to call from several threads (one connection, one lock).

    A file is never changed before it is known to be a journal of this command (or a new, empty
    file): an application's own SQLite database given by mistake is refused untouched.
    """

    def __init__(self, path: str | Path, command: str | None) -> None:
        """Open (or create) the journal of a job running the bulk method ``command`` and start a
        new run of it; with ``command`` None, open an existing journal read-only to read it."""
        self.path = Path(path)
        self._lock = threading.Lock()
        if command is None:
            self._db = self._connect(read_only=True)
            try:
                self._check_tables(required=True)
                self.run = int(self._meta().get("runs", "0"))
            except BaseException:
                self._db.close()
                raise
            return
        existed = self.path.exists() and self.path.stat().st_size > 0
        if existed:  # look before writing anything: it must be a journal, of this command
            probe = self._connect(read_only=True)
            self._db = probe
            try:
                found = self._check_tables(required=False) and self._meta().get("command")
            finally:
                probe.close()
            if found and found != command:
                raise JournalError(
                    f"{self.path} is the journal of a '{_command(found)}' job, not '{_command(command)}': "
                    "use another journal file for this job"
                )
        self._db = self._connect(read_only=False)
        try:
            self._open(command)
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def open_to_read(cls, path: str | Path) -> Journal:
        """An existing journal, opened read-only (``journal show``: the file is never changed)."""
        return cls(path, command=None)

    @property
    def method(self) -> str | None:
        """The bulk method of the job this journal records."""
        return self._meta().get("command")

    def _connect(self, read_only: bool) -> sqlite3.Connection:
        if read_only:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            try:
                return sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            except sqlite3.Error as exc:
                raise self._cannot(exc) from None
        directory = self.path.resolve().parent
        if not self.path.exists() and not directory.is_dir():
            raise JournalError(f"cannot create the journal in {directory}: no such directory")
        if not self.path.exists() and not os.access(directory, os.W_OK | os.X_OK):
            raise JournalError(f"cannot create the journal in {directory}: permission denied")
        try:
            return sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._cannot(exc) from None

    def _cannot(self, exc: sqlite3.Error) -> JournalError:
        """What went wrong opening the file, said plainly."""
        if not self.path.exists():
            return JournalError(f"{self.path} does not exist")
        if not os.access(self.path, os.R_OK):
            return JournalError(f"cannot read the journal {self.path}: permission denied")
        try:
            with self.path.open("rb") as handle:
                header = handle.read(len(_SQLITE_HEADER))
        except OSError as error:
            return JournalError(f"cannot read the journal {self.path}: {error.strerror or error}")
        if header != _SQLITE_HEADER:
            return JournalError(f"{self.path} is not a track17 journal (not an SQLite file)")
        return JournalError(
            f"the journal {self.path} is damaged ({exc}); move it away to start the job afresh"
        )

    def _check_tables(self, required: bool) -> bool:
        """Whether the file holds the journal's tables; JournalError when it holds anything else
        (or, ``required``, when it holds nothing)."""
        try:
            tables = {
                name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        except sqlite3.DatabaseError as exc:
            raise self._cannot(exc) from None
        if not tables and not required:
            return False
        if tables != _TABLES:
            other = ", ".join(sorted(tables - _TABLES)) or "no journal tables"
            raise JournalError(
                f"{self.path} is not a track17 journal (it holds: {other}); nothing was changed"
            )
        if required and self._meta().get("command") is None:
            raise JournalError(f"{self.path} is not a track17 journal (it records no job)")
        return True

    def _open(self, command: str) -> None:
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise self._cannot(exc) from None
        found = self._meta().get("command")
        self.run = int(self._meta().get("runs", "0")) + 1
        with self._transaction():
            now = str(time.time())
            self._set("command", command)
            self._set("runs", str(self.run))
            if found is None:
                self._set("created", now)
            self._set("last_run", now)

    # -- writing ---------------------------------------------------------------------------

    def admit(self, number: str) -> tuple[Admission, Mapping[str, Any] | None]:
        """Decide what this run does with ``number``, and note that this run has read it."""
        with self._lock:
            found = self._db.execute(
                "SELECT state, run, row FROM numbers WHERE number = ?", (number,)
            ).fetchone()
            if found is not None and found[1] == self.run:
                return Admission.DUPLICATE, None
            if not self._db.in_transaction:  # committed with the next request's record
                self._db.execute("BEGIN")
            if found is None:
                self._db.execute(
                    "INSERT INTO numbers (number, state, run, updated) VALUES (?, 'queued', ?, ?)",
                    (number, self.run, time.time()),
                )
                return Admission.SEND, None
            state, _, row = found
            self._db.execute("UPDATE numbers SET run = ? WHERE number = ?", (self.run, number))
        if state in FINAL:
            done = json.loads(row)
            if done.get("code") != RETRIED_CODE:
                return Admission.DONE, done
        # A failed request may have taken effect before failing, like one in flight at a crash.
        return (Admission.IN_DOUBT if state in ("sent", "failed") else Admission.SEND), None

    def sending(self, numbers: Sequence[str]) -> None:
        """Record, durably, that a request with these numbers is about to be sent."""
        now = time.time()
        with self._lock, self._transaction():
            self._db.executemany(
                "INSERT INTO numbers (number, state, run, updated) VALUES (?, 'sent', ?, ?) "
                "ON CONFLICT (number) DO UPDATE SET state = 'sent', updated = excluded.updated",
                [(number, self.run, now) for number in numbers],
            )

    def record(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Record one request's outcomes (rows with ``number`` and ``outcome``) in one transaction."""
        now = time.time()
        with self._lock, self._transaction():
            self._db.executemany(
                "INSERT INTO numbers (number, state, run, row, updated) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (number) DO UPDATE SET state = excluded.state, row = excluded.row, "
                "updated = excluded.updated",
                [(row["number"], row["outcome"], self.run, json.dumps(row), now) for row in rows],
            )

    def close(self) -> None:
        """Commit what is pending and close the file."""
        with self._lock:
            if self._db.in_transaction:
                self._db.execute("COMMIT")
            self._db.close()

    # -- reading ---------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """The job's command, runs and times, and its numbers counted by state (and rejections
        by code)."""
        with self._lock:
            states = dict(self._db.execute("SELECT state, COUNT(*) FROM numbers GROUP BY state").fetchall())
            codes = self._db.execute(
                "SELECT json_extract(row, '$.code'), COUNT(*) FROM numbers WHERE state = 'rejected' "
                "GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
        meta = self._meta()
        return {
            "journal": str(self.path),
            "command": _command(meta.get("command")),
            "runs": int(meta.get("runs", "0")),
            "created": _iso(meta.get("created")),
            "last_run": _iso(meta.get("last_run")),
            "numbers": sum(states.values()),
            **{state: states.get(state, 0) for state in ("accepted", "rejected", "failed", "sent", "queued")},
            "rejected_by_code": dict(codes),
        }

    def rows(self, state: str | None = None) -> Iterator[dict[str, Any]]:
        """The recorded output rows (final outcomes), optionally of one state, by number."""
        query = "SELECT number, state, row FROM numbers"
        args: tuple[str, ...] = ()
        if state is not None:
            query, args = query + " WHERE state = ?", (state,)
        with self._lock:  # read row by row: a journal may hold millions
            for number, current, row in self._db.execute(query + " ORDER BY number", args):
                yield json.loads(row) if row else {"number": number, "outcome": current}

    # -- helpers ---------------------------------------------------------------------------

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM job").fetchall())

    def _set(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO job (key, value) VALUES (?, ?)", (key, value))


class _Transaction:
    """BEGIN ... COMMIT (ROLLBACK on error) on a connection in autocommit mode; reads made
    outside (``admit``) join the next transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        if not self._db.in_transaction:
            self._db.execute("BEGIN")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _iso(stamp: str | None) -> str | None:
    if stamp is None:
        return None
    return datetime.fromtimestamp(float(stamp), UTC).isoformat(timespec="seconds")
