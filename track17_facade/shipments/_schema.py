"""The store's tables, in SQLAlchemy Core, as the newest migration leaves them.

The migrations in ``migrations/versions`` create and change these tables; this module describes
their current state for the queries. ``tests/test_shipments.py`` checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

__all__ = ["SCHEMA_HEAD", "Statements", "UtcDateTime", "changes", "inbox", "metadata", "shipments"]

SCHEMA_HEAD = "0002"
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
    sa.Column("track_info", sa.Text, nullable=True),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("checked_at", UtcDateTime, nullable=True),
    sa.Column("status_since", UtcDateTime, nullable=True),
    sa.Index("track17_shipments_status", "status"),
    sa.Index("track17_shipments_stale", "tracking", "checked_at"),
)

inbox = sa.Table(
    "track17_inbox",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("number", sa.String(100), nullable=False),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("deliveries", sa.Integer, nullable=False, server_default="1"),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
)

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

    def __init__(self, insert_ignoring: Callable[[sa.Table], Any], locking: bool) -> None:
        number: sa.BindParameter[str] = sa.bindparam("b_number")
        self.record = insert_ignoring(inbox).returning(inbox.c.id)
        """Add a push to the inbox; no row back when it is there already."""
        self.delivered_again = (
            inbox.update()
            .where(inbox.c.digest == sa.bindparam("b_digest"))
            .values(deliveries=inbox.c.deliveries + 1)
        )
        self.outcome = inbox.update().where(inbox.c.id == sa.bindparam("b_id"))
        locked = sa.select(shipments).where(shipments.c.number == number)
        self.locked = locked.with_for_update() if locking else locked
        """A shipment's row, locked until the transaction ends where the database has row locks."""
        self.create = insert_ignoring(shipments).returning(shipments.c.number)
        self.update = shipments.update().where(shipments.c.number == number)
        self.change = changes.insert().returning(*changes.c)
        """Record a status change; its row back (the id, for ``on_change``)."""
