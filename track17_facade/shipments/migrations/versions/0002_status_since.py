"""``status_since``: when the store first saw a shipment's current status, for
``sync(stop_after_delivered=...)``. Existing shipments take it from their last status change.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("track17_shipments") as batch:
        batch.add_column(sa.Column("status_since", sa.DateTime, nullable=True))
    shipments = sa.table(
        "track17_shipments",
        sa.column("number", sa.String),
        sa.column("status", sa.String),
        sa.column("status_since", sa.DateTime),
    )
    changes = sa.table(
        "track17_changes",
        sa.column("number", sa.String),
        sa.column("new_status", sa.String),
        sa.column("at", sa.DateTime),
    )
    last_change = (
        sa.select(sa.func.max(changes.c.at))
        .where(changes.c.number == shipments.c.number, changes.c.new_status == shipments.c.status)
        .scalar_subquery()
    )
    op.execute(shipments.update().where(shipments.c.status.is_not(None)).values(status_since=last_change))


def downgrade() -> None:
    with op.batch_alter_table("track17_shipments") as batch:
        batch.drop_column("status_since")
