"""The values the clients return: tracking information and per-item batch outcomes.

All are frozen, slotted attrs classes: immutable, hashable where their fields are, with readable
reprs. ``TrackInfo`` and ``TrackEvent`` are also what ``track17_facade.webhooks`` returns.
The classes of tracking information, quotas, lists and changes are built when first named: a
process that only registers numbers does not pay for them.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeGuard, TypeVar

import attrs
from attrs import field, frozen

from track17_facade._lazy import deferred
from track17_facade.carriers import Carrier, CarrierInfo, default_directory
from track17_facade.errors import BatchFailedError

if TYPE_CHECKING:
    from track17_facade._track_models import (
        Address,
        CarrierChange,
        EstimatedDelivery,
        InfoChange,
        Milestone,
        Quota,
        Registration,
        TrackEvent,
        TrackInfo,
        TrackListEntry,
    )
    from track17_facade.codes import ErrorCode
    from track17_facade.errors import Track17Error

__all__ = [
    "Accepted",
    "Address",
    "BatchResult",
    "CarrierChange",
    "CarrierLeg",
    "CarrierModel",
    "EstimatedDelivery",
    "Failure",
    "InfoChange",
    "JsonModel",
    "Milestone",
    "Quota",
    "Registration",
    "Rejection",
    "TrackEvent",
    "TrackInfo",
    "TrackListEntry",
]

T = TypeVar("T")
_JSON = "json"
"""Field metadata: ``{_JSON: False}`` leaves a field out of ``to_dict()``."""
NOTHING_RECEIVED: Mapping[str, Any] = MappingProxyType({})
"""The ``raw`` of a model built from nothing that arrived."""


def jsonable(value: object) -> Any:
    """``value`` as JSON-ready data: models as dicts of their fields, times as ISO 8601 strings,
    enums by name (an unknown value as ``UNKNOWN:<what arrived>``), errors as their type and
    message, tuples as lists."""
    if attrs.has(type(value)):
        names = [a.name for a in getattr(type(value), "__attrs_attrs__", ()) if a.metadata.get(_JSON, True)]
        return {name: jsonable(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        raw = getattr(value, "raw", None)
        return value.name if getattr(value, "is_known", True) else f"{value.name}:{raw}"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, BaseException):
        return {"type": type(value).__name__, "message": str(value)}
    return value


class JsonModel:
    """``to_dict()`` for the models: what ``json.dumps`` takes as it is."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The model as a JSON-ready dict: fields by name, times as ISO 8601 strings, enums by
        name, nested models as dicts, sequences as lists."""
        converted: dict[str, Any] = jsonable(self)
        return converted


class CarrierModel(JsonModel):
    """A model that names a carrier by its key (``carrier``); ``carrier_info`` is that carrier's
    entry in 17TRACK's carrier list (name, country), for any key, not only ``Carrier``'s."""

    __slots__ = ()
    carrier: Carrier | None
    """The carrier's 17TRACK key; None when none is named."""

    @property
    def carrier_info(self) -> CarrierInfo | None:
        """The carrier's entry in 17TRACK's carrier list (name, country), for any key."""
        return carrier_info(self.carrier)


def parse_event_time(raw: str | None) -> datetime | None:
    """A datetime for 17TRACK's time strings, or None when the string is not a date and time.

    Carriers report local times without an offset ("2026-01-05 14:30"), which give naive
    datetimes; ISO 8601 strings with an offset or "Z" give aware ones.
    """
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


class CarrierLeg(StrEnum):
    """Which carrier of a shipment reported an event: 17TRACK's v1 answers keep the origin
    carrier's events (``z1``) apart from the destination carrier's (``z2``)."""

    ORIGIN = "origin"
    """The carrier that took the parcel in (``track.w1``)."""
    DESTINATION = "destination"
    """The carrier that delivers it in the destination country (``track.w2``)."""


INFO_CHANGE_TEXT = (
    "tag",
    "order_no",
    "order_time",
    "destination_postal_code",
    "phone_number",
    "email",
    "remark",
    "lang",
)
"""The ``InfoChange`` fields that are text."""
V2_ONLY_CHANGES = {
    "CarrierChange": ("final_carrier_old", "final_carrier_new"),
    "InfoChange": ("carrier", *INFO_CHANGE_TEXT[1:]),
}
"""The ``CarrierChange`` and ``InfoChange`` fields that only v2.4 can send."""

REGISTRATION_METADATA = ("tag", "order_no", "lang", "param")
"""The ``Registration`` text fields the command line's CSV files carry as columns."""
REGISTRATION_TEXT = (
    *REGISTRATION_METADATA,
    "order_time",
    "destination_postal_code",
    "phone_number",
    "ship_date",
    "email",
    "remark",
)
"""The ``Registration`` fields that are text."""
REGISTRATION_FIELDS = (*REGISTRATION_TEXT, "final_carrier", "auto_detection")
"""The ``Registration`` fields beyond number and carrier (v2.4 only)."""


@frozen
class Accepted(CarrierModel):
    """An item the API accepted.

    ``recovered`` is True when an earlier attempt failed in a way that may have reached the
    server, and the retry was answered "already done" (e.g. ALREADY_REGISTERED for a register):
    the operation took effect exactly once.
    """

    number: str
    """The tracking number 17TRACK accepted."""
    carrier: Carrier | None = None
    """The carrier 17TRACK registered or acted on (detected when none was given); None when it names none."""
    recovered: bool = False
    """True when the item was accepted on a retry answered "already done" after an attempt that may have
    reached 17TRACK: it took effect exactly once."""
    number_suspect: bool = False
    """``register(..., check_digits="warn")``: the number's check digit is wrong for every reading
    (see ``check_number``); it was registered anyway and is almost surely mistyped."""


@frozen
class Rejection(JsonModel):
    """An item refused: by the API (its per-item error) or by the SDK before sending.

    For an item the SDK refused, ``index`` is its position in the input and ``number`` the number
    as given (stripped, and cut to 60 characters), or ``""`` when the item held no string at all
    (``None``, an int, a tuple of the wrong size); the message names what was expected and what
    came. For an item 17TRACK refused, ``index`` is its position in the input too (None only for
    a number the caller did not send, such as one a webhook or a list names).
    """

    number: str
    """The number refused: as 17TRACK echoed it, or as given (stripped, at most 60 characters) when the SDK
    refused it; `""` when the item held no string."""
    code: ErrorCode
    """Why, as 17TRACK's code (e.g. `ALREADY_REGISTERED`, `CARRIER_NOT_DETECTED`) or the SDK's
    (`FIELD_FORMAT_INVALID`, `CHECK_DIGIT_FAILED`)."""
    message: str
    """The reason in words: 17TRACK's message, or the SDK's naming what was expected and what came."""
    index: int | None = None
    """The item's position in your input when the SDK refused it before sending; None when
    17TRACK refused it."""
    carrier: Carrier | None = field(default=None, repr=False)
    """The carrier 17TRACK names beside its refusal (v2.4 names the registered one, e.g. for
    ALREADY_REGISTERED); None when it names none."""


@frozen
class Failure(JsonModel):
    """An item whose request still failed after every retry; ``error`` says why."""

    number: str
    """The tracking number whose request failed."""
    error: Track17Error
    """What the last attempt met: a `RequestError` (a 5xx, a timeout, a refused connection, ...) or a
    `RateLimiterUnavailableError`."""
    may_have_taken_effect: bool = False
    """17TRACK may have carried the request out all the same: an attempt met a 5xx, a dropped
    answer or a timeout after sending. A number of a failed ``register`` may then be registered,
    and charged. Sending it again is safe and charges nothing more: ``stream(..., in_doubt=...)``
    given these numbers reports their "already registered" as accepted and ``recovered``, where a
    plain ``register`` reports it as rejected with ``ErrorCode.ALREADY_REGISTERED``."""


@frozen
class BatchResult(JsonModel, Generic[T]):
    """The outcome of a bulk call. Every distinct input item is in exactly one of the three lists,
    each list in input order."""

    accepted: tuple[T, ...] = field(repr=lambda items: f"<{len(items)} items>")
    """What the call gave for each accepted item, in input order: `Accepted` for a write, `TrackInfo` for
    `get_track_info`."""
    rejected: tuple[Rejection, ...]
    """Items refused, by 17TRACK or by the SDK before sending, with their codes and messages."""
    failed: tuple[Failure, ...]
    """Items whose request still failed after every retry, with the error met."""

    @property
    def ok(self) -> bool:
        """True when nothing was rejected and nothing failed."""
        return not self.rejected and not self.failed

    def raise_for_failures(self) -> BatchResult[T]:
        """Raise ``BatchFailedError`` if any item failed after retries; otherwise return self.

        Rejections are answers, not failures, so they do not raise.
        """
        if self.failed:
            raise BatchFailedError(self.failed)
        return self


def carrier_info(carrier: Carrier | None) -> CarrierInfo | None:
    """A carrier key's entry in ``CarrierDirectory.load()``, or None (no carrier, or a key the
    list does not have)."""
    return None if carrier is None else default_directory().get(int(carrier))


_LATER: frozenset[str] = frozenset(
    {
        "Address",
        "CarrierChange",
        "EstimatedDelivery",
        "InfoChange",
        "Milestone",
        "Quota",
        "Registration",
        "TrackEvent",
        "TrackInfo",
        "TrackListEntry",
    }
)
"""The models built when first named (in ``_track_models``)."""


def is_registration(item: object) -> TypeGuard[Registration]:
    """Whether ``item`` is a ``Registration``, without building the class to ask: until it is
    built, nothing can be one."""
    built = getattr(sys.modules.get("track17_facade._track_models"), "Registration", None)
    return built is not None and isinstance(item, built)


__getattr__, __dir__ = deferred(globals(), "track17_facade._track_models", _LATER)
