"""The store's tables, in SQLAlchemy Core, as the newest migration leaves them.

The migrations in ``migrations/versions`` create and change these tables; this module describes
their current state for the queries. ``tests/test_shipments.py`` checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Row

__all__ = [
    "SCHEMA_HEAD",
    "Statements",
    "UtcDateTime",
    "bodies",
    "changes",
    "inbox",
    "metadata",
    "shipments",
]

SCHEMA_HEAD = "0003"
"""The newest migration: a store is upgraded to it when opened."""

VERSION_TABLE = "track17_schema_version"
"""Where Alembic keeps the store's schema version (named so as not to clash with an application's
own ``alembic_version`` in a shared database)."""


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, stored as UTC on every database.

    SQLite keeps no offset, so the store writes UTC everywhere and says so when reading.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store takes aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# A 64-bit key on PostgreSQL; SQLite only numbers rows automatically for INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()

shipments = sa.Table(
    "track17_shipments",
    metadata,
    sa.Column("number", sa.String(100), primary_key=True),
    sa.Column("carrier", sa.Integer, nullable=True),
    sa.Column("api_version", sa.String(8), nullable=False),
    sa.Column("status", sa.String(64), nullable=True),
    sa.Column("sub_status", sa.String(64), nullable=True),
    sa.Column("latest_at", sa.String(32), nullable=True),
    sa.Column("event_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("tag", sa.Text, nullable=True),
    sa.Column("tracking", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("track", sa.LargeBinary, nullable=True),  # the track's JSON, zlib-compressed
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("checked_at", UtcDateTime, nullable=True),
    sa.Column("status_since", UtcDateTime, nullable=True),
    sa.Index("track17_shipments_status", "status"),
    sa.Index("track17_shipments_stale", "tracking", "checked_at", "number"),
)

inbox = sa.Table(
    "track17_inbox",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("digest", sa.LargeBinary(32), nullable=False),  # SHA-256 of the push's canonical JSON
    sa.Column("number", sa.String(100), nullable=False),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("deliveries", sa.Integer, nullable=False, server_default="1"),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Index("track17_inbox_digest", "digest", unique=True),
    sa.Index("track17_inbox_number", "number"),
)
"""One row per distinct push: enough to answer DUPLICATE to it, kept ``keep_digests``."""

bodies = sa.Table(
    "track17_inbox_bodies",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=False),  # the inbox row's id
    sa.Column("body", sa.LargeBinary, nullable=False),  # the push's bytes, zlib-compressed
)
"""Each push's body as received, for an audit trail, kept ``keep_bodies`` (apart from the inbox,
so that dropping old bodies walks a table of bodies only, oldest first)."""

changes = sa.Table(
    "track17_changes",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("number", sa.String(100), nullable=False),
    sa.Column("old_status", sa.String(64), nullable=True),
    sa.Column("new_status", sa.String(64), nullable=False),
    sa.Column("event", sa.Text, nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index("track17_changes_number", "number"),
)


class Statements:
    """The statements a push runs, built once per store and executed with parameters.

    Building a statement in SQLAlchemy costs about as much as a round trip to a local database;
    a receiver runs these for every push, so they are built here once (their compiled forms are
    then cached by SQLAlchemy). Parameters named ``b_*`` select the row; the others are columns.
    """

    def __init__(self, insert_ignoring: Callable[..., Any], locking: bool) -> None:
        self._locking = locking
        number: sa.BindParameter[str] = sa.bindparam("b_number")
        self.record = insert_ignoring(inbox, "digest").returning(inbox.c.id)
        """Add a push to the inbox; no row back when it is there already."""
        self.keep_body = bodies.insert()
        self.delivered_again = (
            inbox.update()
            .where(inbox.c.digest == sa.bindparam("b_digest"))
            .values(deliveries=inbox.c.deliveries + 1)
        )
        self.outcome = inbox.update().where(inbox.c.id == sa.bindparam("b_id"))
        locked = sa.select(shipments).where(shipments.c.number == number)
        self.locked = locked.with_for_update() if locking else locked
        """A shipment's row, locked until the transaction ends where the database has row locks."""
        self.create = insert_ignoring(shipments, "number").returning(shipments.c.number)
        self.update = shipments.update().where(shipments.c.number == number)
        self.change = changes.insert().returning(*changes.c)
        """Record a status change; its row back (the id, for ``on_change``)."""

    # Pruning walks the inbox (or its bodies) oldest first by id, and takes the leading rows older
    # than the cutoff: no index on the time is needed, and no batch scans past its own rows. Ids
    # grow with time (the clock may step back a little between receivers; a row that looks newer
    # then holds back the ones behind it until it is due itself: late, never wrong).

    def drop_bodies(self, connection: Connection, before: datetime, limit: int) -> int:
        """Drop up to ``limit`` of the oldest bodies received before ``before``; how many."""
        oldest = (
            sa.select(bodies.c.id, inbox.c.received_at)
            .join(inbox, inbox.c.id == bodies.c.id)
            .order_by(bodies.c.id)
            .limit(limit)
        )
        ids = _leading(connection.execute(self._skipping_locked(oldest, bodies)).all(), before)
        if ids:
            connection.execute(bodies.delete().where(bodies.c.id.in_(ids)))
        return len(ids)

    def forget_pushes(self, connection: Connection, before: datetime, limit: int) -> int:
        """Forget up to ``limit`` of the oldest pushes received before ``before`` (with any body
        they still have); how many."""
        oldest = sa.select(inbox.c.id, inbox.c.received_at).order_by(inbox.c.id).limit(limit)
        ids = _leading(connection.execute(self._skipping_locked(oldest, inbox)).all(), before)
        if ids:
            connection.execute(bodies.delete().where(bodies.c.id.in_(ids)))
            connection.execute(inbox.delete().where(inbox.c.id.in_(ids)))
        return len(ids)

    def _skipping_locked(self, query: sa.Select[Any], table: sa.Table) -> sa.Select[Any]:
        """Where several receivers prune at once (PostgreSQL), each takes rows no other holds."""
        return query.with_for_update(of=table, skip_locked=True) if self._locking else query


def _leading(rows: Sequence[Row[Any]], before: datetime) -> list[int]:
    """The ids of the rows before the first one received at or after ``before``."""
    ids: list[int] = []
    for row in rows:
        if row.received_at >= before:
            break
        ids.append(row.id)
    return ids
