"""``ShipmentStore.receive``: a push verified, recorded in the inbox and applied, in one
transaction; and the newer-wins rule's writes that polls share (``apply``, ``create``, ``stop``)."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Row

from track17_facade import _telemetry
from track17_facade.carriers import Carrier
from track17_facade.errors import InvalidInputError, WebhookParseError
from track17_facade.models import TrackInfo
from track17_facade.numbers import canonical_number
from track17_facade.shipments._model import (
    PRUNE_EVERY,
    Freshness,
    Outcome,
    Receipt,
    Source,
    StatusChange,
    freshness,
    is_newer,
)
from track17_facade.shipments._retention import prune_after_receiving
from track17_facade.shipments._rows import carrier_key, change_from_row, pack, storable
from track17_facade.webhooks import WebhookEvent, WebhookEventType, parse_webhook, signed_bytes

if TYPE_CHECKING:
    from track17_facade.shipments._store import ShipmentStore

__all__ = ["apply", "create", "receive"]


def receive(
    store: ShipmentStore, raw_body: bytes | bytearray | str, sign: str | None, api_key: str | Sequence[str]
) -> Receipt:
    """The work of ``ShipmentStore.receive`` (see there), written once for every caller."""
    if api_key is None or api_key == "":  # parse_webhook's message names its verify=, receive has none
        raise InvalidInputError(
            "ShipmentStore.receive needs the API key to verify the push's signature: pass "
            "receive(raw_body, sign, api_key) with your 17TRACK key (the store keeps verified "
            "pushes only)"
        )
    event = parse_webhook(raw_body, sign=sign, api_key=api_key)
    canonical = json.dumps(event.raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        digest = hashlib.sha256(canonical.encode()).digest()
    except UnicodeEncodeError:  # JSON may escape a lone UTF-16 surrogate; no text holds one
        raise WebhookParseError(
            "the push holds a lone surrogate escape (such as \\ud800), which is not text"
        ) from None
    body = signed_bytes(raw_body)  # verified above, so this cannot fail
    outcome = store._write(lambda connection, made: _record(store, connection, event, digest, body, made))
    _telemetry.store_heard("push", event.track if outcome is Outcome.APPLIED else None, store.now())
    if next(store._receipts) % PRUNE_EVERY == 0:
        prune_after_receiving(store)
    return Receipt(outcome, event.number)


def _record(
    store: ShipmentStore,
    connection: Connection,
    event: WebhookEvent,
    digest: bytes,
    body: bytes,
    made: list[StatusChange],
) -> Outcome:
    """The push into the inbox (DUPLICATE when it is there already), then applied."""
    now = store.now()
    recorded = connection.execute(
        store._sql.record,
        {
            "digest": digest,
            "number": canonical_number(event.number),
            "event": str(event.type)[:64],
            "outcome": "",
            "received_at": now,
        },
    ).first()
    if recorded is None:
        connection.execute(store._sql.delivered_again, {"b_digest": digest})
        return Outcome.DUPLICATE
    if store.retention.bodies != timedelta(0):
        connection.execute(store._sql.keep_body, {"id": recorded.id, "body": zlib.compress(body)})
    outcome = _apply_event(store, connection, event, now, made)
    connection.execute(store._sql.outcome, {"b_id": recorded.id, "outcome": str(outcome)})
    return outcome


def _apply_event(
    store: ShipmentStore, connection: Connection, event: WebhookEvent, now: datetime, made: list[StatusChange]
) -> Outcome:
    data = event.raw.get("data")
    v2_shape = isinstance(data, Mapping) and ("track_info" in data or "param" in data)
    api_version = "v2.4" if v2_shape else "v1"
    if event.type is WebhookEventType.TRACKING_STOPPED:
        _stop(store, connection, event.number, event.carrier, api_version, now)
        return Outcome.STOPPED
    if event.track is None:
        return Outcome.IGNORED
    applied, _ = apply(store, connection, event.track, api_version, Source.PUSH, now, made, event.tag)
    return Outcome.APPLIED if applied else Outcome.STALE


def _stop(
    store: ShipmentStore,
    connection: Connection,
    number: str,
    carrier: Carrier | None,
    api_version: str,
    now: datetime,
) -> None:
    """A push saying 17TRACK stopped tracking ``number``: the shipment marked so, its status kept."""
    number = canonical_number(number)
    if _locked(store, connection, number) is None and create(
        store, connection, number, carrier, api_version, Source.PUSH, now, tracking=False
    ):
        return
    stopped = {"tracking": False, "source": str(Source.PUSH), "updated_at": now, "checked_at": now}
    connection.execute(store._sql.update, {"b_number": number, **stopped})


def apply(
    store: ShipmentStore,
    connection: Connection,
    track: TrackInfo,
    api_version: str,
    source: Source,
    now: datetime,
    made: list[StatusChange],
    tag: str | None = None,
) -> tuple[bool, bool]:
    """Apply ``track`` if it is newer than the store's: (applied, changed the main status)."""
    number = canonical_number(track.number)
    row = _locked(store, connection, number)
    if row is None:
        # Added here, or by a transaction that committed while this one waited on the key.
        create(store, connection, number, track.carrier, api_version, source, now)
        row = _locked(store, connection, number)
    assert row is not None
    held: Freshness | None = None
    if row.track is not None:
        held = (row.latest_at or "", row.event_count)
    candidate = freshness(track)
    if not is_newer(candidate, held):
        connection.execute(store._sql.update, {"b_number": number, "checked_at": now})
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
        "track": pack(dict(track.raw)),
        "source": str(source),
        "updated_at": now,
        "checked_at": now,
    }
    if source is Source.PUSH:
        values["tracking"] = True  # 17TRACK pushes updates only for numbers it tracks
    if status != row.status:
        values["status_since"] = now
        store._db.lock_changes(connection)
        event = None if track.latest_event is None else json.dumps(track.latest_event.to_dict())
        change = {
            "number": number,
            "old_status": row.status,
            "new_status": status,
            "event": event,
            "at": now,
        }
        made.append(change_from_row(connection.execute(store._sql.change, change).one()))
    connection.execute(store._sql.update, {"b_number": number, **values})
    return True, status != row.status


def _locked(store: ShipmentStore, connection: Connection, number: str) -> Row[Any] | None:
    """The shipment's row, locked until the transaction ends (PostgreSQL; SQLite's write
    transaction already excludes every other writer)."""
    return connection.execute(store._sql.locked, {"b_number": number}).first()


def create(
    store: ShipmentStore,
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
        "number": canonical_number(number),
        "carrier": carrier_key(carrier),
        "api_version": api_version,
        "tracking": tracking,
        "tag": tag,
        "source": str(source),
        "created_at": now,
        "updated_at": now,
        "checked_at": now if checked else None,
    }
    return connection.execute(store._sql.create, shipment).first() is not None
