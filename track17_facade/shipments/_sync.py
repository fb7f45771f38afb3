"""``ShipmentStore.sync`` and ``track``: poll what pushes missed, adopt numbers registered
elsewhere, stop tracking shipments delivered long ago, and register numbers into the store.

Each is written once, as steps (``SyncRun``, ``added``) that read and write the database, with two
thin drivers: one for ``Track17Client``, whose calls block, and one for ``AsyncTrack17Client``,
which awaits the client and runs the database steps in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from track17_facade import _telemetry
from track17_facade.carriers import CarrierLike
from track17_facade.codes import ErrorCode
from track17_facade.errors import InvalidInputError
from track17_facade.models import (
    Accepted,
    BatchResult,
    Failure,
    Registration,
    Rejection,
    TrackInfo,
    TrackListEntry,
)
from track17_facade.numbers import bulk_items, canonical_number
from track17_facade.shipments._model import PruneReport, Source, StatusChange, SyncReport
from track17_facade.shipments._receiving import apply, create
from track17_facade.shipments._rows import PAGE, pages
from track17_facade.shipments._schema import shipments
from track17_facade.status import MainStatus, TrackingStatus

if TYPE_CHECKING:
    from track17_facade._async_client import AsyncTrack17Client
    from track17_facade._client import Track17Client
    from track17_facade.shipments._store import ShipmentStore

__all__ = ["SyncRun", "run_sync", "run_sync_async", "run_track", "run_track_async"]

_ALREADY_STOPPED = frozenset({ErrorCode.STOP_ONLY_TRACKING})
"""A stop refused because 17TRACK no longer tracks the number: for the store, it is stopped."""


class SyncRun:
    """One sync's steps and counts, whichever client drives it."""

    def __init__(
        self,
        store: ShipmentStore,
        api_version: str,
        stale_after: timedelta,
        stop_after_delivered: timedelta | None,
    ) -> None:
        for name, value in (("stale_after", stale_after), ("stop_after_delivered", stop_after_delivered)):
            if value is not None and (not isinstance(value, timedelta) or value < timedelta(0)):
                raise InvalidInputError(f"{name} must be a non-negative timedelta, got {value!r}")
        self.store, self.api_version = store, api_version
        self.stale_after, self.stop_after_delivered = stale_after, stop_after_delivered
        self.asked = self.refreshed = self.changed = self.unchanged = self.adopted = self.stopped = 0
        self.failures: list[Rejection | Failure] = []

    def adopt(self, entry: TrackListEntry) -> None:
        """A number of the account's list, added when the store lacks it (discover)."""
        tracking = entry.tracking_status is not TrackingStatus.STOPPED
        adopt = partial(
            create,
            self.store,
            number=entry.number,
            carrier=entry.carrier,
            api_version=self.api_version,
            source=Source.POLL,
            now=self.store.now(),
            tracking=tracking,
            checked=False,
        )
        self.adopted += self.store._db.write(adopt)

    def delivered_long_ago(self) -> Iterator[str]:
        """Tracked shipments delivered for ``stop_after_delivered``, read a page at a time."""
        assert self.stop_after_delivered is not None
        query = sa.select(shipments.c.number).where(
            shipments.c.tracking.is_(True),
            shipments.c.status == MainStatus.DELIVERED.name_17track,
            shipments.c.status_since <= self.store.now() - self.stop_after_delivered,
        )
        return (row.number for row in pages(self.store._db, query, shipments.c.number))

    def mark_stopped(self, batch: BatchResult[Any]) -> None:
        done = [accepted.number for accepted in batch.accepted]
        done += [rejection.number for rejection in batch.rejected if rejection.code in _ALREADY_STOPPED]
        with self.store._db.transaction() as connection:
            stopping = shipments.update().where(shipments.c.number.in_([canonical_number(n) for n in done]))
            connection.execute(stopping.values(tracking=False, updated_at=self.store.now()))
        self.stopped += len(done)

    def stale(self) -> Iterator[Any]:
        """``(number, carrier)`` pairs (or numbers, on v1) of the tracked shipments not heard of
        for ``stale_after``, read from the database as the client asks for them."""
        with_carrier = self.api_version != "v1"
        for query, keys in stale_queries(self.store.now() - self.stale_after):
            for row in pages(self.store._db, query, *keys):
                yield (row.number, row.carrier) if with_carrier and row.carrier else row.number

    def apply(self, batch: BatchResult[Any]) -> None:
        """One gettrackinfo request's answers, applied by the newer-wins rule."""
        self.asked += len(batch.accepted) + len(batch.rejected) + len(batch.failed)
        self.failures += [*batch.rejected, *batch.failed]
        for info in batch.accepted:
            assert isinstance(info, TrackInfo)
            applied, status_changed = self.store._write(partial(self._apply_polled, info))
            _telemetry.store_heard("poll", info if applied else None, self.store.now())
            if applied:
                self.refreshed += 1
                self.changed += status_changed
            else:
                self.unchanged += 1

    def _apply_polled(
        self, track: TrackInfo, connection: Connection, made: list[StatusChange]
    ) -> tuple[bool, bool]:
        """One answer applied in the store's write transaction: (applied, changed the main status)."""
        return apply(self.store, connection, track, self.api_version, Source.POLL, self.store.now(), made)

    def report(self, pruned: PruneReport) -> SyncReport:
        return SyncReport(
            asked=self.asked,
            refreshed=self.refreshed,
            changed=self.changed,
            unchanged=self.unchanged,
            failed=len(self.failures),
            adopted=self.adopted,
            stopped=self.stopped,
            failures=tuple(self.failures),
            pruned=pruned,
        )


def stale_queries(cutoff: datetime) -> list[tuple[sa.Select[Any], tuple[sa.ColumnElement[Any], ...]]]:
    """The tracked shipments never checked, then those last checked at or before ``cutoff``, each
    with the keys it is paged by: both walk the ``track17_shipments_stale`` index (tracking,
    checked_at, number) as a range, so a sync reads the stale shipments, not the store."""
    columns = (shipments.c.number, shipments.c.carrier, shipments.c.checked_at)
    tracked = shipments.c.tracking.is_(True)
    never = sa.select(*columns).where(tracked, shipments.c.checked_at.is_(None))
    due = sa.select(*columns).where(tracked, shipments.c.checked_at <= cutoff)
    return [(never, (shipments.c.number,)), (due, (shipments.c.checked_at, shipments.c.number))]


def _client_of(client: object, want_async: bool, call: str) -> None:
    if not hasattr(client, "stream") or not hasattr(client, "api_version"):
        raise InvalidInputError(
            f"{call} needs a Track17Client or an AsyncTrack17Client, got {type(client).__name__}"
        )
    if hasattr(client, "aclose") and not want_async:
        raise InvalidInputError(f"{call} runs in this thread: give it a Track17Client, or await {call}_async")
    if not hasattr(client, "aclose") and want_async:
        raise InvalidInputError(
            f"{call}_async needs an AsyncTrack17Client; with a Track17Client, call {call}"
        )


def run_sync(
    store: ShipmentStore,
    client: Track17Client,
    stale_after: timedelta,
    stop_after_delivered: timedelta | None,
    discover: bool,
) -> SyncReport:
    """The work of ``ShipmentStore.sync`` (see there)."""
    _client_of(client, want_async=False, call="sync")
    run = SyncRun(store, client.api_version, stale_after, stop_after_delivered)
    if discover:
        for entry in client.iter_track_list():
            run.adopt(entry)
    if stop_after_delivered is not None:
        for batch in client.stream("stop_track", run.delivered_long_ago()):
            run.mark_stopped(batch)
    for batch in client.stream("get_track_info", run.stale()):
        run.apply(batch)
    client.check_quota()
    return run.report(store.prune())


async def run_sync_async(
    store: ShipmentStore,
    client: AsyncTrack17Client,
    stale_after: timedelta,
    stop_after_delivered: timedelta | None,
    discover: bool,
) -> SyncReport:
    """The work of ``ShipmentStore.sync_async``: ``run_sync``'s steps, the database's in a thread.
    (The client reads the stale numbers' pages as it builds requests: a page of 500 is a short
    read.)"""
    _client_of(client, want_async=True, call="sync")
    run = SyncRun(store, client.api_version, stale_after, stop_after_delivered)
    if discover:
        async for entry in client.iter_track_list():
            await asyncio.to_thread(run.adopt, entry)
    if stop_after_delivered is not None:
        async for batch in client.stream("stop_track", run.delivered_long_ago()):
            await asyncio.to_thread(run.mark_stopped, batch)
    async for batch in client.stream("get_track_info", run.stale()):
        await asyncio.to_thread(run.apply, batch)
    await client.check_quota()
    return run.report(await asyncio.to_thread(store.prune))


def listed_items(items: object) -> list[Any]:
    """``track``'s items as the client reads them (a bare string is refused, a mapping is its
    pairs), held as a list: they are read twice, to register and to find their tags."""
    try:
        return list(bulk_items(items))
    except TypeError as exc:
        raise InvalidInputError(f"track: {exc}") from None


def added(store: ShipmentStore, listed: list[Any], result: BatchResult[Accepted], api_version: str) -> None:
    """Add the accepted numbers of a registration to the store (tracked again if they were there)."""
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
                created = create(
                    store,
                    connection,
                    number,
                    accepted.carrier,
                    api_version,
                    Source.REGISTER,
                    now,
                    tag=tags.get(number),
                    checked=False,
                )
                if not created:  # tracked again (it may have been stopped)
                    connection.execute(
                        shipments.update().where(shipments.c.number == number).values(tracking=True)
                    )


def run_track(
    store: ShipmentStore,
    client: Track17Client,
    items: Iterable[str | tuple[str, CarrierLike | None] | Registration],
    register_options: dict[str, Any],
) -> BatchResult[Accepted]:
    """The work of ``ShipmentStore.track`` (see there)."""
    _client_of(client, want_async=False, call="track")
    listed = listed_items(items)
    result = client.register(listed, **register_options)
    added(store, listed, result, client.api_version)
    return result


async def run_track_async(
    store: ShipmentStore,
    client: AsyncTrack17Client,
    items: Iterable[str | tuple[str, CarrierLike | None] | Registration],
    register_options: dict[str, Any],
) -> BatchResult[Accepted]:
    """The work of ``ShipmentStore.track_async``: ``run_track``'s, the database's in a thread."""
    _client_of(client, want_async=True, call="track")
    listed = listed_items(items)
    result = await client.register(listed, **register_options)
    await asyncio.to_thread(added, store, listed, result, client.api_version)
    return result
