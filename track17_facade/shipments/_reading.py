"""``ShipmentStore``'s reads: a shipment, the shipments, the status changes and the pushes, each
list read lazily a page at a time (an index range however large the store)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from track17_facade._decoders import integer
from track17_facade.errors import InvalidInputError
from track17_facade.numbers import canonical_number
from track17_facade.shipments._model import ReceivedPush, Shipment, StatusChange
from track17_facade.shipments._rows import change_from_row, pages, shipment_from_row, status_name
from track17_facade.shipments._schema import bodies, changes, inbox, shipments
from track17_facade.status import MainStatus

if TYPE_CHECKING:
    from track17_facade.shipments._store import ShipmentStore

__all__ = ["changes_after", "count_inbox", "get", "pushes", "shipments_where"]


def get(store: ShipmentStore, number: str) -> Shipment | None:
    """The work of ``ShipmentStore.get`` (see there)."""
    key = canonical_number(number)
    with store._db.reading() as connection:
        row = connection.execute(sa.select(shipments).where(shipments.c.number == key)).first()
    return None if row is None else shipment_from_row(row)


def shipments_where(
    store: ShipmentStore,
    status: MainStatus | str | None,
    tracking: bool | None,
    stale_for: timedelta | None,
    after: str | None,
) -> Iterator[Shipment]:
    """The work of ``ShipmentStore.shipments`` (see there)."""
    conditions = []
    if status is not None:
        conditions.append(shipments.c.status == status_name(status))
    if tracking is not None:
        conditions.append(shipments.c.tracking == tracking)
    if stale_for is not None:
        cutoff = store.now() - stale_for
        conditions.append(sa.or_(shipments.c.checked_at.is_(None), shipments.c.checked_at <= cutoff))
    query = sa.select(shipments).where(*conditions)
    start = None if after is None else (canonical_number(after),)
    return (shipment_from_row(row) for row in pages(store._db, query, shipments.c.number, after=start))


def _cursor(after: int | str, what: str) -> int:
    """``after`` as an id from 0, or a clear error naming ``what`` it should have been."""
    cursor = integer(after) if not isinstance(after, bool) else None
    if cursor is None or cursor < 0:
        raise InvalidInputError(f"after must be a {what} id (an integer from 0), got {after!r}")
    return cursor


def changes_after(store: ShipmentStore, after: int | str) -> Iterator[StatusChange]:
    """The work of ``ShipmentStore.changes`` (see there)."""
    query = sa.select(changes).where(changes.c.id > _cursor(after, "change"))
    return (change_from_row(row) for row in pages(store._db, query, changes.c.id))


def pushes(store: ShipmentStore, number: str | None, after: int) -> Iterator[ReceivedPush]:
    """The work of ``ShipmentStore.pushes`` (see there)."""
    query = (
        sa.select(inbox, bodies.c.body)
        .outerjoin(bodies, bodies.c.id == inbox.c.id)
        .where(inbox.c.id > _cursor(after, "push"))
    )
    if number is not None:
        query = query.where(inbox.c.number == canonical_number(number))
    return (
        ReceivedPush(
            id=row.id,
            number=row.number,
            event=row.event,
            outcome=row.outcome,
            deliveries=row.deliveries,
            received_at=row.received_at,
            body=None if row.body is None else zlib.decompress(row.body),
        )
        for row in pages(store._db, query, inbox.c.id)
    )


def count_inbox(store: ShipmentStore) -> int:
    """The work of ``ShipmentStore.inbox_count``."""
    with store._db.reading() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(inbox)).scalar_one())
