"""17TRACK's statuses: a shipment's 9 main statuses and 30 sub-statuses, whether a number is
still tracked, and how fresh a real-time lookup must be.

17TRACK names sub-statuses (``InTransit_PickedUp``) but publishes no integer codes for them. This
SDK defines its own codes, stable across releases: ``main status * 100 + position``, so
``IN_TRANSIT_PICKED_UP`` is 201 and ``EXCEPTION_CANCEL`` is 811. The sandbox sends these codes in
the ``s`` field of track events.
"""

from __future__ import annotations

from enum import StrEnum

from track17_facade._lenient_enum import LenientIntEnum
from track17_facade.errors import InvalidInputError

__all__ = ["CacheLevel", "MainStatus", "SubStatus", "TrackingStatus"]


class MainStatus(LenientIntEnum):
    """The main status of a shipment (the ``z`` field), 0-8 in 17TRACK's documented order."""

    NOT_FOUND = 0
    """The carrier has no information on the number yet (or the number or carrier is wrong)."""
    INFO_RECEIVED = 1
    """The carrier has the shipment's data (a label was made) but not the parcel yet."""
    IN_TRANSIT = 2
    """On its way: picked up, between facilities, or in customs."""
    EXPIRED = 3
    """No news for a long time: 17TRACK stopped expecting any."""
    AVAILABLE_FOR_PICKUP = 4
    """Waiting at a pick-up point or post office for the recipient."""
    OUT_FOR_DELIVERY = 5
    """On the delivery vehicle, to be delivered today."""
    DELIVERY_FAILURE = 6
    """A delivery attempt failed (nobody home, wrong address, refused, ...); the carrier may try again."""
    DELIVERED = 7
    """Delivered to the recipient."""
    EXCEPTION = 8
    """Something went wrong: returned, lost, damaged, delayed, cancelled (`sub_status` says which)."""

    @property
    def name_17track(self) -> str:
        """17TRACK's own name for this status, e.g. ``"InTransit"`` (the raw value if unknown)."""
        if not self.is_known:
            return str(self.raw)
        return _MAIN_NAMES[self]

    @classmethod
    def from_name(cls, name: str) -> MainStatus:
        """The status for a 17TRACK name such as ``"InTransit"``; UNKNOWN (keeping the name) otherwise."""
        found = _MAIN_BY_NAME.get(name)
        return found if found is not None else cls.unknown(-1, name)

    @classmethod
    def parse(cls, value: object) -> MainStatus:
        """A status as a caller may give it: a ``MainStatus``, its number (0 to 8, or its digits), 17TRACK's
        name (``"InTransit"``) or the member's (``"IN_TRANSIT"``), in any letter case, with or
        without spaces or underscores. The client, the command line and the shipment store all
        read statuses with this.

        Raises:
            InvalidInputError: anything else; the message lists the names.
        """
        if isinstance(value, cls) and value.is_known:
            return value
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value in cls._value2member_map_:
            return cls(value)
        if isinstance(value, str):
            found = _MAIN_BY_FOLDED.get(_folded(value))
            if found is not None:
                return found
        names = ", ".join(member.name_17track for member in cls)
        raise InvalidInputError(f"status must be one of {names} (or 0 to 8), got {value!r}")


class SubStatus(LenientIntEnum):
    """The sub-status of a shipment (the ``s`` field), each belonging to one main status."""

    NOT_FOUND_OTHER = 1
    NOT_FOUND_INVALID_CODE = 2
    INFO_RECEIVED = 101
    IN_TRANSIT_PICKED_UP = 201
    IN_TRANSIT_OTHER = 202
    IN_TRANSIT_DEPARTURE = 203
    IN_TRANSIT_ARRIVAL = 204
    IN_TRANSIT_CUSTOMS_PROCESSING = 205
    IN_TRANSIT_CUSTOMS_RELEASED = 206
    IN_TRANSIT_CUSTOMS_REQUIRING_INFORMATION = 207
    EXPIRED_OTHER = 301
    AVAILABLE_FOR_PICKUP_OTHER = 401
    OUT_FOR_DELIVERY_OTHER = 501
    DELIVERY_FAILURE_OTHER = 601
    DELIVERY_FAILURE_NO_BODY = 602
    DELIVERY_FAILURE_SECURITY = 603
    DELIVERY_FAILURE_REJECTED = 604
    DELIVERY_FAILURE_INVALID_ADDRESS = 605
    DELIVERED_OTHER = 701
    EXCEPTION_OTHER = 801
    EXCEPTION_RETURNING = 802
    EXCEPTION_RETURNED = 803
    EXCEPTION_NO_BODY = 804
    EXCEPTION_SECURITY = 805
    EXCEPTION_DAMAGE = 806
    EXCEPTION_REJECTED = 807
    EXCEPTION_DELAYED = 808
    EXCEPTION_LOST = 809
    EXCEPTION_DESTROYED = 810
    EXCEPTION_CANCEL = 811

    @property
    def main_status(self) -> MainStatus:
        """The main status this sub-status belongs to (UNKNOWN for an unknown sub-status)."""
        if not self.is_known:
            return MainStatus.unknown(-1, self.raw)
        return MainStatus(self.value // 100)

    @property
    def name_17track(self) -> str:
        """17TRACK's own name, e.g. ``"InTransit_PickedUp"`` (the raw value if unknown)."""
        if not self.is_known:
            return str(self.raw)
        return _SUB_NAMES[self]

    @classmethod
    def from_name(cls, name: str) -> SubStatus:
        """The sub-status for a 17TRACK name; UNKNOWN (keeping the name) otherwise."""
        found = _SUB_BY_NAME.get(name)
        return found if found is not None else cls.unknown(-1, name)


def _camel(upper_snake: str) -> str:
    return "".join(word.capitalize() for word in upper_snake.split("_"))


_MAIN_NAMES: dict[MainStatus, str] = {status: _camel(status.name) for status in MainStatus}
_MAIN_BY_NAME: dict[str, MainStatus] = {name: status for status, name in _MAIN_NAMES.items()}


def _folded(name: str) -> str:
    """A status name without case, spaces, underscores or hyphens: "In transit" is "intransit"."""
    return "".join(char for char in name.casefold() if char not in " _-")


_MAIN_BY_FOLDED: dict[str, MainStatus] = {_folded(status.name): status for status in MainStatus}
# "IN_TRANSIT_PICKED_UP" -> "InTransit_PickedUp": the main status's name, then the rest.
_SUB_NAMES: dict[SubStatus, str] = {
    sub: (
        _MAIN_NAMES[sub.main_status]
        + (
            "_" + _camel(sub.name.removeprefix(sub.main_status.name + "_"))
            if sub.name != sub.main_status.name
            else ""
        )
    )
    for sub in SubStatus
}
_SUB_BY_NAME: dict[str, SubStatus] = {name: sub for sub, name in _SUB_NAMES.items()}


class CacheLevel(StrEnum):
    """How fresh ``get_realtime_track_info`` must be, and so what it costs (v2.4)."""

    STANDARD = "Standard"
    """May answer from 17TRACK's recent cache: the normal charge per number."""
    INSTANT = "Instant"
    """Asks the carrier now: charged more per number. Never a default."""


class TrackingStatus(StrEnum):
    """Whether 17TRACK is still tracking a registered number."""

    TRACKING = "Tracking"
    """17TRACK is tracking the number and pushes its updates."""
    STOPPED = "Stopped"
    """Tracking stopped (expired, stopped by request or an invalid carrier); `retrack` restarts it once."""
