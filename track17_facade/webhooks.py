"""Verify and parse 17TRACK webhook pushes, in any web framework::

    from track17_facade.webhooks import parse_webhook

    event = parse_webhook(raw_body, sign=request_headers.get("sign"), api_key=API_KEY)
    if event.track is not None and event.track.is_delivered:
        ...

**Pass the body exactly as received** (``await request.body()`` in FastAPI/Starlette,
``request.get_data()`` in Flask, ``request.body`` in Django). The signature covers those bytes; a
body that was parsed and serialised again (``json.dumps(request.json())``) differs in spacing or
key order and will fail verification, however correct its content.

Two payload shapes are understood and give the same result type: the contract's
(``data.track = {"z0": ..., "z1": [...]}``, exactly what gettrackinfo returns) and 17TRACK's
current v2 shape (``data.track_info`` with ``latest_status``, ``latest_event`` and
``tracking.providers[].events[]``). ``TRACKING_STOPPED`` pushes carry no track.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from track17_facade._mapping import (
    ShapeError,
    assemble_track,
    carrier,
    optional_str,
    track_from_dict,
)
from track17_facade.carriers import Carrier
from track17_facade.errors import InvalidInputError, SignatureError, WebhookParseError
from track17_facade.models import TrackEvent, TrackInfo, parse_event_time
from track17_facade.status import MainStatus, SubStatus

SIGN_HEADER = "sign"


class WebhookEventType(StrEnum):
    """The push events 17TRACK documents. Others arrive as plain strings."""

    TRACKING_UPDATED = "TRACKING_UPDATED"
    TRACKING_STOPPED = "TRACKING_STOPPED"


@frozen
class WebhookEvent:
    """One push: which number, and (for updates) its tracking, as the client's TrackInfo."""

    type: WebhookEventType | str
    """A WebhookEventType, or the event name verbatim when 17TRACK sends a new one."""
    number: str
    carrier: Carrier | None
    tag: str | None
    track: TrackInfo | None
    """The tracking information; None for TRACKING_STOPPED."""
    param: str | None = None
    raw: Mapping[str, Any] = field(default={}, repr=False, eq=False)
    """The decoded JSON body, untouched."""


def compute_signature(raw_body: bytes, api_key: str) -> str:
    """17TRACK's signature of a body: lowercase hex SHA-256 of ``body + b"/" + api_key``."""
    return hashlib.sha256(bytes(raw_body) + b"/" + api_key.encode()).hexdigest()


def verify_signature(raw_body: bytes | str, sign: str | None, api_key: str) -> None:
    """Check a push's ``sign`` header against the body as received, in constant time.

    Raises:
        SignatureError: the header is missing, or does not match the body and key.
    """
    if not sign:
        raise SignatureError("the push has no 'sign' header")
    body = raw_body.encode() if isinstance(raw_body, str) else raw_body
    expected = compute_signature(body, api_key)
    if not hmac.compare_digest(expected, sign.strip().lower()):
        raise SignatureError(
            "the 'sign' header does not match the body: wrong API key, or the body was changed "
            "(re-serialised JSON never matches; pass the raw bytes)"
        )


def parse_webhook(
    raw_body: bytes | str,
    *,
    sign: str | None = None,
    api_key: str | None = None,
    verify: bool = True,
) -> WebhookEvent:
    """Verify and parse one push. Verification is on unless you turn it off explicitly.

    Args:
        raw_body: the request body exactly as received. Never re-serialise it.
        sign: the ``sign`` request header.
        api_key: your 17TRACK key, which the signature is checked against. Required unless
            ``verify`` is False, so that a key missing from your app's configuration fails closed
            instead of accepting forged pushes.
        verify: set False only to parse a body you verified some other way.

    Raises:
        InvalidInputError: ``verify`` is on but no ``api_key`` was given (a configuration error,
            deliberately not a ``WebhookError``, so that a receiver answering 400 to bad pushes
            answers 500 to this).
        SignatureError: the signature is missing or wrong.
        WebhookParseError: the body is not a valid push; the message says what and where. No other
            exception escapes, whatever the body contains.
    """
    if verify:
        if not api_key:
            raise InvalidInputError(
                "parse_webhook needs the API key to verify the push's signature: "
                "pass api_key=..., or verify=False to skip verification"
            )
        verify_signature(raw_body, sign, api_key)
    try:
        decoded = json.loads(raw_body)
    except (ValueError, RecursionError) as exc:
        raise WebhookParseError(f"the body is not JSON: {exc}") from None
    try:
        return _event(decoded)
    except ShapeError as exc:
        raise WebhookParseError(str(exc)) from None
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError, OverflowError) as exc:
        raise WebhookParseError(f"the push has an unexpected shape: {type(exc).__name__}: {exc}") from None


def _event(decoded: object) -> WebhookEvent:
    if not isinstance(decoded, dict):
        raise ShapeError("body", "a JSON object", decoded)
    name = decoded.get("event")
    if not isinstance(name, str):
        raise ShapeError("event", "a string", name)
    data = decoded.get("data")
    if not isinstance(data, dict):
        raise ShapeError("data", "an object", data)
    number = data.get("number")
    if not isinstance(number, str) or not number:
        raise ShapeError("data.number", "a non-empty string", number)
    which = carrier(data.get("carrier"), "data.carrier")
    event_type: WebhookEventType | str = (
        WebhookEventType(name) if name in WebhookEventType.__members__ else name
    )
    param = data.get("param")
    track: TrackInfo | None = None
    if data.get("track") is not None:
        track = track_from_dict(number, which, data["track"], "data.track")
    elif data.get("track_info") is not None:
        track = _v2_track(number, which, data["track_info"])
    elif event_type is WebhookEventType.TRACKING_UPDATED:
        raise ShapeError("data.track", "an object (or data.track_info)", None)
    return WebhookEvent(
        type=event_type,
        number=number,
        carrier=which,
        tag=optional_str(data.get("tag"), "data.tag"),
        track=track,
        param=param if isinstance(param, str) else None,
        raw=decoded,
    )


def _object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ShapeError(path, "an object", value)
    return value


def _v2_sub_status(name: object, path: str) -> SubStatus:
    text = optional_str(name, path)
    return SubStatus.NOT_FOUND_OTHER if text is None else SubStatus.from_name(text)


def _v2_main_status(sub: SubStatus, stated: str | None) -> MainStatus:
    if stated is not None:
        return MainStatus.from_name(stated)
    if sub.is_known:
        return sub.main_status
    return MainStatus.from_name(str(sub.raw).split("_")[0])


# Every known sub-status name with its (main, sub) pair: one look-up per event in the common case.
_V2_STATUSES: dict[str, tuple[MainStatus, SubStatus]] = {
    sub.name_17track: (sub.main_status, sub) for sub in SubStatus
}


def _v2_event(event: object, base: str, index: int | None = None) -> TrackEvent:
    """A TrackEvent from one v2 event; ``base``/``index`` locate it for error messages only."""

    def path(field: str) -> str:
        return f"{base}.{field}" if index is None else f"{base}[{index}].{field}"

    if not isinstance(event, Mapping):
        raise ShapeError(base if index is None else f"{base}[{index}]", "an object", event)
    get = event.get
    name = get("sub_status")
    statuses = _V2_STATUSES.get(name) if type(name) is str else None
    if statuses is None:
        sub = _v2_sub_status(name, path("sub_status"))
        statuses = (_v2_main_status(sub, None), sub)
    time_raw = get("time_iso")
    if type(time_raw) is not str:
        time_raw = optional_str(time_raw, path("time_iso")) or optional_str(get("time_utc"), path("time_utc"))
    location = get("location")
    if type(location) is not str:
        location = optional_str(location, path("location"))
    description = get("description")
    if type(description) is not str:
        description = optional_str(description, path("description"))
    return TrackEvent(statuses[0], statuses[1], location, description, time_raw, parse_event_time(time_raw))


def _v2_track(number: str, which: Carrier | None, track_info: object) -> TrackInfo:
    info = _object(track_info, "data.track_info")
    providers = _object(info.get("tracking") or {}, "data.track_info.tracking").get("providers") or []
    if not isinstance(providers, list):
        raise ShapeError("data.track_info.tracking.providers", "an array", providers)
    events: list[TrackEvent] = []
    for p_index, provider in enumerate(providers):
        path = f"data.track_info.tracking.providers[{p_index}]"
        listed = _object(provider, path).get("events") or []
        if not isinstance(listed, list):
            raise ShapeError(f"{path}.events", "an array", listed)
        # v2 lists each provider's events newest first; TrackInfo.events is oldest first.
        base = f"{path}.events"
        events.extend([_v2_event(listed[index], base, index) for index in range(len(listed) - 1, -1, -1)])
    if len(providers) > 1 and all(event.time is not None for event in events):
        events.sort(key=lambda event: event.time.timestamp() if event.time and event.time.tzinfo else 0.0)
    latest_event = info.get("latest_event")
    latest = None if latest_event is None else _v2_event(latest_event, "data.track_info.latest_event")
    status_block = info.get("latest_status")
    track = assemble_track(number, which, latest, tuple(events))
    if status_block is None:
        return track
    status = _object(status_block, "data.track_info.latest_status")
    sub = _v2_sub_status(status.get("sub_status"), "data.track_info.latest_status.sub_status")
    main = _v2_main_status(sub, optional_str(status.get("status"), "data.track_info.latest_status.status"))
    return TrackInfo(number, which, main, sub, track.latest_event, track.events)


__all__ = [
    "SIGN_HEADER",
    "SignatureError",
    "WebhookEvent",
    "WebhookEventType",
    "WebhookParseError",
    "compute_signature",
    "parse_webhook",
    "verify_signature",
]
