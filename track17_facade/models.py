"""The values the clients return: tracking information and per-item batch outcomes.

All are frozen, slotted attrs classes: immutable, hashable where their fields are, with readable
reprs. ``TrackInfo`` and ``TrackEvent`` are also what ``track17_facade.webhooks`` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import attrs
from attrs import field, frozen

from track17_facade.carriers import Carrier, CarrierInfo, CarrierLike, default_directory
from track17_facade.codes import ErrorCode
from track17_facade.errors import BatchFailedError, Track17Error
from track17_facade.status import MainStatus, SubStatus, TrackingStatus

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


@frozen
class Address(JsonModel):
    """Where an event happened or a party is, as far as the carrier says (v2.4 only)."""

    country: str | None = None
    """ISO 3166 country code, e.g. "DE"."""
    state: str | None = None
    """The state, province or region, as the carrier names it."""
    city: str | None = None
    """The city or town."""
    street: str | None = None
    """The street address, when the carrier gives one."""
    postal_code: str | None = None
    """The postal code."""
    longitude: float | None = None
    """The longitude in decimal degrees (17TRACK's `coordinates.longitude`, sent as a string or a number)."""
    latitude: float | None = None
    """The latitude in decimal degrees (17TRACK's `coordinates.latitude`)."""


class CarrierLeg(StrEnum):
    """Which carrier of a shipment reported an event: 17TRACK's v1 answers keep the origin
    carrier's events (``z1``) apart from the destination carrier's (``z2``)."""

    ORIGIN = "origin"
    """The carrier that took the parcel in (``track.w1``)."""
    DESTINATION = "destination"
    """The carrier that delivers it in the destination country (``track.w2``)."""


@frozen
class TrackEvent(JsonModel):
    """One checkpoint of a shipment's history.

    Both API versions fill ``location``, ``description``, ``time_raw`` and ``time``. ``status``
    and ``sub_status`` are the event's own on v2.4; 17TRACK's v1 answers give a status for the
    whole track only, so there the latest event carries the track's status and the others are
    ``UNKNOWN``. ``stage`` and ``address`` come with v2.4 only, ``leg`` with v1 only.
    """

    status: MainStatus
    """The main status this event put the shipment in (v2.4); on v1, the track's status for the latest event
    and `UNKNOWN` for the others."""
    sub_status: SubStatus
    """The finer status under `status` (e.g. `IN_TRANSIT_CUSTOMS_PROCESSING`), with the same v1 rule."""
    location: str | None
    """Where the event happened, as the carrier wrote it; None when not said."""
    description: str | None
    """What happened, in the carrier's words (e.g. "Arrived at sorting centre")."""
    time_raw: str | None = field(repr=False)
    """The time exactly as the carrier reported it, in the carrier's local time: v1's ``d``, or
    v2.4's ``time_raw`` date and time joined by a space."""
    time: datetime | None = field(default=None)
    """The event's time. On v1, ``time_raw`` parsed: naive (carriers' local time) unless the
    carrier gave an offset. On v2.4, ``time_iso`` parsed: aware, with the event's own offset.
    None when no recognisable date and time was given."""
    stage: str | None = field(default=None, repr=False)
    """v2.4: the milestone stage this event marks (e.g. "PickedUp", "Delivered"); None on v1."""
    address: Address | None = field(default=None, repr=False)
    """v2.4: the event's structured address (country, city, coordinates, ...); None on v1."""
    description_translation: str | None = field(default=None, repr=False)
    """v2.4: the description in the language asked for with ``Registration.lang``; None otherwise."""
    leg: CarrierLeg | None = field(default=None, repr=False)
    """v1: whether the origin or the destination carrier reported the event; None when not said
    (always on v2.4)."""


@frozen
class Milestone(JsonModel):
    """v2.4: when a shipment reached a key stage (e.g. "InfoReceived", "PickedUp", "Delivered")."""

    stage: str
    """The stage's name as 17TRACK gives it: "InfoReceived", "PickedUp", "Departure", "Arrival",
    "AvailableForPickup", "OutForDelivery", "Delivered", "Returning" or "Returned"."""
    time: datetime | None
    """Aware (from ``time_iso``), or None when the stage has not been reached."""


@frozen
class EstimatedDelivery(JsonModel):
    """v2.4: the delivery window the carrier or 17TRACK estimates."""

    source: str | None
    """Who estimated the window, as 17TRACK's `source` names it (the carrier or 17TRACK)."""
    earliest: datetime | None
    """The window's start (17TRACK's `from`); None when not given."""
    latest: datetime | None
    """The window's end (17TRACK's `to`); None when not given."""


@frozen
class TrackInfo(CarrierModel):
    """A tracking number's current status and its event history (oldest first).

    The first six fields come from both API versions. The others are filled by v2.4 (and by
    v2 pushes) and are None, or empty, on v1.
    """

    number: str
    """The tracking number, as 17TRACK reports it."""
    carrier: Carrier | None
    """The carrier's 17TRACK key, as a `Carrier` (a key it does not name is `Carrier.UNKNOWN`,
    keeping the key); None when 17TRACK names none. `carrier_info` gives its name and country."""
    status: MainStatus
    """The shipment's current main status (e.g. `IN_TRANSIT`, `DELIVERED`)."""
    sub_status: SubStatus
    """The finer current status under `status` (e.g. `DELIVERY_FAILURE_INVALID_ADDRESS`)."""
    latest_event: TrackEvent | None
    """The newest event, or None before the carrier reports any."""
    events: tuple[TrackEvent, ...] = field(repr=lambda events: f"<{len(events)} events>")
    """Every event, oldest first (on v1, the origin and destination carriers' merged; `TrackEvent.leg` says
    whose)."""
    tag: str | None = field(default=None, repr=False)
    """v2.4: your label of the number (``Registration.tag``); None on v1."""
    provider: str | None = field(default=None, repr=False)
    """v2.4: the name of the carrier whose events these are (the first provider); None on v1."""
    shipping_country: str | None = field(default=None, repr=False)
    """The shipper's ISO country code: v2.4's shipper address, or v1's ``track.b`` (17TRACK's
    country number, mapped through the carrier list); None when not said."""
    recipient_country: str | None = field(default=None, repr=False)
    """The recipient's ISO country code: v2.4's recipient address, or v1's ``track.c``; None when
    not said."""
    estimated_delivery: EstimatedDelivery | None = field(default=None, repr=False)
    """v2.4: the estimated delivery window, when there is one; None on v1."""
    milestones: tuple[Milestone, ...] = field(default=(), repr=False)
    """v2.4: key stages and when they were reached; empty on v1."""
    provider_tips: tuple[str, ...] = field(default=(), repr=False)
    """v2.4: the carriers' notices ("Customs may hold parcels ..."), from ``track_info`` and from
    each provider; empty on v1."""
    destination_carrier: Carrier | None = field(default=None, repr=False)
    """v1: the carrier that delivers in the destination country (``track.w2``), when 17TRACK
    names one; None otherwise."""
    raw: Mapping[str, Any] = field(
        default=NOTHING_RECEIVED, repr=False, eq=False, kw_only=True, metadata={_JSON: False}
    )
    """The track object as decoded JSON, as it arrived: v1's ``track`` (``z0``/``z1``) or v2's
    ``track_info``; empty when none came. Not part of ``to_dict()``."""

    @property
    def is_delivered(self) -> bool:
        """True once the shipment is delivered."""
        return self.status is MainStatus.DELIVERED

    @property
    def is_exception(self) -> bool:
        """True when the shipment is in an exception state (returned, lost, damaged, ...)."""
        return self.status is MainStatus.EXCEPTION

    @property
    def is_final(self) -> bool:
        """True when no further movement is expected: delivered, expired or exception."""
        return self.status in (MainStatus.DELIVERED, MainStatus.EXPIRED, MainStatus.EXCEPTION)


@frozen
class Registration(JsonModel):
    """A number to register, with the metadata v2.4 can carry (every field of its contract's
    ``RegisterItem``; each is sent only when given).

    On v1 only ``number`` and ``carrier`` can be sent; the others raise ``InvalidInputError``
    before anything is sent. Plain strings and ``(number, carrier)`` pairs are still accepted
    wherever a Registration is.
    """

    number: str
    """The tracking number to register."""
    carrier: CarrierLike | None = None
    """Without a carrier, 17TRACK detects it. A key, a ``CarrierInfo`` or a carrier name."""
    tag: str | None = None
    """Your own label, e.g. an order reference; echoed in pushes, track info and lists."""
    order_no: str | None = None
    """Your order number, kept by 17TRACK beside the registration."""
    lang: str | None = None
    """Ask for events translated into this language (e.g. "en"); costs 1 more quota."""
    param: str | None = None
    """An extra parameter some carriers need (postal code, phone number, ...); v2.4 prefers the
    named fields below."""
    final_carrier: CarrierLike | None = None
    """The last-mile carrier, when another one than ``carrier`` delivers. A key, a ``CarrierInfo``
    or a carrier name."""
    auto_detection: bool | None = None
    """Whether 17TRACK detects the carrier when none is given (its default when not sent)."""
    order_time: str | None = None
    """When the order was placed, e.g. "2026-01-05 08:00"."""
    destination_postal_code: str | None = None
    """The recipient's postal code, for carriers that need it."""
    phone_number: str | None = None
    """A phone number, for carriers that need it."""
    ship_date: str | None = None
    """The shipping date, for carriers that need it."""
    email: str | None = None
    """An e-mail address for 17TRACK's e-mail notifications."""
    remark: str | None = None
    """Free text, kept with the registration."""


@frozen
class CarrierChange(JsonModel):
    """A carrier change for ``change_carrier``, with the last-mile carriers v2.4 can change too
    (every field of its contract's ``ChangeCarrierItem``; each sent only when given).

    ``(number, new)`` pairs and ``(number, old, new)`` triples are still accepted beside it. On v1
    only ``number`` and ``carrier_new`` are sent; a last-mile carrier raises ``InvalidInputError``
    for its row before anything is sent.
    """

    number: str
    """The tracking number whose carrier changes."""
    carrier_new: CarrierLike
    """The carrier to use from now on. A key, a ``CarrierInfo`` or a carrier name."""
    carrier_old: CarrierLike | None = None
    """The carrier it is registered with: picks the registration when a number has two (v2.4)."""
    final_carrier_old: CarrierLike | None = None
    """The current last-mile carrier (v2.4)."""
    final_carrier_new: CarrierLike | None = None
    """The new last-mile carrier (v2.4)."""


@frozen
class InfoChange(JsonModel):
    """New registration fields for ``change_info`` (every field of v2.4's ``ChangeInfoItem``;
    each sent only when given, the others kept as they are).

    ``(number, tag)`` pairs are still accepted beside it. On v1 only ``number`` and ``tag`` are
    sent; another field raises ``InvalidInputError`` for its row before anything is sent.
    """

    number: str
    """The tracking number whose registration changes."""
    tag: str | None = None
    """Your label of the number."""
    carrier: CarrierLike | None = None
    """The carrier of the registration to change, when the number has two (v2.4)."""
    order_no: str | None = None
    """Your order number for the parcel."""
    order_time: str | None = None
    """When the order was placed, e.g. "2026-01-05 08:00"."""
    destination_postal_code: str | None = None
    """The recipient's postal code, which some carriers need to give their tracking."""
    phone_number: str | None = None
    """The recipient's phone number (or its last digits), which some carriers need."""
    email: str | None = None
    """An e-mail address for 17TRACK's e-mail notifications."""
    remark: str | None = None
    """A free-text note of yours, kept with the registration."""
    lang: str | None = None
    """Translate events into this language from now on (e.g. "en")."""


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
class Quota(JsonModel):
    """The account's quota balance (v2.4 ``getquota``)."""

    total: int
    """Registrations the account's plan holds in all (17TRACK's `quota_total`)."""
    used: int
    """Registrations used so far (`quota_used`)."""
    remaining: int
    """Registrations left (`quota_remain`): each new number registered with a carrier costs one."""
    today_used: int
    """Registrations used today."""
    daily_limit: int | None
    """Registrations allowed per day; None when there is no daily limit."""
    free_email_total: int | None = None
    """17TRACK's free e-mail notifications, in all (None when not reported)."""
    free_email_used: int | None = None
    """Of those, used: read from ``free_email_quota_used`` or, as 17TRACK's documentation example
    spells it, ``free_email_quotaused``."""


@frozen
class TrackListEntry(CarrierModel):
    """One registered number, as listed by ``iter_track_list``.

    v1 lists numbers only: ``number`` is filled and the others are None. v2.4 fills them all.
    """

    number: str
    """The registered tracking number."""
    carrier: Carrier | None = None
    """The carrier it is registered with (v2.4); None on v1."""
    tracking_status: TrackingStatus | None = None
    """v2.4: whether 17TRACK is still tracking the number (`TRACKING`) or stopped (`STOPPED`)."""
    package_status: MainStatus | None = None
    """v2.4: the shipment's current main status."""
    register_time: datetime | None = None
    """v2.4: when the number was registered."""
    tag: str | None = None
    """v2.4: your label of the number (`Registration.tag`)."""
    sync_status: bool | None = None
    """v2.4: whether 17TRACK's last update with the carrier succeeded (None: not said)."""
    stop_track_reason: str | None = None
    """v2.4: why tracking stopped: "Expired", "ByRequest" or "InvalidCarrier" (None: tracking)."""
    push_status_code: int | None = None
    """v2.4: the HTTP status your endpoint answered the last push with."""


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
