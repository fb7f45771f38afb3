"""``ShipmentStore.sync``: poll what pushes missed, adopt numbers registered elsewhere, and stop
tracking shipments delivered long ago."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from track17_facade._batching import bulk_items, canonical_number
from track17_facade.carriers import CarrierLike
from track17_facade.codes import ErrorCode
from track17_facade.errors import InvalidInputError
from track17_facade.models import Accepted, BatchResult, Failure, Registration, Rejection, TrackInfo
from track17_facade.shipments._model import Source, SyncReport
from track17_facade.shipments._rows import PAGE, pages
from track17_facade.shipments._schema import shipments
from track17_facade.status import MainStatus, TrackingStatus

if TYPE_CHECKING:
    from track17_facade._client import Track17Client
    from track17_facade.shipments._store import ShipmentStore

__all__ = ["run_sync", "run_track"]

_ALREADY_STOPPED = frozenset({ErrorCode.STOP_ONLY_TRACKING})
"""A stop refused because 17TRACK no longer tracks the number: for the store, it is stopped."""


def run_sync(
    store: ShipmentStore,
    client: Track17Client,
    stale_after: timedelta,
    stop_after_delivered: timedelta | None,
    discover: bool,
) -> SyncReport:
    """The work of ``ShipmentStore.sync`` (see there)."""
    if not hasattr(client, "stream") or not hasattr(client, "api_version"):
        raise InvalidInputError(f"sync needs a Track17Client, got {type(client).__name__}")
    if hasattr(client, "aclose"):
        raise InvalidInputError(
            "sync needs a Track17Client (it runs in this thread); an AsyncTrack17Client cannot "
            "be driven from here: run it with asyncio.to_thread and a Track17Client instead"
        )
    for name, value in (("stale_after", stale_after), ("stop_after_delivered", stop_after_delivered)):
        if value is not None and (not isinstance(value, timedelta) or value < timedelta(0)):
            raise InvalidInputError(f"{name} must be a non-negative timedelta, got {value!r}")
    adopted = _discover(store, client) if discover else 0
    stopped = 0 if stop_after_delivered is None else _stop_delivered(store, client, stop_after_delivered)
    cutoff = store.now() - stale_after
    asked = refreshed = changed = unchanged = 0
    failures: list[Rejection | Failure] = []
    with_carrier = client.api_version != "v1"
    for batch in client.stream("get_track_info", _stale(store, cutoff, with_carrier)):
        asked += len(batch.accepted) + len(batch.rejected) + len(batch.failed)
        failures += [*batch.rejected, *batch.failed]
        for info in batch.accepted:
            assert isinstance(info, TrackInfo)
            applied, status_changed = store._apply_polled(info, client.api_version)
            if applied:
                refreshed += 1
                changed += status_changed
            else:
                unchanged += 1
    return SyncReport(
        asked=asked,
        refreshed=refreshed,
        changed=changed,
        unchanged=unchanged,
        failed=len(failures),
        adopted=adopted,
        stopped=stopped,
        failures=tuple(failures),
    )


def run_track(
    store: ShipmentStore,
    client: Track17Client,
    items: Iterable[str | tuple[str, CarrierLike | None] | Registration],
    register_options: dict[str, Any],
) -> BatchResult[Accepted]:
    """The work of ``ShipmentStore.track`` (see there)."""
    try:
        listed: list[Any] = list(bulk_items(items))  # as the client reads them: a bare string is refused
    except TypeError as exc:
        raise InvalidInputError(f"track: {exc}") from None
    result = client.register(listed, **register_options)
    accepted_numbers = {accepted.number.upper() for accepted in result.accepted}
    tags = {
        item.number.strip().upper(): item.tag
        for item in listed
        if isinstance(item, Registration)
        and isinstance(item.number, str)
        and item.number.strip().upper() in accepted_numbers
    }
    now = store.now()
    for start in range(0, len(result.accepted), PAGE):
        with store._db.transaction() as connection:
            for accepted in result.accepted[start : start + PAGE]:
                number = canonical_number(accepted.number)
                created = store._create(
                    connection,
                    number,
                    accepted.carrier,
                    client.api_version,
                    Source.REGISTER,
                    now,
                    tag=tags.get(number),
                    checked=False,
                )
                if not created:  # tracked again (it may have been stopped)
                    connection.execute(
                        shipments.update().where(shipments.c.number == number).values(tracking=True)
                    )
    return result


def _discover(store: ShipmentStore, client: Track17Client) -> int:
    adopted = 0
    for entry in client.iter_track_list():
        tracking = entry.tracking_status is not TrackingStatus.STOPPED
        adopt = partial(
            store._create,
            number=entry.number,
            carrier=entry.carrier,
            api_version=client.api_version,
            source=Source.POLL,
            now=store.now(),
            tracking=tracking,
            checked=False,
        )
        adopted += store._db.write(adopt)
    return adopted


def _stop_delivered(store: ShipmentStore, client: Track17Client, after: timedelta) -> int:
    delivered_before = sa.select(shipments.c.number).where(
        shipments.c.tracking.is_(True),
        shipments.c.status == MainStatus.DELIVERED.name_17track,
        shipments.c.status_since <= store.now() - after,
    )
    numbers = (row.number for row in pages(store._db, delivered_before, shipments.c.number))
    stopped = 0
    for batch in client.stream("stop_track", numbers):
        done = [accepted.number for accepted in batch.accepted]
        done += [rejection.number for rejection in batch.rejected if rejection.code in _ALREADY_STOPPED]
        with store._db.transaction() as connection:
            stopping = shipments.update().where(shipments.c.number.in_(done))
            connection.execute(stopping.values(tracking=False, updated_at=store.now()))
        stopped += len(done)
    return stopped


def _stale(store: ShipmentStore, cutoff: datetime, with_carrier: bool) -> Iterator[Any]:
    """``(number, carrier)`` pairs (or numbers) of the tracked shipments not heard of since
    ``cutoff``, read from the database as the client asks for them."""
    stale = sa.select(shipments.c.number, shipments.c.carrier).where(
        shipments.c.tracking.is_(True),
        sa.or_(shipments.c.checked_at.is_(None), shipments.c.checked_at <= cutoff),
    )
    for row in pages(store._db, stale, shipments.c.number):
        yield (row.number, row.carrier) if with_carrier and row.carrier else row.number
