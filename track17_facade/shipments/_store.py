"""``ShipmentStore``: shipments kept current from pushes and polls, on SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from track17_facade._secrets import redacting_logger
from track17_facade.carriers import CarrierLike
from track17_facade.models import Accepted, BatchResult, Registration
from track17_facade.shipments import _reading, _receiving, _retention
from track17_facade.shipments._database import Database
from track17_facade.shipments._model import (
    KEEP_BODIES,
    KEEP_DIGESTS,
    PRUNE_BATCH,
    PruneReport,
    Receipt,
    ReceivedPush,
    Retention,
    Shipment,
    StatusChange,
    SyncReport,
)
from track17_facade.shipments._rows import utc_now
from track17_facade.shipments._schema import Statements
from track17_facade.status import MainStatus

if TYPE_CHECKING:
    from track17_facade._async_client import AsyncTrack17Client
    from track17_facade._client import Track17Client

__all__ = ["ShipmentStore"]

T = TypeVar("T")
logger = redacting_logger("track17.shipments")


class ShipmentStore:
    """A store of shipments kept current from 17TRACK's pushes and from polls.

    ``ShipmentStore("sqlite:///shipments.db")`` needs no server; ``ShipmentStore(
    "postgresql+psycopg://user@host/db")`` serves many receivers on many hosts at once. Opening a
    store creates its tables, or upgrades them in place when they come from an older release.

    Every update, pushed or polled, goes through one rule (see ``freshness``): a later
    latest-event time wins; at an equal time, more events wins; anything else is stale and
    leaves the shipment as it is. So a late "InTransit" push never turns a delivered shipment back.
    """

    def __init__(
        self,
        url: str | sa.URL | Engine,
        *,
        upgrade: bool = True,
        read_only: bool = False,
        clock: Callable[[], datetime] | None = None,
        on_change: Callable[[StatusChange], object] | None = None,
        keep_bodies: timedelta | None = KEEP_BODIES,
        keep_digests: timedelta | None = KEEP_DIGESTS,
    ) -> None:
        """Open (and create or upgrade) a store.

        A SQLite file is changed only as far as it is the store's: the store creates it (and
        switches it to WAL, which lets readers and a writer work at once) when it does not exist;
        in an existing file of another application it adds its tables (prefixed ``track17_``)
        and leaves the journal mode as it is, with a warning that several receivers need WAL.

        Args:
            url: a database URL (``sqlite:///path.db``, ``postgresql+psycopg://...``) or an
                SQLAlchemy ``Engine``.
            upgrade: upgrade an older schema in place (default); False raises instead.
            read_only: read an existing store without changing anything: nothing is created,
                upgraded or written (``get``, ``shipments``, ``changes`` work; the others raise
                ``StoreSetupError``), and a missing file is an error, never a new empty store.
            clock: what "now" is for the store (when a shipment was last heard of, which ones are
                stale, when a change was recorded): a function returning an aware datetime (a
                naive one is read as UTC). Default: the wall clock. In tests, ``sandbox.clock``,
                so that ``sandbox.advance(days=3)`` makes shipments stale for ``sync``.
            on_change: called with each ``StatusChange`` once it is committed, in the thread that
                applied it (a receiver's worker thread, or ``sync``'s); an exception it raises is
                logged and does not undo anything. ``changes(after=...)`` remains the way to read
                them reliably across restarts.
            keep_bodies: how long each push's body is kept as received, for an audit trail
                (default 7 days; None: for ever; ``timedelta(0)``: not kept).
            keep_digests: how long the store remembers a push it received, to answer DUPLICATE
                when 17TRACK delivers it again (default 30 days; None: for ever). A push
                delivered again after that is applied by the newer-wins rule like any other, so
                it leaves the shipment as it is (STALE). At least ``keep_bodies``.

        Raises:
            InvalidInputError: not a SQLite or PostgreSQL URL, or its driver is not installed; a
                retention that is negative, or bodies kept longer than digests.
            StoreSetupError: the database cannot serve as asked (not a database, a directory that
                does not exist, a read-only file opened for writing, no store where one is read).
            StoreSchemaError: the schema is newer than this release, or older and ``upgrade`` is
                False (or ``read_only``).
            StoreUnavailableError: the database cannot be reached.
        """
        self.retention = Retention.of(keep_bodies, keep_digests)
        """How long the store keeps pushes' bodies and digests (`prune` drops what is older)."""
        self._receipts = itertools.count(1)
        self._clock = clock or utc_now
        self._on_change = on_change
        self._db = Database(url, read_only=read_only)
        self._sql = Statements(self._db.insert_ignoring, locking=self._db.dialect == "postgresql")
        try:
            if read_only:
                self._db.check_readable()
            else:
                self._db.upgrade(allowed=upgrade)
        except BaseException:
            self._db.close()
            raise

    def now(self) -> datetime:
        """The store's clock (see ``clock``): aware, UTC."""
        at = self._clock()
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)

    def _write(self, work: Callable[[Connection, list[StatusChange]], T]) -> T:
        """``work`` in one write transaction (run again on a deadlock), then ``on_change`` for the
        status changes it committed."""
        made: list[StatusChange] = []

        def attempt(connection: Connection) -> T:
            made.clear()  # an attempt rolled back made nothing
            return work(connection, made)

        result = self._db.write(attempt)
        if self._on_change is not None:
            for change in made:
                try:
                    self._on_change(change)
                except Exception:
                    logger.exception("on_change failed for change %d of %s", change.id, change.number)
        return result

    @property
    def in_memory(self) -> bool:
        """Whether the store lives in memory (``sqlite://``): everything in it is gone when it
        closes, so a receiver must never answer 200 from one."""
        return self._db.in_memory

    @property
    def read_only(self) -> bool:
        """Whether the store was opened with ``read_only=True``."""
        return self._db.read_only

    def close(self) -> None:
        """Release the store's database connections."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ShipmentStore {self._db.engine.url.render_as_string(hide_password=True)!r}>"

    # -- receiving pushes ---------------------------------------------------------------------

    def receive(
        self, raw_body: bytes | bytearray | str, sign: str | None, api_key: str | Sequence[str]
    ) -> Receipt:
        """Verify one push, record it in the inbox and apply it, in one transaction.

        Args:
            raw_body: the request body exactly as received.
            sign: the request's ``sign`` header.
            api_key: your 17TRACK key, which the signature is checked against, or a sequence of
                keys while a rotation takes effect (the current first): any of them verifies.

        Returns:
            A ``Receipt``: APPLIED, DUPLICATE (this push was received before), STALE (not newer
            than the store's state: kept in the inbox, the shipment unchanged), STOPPED (tracking
            stopped: the shipment is marked so, its status kept) or IGNORED (an event type the
            store does not act on, kept in the inbox).

        Raises:
            SignatureError: the signature is missing or wrong; nothing is stored.
            WebhookParseError: the body is not a push; nothing is stored.
            InvalidInputError: no ``api_key``, or an empty sequence (a configuration error).
            TypeError: ``api_key`` is neither a string nor a sequence of strings.
            StoreUnavailableError: the database is unavailable; nothing is stored (answer 503,
                and 17TRACK delivers the push again).
        """
        return _receiving.receive(self, raw_body, sign, api_key)

    # -- retention ----------------------------------------------------------------------------

    def prune(self, *, batch: int = PRUNE_BATCH) -> PruneReport:
        """Apply the retention now, to everything due: drop the bodies older than
        ``keep_bodies`` and forget the pushes older than ``keep_digests``.

        Works oldest first, ``batch`` rows to a transaction, so that pushes arriving meanwhile
        wait for one short transaction at most. The store also does this by itself, a batch at a
        time, every ``PRUNE_EVERY`` pushes it receives and at the end of each ``sync``.

        Raises:
            StoreSetupError: the store is read-only.
            StoreUnavailableError: the database cannot be reached.
        """
        return _retention.prune(self, batch)

    # -- reading ------------------------------------------------------------------------------

    def get(self, number: str) -> Shipment | None:
        """The shipment of ``number``, or None when the store does not hold it. The number is read
        as the clients read one: surrounding spaces and letter case do not matter.

        Raises:
            InvalidInputError: not a tracking number the clients would send.
            StoreUnavailableError: the database cannot be reached.
        """
        return _reading.get(self, number)

    def shipments(
        self,
        status: MainStatus | str | None = None,
        tracking: bool | None = None,
        stale_for: timedelta | None = None,
        *,
        after: str | None = None,
    ) -> Iterator[Shipment]:
        """The store's shipments in number order, read lazily a page at a time.

        Args:
            after: only those after this number (the last one a page showed: each page is an
                index range however large the store).
            status: only those in this main status (a ``MainStatus``, or 17TRACK's name such as
                "Delivered").
            tracking: only those 17TRACK still tracks (True) or no longer tracks (False).
            stale_for: only those the store has heard nothing about for at least this long.

        Raises:
            InvalidInputError: a status that is not one of 17TRACK's, or ``after`` not a number.
            StoreUnavailableError: the database cannot be reached (when a page is read).
        """
        return _reading.shipments_where(self, status, tracking, stale_for, after)

    def changes(self, after: int | str = 0) -> Iterator[StatusChange]:
        """Every change of a shipment's main status recorded after the change ``after``, in order.

        Save the last ``id`` you handled and pass it next time: each change is seen once. A
        shipment's first known status is a change from ``old_status=None``; an update that changes
        only the events is not a change.

        Raises:
            InvalidInputError: ``after`` is not a change id (an integer, or its digits, from 0).
            StoreUnavailableError: the database cannot be reached (when a page is read).
        """
        return _reading.changes_after(self, after)

    def pushes(self, number: str | None = None, *, after: int = 0) -> Iterator[ReceivedPush]:
        """The pushes the store still remembers (``keep_digests``), oldest first, each with its
        body as received while it is kept (``keep_bodies``): the audit trail.

        Args:
            number: only the pushes about this number (read as ``get`` reads it).
            after: only the pushes after this ``ReceivedPush.id``.

        Raises:
            InvalidInputError: not a tracking number, or ``after`` not an integer from 0.
            StoreUnavailableError: the database cannot be reached (when a page is read).
        """
        return _reading.pushes(self, number, after)

    def inbox_count(self) -> int:
        """How many distinct pushes the store remembers (its inbox's size)."""
        return _reading.count_inbox(self)

    # -- polling ------------------------------------------------------------------------------

    def track(
        self,
        client: Track17Client,
        items: Iterable[str | tuple[str, CarrierLike | None] | Registration],
        **register_options: Any,
    ) -> BatchResult[Accepted]:
        """Register numbers through ``client`` and add the accepted ones to the store.

        Takes what ``client.register`` takes, and returns its result. A number already in the
        store is marked as tracked again.
        """
        from track17_facade.shipments._sync import run_track  # noqa: PLC0415 (as sync)

        return run_track(self, client, items, register_options)

    def sync(
        self,
        client: Track17Client,
        *,
        stale_after: timedelta = timedelta(hours=12),
        stop_after_delivered: timedelta | None = None,
        discover: bool = False,
    ) -> SyncReport:
        """Poll what pushes missed: ask gettrackinfo for every tracked shipment the store has heard
        nothing about for ``stale_after``, and apply the answers by the same rule as pushes.

        Paced, retried and batched by ``client`` like any bulk call; the shipments are read from
        the database a page at a time, so memory does not grow with the store.

        Args:
            client: a ``Track17Client`` of either API version.
            stale_after: how long without news makes a shipment worth asking about.
            stop_after_delivered: stop tracking shipments delivered for at least this long (they
                no longer change; 17TRACK keeps counting them as tracked).
            discover: first walk ``client.iter_track_list()`` and adopt the numbers registered
                outside the store (they are then polled in the same run).

        Raises:
            AuthenticationError: the key was refused.
            StoreUnavailableError: the database cannot be reached.
        """
        from track17_facade.shipments._sync import run_sync  # noqa: PLC0415 (keeps this module short)

        return run_sync(self, client, stale_after, stop_after_delivered, discover)

    # -- the same, for an AsyncTrack17Client --------------------------------------------------

    async def receive_async(
        self, raw_body: bytes | bytearray | str, sign: str | None, api_key: str | Sequence[str]
    ) -> Receipt:
        """``receive``, in a worker thread (for an async view: the event loop keeps serving while
        the database commits). The same checks, outcomes and errors as ``receive``."""
        return await asyncio.to_thread(self.receive, raw_body, sign, api_key)

    async def get_async(self, number: str) -> Shipment | None:
        """``get``, with the database read in a worker thread (for async code)."""
        return await asyncio.to_thread(self.get, number)

    async def track_async(
        self,
        client: AsyncTrack17Client,
        items: Iterable[str | tuple[str, CarrierLike | None] | Registration],
        **register_options: Any,
    ) -> BatchResult[Accepted]:
        """``track`` with an ``AsyncTrack17Client``: the registration awaited, the database
        written in a worker thread."""
        from track17_facade.shipments._sync import run_track_async  # noqa: PLC0415 (as sync)

        return await run_track_async(self, client, items, register_options)

    async def sync_async(
        self,
        client: AsyncTrack17Client,
        *,
        stale_after: timedelta = timedelta(hours=12),
        stop_after_delivered: timedelta | None = None,
        discover: bool = False,
    ) -> SyncReport:
        """``sync`` with an ``AsyncTrack17Client``: the same steps, the requests awaited and the
        database written in a worker thread. The arguments are ``sync``'s."""
        from track17_facade.shipments._sync import run_sync_async  # noqa: PLC0415 (as sync)

        return await run_sync_async(self, client, stale_after, stop_after_delivered, discover)
