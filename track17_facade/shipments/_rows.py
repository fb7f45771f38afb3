"""Rows to models and back: shipments and status changes as the store hands them out, statuses
as it stores them, and reading a query a page at a time."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row

from track17_facade._decoders_v1 import v1_track
from track17_facade._decoders_v2 import track_info_from_v2
from track17_facade.carriers import Carrier
from track17_facade.models import Address, TrackEvent, TrackInfo
from track17_facade.shipments._database import Database
from track17_facade.shipments._model import Shipment, Source, StatusChange
from track17_facade.status import MainStatus, SubStatus

__all__ = [
    "PAGE",
    "carrier_key",
    "change_from_row",
    "event_from_json",
    "pages",
    "shipment_from_row",
    "status_name",
    "storable",
    "utc_now",
]

PAGE = 500
"""Rows read per query when iterating, so that memory does not grow with the store."""


def storable(text: str | None) -> str | None:
    """``text`` as a database column takes it: a lone UTF-16 surrogate (which JSON can escape, and
    a polled answer may hold) becomes "?" instead of failing the write."""
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8")


def carrier_key(carrier: Carrier | None) -> int | None:
    """The carrier's key as stored: None for none, and for a value no carrier key can be (17TRACK's
    keys are small positive integers; the column is 32-bit on every database)."""
    if carrier is None or not 0 < int(carrier) < 2**31:
        return None
    return int(carrier)


def pages(
    db: Database, query: sa.Select[Any], *keys: sa.ColumnElement[Any], after: tuple[Any, ...] | None = None
) -> Iterator[Row[Any]]:
    """The rows of ``query`` in ``keys`` order (unique together), after the row whose keys are
    ``after``, read ``PAGE`` at a time, each page in its own short read transaction (keyset
    paging: rows written meanwhile never shift a page, and each page is an index range)."""
    last = after
    while True:
        with db.reading() as connection:
            rows = connection.execute(page_query(query, keys, last)).all()
        yield from rows
        if len(rows) < PAGE:
            return
        last = tuple(rows[-1]._mapping[key] for key in keys)


def page_query(
    query: sa.Select[Any], keys: tuple[sa.ColumnElement[Any], ...], last: tuple[Any, ...] | None
) -> sa.Select[Any]:
    """One page of ``pages``: the ``PAGE`` rows after ``last`` in ``keys`` order."""
    page = query.order_by(*keys).limit(PAGE)
    if last is None:
        return page
    bound = [sa.literal(value, type_=key.type) for key, value in zip(keys, last, strict=True)]
    return page.where(keys[0] > bound[0] if len(keys) == 1 else sa.tuple_(*keys) > sa.tuple_(*bound))


def utc_now() -> datetime:
    """The store's clock: aware, UTC."""
    return datetime.now(UTC)


def pack(value: object) -> bytes:
    """JSON, zlib-compressed: a track object as stored (about a third of its text)."""
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode())  # ASCII: any text fits


def unpack(data: bytes) -> Any:
    """What ``pack`` stored."""
    return json.loads(zlib.decompress(data))


def status_name(status: MainStatus | str) -> str:
    """17TRACK's name of a status given as ``MainStatus.parse`` reads it."""
    return MainStatus.parse(status).name_17track


def shipment_from_row(row: Row[Any]) -> Shipment:
    """A Shipment from its row, its track decoded from the track object as received."""
    carrier = None if row.carrier is None else Carrier(row.carrier)
    raw = None if row.track is None else unpack(row.track)
    track: TrackInfo | None = None
    if raw is not None:
        if row.api_version == "v1":
            track = v1_track(row.number, carrier, raw, "track_info")
        else:
            track = track_info_from_v2(row.number, carrier, row.tag, raw, "track_info")
    return Shipment(
        number=row.number,
        carrier=carrier,
        api_version=row.api_version,
        status=None if row.status is None else MainStatus.from_name(row.status),
        sub_status=None if row.sub_status is None else SubStatus.from_name(row.sub_status),
        latest_event=None if track is None else track.latest_event,
        events=() if track is None else track.events,
        tag=row.tag,
        tracking=bool(row.tracking),
        updated_at=row.updated_at,
        checked_at=row.checked_at,
        source=Source(row.source),
        status_since=row.status_since,
        track_info=raw,
    )


def event_from_json(data: Mapping[str, Any]) -> TrackEvent:
    """A TrackEvent from its ``to_dict()``."""
    address = data.get("address")
    when = data.get("time")
    return TrackEvent(
        status=_member(MainStatus, data.get("status")),
        sub_status=_member(SubStatus, data.get("sub_status")),
        location=data.get("location"),
        description=data.get("description"),
        time_raw=data.get("time_raw"),
        time=None if not when else datetime.fromisoformat(when),
        stage=data.get("stage"),
        address=Address(**address) if isinstance(address, Mapping) else None,
        description_translation=data.get("description_translation"),
    )


def _member(enum: type[MainStatus] | type[SubStatus], name: object) -> Any:
    """An enum member from its ``to_dict()`` name (``UNKNOWN:<raw>`` for an unknown one)."""
    text = str(name)
    if text in enum.__members__:
        return enum[text]
    raw = text.partition(":")[2]
    return enum.unknown(int(raw) if raw.lstrip("-").isdigit() else -1, raw)


def change_from_row(row: Row[Any]) -> StatusChange:
    """A StatusChange from its row."""
    return StatusChange(
        id=row.id,
        number=row.number,
        old_status=None if row.old_status is None else MainStatus.from_name(row.old_status),
        new_status=MainStatus.from_name(row.new_status),
        event=None if row.event is None else event_from_json(json.loads(row.event)),
        at=row.at,
    )
