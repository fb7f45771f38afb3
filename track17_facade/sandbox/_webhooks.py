"""Webhook bodies as 17TRACK pushes them, in the contract's shape (v1) or the current v2 shape."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Literal

from track17_facade.carriers import Carrier
from track17_facade.sandbox._engine import Registration
from track17_facade.sandbox._simulation import PlannedEvent
from track17_facade.status import SubStatus

WebhookFormat = Literal["v1", "v2"]


def sign(body: bytes, api_key: str) -> str:
    """17TRACK's push signature: lowercase hex SHA-256 of the body, "/", and the API key."""
    return hashlib.sha256(body + b"/" + api_key.encode()).hexdigest()


def _v2_event(event: PlannedEvent) -> dict[str, Any]:
    at = event.at.replace(tzinfo=UTC)
    return {
        "time_iso": at.isoformat(),
        "time_utc": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "time_raw": {
            "date": at.strftime("%Y-%m-%d"),
            "time": at.strftime("%H:%M"),
            "timezone": "+00:00",
        },
        "description": event.description,
        "location": event.location,
        "stage": event.sub_status.main_status.name_17track,
        "sub_status": event.sub_status.name_17track,
        "address": {
            "country": None,
            "state": None,
            "city": None,
            "street": None,
            "postal_code": None,
        },
    }


def _v2_track_info(reg: Registration, now: datetime) -> dict[str, Any]:
    events = reg.visible_events(now)
    latest = events[-1] if events else None
    sub = latest.sub_status if latest else SubStatus.NOT_FOUND_OTHER
    carrier = Carrier(reg.carrier)
    return {
        "latest_status": {
            "status": sub.main_status.name_17track,
            "sub_status": sub.name_17track,
            "sub_status_descr": None,
        },
        "latest_event": _v2_event(latest) if latest else None,
        "time_metrics": {"days_after_order": 0, "days_of_transit": 0},
        "milestone": [],
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
                    "events": [_v2_event(event) for event in reversed(events)],
                }
            ],
        },
    }


def build_push(
    event: Literal["TRACKING_UPDATED", "TRACKING_STOPPED"],
    reg: Registration,
    now: datetime,
    fmt: WebhookFormat,
) -> bytes:
    """The raw body of one push."""
    data: dict[str, Any] = {"number": reg.number, "carrier": reg.carrier, "tag": reg.tag}
    if fmt == "v2":
        data["param"] = None
    if event == "TRACKING_UPDATED":
        if fmt == "v1":
            data["track"] = reg.track(now)
        else:
            data["track_info"] = _v2_track_info(reg, now)
    return json.dumps({"event": event, "data": data}, separators=(",", ":")).encode()
