"""Alembic's entry point for the store's migrations.

The store runs them itself when it opens (``ShipmentStore.upgrade``), on the connection it hands
over in ``config.attributes["connection"]``; there is no ``alembic.ini``.
"""

from __future__ import annotations

from alembic import context

from track17_facade.shipments._schema import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
