"""The database under a store: engines for SQLite and PostgreSQL, transactions that say when the
database is unavailable, the schema's upgrade, and the two statements that differ by dialect."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from track17_facade._secrets import redacting_logger
from track17_facade._text import shorten
from track17_facade.errors import InvalidInputError, StoreSchemaError, StoreSetupError, StoreUnavailableError
from track17_facade.shipments._schema import SCHEMA_HEAD, VERSION_TABLE

__all__ = ["Database"]

logger = redacting_logger("track17")

T = TypeVar("T")

SUPPORTED = ("sqlite", "postgresql")
BUSY_TIMEOUT = 30.0
"""Seconds a writer waits for another to finish before the store reports itself unavailable."""
_RETRIES = 3
"""Attempts of a transaction that PostgreSQL aborted as a deadlock or serialisation failure."""
_RETRYABLE = frozenset({"40001", "40P01"})
_CHANGES_LOCK = 0x17_7_C4A9
"""PostgreSQL advisory lock taken before a status change is numbered (see ``lock_changes``)."""
_UPGRADE_LOCK = 0x17_7_5C4E
_READING = "track17_reading"


class Database:
    """An engine, and transactions on it that turn the database's failures into store errors."""

    def __init__(self, url: str | sa.URL | Engine, *, read_only: bool = False) -> None:
        self.read_only = read_only
        self.engine = url if isinstance(url, Engine) else _engine(url, read_only)
        self.dialect = self.engine.dialect.name
        if self.dialect not in SUPPORTED:
            raise InvalidInputError(
                f"a shipment store runs on SQLite or PostgreSQL, not {self.dialect!r}: "
                "use sqlite:///path.db or postgresql+psycopg://user@host/db"
            )
        # An in-memory SQLite database lives in one connection, which threads take in turn.
        self.in_memory = self.dialect == "sqlite" and _in_memory(self.engine.url)
        self._turns: AbstractContextManager[Any] = threading.RLock() if self.in_memory else nullcontext()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction (SQLite: a write transaction from its start).

        Raises:
            StoreUnavailableError: the database cannot be reached, or stayed locked by another
                writer past ``BUSY_TIMEOUT``. The transaction was rolled back.
        """
        try:
            with self._turns, self.engine.begin() as connection:
                yield connection
        except sa.exc.DBAPIError as exc:
            if isinstance(exc, sa.exc.IntegrityError | sa.exc.ProgrammingError | sa.exc.DataError):
                raise
            raise store_error(exc) from exc

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only transaction (SQLite: one that does not take the write lock).

        Raises:
            StoreUnavailableError: the database cannot be reached.
        """
        try:
            with (
                self._turns,
                self.engine.connect() as connection,
                connection.execution_options(**{_READING: True}).begin(),
            ):
                yield connection
        except sa.exc.DBAPIError as exc:
            raise store_error(exc) from exc

    def write(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` in one write transaction, run again (up to three times in all)
        when PostgreSQL aborts it as a deadlock or a serialisation failure.

        Raises:
            StoreUnavailableError: as ``transaction``.
        """
        for attempt in range(1, _RETRIES + 1):
            try:
                with self.transaction() as connection:
                    return work(connection)
            except StoreUnavailableError as exc:
                code = getattr(getattr(exc.__cause__, "orig", None), "sqlstate", None)
                if attempt == _RETRIES or code not in _RETRYABLE:
                    raise
        raise AssertionError("unreachable")

    def insert_ignoring(self, table: sa.Table, *key: str) -> Any:
        """``INSERT ... ON CONFLICT (key) DO NOTHING``, in this database's dialect: a row whose
        ``key`` is there already is skipped; any other conflict is an error."""
        insert = postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)
        return insert.on_conflict_do_nothing(index_elements=list(key))

    def lock_changes(self, connection: Connection) -> None:
        """Number status changes in commit order.

        A reader of ``changes(after=id)`` must never see id 7 before id 6 is committed, or it saves
        7 as its cursor and misses 6 for good. SQLite runs one writer at a time, so ids commit in
        order. On PostgreSQL, a transaction takes this lock (held until it ends) before it takes
        an id, so no later id can commit first.
        """
        if self.dialect == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_CHANGES_LOCK)))

    def check_readable(self) -> None:
        """For a store opened read-only: the database holds a store at ``SCHEMA_HEAD``.

        Raises:
            StoreSetupError: no store there (no track17 tables).
            StoreSchemaError: a store of an older or newer schema (reading does not upgrade).
        """
        with self.reading() as connection:
            current = schema_version(connection)
        if current is None:
            raise StoreSetupError(
                "the database holds no shipment store (no track17 tables): check the URL; "
                "'track17 shipments serve' or 'sync' creates one"
            )
        if current != SCHEMA_HEAD:
            raise StoreSchemaError(
                f"the store's schema is at version {current}, not {SCHEMA_HEAD}: open it once for "
                "writing with this release (ShipmentStore(url), 'track17 shipments sync') to upgrade it"
            )

    def upgrade(self, *, allowed: bool) -> None:
        """Bring the schema to ``SCHEMA_HEAD`` (creating it in an empty database).

        Raises:
            StoreSchemaError: the schema is newer than this release knows, or older and
                ``allowed`` is False.
        """
        with self.transaction() as connection:
            if self.dialect == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_UPGRADE_LOCK)))
            current = schema_version(connection)
            if current == SCHEMA_HEAD:
                return
            known = _revisions()
            if current is not None and current not in known:
                raise StoreSchemaError(
                    f"the store's schema is at version {current}, which this release of track17 "
                    f"does not know (it knows {', '.join(known)}): upgrade track17"
                )
            if not allowed:
                raise StoreSchemaError(
                    f"the store's schema is at version {current or 'none'}, not {SCHEMA_HEAD}: "
                    "open it with upgrade=True (the default) to upgrade it in place"
                )
            migrate(connection, SCHEMA_HEAD)


def schema_version(connection: Connection) -> str | None:
    """The store's schema version, or None for a database without a store."""
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415 (loaded with a store only)

    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def migrate(connection: Connection, revision: str) -> None:
    """Run the store's migrations up to ``revision``, in the caller's transaction."""
    from alembic import command  # noqa: PLC0415 (loaded only when a schema changes)

    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _alembic_config() -> Any:
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(files("track17_facade.shipments") / "migrations"))
    return config


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    scripts = ScriptDirectory.from_config(_alembic_config())
    return sorted(script.revision for script in scripts.walk_revisions())


_SETUP_REASONS = (
    # what SQLite and PostgreSQL say of a setup that trying again will not fix
    "file is not a database",
    "unable to open database file",
    "readonly database",
    "read-only transaction",
    "does not exist",
    "authentication failed",
    "permission denied",
    "no password supplied",
)


def store_error(exc: sa.exc.DBAPIError) -> StoreUnavailableError | StoreSetupError:
    """The store error for a database failure: ``StoreSetupError`` when trying again will not
    help (the message says what to do), else ``StoreUnavailableError``. The message names the
    database's own reason, never the URL, which may hold a password."""
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else repr(exc.orig)
    reason = shorten(first, 300)
    if any(known in reason.lower() for known in _SETUP_REASONS):
        return StoreSetupError(
            f"the shipment store's database cannot be used as set up: {reason}{_advice(reason)}"
        )
    return StoreUnavailableError(f"the shipment store's database is unavailable: {reason}")


def _advice(reason: str) -> str:
    reason = reason.lower()
    if "not a database" in reason:
        return " (the URL names a file that is not SQLite: give the store a file of its own)"
    if "unable to open" in reason:
        return " (the file's directory does not exist, or cannot be written: check the path)"
    if "readonly" in reason or "read-only" in reason:
        return " (the file is read-only: reading works, receiving and syncing need to write)"
    return " (check the URL, the user and the password)"


def _in_memory(url: sa.URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def _engine(url: str | sa.URL, read_only: bool = False) -> Engine:
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise InvalidInputError(f"not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, read_only)
    if parsed.get_backend_name() == "postgresql":
        options = {"connect_args": {"options": "-c default_transaction_read_only=on"}} if read_only else {}
        try:
            return sa.create_engine(parsed, pool_pre_ping=True, **options)
        except ModuleNotFoundError as exc:
            raise InvalidInputError(
                f"PostgreSQL needs its driver ({exc.name}): pip install 'track17[store]'"
            ) from None
    raise InvalidInputError(
        f"a shipment store runs on SQLite or PostgreSQL, not {parsed.get_backend_name()!r}: "
        "use sqlite:///path.db or postgresql+psycopg://user@host/db"
    )


def _sqlite_tables(path: Path) -> set[str]:
    """The tables of an existing SQLite file, read without changing it.

    Raises:
        StoreSetupError: the file is not a SQLite database.
    """
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as probe:
            return {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise StoreSetupError(
            f"the shipment store's database cannot be used as set up: {exc}{_advice(str(exc))}"
        ) from None


def _sqlite_engine(url: sa.URL, read_only: bool) -> Engine:
    """SQLite set up for several writers: WAL (readers never wait for the writer), a busy timeout,
    and write transactions that take the write lock at BEGIN.

    Python's sqlite3 opens transactions lazily and as readers, so two writers that both read
    first deadlock on the upgrade to a write lock; ``BEGIN IMMEDIATE`` takes it at once (the
    recipe of SQLAlchemy's SQLite documentation).

    The file is changed only as far as it is the store's: opened read-only, it is never written
    (and must exist); WAL, which outlives the connection, is switched on only in a file the store
    created or already keeps its tables in. Another application's database keeps its journal
    mode: the store works in it one writer at a time, and a warning says what several receivers
    need.
    """
    memory = _in_memory(url)
    path = None if memory else Path(url.database or "")
    wal = not memory and not read_only
    if path is not None:
        if path.exists():
            tables = _sqlite_tables(path)
            wal = wal and (not tables or VERSION_TABLE in tables)
            if not wal and not read_only:
                logger.warning(
                    "the shipment store's tables are kept in a database it did not create (%s): its "
                    "journal mode is left as it is; several receivers writing at once need WAL "
                    "(PRAGMA journal_mode=WAL), or give the store a file of its own",
                    path.name,
                )
        elif read_only:
            raise StoreSetupError(
                f"no shipment store at {path}: the file does not exist (check the path; "
                "'track17 shipments serve' or 'sync' creates it)"
            )
        if read_only:
            url = url.set(database=f"{path.resolve().as_uri()}?mode=ro", query={"uri": "true"})
    engine = sa.create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT, "check_same_thread": False},
        **({"poolclass": sa.pool.StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's events below issue BEGIN
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        reading = read_only or connection.get_execution_options().get(_READING, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine
