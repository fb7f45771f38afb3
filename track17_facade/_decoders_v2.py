"""The v2 shape of a track (``track_info``: gettrackinfo on v2.4, and v2 pushes) to the facade's
TrackInfo, by the tolerant reader's rule (see ``track17_facade._decoders``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from track17_facade._decoders import (
    array,
    assemble_track,
    optional_object,
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
    coordinates = block.get("coordinates")
    longitude = latitude = None
    where = f"{path}.coordinates"
    points = coordinates if type(coordinates) is dict else optional_object(coordinates, where)
    if points is not None:
        longitude = _number(points.get("longitude"), f"{path}.coordinates.longitude")
        latitude = _number(points.get("latitude"), f"{path}.coordinates.latitude")
    fields = [_str_at(block, name, path) for name in _ADDRESS_FIELDS]
    if longitude is None and latitude is None and not any(fields):
        return None
    country, state, city, street, postal_code = fields
    return Address(country, state, city, street, postal_code, longitude, latitude)


_ADDRESS_FIELDS = ("country", "state", "city", "street", "postal_code")


def _aware_time(block: Mapping[str, Any], path: str) -> datetime | None:
    """``time_iso`` (with the event's offset), else ``time_utc``, parsed; else the carrier's own
    ``time_raw`` (17TRACK gives only that for ``Delivered_Other``): aware when it names its offset,
    naive (the carrier's local time) otherwise."""
    stated = parse_event_time(_str_at(block, "time_iso", path) or _str_at(block, "time_utc", path))
    if stated is not None or block.get("time_raw") is None:
        return stated
    local = parse_event_time(_carrier_time(block, path))
    raw = optional_object(block.get("time_raw"), f"{path}.time_raw") or {}
    offset = _str_at(raw, "timezone", f"{path}.time_raw")
    if local is None or local.tzinfo is not None or not offset:
        return local
    return parse_event_time(f"{local.isoformat()}{offset}") or local


def _carrier_time(block: Mapping[str, Any], path: str) -> str | None:
    """The carrier's own time text: ``time_raw``'s date and time, else ``time_iso``."""
    raw = block.get("time_raw")
    parts = raw if type(raw) is dict else optional_object(raw, f"{path}.time_raw")
    if parts is not None:
        date, time = _str_at(parts, "date", f"{path}.time_raw"), _str_at(parts, "time", f"{path}.time_raw")
        if date and time:
            return f"{date} {time}"
        if date or time:
            return date or time
    return _str_at(block, "time_iso", path)


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
    name = get("sub_status")
    statuses = _V2_STATUSES.get(name) if type(name) is str else None
    if statuses is None:
        sub = v2_sub_status(name, f"{path}.sub_status")
        statuses = (v2_main_status(sub, None), sub)
    address = get("address")
    translation = get("description_translation")
    translated = optional_object(translation, f"{path}.description_translation") if translation else None
    return TrackEvent(
        statuses[0],
        statuses[1],
        _str_at(block, "location", path),
        _str_at(block, "description", path),
        _carrier_time(block, path),
        _aware_time(block, path),
        stage=_str_at(block, "stage", path),
        address=None if address is None else _address(address, f"{path}.address"),
        description_translation=None
        if translated is None
        else _str_at(translated, "description", f"{path}.description_translation"),
    )


def _tips(listed: object, path: str) -> list[str]:
    """The texts of a ``provider_tips`` array (each a ``{"tip": ...}`` object, or its text)."""
    texts = []
    for index, entry in enumerate(array(listed, path)):
        block = entry if isinstance(entry, Mapping) else {"tip": entry}
        tip = text(block.get("tip"), f"{path}[{index}].tip")
        if tip:
            texts.append(tip)
    return texts


def _v2_events(info: Mapping[str, Any], path: str) -> tuple[list[TrackEvent], str | None, list[str]]:
    """Every provider's events, oldest first, the first provider's name, and the carriers' notices
    (17TRACK's table puts ``provider_tips`` on ``track_info``, a public client per provider)."""
    tips = _tips(info.get("provider_tips"), f"{path}.provider_tips")
    tracking = optional_object(info.get("tracking"), f"{path}.tracking") or {}
    providers = array(tracking.get("providers"), f"{path}.tracking.providers")
    events: list[TrackEvent] = []
    name: str | None = None
    for p_index, provider in enumerate(providers):
        where = f"{path}.tracking.providers[{p_index}]"
        block = optional_object(provider, where)
        if block is None:
            continue
        if name is None:
            about = optional_object(block.get("provider"), f"{where}.provider") or {}
            name = text(about.get("name"), f"{where}.provider.name")
        tips += _tips(block.get("provider_tips"), f"{where}.provider_tips")
        listed = array(block.get("events"), f"{where}.events")
        # v2 lists each provider's events newest first; TrackInfo.events is oldest first.
        base = f"{where}.events"
        for index in range(len(listed) - 1, -1, -1):
            event = v2_event(listed[index], base, index)
            if event is not None:
                events.append(event)
    if len(providers) > 1 and all(event.time is not None for event in events):
        events.sort(key=lambda event: event.time.timestamp() if event.time and event.time.tzinfo else 0.0)
    return events, name, tips


def _milestones(info: Mapping[str, Any], path: str) -> tuple[Milestone, ...]:
    listed = array(info.get("milestone"), f"{path}.milestone")
    milestones = []
    for index, entry in enumerate(listed):
        where = f"{path}.milestone[{index}]"
        block = optional_object(entry, where)
        stage = None if block is None else text(block.get("key_stage"), f"{where}.key_stage")
        if block is not None and stage:
            milestones.append(Milestone(stage, _aware_time(block, where)))
    return tuple(milestones)


def _estimated_delivery(info: Mapping[str, Any], path: str) -> EstimatedDelivery | None:
    metrics = optional_object(info.get("time_metrics"), f"{path}.time_metrics") or {}
    where = f"{path}.time_metrics.estimated_delivery_date"
    block = optional_object(metrics.get("estimated_delivery_date"), where)
    if block is None:
        return None
    earliest = parse_event_time(text(block.get("from"), f"{where}.from"))
    latest = parse_event_time(text(block.get("to"), f"{where}.to"))
    if earliest is None and latest is None:
        return None
    return EstimatedDelivery(text(block.get("source"), f"{where}.source"), earliest, latest)


def _country(shipping: Mapping[str, Any], side: str, path: str) -> str | None:
    address = optional_object(shipping.get(side), f"{path}.shipping_info.{side}") or {}
    return text(address.get("country"), f"{path}.shipping_info.{side}.country")


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
    latest_block = info.get("latest_event")
    latest = None if latest_block is None else v2_event(latest_block, f"{path}.latest_event")
    track = assemble_track(number, which, latest, tuple(events))
    main, sub = track.status, track.sub_status
    status_block = optional_object(info.get("latest_status"), f"{path}.latest_status")
    if status_block is not None:
        sub = v2_sub_status(status_block.get("sub_status"), f"{path}.latest_status.sub_status")
        main = v2_main_status(sub, text(status_block.get("status"), f"{path}.latest_status.status"))
    shipping = optional_object(info.get("shipping_info"), f"{path}.shipping_info") or {}
    return TrackInfo(
        number,
        which,
        main,
        sub,
        track.latest_event,
        track.events,
        tag=tag,
        provider=provider,
        shipping_country=_country(shipping, "shipper_address", path),
        recipient_country=_country(shipping, "recipient_address", path),
        estimated_delivery=_estimated_delivery(info, path),
        milestones=_milestones(info, path),
        provider_tips=tuple(tips),
        raw=info,
    )
