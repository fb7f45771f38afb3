"""The models a client builds only when it reads tracking information, quotas and lists, or is
given registrations, carrier changes and info changes: ``track17_facade.models`` gives them,
imported when first named, so a process that only registers plain numbers does not build their
classes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from attrs import field, frozen

from track17_facade.carriers import Carrier, CarrierLike
from track17_facade.models import _JSON, NOTHING_RECEIVED, CarrierLeg, CarrierModel, JsonModel
from track17_facade.status import MainStatus, SubStatus, TrackingStatus

__all__ = [
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
]


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
