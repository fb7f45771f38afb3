"""``ShipmentStore``: shipments kept current from pushes and polls, on SQLite or PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from track17_facade.carriers import Carrier, CarrierLike
from track17_facade.errors import WebhookParseError
from track17_facade.models import Accepted, BatchResult, Registration, TrackInfo
from track17_facade.shipments._database import Database
from track17_facade.shipments._model import (
    Freshness,
    Outcome,
    Receipt,
    Shipment,
    Source,
    StatusChange,
    SyncReport,
    freshness,
    is_newer,
)
from track17_facade.shipments._rows import (
    carrier_key,
    change_from_row,
    pages,
    shipment_from_row,
    status_name,
    storable,
    utc_now,
)
from track17_facade.shipments._schema import Statements, changes, inbox, shipments
from track17_facade.status import MainStatus
from track17_facade.webhooks import WebhookEvent, WebhookEventType, parse_webhook, signed_bytes

if TYPE_CHECKING:
    from track17_facade._client import Track17Client

__all__ = ["ShipmentStore"]


class ShipmentStore:
    """A store of shipments kept current from 17TRACK's pushes and from polls.

    ``ShipmentStore("sqlite:///shipments.db")`` needs no server; ``ShipmentStore(
    "postgresql+psycopg://user@host/db")`` serves many receivers on many hosts at once. Opening a
    store creates its tables, or upgrades them in place when they come from an older release.

    Every update, pushed or polled, goes through one rule (see ``freshness``): a later
    latest-event time wins; at an equal time, more events wins; anything else is stale and
    leaves the shipment as it is. So a late "InTransit" push never turns a delivered shipment back.
    """

    def __init__(self, url: str | sa.URL | Engine, *, upgrade: bool = True) -> None:
        """Open (and create or upgrade) a store.

        Args:
            url: a database URL (``sqlite:///path.db``, ``postgresql+psycopg://...``) or an
                SQLAlchemy ``Engine``.
            upgrade: upgrade an older schema in place (default); False raises instead.

        Raises:
            InvalidInputError: not a SQLite or PostgreSQL URL, or its driver is not installed.
            StoreSchemaError: the schema is newer than this release, or older and ``upgrade`` is
                False.
            StoreUnavailableError: the database cannot be reached.
        """
        self._db = Database(url)
        self._sql = Statements(self._db.insert_ignoring, locking=self._db.dialect == "postgresql")
        try:
            self._db.upgrade(allowed=upgrade)
        except BaseException:
            self._db.close()
            raise

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

    def receive(self, raw_body: bytes | bytearray | str, sign: str | None, api_key: str) -> Receipt:
        """Verify one push, record it in the inbox and apply it, in one transaction.

        Args:
            raw_body: the request body exactly as received.
            sign: the request's ``sign`` header.
            api_key: your 17TRACK key, which the signature is checked against.

        Returns:
            A ``Receipt``: APPLIED, DUPLICATE (this push was received before), STALE (not newer
            than the store's state: kept in the inbox, the shipment unchanged), STOPPED (tracking
            stopped: the shipment is marked so, its status kept) or IGNORED (an event type the
            store does not act on, kept in the inbox).

        Raises:
            SignatureError: the signature is missing or wrong; nothing is stored.
            WebhookParseError: the body is not a push; nothing is stored.
            InvalidInputError: no ``api_key`` (a configuration error).
            StoreUnavailableError: the database is unavailable; nothing is stored (answer 503,
                and 17TRACK delivers the push again).
        """
        event = parse_webhook(raw_body, sign=sign, api_key=api_key)
        canonical = json.dumps(event.raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        try:
            digest = hashlib.sha256(canonical.encode()).hexdigest()
        except UnicodeEncodeError:  # JSON may escape a lone UTF-16 surrogate; no text holds one
            raise WebhookParseError(
                "the push holds a lone surrogate escape (such as \\ud800), which is not text"
            ) from None
        body = signed_bytes(raw_body)  # verified above, so this cannot fail
        outcome = self._db.write(lambda connection: self._receive(connection, event, digest, body))
        return Receipt(outcome, event.number)

    def _receive(self, connection: Connection, event: WebhookEvent, digest: str, body: bytes) -> Outcome:
        now = utc_now()
        recorded = connection.execute(
            self._sql.record,
            {
                "digest": digest,
                "number": event.number,
                "event": str(event.type)[:64],
                "outcome": "",
                "received_at": now,
                "body": body,
            },
        ).first()
        if recorded is None:
            connection.execute(self._sql.delivered_again, {"b_digest": digest})
            return Outcome.DUPLICATE
        outcome = self._apply_event(connection, event, now)
        connection.execute(self._sql.outcome, {"b_id": recorded.id, "outcome": str(outcome)})
        return outcome

    def _apply_event(self, connection: Connection, event: WebhookEvent, now: datetime) -> Outcome:
        data = event.raw.get("data")
        v2_shape = isinstance(data, Mapping) and ("track_info" in data or "param" in data)
        api_version = "v2.4" if v2_shape else "v1"
        if event.type is WebhookEventType.TRACKING_STOPPED:
            self._stop(connection, event.number, event.carrier, api_version, Source.PUSH, now)
            return Outcome.STOPPED
        if event.track is None:
            return Outcome.IGNORED
        applied, _ = self._apply(connection, event.track, api_version, Source.PUSH, now, event.tag)
        return Outcome.APPLIED if applied else Outcome.STALE

    def _stop(
        self,
        connection: Connection,
        number: str,
        carrier: Carrier | None,
        api_version: str,
        source: Source,
        now: datetime,
    ) -> None:
        row = self._locked(connection, number)
        if row is None:
            created = self._create(connection, number, carrier, api_version, source, now, tracking=False)
            if created:
                return
        stopped = {"tracking": False, "source": str(source), "updated_at": now, "checked_at": now}
        connection.execute(self._sql.update, {"b_number": number, **stopped})

    def _apply(
        self,
        connection: Connection,
        track: TrackInfo,
        api_version: str,
        source: Source,
        now: datetime,
        tag: str | None = None,
    ) -> tuple[bool, bool]:
        """Apply ``track`` if it is newer than the store's: (applied, changed the main status)."""
        number = track.number
        row = self._locked(connection, number)
        if row is None:
            # Added here, or by a transaction that committed while this one waited on the key.
            self._create(connection, number, track.carrier, api_version, source, now)
            row = self._locked(connection, number)
        assert row is not None
        held: Freshness | None = None
        if row.track_info is not None:
            held = (row.latest_at or "", row.event_count)
        candidate = freshness(track)
        if not is_newer(candidate, held):
            connection.execute(self._sql.update, {"b_number": number, "checked_at": now})
            return False, False
        status = storable(track.status.name_17track)
        values: dict[str, Any] = {
            "carrier": carrier_key(track.carrier) or row.carrier,
            "api_version": api_version,
            "status": status,
            "sub_status": storable(track.sub_status.name_17track),
            "latest_at": candidate[0],
            "event_count": candidate[1],
            "tag": storable(track.tag or tag) or row.tag,
            "track_info": json.dumps(dict(track.raw), separators=(",", ":")),  # ASCII: any text fits
            "source": str(source),
            "updated_at": now,
            "checked_at": now,
        }
        if source is Source.PUSH:
            values["tracking"] = True  # 17TRACK pushes updates only for numbers it tracks
        if status != row.status:
            values["status_since"] = now
            self._db.lock_changes(connection)
            event = None if track.latest_event is None else json.dumps(track.latest_event.to_dict())
            change = {
                "number": number,
                "old_status": row.status,
                "new_status": status,
                "event": event,
                "at": now,
            }
            connection.execute(self._sql.change, change)
        connection.execute(self._sql.update, {"b_number": number, **values})
        return True, status != row.status

    def _locked(self, connection: Connection, number: str) -> Row[Any] | None:
        """The shipment's row, locked until the transaction ends (PostgreSQL; SQLite's write
        transaction already excludes every other writer)."""
        return connection.execute(self._sql.locked, {"b_number": number}).first()

    def _create(
        self,
        connection: Connection,
        number: str,
        carrier: Carrier | None,
        api_version: str,
        source: Source,
        now: datetime,
        *,
        tracking: bool = True,
        tag: str | None = None,
        checked: bool = True,
    ) -> bool:
        """Add a shipment with no track yet; False when another transaction added it first."""
        shipment = {
            "number": number,
            "carrier": carrier_key(carrier),
            "api_version": api_version,
            "tracking": tracking,
            "tag": tag,
            "source": str(source),
            "created_at": now,
            "updated_at": now,
            "checked_at": now if checked else None,
        }
        created = connection.execute(self._sql.create, shipment).first()
        return created is not None

    # -- reading ------------------------------------------------------------------------------

    def get(self, number: str) -> Shipment | None:
        """The shipment of ``number``, or None when the store does not hold it.

        Raises:
            StoreUnavailableError: the database cannot be reached.
        """
        with self._db.reading() as connection:
            row = connection.execute(sa.select(shipments).where(shipments.c.number == number)).first()
        return None if row is None else shipment_from_row(row)

    def shipments(
        self,
        status: MainStatus | str | None = None,
        tracking: bool | None = None,
        stale_for: timedelta | None = None,
    ) -> Iterator[Shipment]:
        """The store's shipments in number order, read lazily a page at a time.

        Args:
            status: only those in this main status (a ``MainStatus``, or 17TRACK's name such as
                "Delivered").
            tracking: only those 17TRACK still tracks (True) or no longer tracks (False).
            stale_for: only those the store has heard nothing about for at least this long.

        Raises:
            InvalidInputError: a status that is not one of 17TRACK's.
            StoreUnavailableError: the database cannot be reached (when a page is read).
        """
        conditions = []
        if status is not None:
            conditions.append(shipments.c.status == status_name(status))
        if tracking is not None:
            conditions.append(shipments.c.tracking == tracking)
        if stale_for is not None:
            cutoff = utc_now() - stale_for
            conditions.append(sa.or_(shipments.c.checked_at.is_(None), shipments.c.checked_at <= cutoff))
        query = sa.select(shipments).where(*conditions)
        return (shipment_from_row(row) for row in pages(self._db, query, shipments.c.number))

    def changes(self, after: int = 0) -> Iterator[StatusChange]:
        """Every change of a shipment's main status recorded after the change ``after``, in order.

        Save the last ``id`` you handled and pass it next time: each change is seen once. A
        shipment's first known status is a change from ``old_status=None``; an update that changes
        only the events is not a change.

        Raises:
            StoreUnavailableError: the database cannot be reached (when a page is read).
        """
        query = sa.select(changes).where(changes.c.id > after)
        return (change_from_row(row) for row in pages(self._db, query, changes.c.id))

    def inbox_count(self) -> int:
        """How many distinct pushes the store has received (its inbox's size)."""
        with self._db.reading() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(inbox)).scalar_one())

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

    # -- for run_sync -------------------------------------------------------------------------

    def _apply_polled(self, track: TrackInfo, api_version: str) -> tuple[bool, bool]:
        return self._db.write(
            lambda connection: self._apply(connection, track, api_version, Source.POLL, utc_now())
        )
