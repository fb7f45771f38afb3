"""What the store hands out (``Shipment``, ``Receipt``, ``StatusChange``, ``SyncReport``), and the
one rule that decides whether an update is newer than what the store holds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from track17_facade.carriers import Carrier
from track17_facade.errors import InvalidInputError
from track17_facade.models import CarrierModel, Failure, JsonModel, Rejection, TrackEvent, TrackInfo
from track17_facade.status import MainStatus, SubStatus

__all__ = [
    "KEEP_BODIES",
    "KEEP_DIGESTS",
    "PRUNE_BATCH",
    "PRUNE_EVERY",
    "Freshness",
    "Outcome",
    "PruneReport",
    "Receipt",
    "ReceivedPush",
    "Retention",
    "Shipment",
    "Source",
    "StatusChange",
    "SyncReport",
    "freshness",
]


KEEP_BODIES = timedelta(days=7)
"""How long a push's body is kept by default: a week of audit trail, to see what 17TRACK sent
while an incident is fresh (at scale the bodies are most of the inbox)."""
KEEP_DIGESTS = timedelta(days=30)
"""How long a push is remembered by default, to answer DUPLICATE: ten times the few days over
which webhook senders commonly deliver again, and a month of ``/push`` re-sends. Past it, a push
delivered again is applied by the newer-wins rule, which leaves the shipment as it is."""
PRUNE_EVERY = 500
"""The store prunes a batch after every this many pushes it receives."""
PRUNE_BATCH = 1000
"""Rows pruned per transaction: twice what arrives between two batches, so a backlog drains."""


@frozen
class Retention:
    """How long the inbox keeps what (None: for ever)."""

    bodies: timedelta | None
    """Each push's body as received."""
    digests: timedelta | None
    """That a push was received (for DUPLICATE)."""

    @classmethod
    def of(cls, bodies: timedelta | None, digests: timedelta | None) -> Retention:
        """A checked retention.

        Raises:
            InvalidInputError: a negative duration, or bodies kept longer than digests.
        """
        for name, value in (("keep_bodies", bodies), ("keep_digests", digests)):
            if value is not None and (not isinstance(value, timedelta) or value < timedelta(0)):
                raise InvalidInputError(f"{name} must be a timedelta of 0 or more, or None, got {value!r}")
        if digests is not None and (bodies is None or bodies > digests):
            raise InvalidInputError(
                f"keep_bodies ({bodies}) cannot be longer than keep_digests ({digests}): a body is "
                "kept with the record of its push"
            )
        return cls(bodies, digests)

    @property
    def unbounded(self) -> bool:
        """Nothing is ever pruned."""
        return self.bodies is None and self.digests is None


@frozen
class PruneReport(JsonModel):
    """What a pruning dropped."""

    bodies: int
    """Push bodies dropped (older than ``keep_bodies``)."""
    digests: int
    """Pushes forgotten (older than ``keep_digests``), with any body they still had."""


@frozen
class ReceivedPush(JsonModel):
    """A push the store received and still remembers (see ``ShipmentStore.pushes``)."""

    id: int
    """Its place in the inbox: ``pushes(after=id)`` continues after it."""
    number: str
    """The tracking number it was about."""
    event: str
    """Its event type (``TRACKING_UPDATED``, ``TRACKING_STOPPED``, ...)."""
    outcome: str
    """What it did when it first came (an ``Outcome``'s value)."""
    deliveries: int
    """How many times it came (more than 1: delivered again, answered DUPLICATE)."""
    received_at: datetime
    """When it first came (UTC)."""
    body: bytes | None = field(default=None, repr=False)
    """Its body exactly as received, or None once older than ``keep_bodies``."""


class Outcome(StrEnum):
    """What a push (or a polled answer) did to the store."""

    APPLIED = "applied"
    """Newer than what the store held: the shipment now shows it."""
    DUPLICATE = "duplicate"
    """The same push again (same content, however it was serialised): nothing changed."""
    STALE = "stale"
    """Not newer than what the store holds: kept in the inbox, the shipment unchanged."""
    STOPPED = "stopped"
    """A TRACKING_STOPPED push: the shipment is marked as no longer tracked; its status is kept."""
    IGNORED = "ignored"
    """An event type the store does not act on (17TRACK added a new one): kept in the inbox."""


class Source(StrEnum):
    """Where a shipment's last change came from."""

    PUSH = "push"
    """A webhook push the store received."""
    POLL = "poll"
    """A poll of 17TRACK (`ShipmentStore.sync`)."""
    REGISTER = "register"
    """The number's registration through the store (`ShipmentStore.track`)."""


@frozen
class Receipt(JsonModel):
    """The store's answer to one push: what it did, and for which number."""

    outcome: Outcome
    """What the store did with the push."""
    number: str
    """The tracking number the push was about."""


@frozen
class Shipment(CarrierModel):
    """One shipment as the store holds it.

    ``status``, ``sub_status``, ``latest_event`` and ``events`` are None / empty until the first
    track arrives (a number registered through ``ShipmentStore.track`` that has no answer yet).
    """

    number: str
    """The tracking number."""
    carrier: Carrier | None
    """The carrier's 17TRACK key, from the last track or the registration; None when unknown."""
    api_version: str
    """The API version the last track came from: "v1" (the contract's shape) or "v2.4"."""
    status: MainStatus | None
    """The current main status; None before the first track."""
    sub_status: SubStatus | None
    """The current sub-status; None before the first track."""
    latest_event: TrackEvent | None
    """The newest event; None before the first track, or while the carrier has reported none."""
    events: tuple[TrackEvent, ...] = field(repr=lambda events: f"<{len(events)} events>")
    """Oldest first, as ``TrackInfo`` has them."""
    tag: str | None
    """Your label of the number (`Registration.tag`), as the last track or the registration gave it."""
    tracking: bool
    """True while 17TRACK still tracks the number (False after a TRACKING_STOPPED push or a stop)."""
    updated_at: datetime
    """When the store last changed this shipment (aware, UTC)."""
    source: Source
    """What made the last change: a push, a poll (``sync``), or the registration."""
    checked_at: datetime | None = field(default=None, repr=False)
    """When the store last heard anything about this shipment, even an update it already held
    (aware, UTC); None for a number not heard of since it was registered. ``sync`` asks about
    those heard of least recently."""
    status_since: datetime | None = field(default=None, repr=False)
    """When the store first saw the current status (aware, UTC); None before the first track."""
    track_info: Mapping[str, Any] | None = field(default=None, repr=False, eq=False)
    """The track object exactly as received (v1's ``track``, or v2's ``track_info``)."""

    @property
    def is_delivered(self) -> bool:
        """True once the shipment is delivered."""
        return self.status is MainStatus.DELIVERED


@frozen
class StatusChange(JsonModel):
    """One change of a shipment's main status, in the order the store recorded them.

    ``id`` is the cursor to save: ``store.changes(after=id)`` yields only later changes. A
    shipment's first known status is a change from ``old_status=None``.
    """

    id: int
    """The change's place in the store's order: the cursor to save, for `store.changes(after=id)`."""
    number: str
    """The tracking number whose status changed."""
    old_status: MainStatus | None
    """The main status before; None for the shipment's first known status."""
    new_status: MainStatus
    """The main status after."""
    event: TrackEvent | None
    """The latest event of the update that made the change (None when it had none)."""
    at: datetime
    """When the store recorded the change (aware, UTC)."""


@frozen
class SyncReport(JsonModel):
    """What ``ShipmentStore.sync`` did."""

    asked: int
    """Stale tracked shipments asked for with gettrackinfo."""
    refreshed: int
    """Answers the store applied (newer than what it held)."""
    changed: int
    """Of those, how many changed the shipment's main status."""
    unchanged: int
    """Answers that were not newer (the store already held them)."""
    failed: int
    """Numbers whose request failed after retries, or that 17TRACK refused; asked again next time."""
    adopted: int = 0
    """``discover=True``: numbers registered outside the store and added to it."""
    stopped: int = 0
    """``stop_after_delivered``: delivered shipments whose tracking the store stopped."""
    failures: tuple[Rejection | Failure, ...] = field(default=(), repr=False)
    """Each of the ``failed``: a ``Rejection`` (17TRACK's code and message) or a ``Failure`` (the
    error that remained after the retries), naming its number."""
    pruned: PruneReport = PruneReport(0, 0)
    """What the retention dropped from the inbox at the end of the run."""


# -- the newer-wins rule -----------------------------------------------------------------------

Freshness = tuple[str, int]
"""An update's place in time: its latest event's time (as sortable text) and its event count."""

_NO_TIME = ""


def freshness(track: TrackInfo) -> Freshness:
    """Where ``track`` stands in time, for the newer-wins rule.

    The rule, used for pushes and polls alike: **a later latest-event time wins; at an equal time,
    more events wins; anything else is stale.** The latest-event time is the time of
    ``track.latest_event`` (else of its newest event); a track without any time is older than any
    track with one. A time with an offset is compared in UTC; a carrier's local time without one is
    compared as it is written.
    """
    moment = _latest_time(track)
    key = _NO_TIME if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return key, len(track.events)


def _latest_time(track: TrackInfo) -> datetime | None:
    times = [event.time for event in track.events if event.time is not None]
    if track.latest_event is not None and track.latest_event.time is not None:
        times.append(track.latest_event.time)
    if not times:
        return None
    return max(_comparable(moment) for moment in times)


def _comparable(moment: datetime) -> datetime:
    """Aware times in UTC without their offset; local times as they are."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def is_newer(candidate: Freshness, held: Freshness | None) -> bool:
    """True when an update at ``candidate`` replaces one at ``held`` (None: the store has no track)."""
    return held is None or candidate > held
