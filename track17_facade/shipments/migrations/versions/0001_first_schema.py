"""The first schema: shipments, the inbox of pushes, and the log of status changes.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "track17_shipments",
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
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("checked_at", sa.DateTime, nullable=True),
    )
    op.create_index("track17_shipments_status", "track17_shipments", ["status"])
    op.create_index("track17_shipments_stale", "track17_shipments", ["tracking", "checked_at"])
    op.create_table(
        "track17_inbox",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("deliveries", sa.Integer, nullable=False, server_default="1"),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "track17_changes",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("old_status", sa.String(64), nullable=True),
        sa.Column("new_status", sa.String(64), nullable=False),
        sa.Column("event", sa.Text, nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("track17_changes_number", "track17_changes", ["number"])


def downgrade() -> None:
    op.drop_table("track17_changes")
    op.drop_table("track17_inbox")
    op.drop_table("track17_shipments")
