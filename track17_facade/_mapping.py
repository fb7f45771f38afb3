"""From the generated layer's models (and the webhook shapes) to the facade's TrackInfo/TrackEvent.

Every function here checks the types it reads and raises ``ShapeError`` naming the offending path,
so callers turn a malformed answer into one typed error instead of an AttributeError deep inside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from track17_client.models.track_info_response_data_accepted_item import (
    TrackInfoResponseDataAcceptedItem,
)
from track17_client.models.track_info_response_data_accepted_item_track import (
    TrackInfoResponseDataAcceptedItemTrack,
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
_MAIN: dict[object, MainStatus] = dict(MainStatus._value2member_map_)  # type: ignore[arg-type]
_SUB: dict[object, SubStatus] = dict(SubStatus._value2member_map_)  # type: ignore[arg-type]
_CARRIERS: dict[object, Carrier] = dict(Carrier._value2member_map_)  # type: ignore[arg-type]


class ShapeError(ValueError):
    """A value of the wrong type at ``path`` in an answer or a push."""

    def __init__(self, path: str, expected: str, got: object) -> None:
        super().__init__(f"{path}: expected {expected}, got {type(got).__name__}")
        self.path = path


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def main_status(value: object, path: str) -> MainStatus:
    """MainStatus for an integer ``z`` (UNKNOWN keeps unlisted values)."""
    found = _MAIN.get(value)
    if found is not None and _is_int(value):
        return found
    if not _is_int(value):
        raise ShapeError(path, "an integer status", value)
    return MainStatus.unknown(value, value)  # type: ignore[arg-type]


def sub_status(value: object, path: str) -> SubStatus:
    """SubStatus for an integer ``s`` (UNKNOWN keeps unlisted values)."""
    found = _SUB.get(value)
    if found is not None and _is_int(value):
        return found
    if not _is_int(value):
        raise ShapeError(path, "an integer sub-status", value)
    return SubStatus.unknown(value, value)  # type: ignore[arg-type]


def carrier(value: object, path: str) -> Carrier | None:
    """Carrier for an integer key, None when absent."""
    if value is None or isinstance(value, Unset):
        return None
    found = _CARRIERS.get(value)
    if found is not None and _is_int(value):
        return found
    if not _is_int(value):
        raise ShapeError(path, "an integer carrier key", value)
    return Carrier.unknown(value, value)  # type: ignore[arg-type]


def optional_str(value: object, path: str) -> str | None:
    """A string field that may be absent or null."""
    if value is None or isinstance(value, Unset):
        return None
    if not isinstance(value, str):
        raise ShapeError(path, "a string", value)
    return value


def event_from_generated(event: GeneratedEvent, path: str) -> TrackEvent:
    """A TrackEvent from a contract track event (``z``, ``s``, ``a``, ``c``, ``d``)."""
    status = main_status(event.z, f"{path}.z") if not isinstance(event.z, Unset) else MainStatus.NOT_FOUND
    if isinstance(event.s, Unset) or event.s is None:
        sub = _default_sub(status)
    else:
        sub = sub_status(event.s, f"{path}.s")
    time_raw = optional_str(event.d, f"{path}.d")
    return TrackEvent(
        status,
        sub,
        optional_str(event.a, f"{path}.a"),
        optional_str(event.c, f"{path}.c"),
        time_raw,
        parse_event_time(time_raw),
    )


def _default_sub(status: MainStatus) -> SubStatus:
    """The catch-all sub-status of a main status, for events that carry no ``s``."""
    return _DEFAULT_SUB.get(status) or SubStatus.unknown(-1, status.name_17track)


_DEFAULT_SUB: dict[MainStatus, SubStatus] = {
    sub.main_status: sub
    for sub in SubStatus
    if sub.name.endswith("_OTHER") or sub.name == sub.main_status.name
}


def track_from_generated(
    number: str, carrier_key: object, track: TrackInfoResponseDataAcceptedItemTrack | Unset, path: str
) -> TrackInfo:
    """A TrackInfo from a contract track object (``z0`` latest, ``z1`` the history)."""
    which = carrier(carrier_key, f"{path}.carrier")
    if isinstance(track, Unset) or track is None:
        return TrackInfo(number, which, MainStatus.NOT_FOUND, SubStatus.NOT_FOUND_OTHER, None, ())
    history: Sequence[TrackInfoResponseDataAcceptedItemTrackZ1Item] = (
        [] if isinstance(track.z1, Unset) or track.z1 is None else track.z1
    )
    events = tuple(
        event_from_generated(event, f"{path}.track.z1[{index}]") for index, event in enumerate(history)
    )
    if isinstance(track.z0, Unset) or track.z0 is None:
        latest = events[-1] if events else None
    else:
        latest = event_from_generated(track.z0, f"{path}.track.z0")
    if latest is None:
        return TrackInfo(number, which, MainStatus.NOT_FOUND, SubStatus.NOT_FOUND_OTHER, None, events)
    # A z0 with neither time nor description only carries the status: there is no event yet.
    shown = latest if (latest.time_raw or latest.description) else None
    return TrackInfo(number, which, latest.status, latest.sub_status, shown, events)


def track_info_from_generated(item: TrackInfoResponseDataAcceptedItem, path: str) -> TrackInfo:
    """A TrackInfo from one accepted item of gettrackinfo."""
    if not isinstance(item.number, str):
        raise ShapeError(f"{path}.number", "a string", item.number)
    return track_from_generated(item.number, item.carrier, item.track, path)


def track_from_dict(number: str, carrier_key: object, track: object, path: str) -> TrackInfo:
    """A TrackInfo from a contract track object given as decoded JSON (webhook pushes)."""
    if track is None:
        return track_from_generated(number, carrier_key, None, path)  # type: ignore[arg-type]
    if not isinstance(track, Mapping):
        raise ShapeError(f"{path}.track", "an object", track)
    z0, z1 = track.get("z0"), track.get("z1")
    if z0 is not None and not isinstance(z0, Mapping):
        raise ShapeError(f"{path}.track.z0", "an object", z0)
    if z1 is not None and not (isinstance(z1, list) and all(isinstance(e, Mapping) for e in z1)):
        raise ShapeError(f"{path}.track.z1", "an array of objects", z1)
    generated = TrackInfoResponseDataAcceptedItemTrack.from_dict(_without_nulls(track))
    return track_from_generated(number, carrier_key, generated, path)


def _without_nulls(track: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in track.items() if value is not None}
