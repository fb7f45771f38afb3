"""From 17TRACK's track shapes, as decoded JSON (answers and pushes alike), to the facade's
TrackInfo/TrackEvent: the contract's (v1) here, the v2 shape in ``_decoders_v2``.

**A tolerant reader.** 17TRACK's real answers differ from its documentation in small ways (public
clients have seen coordinates as strings, ``null`` where an array is documented), and one odd
field must never cost a whole request of 40 numbers. So the rule, for answers and pushes of both
API versions: a field of an unexpected type, or ``null``, never fails an item. A number that
arrives as a numeric string is read as a number (and a number where text belongs as its text); a
field that still cannot be read becomes ``None`` (an array: empty; a status: ``UNKNOWN``, keeping
what came), the item is kept, and a DEBUG line on the ``track17`` logger names the path. Only what
identifies the item can fail it: a missing or non-text ``number`` (``ShapeError``, naming the
path), or an answer that is not the envelope at all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

from track17_facade import _fields as F  # noqa: N812 (read as F.V2TrackInfo.latest_status)
from track17_facade import models
from track17_facade._secrets import redacting_logger
from track17_facade.carriers import Carrier
from track17_facade.models import NOTHING_RECEIVED, parse_event_time
from track17_facade.status import MainStatus, SubStatus

if TYPE_CHECKING:
    from track17_facade.models import TrackEvent, TrackInfo

logger = redacting_logger("track17")

# Direct dict look-ups: decoding thousands of events should not pay for Enum.__call__ each time.
_MAIN: dict[object, MainStatus] = dict(MainStatus._value2member_map_)
_SUB: dict[object, SubStatus] = dict(SubStatus._value2member_map_)
_CARRIERS: dict[object, Carrier] = dict(Carrier._value2member_map_)


def same_name(*names: str) -> str:
    """The one wire name a shared reader reads for a field that several schemas (or both
    contracts) define alike, e.g. ``accepted`` of every batch answer.

    Raises:
        ImportError: the contracts name it differently: the reader must choose (at import, so a
            contract change cannot make it read the field as absent).
    """
    if len(set(names)) != 1:
        raise ImportError(f"the contracts name one field differently: {', '.join(sorted(set(names)))}")
    return names[0]


# The contract's (v1) track and event fields, from the contracts' table: a field the contract
# renames or drops fails here, at import (and at mypy), never reads as absent.
Z: Final = same_name(
    F.V1TrackInfoResponseDataAcceptedItemTrackZ1Item.z, F.V1TrackInfoResponseDataAcceptedItemTrackZ0.z
)
"""The event's main status (integer)."""
S: Final = same_name(
    F.V1TrackInfoResponseDataAcceptedItemTrackZ1Item.s, F.V1TrackInfoResponseDataAcceptedItemTrackZ0.s
)
"""The event's sub-status (integer)."""
A: Final = same_name(
    F.V1TrackInfoResponseDataAcceptedItemTrackZ1Item.a, F.V1TrackInfoResponseDataAcceptedItemTrackZ0.a
)
"""The event's location."""
C: Final = same_name(
    F.V1TrackInfoResponseDataAcceptedItemTrackZ1Item.c, F.V1TrackInfoResponseDataAcceptedItemTrackZ0.c
)
"""The event's description."""
D: Final = same_name(
    F.V1TrackInfoResponseDataAcceptedItemTrackZ1Item.d, F.V1TrackInfoResponseDataAcceptedItemTrackZ0.d
)
"""The event's time."""
Z0: Final = F.V1TrackInfoResponseDataAcceptedItemTrack.z0
Z1: Final = F.V1TrackInfoResponseDataAcceptedItemTrack.z1


class ShapeError(ValueError):
    """A value of the wrong type at ``path`` in an answer or a push."""

    def __init__(self, path: str, expected: str, got: object) -> None:
        super().__init__(f"{path}: expected {expected}, got {type(got).__name__}")
        self.path = path


E = TypeVar("E", MainStatus, SubStatus, Carrier)


def tolerated(path: str, expected: str, value: object) -> None:
    """Note a field that could not be read (it is read as absent, and its item kept)."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "answer: %s: expected %s, got %s %.40r; read as absent, the item kept",
            path,
            expected,
            type(value).__name__,
            value,
        )


def integer(value: object) -> int | None:
    """An integer, or a string holding one ("3011", " -7 "); None otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit() and text.isascii():
            return int(text)
    return None


def _lenient(enum: type[E], table: dict[object, E], value: object, path: str, what: str) -> E:
    """The member for an integer value (or its text); UNKNOWN keeps unlisted or unreadable ones."""
    number = integer(value)
    if number is not None:
        return table.get(number) or enum.unknown(number, number)
    tolerated(path, what, value)
    return enum.unknown(-1, value if isinstance(value, str) else repr(value)[:40])


def main_status(value: object, path: str) -> MainStatus:
    """MainStatus for an integer ``z`` (UNKNOWN keeps unlisted or unreadable values)."""
    return _lenient(MainStatus, _MAIN, value, path, "an integer status")


def sub_status(value: object, path: str) -> SubStatus:
    """SubStatus for an integer ``s`` (UNKNOWN keeps unlisted or unreadable values)."""
    return _lenient(SubStatus, _SUB, value, path, "an integer sub-status")


def carrier(value: object, path: str) -> Carrier | None:
    """Carrier for an integer key (or its text), None when absent or unreadable."""
    if _absent(value):
        return None
    key = integer(value)
    if key is None:
        tolerated(path, "an integer carrier key", value)
        return None
    return _CARRIERS.get(key) or Carrier.unknown(key, key)


def optional_integer(value: object, path: str) -> int | None:
    """An integer field read tolerantly (its text too); None when absent or unreadable."""
    if value is None or is_unset(value):
        return None
    number = integer(value)
    if number is None:
        tolerated(path, "an integer", value)
    return number


def text(value: object, path: str) -> str | None:
    """A text field read tolerantly: a number becomes its text; anything else but text is None."""
    if type(value) is str or value is None:
        return value
    if is_unset(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    tolerated(path, "a string", value)
    return None


_UNSET_MODULES = frozenset({"track17_client.types", "track17_client_v2.types"})


def is_unset(value: object) -> bool:
    """True for either generated package's UNSET (each package has its own class). Told by its
    class's name and module, so that reading an answer of one version never imports the other's
    package."""
    kind = type(value)
    return kind.__name__ == "Unset" and kind.__module__ in _UNSET_MODULES


def optional_str(value: object, path: str) -> str | None:
    """A string field that may be absent or null, read strictly (what identifies an item: its
    number); other text fields are read with ``text``."""
    if value is None or is_unset(value):
        return None
    if not isinstance(value, str):
        raise ShapeError(path, "a string", value)
    return value


def _absent(value: object) -> bool:
    return value is None or is_unset(value)


def _text(value: object, base: str, index: int | None, field: str) -> str | None:
    if type(value) is str:
        return value
    if _absent(value):
        return None
    return text(value, _path(base, index, field))


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
        status = MainStatus.NOT_FOUND if _absent(z) else main_status(z, _path(base, index, Z))
    sub = _SUB.get(s) if type(s) is int else None
    if sub is None:
        sub = _default_sub(status) if _absent(s) else sub_status(s, _path(base, index, S))
    location = a if type(a) is str else _text(a, base, index, A)
    description = c if type(c) is str else _text(c, base, index, C)
    time_raw = d if type(d) is str else _text(d, base, index, D)
    return models.TrackEvent(status, sub, location, description, time_raw, parse_event_time(time_raw))


def event_from_dict(event: object, base: str, index: int | None = None) -> TrackEvent | None:
    """A TrackEvent from a contract event given as decoded JSON; None for one that is no object."""
    if type(event) is not dict and not isinstance(event, Mapping):  # the common case first
        tolerated(base if index is None else f"{base}[{index}]", "an object", event)
        return None
    get = event.get
    return make_event(get(Z), get(S), get(A), get(C), get(D), base, index)


def _default_sub(status: MainStatus) -> SubStatus:
    """The catch-all sub-status of a main status, for events that carry no ``s``."""
    return _DEFAULT_SUB.get(status) or SubStatus.unknown(-1, status.name_17track)


_DEFAULT_SUB: dict[MainStatus, SubStatus] = {
    sub.main_status: sub
    for sub in SubStatus
    if sub.name.endswith("_OTHER") or sub.name == sub.main_status.name
}


def assemble_track(
    number: str,
    which: Carrier | None,
    latest: TrackEvent | None,
    events: tuple[TrackEvent, ...],
    raw: Mapping[str, Any] = NOTHING_RECEIVED,
) -> TrackInfo:
    """A TrackInfo from its latest event (``z0``) and history (``z1``); ``raw`` is the track as it came."""
    if latest is None and events:
        latest = events[-1]
    if latest is None:
        return models.TrackInfo(
            number, which, MainStatus.NOT_FOUND, SubStatus.NOT_FOUND_OTHER, None, events, raw=raw
        )
    # A z0 with neither time nor description only carries the status: there is no event yet.
    shown = latest if (latest.time_raw or latest.description) else None
    return models.TrackInfo(number, which, latest.status, latest.sub_status, shown, events, raw=raw)


def track_from_dict(number: str, which: Carrier | None, track: object, path: str) -> TrackInfo:
    """A TrackInfo from a contract track object (``{"z0": ..., "z1": [...]}``) as decoded JSON."""
    if track is None:
        return assemble_track(number, which, None, ())
    if not isinstance(track, Mapping):
        tolerated(path, "an object", track)
        return assemble_track(number, which, None, ())
    z0 = track.get(Z0)
    where = f"{path}.{Z1}"
    z1 = array(track.get(Z1), where)
    events = []
    z, s, a, c, d = Z, S, A, C, D  # locals: this loop runs once per event of every answer
    for index, event in enumerate(z1):
        if type(event) is dict:  # the common case, read here: a track holds hundreds of events
            get = event.get
            events.append(make_event(get(z), get(s), get(a), get(c), get(d), where, index))
        elif (read := event_from_dict(event, where, index)) is not None:
            events.append(read)
    latest = None if z0 is None else event_from_dict(z0, f"{path}.{Z0}")
    return assemble_track(number, which, latest, tuple(events), track)


# -- shared by both shapes ---------------------------------------------------------------------


def optional_object(value: object, path: str) -> Mapping[str, Any] | None:
    """An object, or None (for ``null``, absent, or anything else: tolerated)."""
    if value is None or isinstance(value, Mapping):
        return value
    tolerated(path, "an object", value)
    return None


def array(value: object, path: str) -> list[Any]:
    """An array; ``null`` or absent is empty, anything else tolerated as empty."""
    if type(value) is list:
        return value
    if value is not None:
        tolerated(path, "an array", value)
    return []
