"""The v2 shape of a track (``track_info``: gettrackinfo on v2.4, and v2 pushes) to the facade's
TrackInfo, by the tolerant reader's rule (see ``track17_facade._decoders``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from track17_facade import _fields as F  # noqa: N812 (read as F.V2TrackInfo.latest_status)
from track17_facade._decoders import (
    array,
    assemble_track,
    optional_object,
    same_name,
    text,
    tolerated,
)
from track17_facade.carriers import Carrier
from track17_facade.models import (
    NOTHING_RECEIVED,
    Address,
    EstimatedDelivery,
    Milestone,
    TrackEvent,
    TrackInfo,
    parse_event_time,
)
from track17_facade.status import MainStatus, SubStatus

__all__ = ["track_info_from_v2", "v2_event", "v2_main_status", "v2_sub_status"]

# Every wire name read here, from the contracts' table: a field the contract renames or drops
# fails here, at import (and at mypy), never reads as absent. Module constants, not the table's
# attributes, in the functions: a track holds hundreds of events.
SUB_STATUS: Final = F.V2TrackEvent.sub_status
LOCATION: Final = F.V2TrackEvent.location
DESCRIPTION: Final = F.V2TrackEvent.description
STAGE: Final = F.V2TrackEvent.stage
ADDRESS: Final = F.V2TrackEvent.address
TRANSLATION: Final = F.V2TrackEvent.description_translation
TRANSLATED: Final = F.V2DescriptionTranslation.description
TIME_ISO: Final = same_name(F.V2TrackEvent.time_iso, F.V2Milestone.time_iso)
TIME_UTC: Final = same_name(F.V2TrackEvent.time_utc, F.V2Milestone.time_utc)
TIME_RAW: Final = same_name(F.V2TrackEvent.time_raw, F.V2Milestone.time_raw)
RAW_DATE: Final = F.V2TimeRaw.date
RAW_TIME: Final = F.V2TimeRaw.time
RAW_TIMEZONE: Final = F.V2TimeRaw.timezone
COORDINATES: Final = F.V2Address.coordinates
LONGITUDE: Final = F.V2Coordinates.longitude
LATITUDE: Final = F.V2Coordinates.latitude
ADDRESS_FIELDS: Final = (
    F.V2Address.country,
    F.V2Address.state,
    F.V2Address.city,
    F.V2Address.street,
    F.V2Address.postal_code,
)
"""In the order of ``Address``'s first five fields."""
TIP: Final = F.V2ProviderTip.tip
TIPS: Final = F.V2TrackInfo.provider_tips
PROVIDER_TIPS: Final = F.V2ProviderTracking.provider_tips
TRACKING: Final = F.V2TrackInfo.tracking
PROVIDERS: Final = F.V2Tracking.providers
PROVIDER: Final = F.V2ProviderTracking.provider
PROVIDER_NAME: Final = F.V2Provider.name
EVENTS: Final = F.V2ProviderTracking.events
MILESTONE: Final = F.V2TrackInfo.milestone
KEY_STAGE: Final = F.V2Milestone.key_stage
TIME_METRICS: Final = F.V2TrackInfo.time_metrics
ESTIMATED_DELIVERY: Final = F.V2TimeMetrics.estimated_delivery_date
ESTIMATE_SOURCE: Final = F.V2EstimatedDelivery.source
ESTIMATE_FROM: Final = F.V2EstimatedDelivery.from_
ESTIMATE_TO: Final = F.V2EstimatedDelivery.to
SHIPPING_INFO: Final = F.V2TrackInfo.shipping_info
SHIPPER: Final = F.V2ShippingInfo.shipper_address
RECIPIENT: Final = F.V2ShippingInfo.recipient_address
COUNTRY: Final = F.V2Address.country
LATEST_EVENT: Final = F.V2TrackInfo.latest_event
LATEST_STATUS: Final = F.V2TrackInfo.latest_status
STATUS_NAME: Final = F.V2LatestStatus.status
STATUS_SUB_STATUS: Final = F.V2LatestStatus.sub_status


def v2_sub_status(name: object, path: str) -> SubStatus:
    """SubStatus for a v2 sub-status name ("InTransit_PickedUp"); UNKNOWN keeps unlisted names."""
    read = text(name, path)
    return SubStatus.NOT_FOUND_OTHER if read is None else SubStatus.from_name(read)


def v2_main_status(sub: SubStatus, stated: str | None) -> MainStatus:
    """The main status named by ``stated``, else the one the sub-status belongs to."""
    if stated is not None:
        return MainStatus.from_name(stated)
    if sub.is_known:
        return sub.main_status
    return MainStatus.from_name(str(sub.raw).split("_")[0])


# Every known sub-status name with its (main, sub) pair: one look-up per event in the common case.
_V2_STATUSES: dict[str, tuple[MainStatus, SubStatus]] = {
    sub.name_17track: (sub.main_status, sub) for sub in SubStatus
}


def _number(value: object, path: str) -> float | None:
    """A finite number, or its text ("-46.633309": coordinates arrive as strings too)."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number: float = float(value)
    else:
        try:
            number = float(value.strip()) if isinstance(value, str) else math.nan
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        tolerated(path, "a number", value)
        return None
    return number


def _str_at(block: Mapping[str, Any], name: str, path: str) -> str | None:
    """``block[name]`` as an optional string; ``path`` is only read to report an error."""
    value = block.get(name)
    if value is None or type(value) is str:
        return value
    return text(value, f"{path}.{name}")


def _address(value: object, path: str) -> Address | None:
    block = value if type(value) is dict else optional_object(value, path)
    if block is None:
        return None
    coordinates = block.get(COORDINATES)
    longitude = latitude = None
    where = f"{path}.{COORDINATES}"
    points = coordinates if type(coordinates) is dict else optional_object(coordinates, where)
    if points is not None:
        longitude = _number(points.get(LONGITUDE), f"{where}.{LONGITUDE}")
        latitude = _number(points.get(LATITUDE), f"{where}.{LATITUDE}")
    fields = [_str_at(block, name, path) for name in ADDRESS_FIELDS]
    if longitude is None and latitude is None and not any(fields):
        return None
    country, state, city, street, postal_code = fields
    return Address(country, state, city, street, postal_code, longitude, latitude)


def _aware_time(block: Mapping[str, Any], path: str) -> datetime | None:
    """``time_iso`` (with the event's offset), else ``time_utc``, parsed; else the carrier's own
    ``time_raw`` (17TRACK gives only that for ``Delivered_Other``): aware when it names its offset,
    naive (the carrier's local time) otherwise."""
    stated = parse_event_time(_str_at(block, TIME_ISO, path) or _str_at(block, TIME_UTC, path))
    if stated is not None or block.get(TIME_RAW) is None:
        return stated
    local = parse_event_time(_carrier_time(block, path))
    raw = optional_object(block.get(TIME_RAW), f"{path}.{TIME_RAW}") or {}
    offset = _str_at(raw, RAW_TIMEZONE, f"{path}.{TIME_RAW}")
    if local is None or local.tzinfo is not None or not offset:
        return local
    return parse_event_time(f"{local.isoformat()}{offset}") or local


def _carrier_time(block: Mapping[str, Any], path: str) -> str | None:
    """The carrier's own time text: ``time_raw``'s date and time, else ``time_iso``."""
    raw = block.get(TIME_RAW)
    parts = raw if type(raw) is dict else optional_object(raw, f"{path}.{TIME_RAW}")
    if parts is not None:
        where = f"{path}.{TIME_RAW}"
        date, time = _str_at(parts, RAW_DATE, where), _str_at(parts, RAW_TIME, where)
        if date and time:
            return f"{date} {time}"
        if date or time:
            return date or time
    return _str_at(block, TIME_ISO, path)


def v2_event(event: object, base: str, index: int | None = None) -> TrackEvent | None:
    """A TrackEvent from one v2 event (None for one that is no object); ``base``/``index`` locate
    it for the log only.

    This runs once per event of every answer and push, so field paths are only built when needed.
    """
    path = base if index is None else f"{base}[{index}]"
    block = event if type(event) is dict else optional_object(event, path)
    if block is None:
        return None
    get = block.get
    name = get(SUB_STATUS)
    statuses = _V2_STATUSES.get(name) if type(name) is str else None
    if statuses is None:
        sub = v2_sub_status(name, f"{path}.{SUB_STATUS}")
        statuses = (v2_main_status(sub, None), sub)
    address = get(ADDRESS)
    translation = get(TRANSLATION)
    translated = optional_object(translation, f"{path}.{TRANSLATION}") if translation else None
    return TrackEvent(
        statuses[0],
        statuses[1],
        _str_at(block, LOCATION, path),
        _str_at(block, DESCRIPTION, path),
        _carrier_time(block, path),
        _aware_time(block, path),
        stage=_str_at(block, STAGE, path),
        address=None if address is None else _address(address, f"{path}.{ADDRESS}"),
        description_translation=None
        if translated is None
        else _str_at(translated, TRANSLATED, f"{path}.{TRANSLATION}"),
    )


def _tips(listed: object, path: str) -> list[str]:
    """The texts of a ``provider_tips`` array (each a ``{"tip": ...}`` object, or its text), or
    of one notice given as plain text, as a live v2.4 answer gives it per provider."""
    if type(listed) is str:
        return [listed] if listed.strip() else []
    texts = []
    for index, entry in enumerate(array(listed, path)):
        block = entry if isinstance(entry, Mapping) else {TIP: entry}
        tip = text(block.get(TIP), f"{path}[{index}].{TIP}")
        if tip:
            texts.append(tip)
    return texts


def _v2_events(info: Mapping[str, Any], path: str) -> tuple[list[TrackEvent], str | None, list[str]]:
    """Every provider's events, oldest first, the first provider's name, and the carriers' notices
    (17TRACK's table puts ``provider_tips`` on ``track_info``, a public client per provider)."""
    tips = _tips(info.get(TIPS), f"{path}.{TIPS}")
    tracking = optional_object(info.get(TRACKING), f"{path}.{TRACKING}") or {}
    providers = array(tracking.get(PROVIDERS), f"{path}.{TRACKING}.{PROVIDERS}")
    events: list[TrackEvent] = []
    name: str | None = None
    for p_index, provider in enumerate(providers):
        where = f"{path}.{TRACKING}.{PROVIDERS}[{p_index}]"
        block = optional_object(provider, where)
        if block is None:
            continue
        if name is None:
            about = optional_object(block.get(PROVIDER), f"{where}.{PROVIDER}") or {}
            name = text(about.get(PROVIDER_NAME), f"{where}.{PROVIDER}.{PROVIDER_NAME}")
        tips += _tips(block.get(PROVIDER_TIPS), f"{where}.{PROVIDER_TIPS}")
        base = f"{where}.{EVENTS}"
        listed = array(block.get(EVENTS), base)
        # v2 lists each provider's events newest first; TrackInfo.events is oldest first.
        for index in range(len(listed) - 1, -1, -1):
            event = v2_event(listed[index], base, index)
            if event is not None:
                events.append(event)
    if len(providers) > 1 and all(event.time is not None for event in events):
        events.sort(key=lambda event: event.time.timestamp() if event.time and event.time.tzinfo else 0.0)
    return events, name, tips


def _milestones(info: Mapping[str, Any], path: str) -> tuple[Milestone, ...]:
    listed = array(info.get(MILESTONE), f"{path}.{MILESTONE}")
    milestones = []
    for index, entry in enumerate(listed):
        where = f"{path}.{MILESTONE}[{index}]"
        block = optional_object(entry, where)
        stage = None if block is None else text(block.get(KEY_STAGE), f"{where}.{KEY_STAGE}")
        if block is not None and stage:
            milestones.append(Milestone(stage, _aware_time(block, where)))
    return tuple(milestones)


def _estimated_delivery(info: Mapping[str, Any], path: str) -> EstimatedDelivery | None:
    metrics = optional_object(info.get(TIME_METRICS), f"{path}.{TIME_METRICS}") or {}
    where = f"{path}.{TIME_METRICS}.{ESTIMATED_DELIVERY}"
    block = optional_object(metrics.get(ESTIMATED_DELIVERY), where)
    if block is None:
        return None
    earliest = parse_event_time(text(block.get(ESTIMATE_FROM), f"{where}.{ESTIMATE_FROM}"))
    latest = parse_event_time(text(block.get(ESTIMATE_TO), f"{where}.{ESTIMATE_TO}"))
    if earliest is None and latest is None:
        return None
    return EstimatedDelivery(text(block.get(ESTIMATE_SOURCE), f"{where}.{ESTIMATE_SOURCE}"), earliest, latest)


def _country(shipping: Mapping[str, Any], side: str, path: str) -> str | None:
    address = optional_object(shipping.get(side), f"{path}.{SHIPPING_INFO}.{side}") or {}
    return text(address.get(COUNTRY), f"{path}.{SHIPPING_INFO}.{side}.{COUNTRY}")


def track_info_from_v2(
    number: str, which: Carrier | None, tag: str | None, track_info: object, path: str
) -> TrackInfo:
    """A TrackInfo from a v2 ``track_info`` object (decoded JSON), for answers and pushes alike."""
    info = optional_object(track_info, path)
    if info is None:
        return TrackInfo(
            number,
            which,
            MainStatus.NOT_FOUND,
            SubStatus.NOT_FOUND_OTHER,
            None,
            (),
            tag=tag,
            raw=NOTHING_RECEIVED,
        )
    events, provider, tips = _v2_events(info, path)
    latest_block = info.get(LATEST_EVENT)
    latest = None if latest_block is None else v2_event(latest_block, f"{path}.{LATEST_EVENT}")
    track = assemble_track(number, which, latest, tuple(events))
    main, sub = track.status, track.sub_status
    where = f"{path}.{LATEST_STATUS}"
    status_block = optional_object(info.get(LATEST_STATUS), where)
    if status_block is not None:
        sub = v2_sub_status(status_block.get(STATUS_SUB_STATUS), f"{where}.{STATUS_SUB_STATUS}")
        main = v2_main_status(sub, text(status_block.get(STATUS_NAME), f"{where}.{STATUS_NAME}"))
    shipping = optional_object(info.get(SHIPPING_INFO), f"{path}.{SHIPPING_INFO}") or {}
    return TrackInfo(
        number,
        which,
        main,
        sub,
        track.latest_event,
        track.events,
        tag=tag,
        provider=provider,
        shipping_country=_country(shipping, SHIPPER, path),
        recipient_country=_country(shipping, RECIPIENT, path),
        estimated_delivery=_estimated_delivery(info, path),
        milestones=_milestones(info, path),
        provider_tips=tuple(tips),
        raw=info,
    )
