"""Verify and parse 17TRACK webhook pushes, in any web framework:

```python
from track17_facade.webhooks import parse_webhook

event = parse_webhook(raw_body, sign=request_headers.get("sign"), api_key=API_KEY)
if event.track is not None and event.track.is_delivered:
    ...
```

**Pass the body exactly as received** (``await request.body()`` in FastAPI/Starlette,
``request.get_data()`` in Flask, ``request.body`` in Django). The signature covers those bytes; a
body that was parsed and serialised again (``json.dumps(request.json())``) differs in spacing or
key order and will fail verification, however correct its content.

Every push shape is understood and gives the same result type: v1's ``data.track``, in 17TRACK's
shape (``e``, ``w1``, ``z0``/``z1``/``z2``; see ``track17_facade._decoders_v1``) or the contract's,
exactly as gettrackinfo returns it; and 17TRACK's current v2 shape (``data.track_info`` with
``latest_status``, ``latest_event`` and ``tracking.providers[].events[]``). ``TRACKING_STOPPED``
pushes carry no track.

**Two signatures.** v2 pushes carry a ``sign`` header: SHA-256 of the body, "/", and the key. v1
pushes carry ``sign`` in the body, beside ``event`` and ``data``: SHA-256 of the event, "/", the
``data`` member's JSON, "/", and the key (17TRACK's v1 rule: a push captured from the live service
verifies by it, and public receivers check it so). ``parse_webhook`` checks whichever the push
carries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Final

from attrs import field, frozen

from track17_facade import _fields as F  # noqa: N812 (read as F.V2TrackInfo.latest_status)
from track17_facade._decoders import ShapeError, carrier, text
from track17_facade._decoders_v1 import v1_track
from track17_facade._decoders_v2 import track_info_from_v2
from track17_facade._secrets import checked_api_keys
from track17_facade._text import shorten
from track17_facade._v1_service import PUSH_SIGN, PUSH_TRACK
from track17_facade.carriers import Carrier
from track17_facade.errors import InvalidInputError, SignatureError, WebhookParseError
from track17_facade.models import CarrierModel, TrackInfo
from track17_facade.numbers import tracking_number

SIGN_HEADER = "sign"
"""The header that carries a v2 push's signature (v1 pushes carry `sign` in the body)."""

# A push's names, from the contracts' table (a v1 push has the same envelope; the v1 contract
# defines none, and its body-borne ``sign`` and ``data.track`` are 17TRACK's own: _v1_service).
_EVENT: Final = F.V2Push.event
_DATA: Final = F.V2Push.data
_NUMBER: Final = F.V2PushData.number
_CARRIER: Final = F.V2PushData.carrier
_PARAM: Final = F.V2PushData.param
_TAG: Final = F.V2PushData.tag
_TRACK_INFO: Final = F.V2PushData.track_info


class WebhookEventType(StrEnum):
    """The push events 17TRACK documents. Others arrive as plain strings."""

    TRACKING_UPDATED = "TRACKING_UPDATED"
    """The number's tracking changed: the push carries its track (`WebhookEvent.track`)."""
    TRACKING_STOPPED = "TRACKING_STOPPED"
    """17TRACK stopped tracking the number (expired, stopped by request, invalid carrier): no track."""


@frozen
class WebhookEvent(CarrierModel):
    """One push: which number, and (for updates) its tracking, as the client's TrackInfo."""

    type: WebhookEventType | str
    """A WebhookEventType, or the event name verbatim when 17TRACK sends a new one."""
    number: str
    """The tracking number the push is about."""
    carrier: Carrier | None
    """The carrier's 17TRACK key: the push's `carrier` (v2), or its track's origin carrier (v1 pushes name
    none); None when neither says."""
    tag: str | None
    """Your label of the number, as registered (`Registration.tag`); None when it has none."""
    track: TrackInfo | None
    """The tracking information; None for TRACKING_STOPPED."""
    param: str | None = None
    """The extra carrier parameter registered with the number (`Registration.param`), when the
    push echoes it."""
    raw: Mapping[str, Any] = field(default={}, repr=False, eq=False)
    """The decoded JSON body, untouched."""


def compute_signature(raw_body: bytes, api_key: str) -> str:
    """17TRACK's signature of a body (the ``sign`` header): lowercase hex SHA-256 of
    ``body + b"/" + api_key``."""
    return hashlib.sha256(bytes(raw_body) + b"/" + api_key.encode()).hexdigest()


def compute_body_signature(event: str, data: str, api_key: str) -> str:
    """17TRACK's v1 signature carried in the body (``"sign"`` beside ``event`` and ``data``):
    lowercase hex SHA-256 of ``event + "/" + data + "/" + api_key``, ``data`` being the JSON text
    of the body's ``data`` member as 17TRACK wrote it (compact)."""
    return hashlib.sha256(f"{event}/{data}/{api_key}".encode()).hexdigest()


def verify_signature(
    raw_body: bytes | bytearray | str, sign: str | bytes | None, api_key: str | Sequence[str]
) -> None:
    """Check a push's signature in constant time: the ``sign`` header against the body as
    received, or, for a v1 push that carries its ``sign`` in the body, that one against the
    body's ``event`` and ``data``.

    Raises:
        SignatureError: no signature in the header or the body, a header that is not a hex
            digest, or one that matches neither the body nor the key (also for a body that cannot
            be the bytes that were signed: a ``str`` holding characters UTF-8 cannot encode, or
            neither ``bytes`` nor ``str``).
    """
    keys = checked_api_keys(api_key, "verify_signature")
    body = signed_bytes(raw_body)
    if isinstance(sign, bytes | bytearray):
        sign = bytes(sign).decode("latin-1")
    header = sign.strip().lower() if isinstance(sign, str) else ""
    is_hex = _is_hex(header)
    if header and is_hex and _any_match([compute_signature(body, key) for key in keys], header):
        return
    carried = _body_signature(body)
    if carried is not None:
        digest, event, candidates = carried
        expected = [compute_body_signature(event, data, key) for key in keys for data in candidates]
        if _is_hex(digest) and _any_match(expected, digest):
            return
        raise SignatureError(
            "the 'sign' in the body does not match its event and data: wrong API key, or the body "
            "was changed (re-serialised JSON may not match; pass the raw bytes)"
        )
    if not header:
        raise SignatureError("the push has no signature: no 'sign' header, and no 'sign' in the body")
    if not is_hex:
        raise SignatureError("the 'sign' header is not a hex SHA-256 digest")
    raise SignatureError(
        "the 'sign' header does not match the body: wrong API key, or the body was changed "
        "(re-serialised JSON never matches; pass the raw bytes)"
    )


def _any_match(expected: Sequence[str], given: str) -> bool:
    """Whether ``given`` is one of ``expected``, comparing against every one in constant time."""
    matches = [hmac.compare_digest(digest, given) for digest in expected]
    return any(matches)


def _is_hex(text: str) -> bool:
    return text.isascii() and all(char in "0123456789abcdef" for char in text)


def _body_signature(body: bytes) -> tuple[str, str, tuple[str, ...]] | None:
    """A v1 push's body-borne signature: (the digest, the event, the texts of ``data`` it may
    cover), or None when the body carries no ``sign``.

    17TRACK signs ``data`` as it serialised it, so the text of ``data`` exactly as it stands in
    the body comes first; the compact serialisations of the decoded ``data`` (non-ASCII as is,
    then escaped) follow, for a body whose spacing was changed on the way. The standard library
    has no way to get a member's source text, hence ``_member_texts``.
    """
    try:
        text = body.decode()
        members = _member_texts(text)
    except ValueError:
        return None
    if PUSH_SIGN not in members:
        return None
    try:
        sign, event, data = (json.loads(members.get(name, "null")) for name in (PUSH_SIGN, _EVENT, _DATA))
    except (ValueError, RecursionError):
        return None
    if not isinstance(sign, str) or not isinstance(event, str) or _DATA not in members:
        return None
    texts = [members[_DATA]]
    for ascii_only in (False, True):
        compact = json.dumps(data, separators=(",", ":"), ensure_ascii=ascii_only)
        if compact not in texts:
            texts.append(compact)
    return sign.strip().lower(), event, tuple(texts)


_DECODER = json.JSONDecoder()


def _skip(text: str, at: int) -> int:
    """The index of the first character at or after ``at`` that is not JSON whitespace."""
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at


def _member_texts(text: str) -> dict[str, str]:
    """The source text of each member of the JSON object ``text`` (not decoded).

    Raises:
        ValueError: ``text`` is not a JSON object.
    """
    at = _skip(text, 0)
    if text[at : at + 1] != "{":
        raise ValueError("not a JSON object")
    at = _skip(text, at + 1)
    members: dict[str, str] = {}
    if text[at : at + 1] == "}":
        return members
    while True:
        name, at = _DECODER.raw_decode(text, at)
        at = _skip(text, at)
        if not isinstance(name, str) or text[at : at + 1] != ":":
            raise ValueError("not a JSON object")
        start = _skip(text, at + 1)
        _, at = _DECODER.raw_decode(text, start)
        members[name] = text[start:at]
        at = _skip(text, at)
        if text[at : at + 1] == "}":
            return members
        if text[at : at + 1] != ",":
            raise ValueError("not a JSON object")
        at = _skip(text, at + 1)


def signed_bytes(raw_body: object) -> bytes:
    """The signed bytes of a body given as received (bytes) or as text.

    Raises:
        SignatureError: text that UTF-8 cannot encode, or neither bytes nor text.
    """
    if isinstance(raw_body, bytes | bytearray | memoryview):
        return bytes(raw_body)
    if isinstance(raw_body, str):
        try:
            return raw_body.encode()
        except UnicodeEncodeError:
            raise SignatureError(
                "the body holds characters that UTF-8 cannot encode, so it is not what was signed: "
                "pass the raw bytes as received"
            ) from None
    raise SignatureError(f"the body must be the raw bytes as received, got {type(raw_body).__name__}")


def parse_webhook(
    raw_body: bytes | bytearray | str,
    *,
    sign: str | None = None,
    api_key: str | Sequence[str] | None = None,
    verify: bool = True,
) -> WebhookEvent:
    """Verify and parse one push. Verification is on unless you turn it off explicitly.

    Args:
        raw_body: the request body exactly as received. Never re-serialise it.
        sign: the ``sign`` request header (None when the push has none: 17TRACK's v1 pushes carry
            their signature in the body, and it is checked there).
        api_key: your 17TRACK key, which the signature is checked against, or a sequence of keys
            while a rotation takes effect (the current first, then the previous one: a push
            signed with any of them is accepted). Required unless ``verify`` is False, so that a
            key missing from your app's configuration fails closed instead of accepting forged
            pushes; an empty sequence fails closed the same way.
        verify: set False only to parse a body you verified some other way.

    Raises:
        InvalidInputError: ``verify`` is on but no ``api_key`` was given, or an empty sequence
            of them (a configuration error, deliberately not a ``WebhookError``, so that a
            receiver answering 400 to bad pushes answers 500 to this).
        TypeError: ``api_key`` is neither a string nor a sequence of strings (``bytes``: decode it).
        SignatureError: the signature is missing or wrong.
        WebhookParseError: the body is not a valid push; the message says what and where. No other
            exception escapes, whatever the body contains.
    """
    if verify:
        if api_key is None or api_key == "":
            raise InvalidInputError(
                "parse_webhook needs the API key to verify the push's signature: "
                "pass api_key=..., or verify=False to skip verification"
            )
        verify_signature(raw_body, sign, checked_api_keys(api_key, "parse_webhook"))
    if not isinstance(raw_body, bytes | bytearray | str):
        raise WebhookParseError(f"the body must be bytes or str, got {type(raw_body).__name__}")
    try:
        decoded = json.loads(raw_body)
    except (ValueError, RecursionError) as exc:
        raise WebhookParseError(f"the body is not JSON: {shorten(str(exc), 200)}") from None
    try:
        return _event(decoded)
    except WebhookParseError:
        raise
    except ShapeError as exc:
        raise WebhookParseError(str(exc)) from None
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError, OverflowError) as exc:
        raise WebhookParseError(f"the push has an unexpected shape: {type(exc).__name__}: {exc}") from None


def _event(decoded: object) -> WebhookEvent:
    if not isinstance(decoded, dict):
        raise ShapeError("body", "a JSON object", decoded)
    name = decoded.get(_EVENT)
    if not isinstance(name, str):
        raise ShapeError(_EVENT, "a string", name)
    data = decoded.get(_DATA)
    if not isinstance(data, dict):
        raise ShapeError(_DATA, "an object", data)
    number = data.get(_NUMBER)
    if not isinstance(number, str) or not number:
        raise ShapeError(f"{_DATA}.{_NUMBER}", "a non-empty string", number)
    try:
        number = tracking_number(number)  # as the clients read a number, so the store can ask about it
    except InvalidInputError as exc:
        raise WebhookParseError(f"{_DATA}.{_NUMBER}: {exc}") from None
    which = carrier(data.get(_CARRIER), f"{_DATA}.{_CARRIER}")
    event_type: WebhookEventType | str = (
        WebhookEventType(name) if name in WebhookEventType.__members__ else name
    )
    param = data.get(_PARAM)
    track: TrackInfo | None = None
    if data.get(PUSH_TRACK) is not None:
        track = v1_track(number, which, data[PUSH_TRACK], f"{_DATA}.{PUSH_TRACK}")
        which = track.carrier  # 17TRACK's v1 pushes name it only in the track (w1)
    elif data.get(_TRACK_INFO) is not None:
        tag = text(data.get(_TAG), f"{_DATA}.{_TAG}")
        track = track_info_from_v2(number, which, tag, data[_TRACK_INFO], f"{_DATA}.{_TRACK_INFO}")
    elif event_type is WebhookEventType.TRACKING_UPDATED:
        raise ShapeError(f"{_DATA}.{PUSH_TRACK}", f"an object (or {_DATA}.{_TRACK_INFO})", None)
    return WebhookEvent(
        type=event_type,
        number=number,
        carrier=which,
        tag=text(data.get(_TAG), f"{_DATA}.{_TAG}"),
        track=track,
        param=param if isinstance(param, str) else None,
        raw=decoded,
    )


__all__ = [
    "SIGN_HEADER",
    "SignatureError",
    "WebhookEvent",
    "WebhookEventType",
    "WebhookParseError",
    "compute_body_signature",
    "compute_signature",
    "parse_webhook",
    "verify_signature",
]
