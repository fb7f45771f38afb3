"""The database under a store: engines for SQLite and PostgreSQL, transactions that say when the
database is unavailable, the schema's upgrade, and the two statements that differ by dialect."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib.resources import files
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from track17_facade._batching import shorten
from track17_facade.errors import InvalidInputError, StoreSchemaError, StoreUnavailableError
from track17_facade.shipments._schema import SCHEMA_HEAD, VERSION_TABLE

__all__ = ["Database"]

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

    def __init__(self, url: str | sa.URL | Engine) -> None:
        self.engine = url if isinstance(url, Engine) else _engine(url)
        self.dialect = self.engine.dialect.name
        if self.dialect not in SUPPORTED:
            raise InvalidInputError(
                f"a shipment store runs on SQLite or PostgreSQL, not {self.dialect!r}: "
                "use sqlite:///path.db or postgresql+psycopg://user@host/db"
            )
        # An in-memory SQLite database lives in one connection, which threads take in turn.
        memory = self.dialect == "sqlite" and self.engine.url.database in (None, "", ":memory:")
        self._turns: AbstractContextManager[Any] = threading.RLock() if memory else nullcontext()

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
            raise unavailable(exc) from exc

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
            raise unavailable(exc) from exc

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

    def insert_ignoring(self, table: sa.Table) -> Any:
        """``INSERT ... ON CONFLICT DO NOTHING`` on the table's key, in this database's dialect."""
        insert = postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)
        return insert.on_conflict_do_nothing()

    def lock_changes(self, connection: Connection) -> None:
        """Number status changes in commit order.

        A reader of ``changes(after=id)`` must never see id 7 before id 6 is committed, or it saves
        7 as its cursor and misses 6 for good. SQLite runs one writer at a time, so ids commit in
        order. On PostgreSQL, a transaction takes this lock (held until it ends) before it takes
        an id, so no later id can commit first.
        """
        if self.dialect == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_CHANGES_LOCK)))

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


def unavailable(exc: sa.exc.DBAPIError) -> StoreUnavailableError:
    """The store error for a database failure; the message names the database's own reason
    (never the URL, which may hold a password)."""
    reason = shorten(str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else repr(exc.orig), 300)
    return StoreUnavailableError(f"the shipment store's database is unavailable: {reason}")


def _engine(url: str | sa.URL) -> Engine:
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise InvalidInputError(f"not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() == "postgresql":
        try:
            return sa.create_engine(parsed, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise InvalidInputError(
                f"PostgreSQL needs its driver ({exc.name}): pip install 'track17[store]'"
            ) from None
    raise InvalidInputError(
        f"a shipment store runs on SQLite or PostgreSQL, not {parsed.get_backend_name()!r}: "
        "use sqlite:///path.db or postgresql+psycopg://user@host/db"
    )


def _sqlite_engine(url: sa.URL) -> Engine:
    """SQLite set up for several writers: WAL (readers never wait for the writer), a busy timeout,
    and write transactions that take the write lock at BEGIN.

    Python's sqlite3 opens transactions lazily and as readers, so two writers that both read
    first deadlock on the upgrade to a write lock; ``BEGIN IMMEDIATE`` takes it at once (the
    recipe of SQLAlchemy's SQLite documentation).
    """
    memory = url.database in (None, "", ":memory:")
    engine = sa.create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT, "check_same_thread": False},
        **({"poolclass": sa.pool.StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's events below issue BEGIN
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        reading = connection.get_execution_options().get(_READING, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine
