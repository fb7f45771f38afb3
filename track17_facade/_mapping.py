"""From the generated layer's models (and the webhook shapes) to the facade's TrackInfo/TrackEvent.

Every function here checks the types it reads and raises ``ShapeError`` naming the offending path,
so callers turn a malformed answer into one typed error instead of an AttributeError deep inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from track17_client.models.track_info_response_data_accepted_item import (
    TrackInfoResponseDataAcceptedItem,
)
from track17_client.models.track_info_response_data_accepted_item_track_z0 import (
    TrackInfoResponseDataAcceptedItemTrackZ0,
)
from track17_client.models.track_info_response_data_accepted_item_track_z1_item import (
    TrackInfoResponseDataAcceptedItemTrackZ1Item,
)
from track17_client.types import Unset

from track17_facade.carriers import Carrier
from track17_facade.models import TrackEvent, TrackInfo, parse_event_time
from track17_facade.status import MainStatus, SubStatus

GeneratedEvent = TrackInfoResponseDataAcceptedItemTrackZ0 | TrackInfoResponseDataAcceptedItemTrackZ1Item

# Direct dict look-ups: decoding thousands of events should not pay for Enum.__call__ each time.
_MAIN: dict[object, MainStatus] = dict(MainStatus._value2member_map_)
_SUB: dict[object, SubStatus] = dict(SubStatus._value2member_map_)
_CARRIERS: dict[object, Carrier] = dict(Carrier._value2member_map_)


class ShapeError(ValueError):
    """A value of the wrong type at ``path`` in an answer or a push."""

    def __init__(self, path: str, expected: str, got: object) -> None:
        super().__init__(f"{path}: expected {expected}, got {type(got).__name__}")
        self.path = path


E = TypeVar("E", MainStatus, SubStatus, Carrier)


def _lenient(enum: type[E], table: dict[object, E], value: object, path: str, what: str) -> E:
    """The member for an integer value; an UNKNOWN member keeping unlisted integers."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ShapeError(path, what, value)
    return table.get(value) or enum.unknown(value, value)


def main_status(value: object, path: str) -> MainStatus:
    """MainStatus for an integer ``z`` (UNKNOWN keeps unlisted values)."""
    return _lenient(MainStatus, _MAIN, value, path, "an integer status")


def sub_status(value: object, path: str) -> SubStatus:
    """SubStatus for an integer ``s`` (UNKNOWN keeps unlisted values)."""
    return _lenient(SubStatus, _SUB, value, path, "an integer sub-status")


def carrier(value: object, path: str) -> Carrier | None:
    """Carrier for an integer key, None when absent."""
    if _absent(value):
        return None
    return _lenient(Carrier, _CARRIERS, value, path, "an integer carrier key")


def optional_str(value: object, path: str) -> str | None:
    """A string field that may be absent or null."""
    if value is None or isinstance(value, Unset):
        return None
    if not isinstance(value, str):
        raise ShapeError(path, "a string", value)
    return value


def _absent(value: object) -> bool:
    return value is None or isinstance(value, Unset)


def _text(value: object, base: str, index: int | None, field: str) -> str | None:
    if type(value) is str:
        return value
    if _absent(value):
        return None
    raise ShapeError(_path(base, index, field), "a string", value)


def _path(base: str, index: int | None, field: str) -> str:
    """Paths for error messages are built only when there is an error to report."""
    return f"{base}.{field}" if index is None else f"{base}[{index}].{field}"


def make_event(
    z: object, s: object, a: object, c: object, d: object, base: str, index: int | None = None
) -> TrackEvent:
    """A TrackEvent from the contract's five event fields (absent ones None or UNSET).

    ``base`` and ``index`` locate the event for error messages (``data.track.z1`` and 3).
    This runs once per event of every answer, so the common case is kept to dict look-ups.
    """
    status = _MAIN.get(z) if type(z) is int else None
    if status is None:
        status = MainStatus.NOT_FOUND if _absent(z) else main_status(z, _path(base, index, "z"))
    sub = _SUB.get(s) if type(s) is int else None
    if sub is None:
        sub = _default_sub(status) if _absent(s) else sub_status(s, _path(base, index, "s"))
    location = a if type(a) is str else _text(a, base, index, "a")
    description = c if type(c) is str else _text(c, base, index, "c")
    time_raw = d if type(d) is str else _text(d, base, index, "d")
    return TrackEvent(status, sub, location, description, time_raw, parse_event_time(time_raw))


def event_from_generated(event: GeneratedEvent, base: str, index: int | None = None) -> TrackEvent:
    """A TrackEvent from a generated contract event model."""
    return make_event(event.z, event.s, event.a, event.c, event.d, base, index)


def event_from_dict(event: object, base: str, index: int | None = None) -> TrackEvent:
    """A TrackEvent from a contract event given as decoded JSON."""
    if not isinstance(event, Mapping):
        raise ShapeError(base if index is None else f"{base}[{index}]", "an object", event)
    get = event.get
    return make_event(get("z"), get("s"), get("a"), get("c"), get("d"), base, index)


def _default_sub(status: MainStatus) -> SubStatus:
    """The catch-all sub-status of a main status, for events that carry no ``s``."""
    return _DEFAULT_SUB.get(status) or SubStatus.unknown(-1, status.name_17track)


_DEFAULT_SUB: dict[MainStatus, SubStatus] = {
    sub.main_status: sub
    for sub in SubStatus
    if sub.name.endswith("_OTHER") or sub.name == sub.main_status.name
}


def assemble_track(
    number: str, which: Carrier | None, latest: TrackEvent | None, events: tuple[TrackEvent, ...]
) -> TrackInfo:
    """A TrackInfo from its latest event (``z0``) and history (``z1``)."""
    if latest is None and events:
        latest = events[-1]
    if latest is None:
        return TrackInfo(number, which, MainStatus.NOT_FOUND, SubStatus.NOT_FOUND_OTHER, None, events)
    # A z0 with neither time nor description only carries the status: there is no event yet.
    shown = latest if (latest.time_raw or latest.description) else None
    return TrackInfo(number, which, latest.status, latest.sub_status, shown, events)


def track_info_from_generated(item: TrackInfoResponseDataAcceptedItem, path: str) -> TrackInfo:
    """A TrackInfo from one accepted item of gettrackinfo."""
    if not isinstance(item.number, str):
        raise ShapeError(f"{path}.number", "a string", item.number)
    which = carrier(item.carrier, f"{path}.carrier")
    track = item.track
    if isinstance(track, Unset):
        return assemble_track(item.number, which, None, ())
    history = () if isinstance(track.z1, Unset) else track.z1
    z1 = f"{path}.track.z1"
    events = tuple([event_from_generated(event, z1, index) for index, event in enumerate(history)])
    latest = None if isinstance(track.z0, Unset) else event_from_generated(track.z0, f"{path}.track.z0")
    return assemble_track(item.number, which, latest, events)


def track_from_dict(number: str, which: Carrier | None, track: object, path: str) -> TrackInfo:
    """A TrackInfo from a contract track object (``{"z0": ..., "z1": [...]}``) as decoded JSON."""
    if track is None:
        return assemble_track(number, which, None, ())
    if not isinstance(track, Mapping):
        raise ShapeError(path, "an object", track)
    z0, z1 = track.get("z0"), track.get("z1")
    if z1 is None:
        z1 = []
    if not isinstance(z1, list):
        raise ShapeError(f"{path}.z1", "an array", z1)
    events = tuple([event_from_dict(event, f"{path}.z1", index) for index, event in enumerate(z1)])
    latest = None if z0 is None else event_from_dict(z0, f"{path}.z0")
    return assemble_track(number, which, latest, events)
