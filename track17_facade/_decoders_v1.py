"""v1 tracks in either shape they come in: 17TRACK's, as its service sends it, and the contract's.

**Two shapes under one name.** The v1 contract (``openapi.yaml``, 17TRACK's seed text) names a
track event's fields ``z`` main status, ``s`` sub-status, ``a`` location, ``c`` description and
``d`` time. Every public capture of 17TRACK's v1 service (its own documentation example for
gettrackinfo, a public client's fixtures, a push captured from the live service) uses the same
letters for other things:

====== ===================================== =============================================
field  the contract                          17TRACK's service
====== ===================================== =============================================
``e``  (absent)                              the main status: 0 NotFound, 10 InTransit,
                                             20 Expired, 30 PickUp, 35 Undelivered,
                                             40 Delivered, 50 Alert
``f``  (absent)                              a second status number, meaning unpublished
``w1`` (absent)                              the origin carrier's key (0: none)
``w2`` (absent)                              the destination carrier's key (0: none)
``b``  (absent)                              origin country, 17TRACK's country number
``c``  (absent)                              destination country, likewise
``z0`` the latest event                      the latest event (may be ``{}``)
``z1`` every event, oldest first             the origin carrier's events, newest first
``z2`` (absent)                              the destination carrier's events, newest first
event ``z``: main status (integer)           ``z``: the description (text)
event ``s``: sub-status (integer)            (absent)
event ``a``: location                        ``a``: local time "2015-05-29 09:00" (may be "")
event ``c``: description                     ``c``: location
event ``d``: time                            ``d``: more location ("ANN ARBOR, MI 48104")
====== ===================================== =============================================

So each track is read by evidence (``shape_of``): ``e`` or ``w1`` present, or an event whose
``z`` is text, is 17TRACK's shape; an event whose ``z`` is an integer (or its digits) is the
contract's; a track with no events and neither marker reads the same either way. A track that
fits neither (events whose ``z`` is something else) keeps its ``raw`` with status ``UNKNOWN``,
and a DEBUG line says why.

The same reader serves gettrackinfo, pushes (``parse_webhook``, ``ShipmentStore.receive``), the
store's saved tracks and the command line.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import attrs

from track17_facade import models
from track17_facade._decoders import (
    Z,
    array,
    carrier,
    integer,
    logger,
    optional_object,
    text,
    tolerated,
    track_from_dict,
)
from track17_facade._v1_service import (
    DESTINATION_CARRIER,
    DESTINATION_COUNTRY,
    DESTINATION_EVENTS,
    EVENT_DESCRIPTION,
    EVENT_LISTS,
    EVENT_MORE_PLACE,
    EVENT_PLACE,
    EVENT_TIME,
    LATEST,
    ORIGIN_CARRIER,
    ORIGIN_COUNTRY,
    ORIGIN_EVENTS,
    OTHER_EVENTS,
    PACKAGE_STATUS,
    SECOND_STATUS,
)
from track17_facade.carriers import Carrier, default_directory
from track17_facade.models import NOTHING_RECEIVED, CarrierLeg, parse_event_time
from track17_facade.status import MainStatus, SubStatus

if TYPE_CHECKING:
    from track17_facade.models import TrackEvent, TrackInfo

__all__ = ["V1_PACKAGE_STATUS", "package_status", "shape_of", "v1_track"]

Shape = Literal["17track", "contract"]

V1_PACKAGE_STATUS: Mapping[int, MainStatus] = {
    0: MainStatus.NOT_FOUND,
    10: MainStatus.IN_TRANSIT,
    20: MainStatus.EXPIRED,
    30: MainStatus.AVAILABLE_FOR_PICKUP,
    35: MainStatus.DELIVERY_FAILURE,
    40: MainStatus.DELIVERED,
    50: MainStatus.EXCEPTION,
}
"""17TRACK's v1 package status (``track.e``) to the main status of the same meaning. 17TRACK's
v1 documentation (as quoted by public clients, and the meanings a live integration gives 30-50)
orders them 0 NotFound, 10 InTransit, 20 Expired, 30 PickUp, 35 Undelivered, 40 Delivered,
50 Alert; two public libraries swap 20 and 50, against those sources."""


def _single_sub_statuses() -> dict[MainStatus, SubStatus]:
    by_main: dict[MainStatus, list[SubStatus]] = {}
    for sub in SubStatus:
        by_main.setdefault(sub.main_status, []).append(sub)
    return {main: subs[0] for main, subs in by_main.items() if len(subs) == 1}


_SINGLE_SUB = _single_sub_statuses()
"""The main statuses that have one sub-status only (Delivered: Delivered_Other), whose sub-status
a v1 track therefore states without naming it."""

NO_EVENT_STATUS = MainStatus.unknown(-1, "")
"""The status of a 17TRACK-shaped v1 event other than the latest: the service gives none."""
NO_EVENT_SUB_STATUS = SubStatus.unknown(-1, "")


def shape_of(track: Mapping[str, Any]) -> Shape | None:
    """Which v1 shape a track object is in, by evidence (see the module's documentation); None
    when its events fit neither."""
    if PACKAGE_STATUS in track or ORIGIN_CARRIER in track:
        return "17track"
    verdict: Shape | None = "contract"  # no event at all reads the same either way
    for name in EVENT_LISTS:
        value = track.get(name)
        events = [value] if isinstance(value, Mapping) else value if isinstance(value, list) else ()
        for event in events:
            if not isinstance(event, Mapping):
                continue
            # The contract's integer status and the service's text description (one letter today)
            status, described = event.get(Z), event.get(EVENT_DESCRIPTION)
            if status is not None and integer(status) is not None:
                return "contract"
            if isinstance(described, str):
                return "17track"
            if status is not None or described is not None:
                verdict = None
    return verdict


def v1_track(number: str, which: Carrier | None, track: object, path: str) -> TrackInfo:
    """A TrackInfo from a v1 track object (decoded JSON) in either shape; ``which`` is the
    carrier the item named (17TRACK's shape falls back on ``track.w1``)."""
    if not isinstance(track, Mapping):
        return track_from_dict(number, which, track, path)
    shape = shape_of(track)
    if shape == "contract":
        return track_from_dict(number, which, track, path)
    if shape is None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("answer: %s: a v1 track of neither known shape; kept with status UNKNOWN", path)
        return models.TrackInfo(
            number, which, MainStatus.unknown(-1, ""), SubStatus.unknown(-1, ""), None, (), raw=track
        )
    return _from_17track(number, which, track, path)


def _from_17track(number: str, which: Carrier | None, track: Mapping[str, Any], path: str) -> TrackInfo:
    status = package_status(track.get(PACKAGE_STATUS), f"{path}.{PACKAGE_STATUS}")
    sub = _SINGLE_SUB.get(status) or SubStatus.unknown(-1, _raw_text(track.get(SECOND_STATUS)))
    origin = _events(track, ORIGIN_EVENTS, CarrierLeg.ORIGIN, path)
    destination = _events(track, DESTINATION_EVENTS, CarrierLeg.DESTINATION, path)
    others = _events(track, OTHER_EVENTS, None, path)
    events = _merged(origin, destination, others)
    z0 = optional_object(track.get(LATEST), f"{path}.{LATEST}")
    latest = None if z0 is None else _event(z0, None, f"{path}.{LATEST}")
    if latest is None or not (latest.time_raw or latest.description):
        latest = events[-1] if events else None
    if latest is not None:
        # The latest event stands in its carrier's list too (which says which leg it is on), and
        # carries the track's status there; one that no list holds joins them.
        listed = next((event for event in reversed(events) if _same(event, latest)), None)
        latest = attrs.evolve(listed or latest, status=status, sub_status=sub)
        if listed is None:
            events = _merged(events, [latest])
        else:
            events = [latest if event is listed else event for event in events]
    directory = default_directory()
    return models.TrackInfo(
        number,
        which if which is not None else _carrier_key(track.get(ORIGIN_CARRIER), f"{path}.{ORIGIN_CARRIER}"),
        status,
        sub,
        latest,
        tuple(events),
        shipping_country=directory.country_iso(integer(track.get(ORIGIN_COUNTRY))),
        recipient_country=directory.country_iso(integer(track.get(DESTINATION_COUNTRY))),
        destination_carrier=_carrier_key(track.get(DESTINATION_CARRIER), f"{path}.{DESTINATION_CARRIER}"),
        raw=track or NOTHING_RECEIVED,
    )


def package_status(value: object, path: str) -> MainStatus:
    """The main status of 17TRACK's v1 package status number (``e``); UNKNOWN keeps others."""
    code = integer(value)
    if code is None:
        if value is not None:
            tolerated(path, "an integer package status", value)
        return MainStatus.unknown(-1, _raw_text(value))
    known = V1_PACKAGE_STATUS.get(code)
    return MainStatus.unknown(code, code) if known is None else known


def _raw_text(value: object) -> str:
    return "" if value is None else value if isinstance(value, str) else repr(value)[:40]


def _carrier_key(value: object, path: str) -> Carrier | None:
    """A carrier key where 0 means none."""
    found = carrier(value, path)
    return None if found is None or int(found) <= 0 else found


def _events(track: Mapping[str, Any], name: str, leg: CarrierLeg | None, path: str) -> list[TrackEvent]:
    """One carrier's events, oldest first (17TRACK lists them newest first)."""
    where = f"{path}.{name}"
    listed = array(track.get(name), where)
    events = []
    for index in range(len(listed) - 1, -1, -1):
        block = optional_object(listed[index], f"{where}[{index}]")
        event = None if block is None else _event(block, leg, f"{where}[{index}]")
        if event is not None:
            events.append(event)
    return events


def _event(block: Mapping[str, Any], leg: CarrierLeg | None, path: str) -> TrackEvent | None:
    """One event: ``a`` time, ``c`` and ``d`` location, ``z`` description. None for ``{}``."""
    time_raw = text(block.get(EVENT_TIME), f"{path}.{EVENT_TIME}") or None
    places = (text(block.get(name), f"{path}.{name}") for name in (EVENT_PLACE, EVENT_MORE_PLACE))
    location = ", ".join(part.strip() for part in places if part and part.strip()) or None
    description = text(block.get(EVENT_DESCRIPTION), f"{path}.{EVENT_DESCRIPTION}") or None
    if time_raw is None and location is None and description is None:
        return None
    return models.TrackEvent(
        NO_EVENT_STATUS,
        NO_EVENT_SUB_STATUS,
        location,
        description,
        time_raw,
        parse_event_time(time_raw),
        leg=leg,
    )


def _merged(*lists: list[TrackEvent]) -> list[TrackEvent]:
    """The lists (each oldest first) merged into one, oldest first: by time where both heads have
    one; an event without a time keeps its place in its own list."""
    heads = [0] * len(lists)
    merged: list[TrackEvent] = []
    while True:
        best = -1
        for which, events in enumerate(lists):
            if heads[which] >= len(events):
                continue
            event = events[heads[which]]
            if event.time is None:
                best = which
                break
            if best < 0 or _key(event) < _key(lists[best][heads[best]]):
                best = which
        if best < 0:
            return merged
        merged.append(lists[best][heads[best]])
        heads[best] += 1


def _key(event: TrackEvent) -> datetime:
    """An event's time as carriers write it (their local time, any offset ignored), for ordering."""
    return event.time.replace(tzinfo=None) if event.time else datetime.min


def _same(event: TrackEvent, other: TrackEvent) -> bool:
    return (event.time_raw, event.description, event.location) == (
        other.time_raw,
        other.description,
        other.location,
    )
