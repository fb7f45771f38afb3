"""Compact rows and a bounded inbox.

- The inbox keeps a push's digest as its 32 bytes (not 64 hex characters), and its body apart,
  zlib-compressed, in ``track17_inbox_bodies``, so that old bodies can be dropped on their own.
- A shipment's track is kept zlib-compressed (``track``, was the JSON text ``track_info``).
- ``sync`` finds stale shipments by an index range: the index holds the number too.
- Numbers are kept in capitals, as the store looks them up; where two spellings of one number
  were both kept, the shipment heard of last wins and the other's row goes.

Rows are converted a batch at a time, so memory does not grow with the store.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 2000
logger = logging.getLogger("track17.shipments")


def upgrade() -> None:
    connection = op.get_bind()
    _numbers_in_capitals(connection)
    op.create_table(
        "track17_inbox_bodies",
        sa.Column("id", BigId, primary_key=True, autoincrement=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    with op.batch_alter_table("track17_inbox") as batch:
        batch.add_column(sa.Column("digest_bytes", sa.LargeBinary(32), nullable=True))
    old = sa.table(
        "track17_inbox",
        sa.column("id", sa.Integer),
        sa.column("digest", sa.String),
        sa.column("body", sa.LargeBinary),
        sa.column("digest_bytes", sa.LargeBinary),
    )
    new_bodies = sa.table(
        "track17_inbox_bodies", sa.column("id", sa.Integer), sa.column("body", sa.LargeBinary)
    )
    for rows in _batches(connection, sa.select(old.c.id, old.c.digest, old.c.body), old.c.id):
        connection.execute(
            old.update().where(old.c.id == sa.bindparam("b_id")),
            [{"b_id": row.id, "digest_bytes": bytes.fromhex(row.digest)} for row in rows],
        )
        connection.execute(
            new_bodies.insert(), [{"id": row.id, "body": zlib.compress(bytes(row.body))} for row in rows]
        )
    # Without the old columns (SQLite copies the table; PostgreSQL alters it in place, keeping the
    # id sequence): the unique index on the hex digest goes with its column.
    with op.batch_alter_table("track17_inbox") as batch:
        batch.drop_column("body")
        batch.drop_column("digest")
        batch.alter_column("digest_bytes", new_column_name="digest", nullable=False)
    op.create_index("track17_inbox_digest", "track17_inbox", ["digest"], unique=True)
    op.create_index("track17_inbox_number", "track17_inbox", ["number"])

    with op.batch_alter_table("track17_shipments") as batch:
        batch.add_column(sa.Column("track", sa.LargeBinary, nullable=True))
    shipments = sa.table(
        "track17_shipments",
        sa.column("number", sa.String),
        sa.column("track_info", sa.Text),
        sa.column("track", sa.LargeBinary),
    )
    query = sa.select(shipments.c.number, shipments.c.track_info).where(shipments.c.track_info.is_not(None))
    for rows in _batches(connection, query, shipments.c.number):
        connection.execute(
            shipments.update().where(shipments.c.number == sa.bindparam("b_number")),
            [{"b_number": row.number, "track": zlib.compress(row.track_info.encode())} for row in rows],
        )
    with op.batch_alter_table("track17_shipments") as batch:
        batch.drop_column("track_info")
    # sync walks the stale shipments in (checked_at, number) order, an index range.
    op.drop_index("track17_shipments_stale", "track17_shipments")
    op.create_index("track17_shipments_stale", "track17_shipments", ["tracking", "checked_at", "number"])


def _batches(connection: sa.Connection, query: sa.Select[Any], key: sa.ColumnElement[Any]) -> Any:
    """The rows of ``query`` in batches, in order of ``key`` (a keyset walk, not OFFSET)."""
    last: Any = None
    while True:
        page = query.order_by(key).limit(BATCH)
        rows = connection.execute(page if last is None else page.where(key > last)).all()
        if not rows:
            return
        yield rows
        last = rows[-1]._mapping[key.name]


def _numbers_in_capitals(connection: sa.Connection) -> None:
    """Every number as the store now keys it: trimmed, in capitals."""
    shipments = sa.table(
        "track17_shipments",
        sa.column("number", sa.String),
        sa.column("latest_at", sa.String),
        sa.column("event_count", sa.Integer),
        sa.column("updated_at", sa.DateTime),
    )
    canonical = sa.func.upper(sa.func.trim(shipments.c.number))
    spelt = connection.execute(
        sa.select(shipments.c.number, shipments.c.latest_at, shipments.c.event_count, shipments.c.updated_at)
        .where(shipments.c.number != canonical)
        .order_by(shipments.c.number)
    ).all()
    for row in spelt:
        key = row.number.strip().upper()
        other = connection.execute(
            sa.select(shipments.c.latest_at, shipments.c.event_count, shipments.c.updated_at).where(
                shipments.c.number == key
            )
        ).first()
        if other is not None:
            keep_this = (row.latest_at or "", row.event_count, row.updated_at) > (
                other.latest_at or "",
                other.event_count,
                other.updated_at,
            )
            logger.warning("%r and %r are one number: keeping the one heard of last", row.number, key)
            connection.execute(
                shipments.delete().where(shipments.c.number == (key if keep_this else row.number))
            )
            if not keep_this:
                continue
        connection.execute(shipments.update().where(shipments.c.number == row.number).values(number=key))
    for table in ("track17_inbox", "track17_changes"):
        other_table = sa.table(table, sa.column("number", sa.String))
        connection.execute(
            other_table.update()
            .where(other_table.c.number != sa.func.upper(sa.func.trim(other_table.c.number)))
            .values(number=sa.func.upper(sa.func.trim(other_table.c.number)))
        )


def downgrade() -> None:
    raise NotImplementedError("0003 converts rows in place; restore a backup to go back")
