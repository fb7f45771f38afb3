"""The values the clients return: tracking information and per-item batch outcomes.

All are frozen, slotted attrs classes: immutable, hashable where their fields are, with readable
reprs. ``TrackInfo`` and ``TrackEvent`` are also what ``track17_facade.webhooks`` returns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from attrs import field, frozen

from track17_facade.carriers import Carrier
from track17_facade.codes import ErrorCode
from track17_facade.errors import BatchFailedError, Track17Error
from track17_facade.status import MainStatus, SubStatus

T = TypeVar("T")


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
class TrackEvent:
    """One checkpoint of a shipment's history."""

    status: MainStatus
    sub_status: SubStatus
    location: str | None
    description: str | None
    time_raw: str | None = field(repr=False)
    """The time exactly as the carrier reported it."""
    time: datetime | None = field(default=None)
    """``time_raw`` parsed, or None when it is not a recognisable date and time."""


@frozen
class TrackInfo:
    """A tracking number's current status and its event history (oldest first, as sent)."""

    number: str
    carrier: Carrier | None
    status: MainStatus
    sub_status: SubStatus
    latest_event: TrackEvent | None
    events: tuple[TrackEvent, ...] = field(repr=lambda events: f"<{len(events)} events>")

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
class Accepted:
    """An item the API accepted.

    ``recovered`` is True when an earlier attempt failed in a way that may have reached the
    server, and the retry was answered "already done" (e.g. ALREADY_REGISTERED for a register):
    the operation took effect exactly once.
    """

    number: str
    carrier: Carrier | None = None
    recovered: bool = False


@frozen
class Rejection:
    """An item refused: by the API (its per-item error) or by the SDK before sending.

    For an item the SDK refused, ``index`` is its position in the input and ``number`` the number
    as given (stripped, and cut to 60 characters), or ``""`` when the item held no string at all
    (``None``, an int, a tuple of the wrong size); the message names what was expected and what
    came. For an item 17TRACK refused, ``index`` is None.
    """

    number: str
    code: ErrorCode
    message: str
    index: int | None = None


@frozen
class Failure:
    """An item whose request still failed after every retry; ``error`` says why."""

    number: str
    error: Track17Error


@frozen
class BatchResult(Generic[T]):
    """The outcome of a bulk call. Every distinct input item is in exactly one of the three lists,
    each list in input order."""

    accepted: tuple[T, ...] = field(repr=lambda items: f"<{len(items)} items>")
    rejected: tuple[Rejection, ...]
    failed: tuple[Failure, ...]

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
