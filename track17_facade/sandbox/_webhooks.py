"""Track objects and webhook bodies as 17TRACK sends them: v1 in the contract's shape or in
17TRACK's own (``e``, ``w1``, ``z0``/``z1``/``z2``, events ``{a, c, d, z}``, a body-borne ``sign``;
see ``track17_facade._decoders_v1``), and the current v2 shape."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal

from track17_facade.carriers import Carrier, default_directory
from track17_facade.sandbox._engine import Registration
from track17_facade.sandbox._simulation import PlannedEvent
from track17_facade.status import MainStatus, SubStatus

WebhookFormat = Literal["v1", "v2"]
"""A push shape: "v1" (in the shape `V1Shape` chooses) or "v2" (17TRACK's current shape)."""
WEBHOOK_FORMATS: tuple[WebhookFormat, ...] = ("v1", "v2")
"""The push shapes the sandbox can send: v1 (in the shape ``V1Shape`` chooses), and 17TRACK's
current v2 shape."""
V1Shape = Literal["contract", "17track"]
"""How v1 answers and pushes name their fields: as the contract does, or as 17TRACK's service does."""
V1_SHAPES: tuple[V1Shape, ...] = ("contract", "17track")
"""How v1 answers and pushes are written: as the contract (``openapi.yaml``) names the fields, or
as 17TRACK's service sends them."""


def sign(body: bytes, api_key: str) -> str:
    """17TRACK's push signature: lowercase hex SHA-256 of the body, "/", and the API key."""
    return hashlib.sha256(body + b"/" + api_key.encode()).hexdigest()


# -- v1 in 17TRACK's shape -----------------------------------------------------------------------

_PACKAGE_STATUS: dict[MainStatus, int] = {
    MainStatus.NOT_FOUND: 0,
    MainStatus.INFO_RECEIVED: 10,
    MainStatus.IN_TRANSIT: 10,
    MainStatus.EXPIRED: 20,
    MainStatus.AVAILABLE_FOR_PICKUP: 30,
    MainStatus.OUT_FOR_DELIVERY: 30,
    MainStatus.DELIVERY_FAILURE: 35,
    MainStatus.DELIVERED: 40,
    MainStatus.EXCEPTION: 50,
}
"""17TRACK's v1 package status (``e``) of each main status: v1 has seven, so InfoReceived reads
as InTransit and OutForDelivery as PickUp ("out for delivery or arrived at the local facility")."""
_NEVER = "2079-01-01 00:00:00"
"""What 17TRACK writes for "never" in ``ylt1``/``ylt2``."""
_LAST_MILE = frozenset(
    {
        MainStatus.AVAILABLE_FOR_PICKUP,
        MainStatus.OUT_FOR_DELIVERY,
        MainStatus.DELIVERY_FAILURE,
        MainStatus.DELIVERED,
    }
)


def package_status(status: MainStatus) -> int:
    """17TRACK's v1 package status number (``e``) of a main status (an unknown one's own number,
    as 17TRACK sends numbers it never documented)."""
    known = _PACKAGE_STATUS.get(status)
    if known is not None:
        return known
    return status.raw if isinstance(status.raw, int) else int(status)


def _country_number(iso: str | None) -> int:
    """17TRACK's number of a country (the carrier list pairs them), 0 when unknown."""
    return _country_numbers().get(iso or "", 0)


@cache
def _country_numbers() -> dict[str, int]:
    numbers: dict[str, int] = {}
    for info in default_directory().values():
        if info.country_iso and info.country_code:
            numbers.setdefault(info.country_iso, info.country_code)
    return numbers


def _v1_event(event: PlannedEvent) -> dict[str, Any]:
    place, _, country = event.location.rpartition(", ")
    return {
        "a": event.at.strftime("%Y-%m-%d %H:%M"),
        "b": None,
        "c": place,
        "d": country,
        "z": event.description,
    }


def v1_17track_track(reg: Registration, now: datetime) -> dict[str, Any]:
    """A registration's v1 track object as 17TRACK's service writes it. Numbers whose ``shape``
    is even hand their last mile to a destination carrier (``w2``, events in ``z2``), as
    international mail does, so that both lists are met."""
    events = reg.visible_events(now)
    handover = reg.shape % 2 == 0 and any(e.sub_status.main_status in _LAST_MILE for e in events)
    origin = [e for e in events if not (handover and e.sub_status.main_status in _LAST_MILE)]
    destination = [e for e in events if handover and e.sub_status.main_status in _LAST_MILE]
    latest = events[-1] if events else None
    status = latest.sub_status.main_status if latest else MainStatus.NOT_FOUND
    last_update = latest.at.strftime("%Y-%m-%d %H:%M:%S") if latest else _NEVER
    countries = (
        [_country_number(e.location.rpartition(", ")[2]) for e in (events[0], events[-1])]
        if events
        else [0, 0]
    )
    return {
        "b": countries[0],
        "c": countries[1] if countries[1] != countries[0] else 0,
        "e": package_status(status),
        "f": -1,
        "w1": reg.carrier,
        "w2": reg.carrier if destination else 0,
        "is1": 1,
        "is2": 1 if destination else 0,
        "hs": reg.shape & 0x7FFFFFFF,
        "z0": _v1_event(latest) if latest else {},
        "ln1": "en",
        "ln2": "en" if destination else None,
        "ygt1": 0,
        "ygt2": 0,
        "ylt1": last_update if origin else _NEVER,
        "ylt2": last_update if destination else _NEVER,
        # 17TRACK lists each carrier's events newest first.
        "z1": [_v1_event(e) for e in reversed(origin)],
        "z2": [_v1_event(e) for e in reversed(destination)],
        "yt": "",
        "zex": {"trN": "", "trC": 0, "psex": 0},
    }


def v1_track(reg: Registration, now: datetime, shape: V1Shape) -> dict[str, Any]:
    """A registration's v1 track object in the shape asked for."""
    return v1_17track_track(reg, now) if shape == "17track" else reg.track(now)


# 17TRACK's milestone stages, for the sub-statuses the simulation uses.
_STAGES: dict[SubStatus, str] = {
    SubStatus.INFO_RECEIVED: "InfoReceived",
    SubStatus.IN_TRANSIT_PICKED_UP: "PickedUp",
    SubStatus.IN_TRANSIT_DEPARTURE: "Departure",
    SubStatus.IN_TRANSIT_ARRIVAL: "Arrival",
    SubStatus.AVAILABLE_FOR_PICKUP_OTHER: "AvailableForPickup",
    SubStatus.OUT_FOR_DELIVERY_OTHER: "OutForDelivery",
    SubStatus.DELIVERED_OTHER: "Delivered",
    SubStatus.EXCEPTION_RETURNING: "Returning",
}
_MILESTONES = ("InfoReceived", "PickedUp", "Departure", "Arrival", "OutForDelivery", "Delivered")
_DELIVERY_ESTIMATE = (timedelta(days=5), timedelta(days=8))


def _times(at: datetime) -> dict[str, Any]:
    aware = at.replace(tzinfo=UTC)
    return {
        "time_iso": aware.isoformat(),
        "time_utc": aware.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "time_raw": {
            "date": aware.strftime("%Y-%m-%d"),
            "time": aware.strftime("%H:%M"),
            "timezone": "+00:00",
        },
    }


_COORDINATES: dict[str, tuple[float, float]] = {
    "Shenzhen": (114.0579, 22.5431),
    "Guangzhou": (113.2644, 23.1291),
    "Shanghai": (121.4737, 31.2304),
    "Beijing": (116.4074, 39.9042),
    "London": (-0.1276, 51.5072),
    "Memphis": (-90.049, 35.1495),
    "Leipzig": (12.3731, 51.3397),
    "Frankfurt": (8.6821, 50.1109),
    "Paris": (2.3522, 48.8566),
}


def _address(location: str, as_text: bool) -> dict[str, Any]:
    city, _, country = location.rpartition(", ")
    name = city.split(",")[0] or None
    point = _COORDINATES.get(name or "")
    longitude: float | str | None = None if point is None else point[0]
    latitude: float | str | None = None if point is None else point[1]
    if as_text and point is not None:
        longitude, latitude = str(longitude), str(latitude)
    return {
        "country": country or None,
        "state": None,
        "city": name,
        "street": None,
        "postal_code": None,
        "coordinates": {"longitude": longitude, "latitude": latitude},
    }


def _v2_event(event: PlannedEvent, shape: int = 1) -> dict[str, Any]:
    return {
        **_times(event.at),
        "description": event.description,
        "location": event.location,
        "stage": _STAGES.get(event.sub_status),
        "sub_status": event.sub_status.name_17track,
        "address": _address(event.location, as_text=shape % 3 == 0),
    }


def v2_track_info(reg: Registration, now: datetime) -> dict[str, Any]:
    """The v2 ``track_info`` of a registration: in pushes and in v2.4's gettrackinfo alike."""
    events = reg.visible_events(now)
    latest = events[-1] if events else None
    sub = latest.sub_status if latest else SubStatus.NOT_FOUND_OTHER
    carrier = Carrier(reg.carrier)
    reached = {_STAGES.get(event.sub_status): event.at for event in reversed(events)}
    delivered = any(event.sub_status.main_status.name_17track == "Delivered" for event in events)
    origin = _address(events[0].location, as_text=False)["country"] if events else None
    shape = reg.shape
    nothing: list[Any] | None = None if shape % 5 == 0 else []
    tips = (
        [{"tip": "Customs may hold parcels for up to 3 days.", "time": None}] if shape % 4 == 0 else nothing
    )
    return {
        "shipping_info": {
            "shipper_address": {"country": origin},
            "recipient_address": {"country": None},
        },
        "latest_status": {
            "status": sub.main_status.name_17track,
            "sub_status": sub.name_17track,
            "sub_status_descr": None,
        },
        "latest_event": _v2_event(latest, shape) if latest else None,
        "time_metrics": {
            "days_after_order": (now - reg.registered_at).days,
            "days_of_transit": (now - events[0].at).days if events else 0,
            "estimated_delivery_date": None
            if delivered or not events
            else {
                "source": "17TRACK",
                "from": (reg.registered_at + _DELIVERY_ESTIMATE[0]).replace(tzinfo=UTC).isoformat(),
                "to": (reg.registered_at + _DELIVERY_ESTIMATE[1]).replace(tzinfo=UTC).isoformat(),
            },
        },
        "milestone": [
            {"key_stage": stage, **(_times(reached[stage]) if stage in reached else _NO_TIME)}
            for stage in _MILESTONES
        ],
        "misc_info": {"risk_factor": 0, "service_type": None},
        "tracking": {
            "providers_hash": 0,
            "providers": [
                {
                    "provider": {
                        "key": reg.carrier,
                        "name": carrier.name if carrier.is_known else None,
                    },
                    # 17TRACK's v2 lists a provider's events newest first.
                    "events": [_v2_event(event, shape) for event in reversed(events)] or nothing,
                    "provider_tips": tips,
                }
            ],
        },
    }


_NO_TIME: dict[str, Any] = {"time_iso": None, "time_utc": None, "time_raw": None}


def build_push(
    event: Literal["TRACKING_UPDATED", "TRACKING_STOPPED"],
    reg: Registration,
    now: datetime,
    fmt: WebhookFormat,
    *,
    v1_shape: V1Shape = "contract",
    api_key: str = "",
) -> bytes:
    """The raw body of one push. A v1 push in 17TRACK's shape carries its signature in the body
    (made with ``api_key``); the others are signed in a header when delivered."""
    if fmt == "v1" and v1_shape == "17track":
        return _v1_17track_push(event, reg, now, api_key)
    data: dict[str, Any] = {"number": reg.number, "carrier": reg.carrier, "tag": reg.tag}
    if fmt == "v2":
        data["param"] = reg.param
    if event == "TRACKING_UPDATED":
        if fmt == "v1":
            data["track"] = reg.track(now)
        else:
            data["track_info"] = v2_track_info(reg, now)
    return json.dumps({"event": event, "data": data}, separators=(",", ":")).encode()


def _v1_17track_push(event: str, reg: Registration, now: datetime, api_key: str) -> bytes:
    """A v1 push as 17TRACK's service sends it: ``data`` holds the number and the track (no
    carrier: it is the track's ``w1``), or for TRACKING_STOPPED the number, carrier and tag; the
    body's ``sign`` is SHA-256 of the event, "/", ``data``'s JSON, "/", and the key."""
    if event == "TRACKING_UPDATED":
        data: dict[str, Any] = {"number": reg.number, "track": v1_17track_track(reg, now)}
    else:
        data = {"number": reg.number, "carrier": reg.carrier, "tag": reg.tag or ""}
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    signature = hashlib.sha256(f"{event}/{text}/{api_key}".encode()).hexdigest()
    return f'{{"event":{json.dumps(event)},"sign":"{signature}","data":{text}}}'.encode()
