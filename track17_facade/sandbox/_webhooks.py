"""Webhook bodies as 17TRACK pushes them, in the contract's shape (v1) or the current v2 shape."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from track17_facade.carriers import Carrier
from track17_facade.sandbox._engine import Registration
from track17_facade.sandbox._simulation import PlannedEvent
from track17_facade.status import SubStatus

WebhookFormat = Literal["v1", "v2"]
WEBHOOK_FORMATS: tuple[WebhookFormat, ...] = ("v1", "v2")
"""The push shapes the sandbox can send: the v1 contract's, and 17TRACK's current v2 shape."""


def sign(body: bytes, api_key: str) -> str:
    """17TRACK's push signature: lowercase hex SHA-256 of the body, "/", and the API key."""
    return hashlib.sha256(body + b"/" + api_key.encode()).hexdigest()


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
) -> bytes:
    """The raw body of one push."""
    data: dict[str, Any] = {"number": reg.number, "carrier": reg.carrier, "tag": reg.tag}
    if fmt == "v2":
        data["param"] = reg.param
    if event == "TRACKING_UPDATED":
        if fmt == "v1":
            data["track"] = reg.track(now)
        else:
            data["track_info"] = v2_track_info(reg, now)
    return json.dumps({"event": event, "data": data}, separators=(",", ":")).encode()
