"""When a request leaves later than the slot its limiter booked: book again, move the booking, or
count it where it really left."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeGuard

from track17_facade._records import Record
from track17_facade._secrets import redacting_logger
from track17_facade.errors import RateLimiterUnavailableError, Track17Error
from track17_facade.ratelimit._limiter import (
    ConfirmingLimiter,
    LearningLimiter,
    MovingLimiter,
    RateLimiter,
    RebookingLimiter,
    ReleasingLimiter,
)

logger = redacting_logger("track17")


def limiter_failed(exc: Exception) -> RateLimiterUnavailableError:
    """What a limiter raised that is not a Track17Error, as one."""
    return RateLimiterUnavailableError(f"the rate limiter failed: {type(exc).__name__}: {exc}")


# A request must leave at the time its limiter booked for it: the limiter counts the next requests
# from that booking. A thread or task that wakes late (a busy CPU, a paused virtual machine, a
# long garbage collection; 100 ms and more were seen on shared hosts) leaves at a time the limiter
# never gave. Two ways keep the count true:
#
# - A limiter of one process that can ``move`` a booking (SlidingWindowLimiter) is told where the
#   request really left, however little late, once its headers are written and before the next
#   request of the client books. The next booking then counts from the real departure: lateness
#   costs only itself, and the margin is left to cover the link alone.
# - Limiters others book from meanwhile (RedisRateLimiter, HostLimiter) get a fresh
#   booking when the request wakes more than LATE_TOLERANCE after its slot, and one more booking at
#   once when its headers still went out late. Redis first tries to move the missed booking to now,
#   atomically and only where no window would then hold more than the limit (``move_to_now``): the
#   request then leaves at once. Otherwise it gives the missed slot back (``release``; nobody was
#   sent on it, so the key loses no capacity) and books a fresh one.
#
# - A limiter whose bookings other processes may overtake (HostLimiter: a request ahead that left
#   late is moved to where it left, after this one was booked) confirms each slot when its request
#   wakes, and the request books again when the slot no longer holds.
#
# A booking's slot is counted where the limiter placed it, but the request only learns the wait
# when the booking answers: a booking that answered late (a Redis reply read 100 ms after Redis
# sent it, by a thread waiting for the GIL while other threads decode big answers) leaves that much
# after its slot, while the next bookings count from the slot. The time a booking took to answer
# therefore counts as lateness: past the tolerance, the booking is moved to now or made again,
# as for a thread that woke late.
#
# Only the first booking may fail a request (then nothing is sent unthrottled); when a later one
# fails (Redis gone meanwhile), the request leaves on the slot it already holds.
LATE_TOLERANCE = 0.02
"""Seconds a request may leave after its booked start (well under the limiter's margin, which
absorbs the gap between leaving and arriving)."""
MAX_REBOOKINGS = 3
"""Slots a request may miss in a row before it leaves anyway (a host that stalls this often
cannot be paced precisely; the retry policy still handles a 429)."""


def reserve(limiter: RateLimiter) -> float:
    try:
        return limiter.reserve()
    except Track17Error:
        raise
    except Exception as exc:
        raise limiter_failed(exc) from exc


async def reserve_async(limiter: RateLimiter) -> float:
    try:
        return await limiter.reserve_async()
    except Track17Error:
        raise
    except Exception as exc:
        raise limiter_failed(exc) from exc


def _late(due: float, answering: float = 0.0) -> float:
    """Seconds past ``due`` beyond the tolerance, or 0; ``answering`` is how long the booking took
    to answer, by which its slot may lie before ``due`` (see ``wait_sync``)."""
    late = time.monotonic() - due + answering
    return late if late > LATE_TOLERANCE else 0.0


def _best_effort(action: Callable[[], object], what: str) -> object:
    """``action()`` about a missed slot (moving it to now, or giving it back); None when it fails:
    a slot that cannot be moved or given back is only wasted, never a reason to fail the request."""
    try:
        return action()
    except Exception as exc:
        logger.debug("%s of a missed slot failed: %s: %s", what, type(exc).__name__, exc)
        return None


async def _best_effort_async(action: Callable[[], Awaitable[object]], what: str) -> object:
    """``_best_effort`` for asyncio."""
    try:
        return await action()
    except Exception as exc:
        logger.debug("%s of a missed slot failed: %s: %s", what, type(exc).__name__, exc)
        return None


def _may_leave(limiter: RateLimiter, due: float, late: float) -> bool:
    """Whether a request that woke ``late`` seconds past its slot ``due`` may leave now: on time
    and its slot still holds (``ConfirmingLimiter``), or late where its limiter counts it where
    it leaves."""
    if late:
        return _counts_late_departures(limiter)
    if isinstance(limiter, ConfirmingLimiter):
        return _best_effort(partial(limiter.confirm, due), "confirming") is not False
    return True


def _movable(limiter: RateLimiter, late: float) -> TypeGuard[RebookingLimiter]:
    """Whether a request that woke ``late`` seconds past its slot may ask its limiter to move the
    booking to now (rather than book again): it woke late, and its limiter can."""
    return bool(late) and isinstance(limiter, RebookingLimiter)


def _counts_late_departures(limiter: RateLimiter) -> bool:
    """Whether a request that woke late may leave at once, its limiter counting it where it left
    (``move``): a limiter of one process. One that others book from meanwhile (Redis, the host
    ledger) moves the missed booking to now or books again first (``RebookingLimiter``)."""
    return isinstance(limiter, MovingLimiter) and not isinstance(limiter, RebookingLimiter)


class Slot(Record):
    """A request's booking as its transport saw it."""

    __slots__ = ("booked", "due", "paced")
    due: float
    """When the request was to leave (monotonic clock)."""
    booked: float
    """When the booking was made."""
    paced: bool
    """The limiter made it wait, so the window (and its margin) was full."""

    def __init__(self, due: float, booked: float, paced: bool) -> None:
        self._assign(locals())


def wait_sync(limiter: RateLimiter) -> Slot:
    """Book a start and wait for it, booking again after waking too late; returns the slot.

    Raises:
        RateLimiterUnavailableError: the first booking failed, so the request must not be sent.
            A later one that fails (Redis gone meanwhile) leaves on the booking it already has.
    """
    booked = time.monotonic()
    delay = reserve(limiter)
    for attempt in range(MAX_REBOOKINGS + 1):
        answered = time.monotonic()
        due = answered + delay
        if delay > 0:
            time.sleep(delay)
        late = _late(due, answered - booked)
        if attempt == MAX_REBOOKINGS or _may_leave(limiter, due, late):
            return Slot(due, booked, delay > 0)
        if _movable(limiter, late) and _best_effort(partial(limiter.move_to_now, due), "moving"):
            return _moved_to_now(late, booked, delay)
        _rebooking(late)
        if isinstance(limiter, ReleasingLimiter):
            _best_effort(partial(limiter.release, due), "giving back")
        try:
            booked, delay = time.monotonic(), reserve(limiter)
        except Track17Error:
            return Slot(due, booked, delay > 0)
    raise AssertionError("unreachable")  # pragma: no cover


def _moved_to_now(late: float, booked: float, delay: float) -> Slot:
    """The slot a request that woke ``late`` holds once its booking was moved to now."""
    logger.debug("woke %.0f ms after its rate-limit slot; moved it to now", late * 1000)
    return Slot(time.monotonic(), booked, delay > 0)


def _rebooking(late: float) -> None:
    if late:
        logger.debug("woke %.0f ms after its rate-limit slot; booking a new one", late * 1000)
    else:
        logger.debug("a request ahead left late and took the rate-limit slot; booking a new one")


async def wait_async(limiter: RateLimiter) -> Slot:
    """``wait_sync`` for asyncio: the same bookings, waiting without blocking the loop."""
    import asyncio  # noqa: PLC0415 (only async clients wait here; a sync process never imports it)

    booked = time.monotonic()
    delay = await reserve_async(limiter)
    for attempt in range(MAX_REBOOKINGS + 1):
        answered = time.monotonic()
        due = answered + delay
        if delay > 0:
            await asyncio.sleep(delay)
        late = _late(due, answered - booked)
        if attempt == MAX_REBOOKINGS or _may_leave(limiter, due, late):
            return Slot(due, booked, delay > 0)
        if _movable(limiter, late) and await _best_effort_async(
            partial(limiter.move_to_now_async, due), "moving"
        ):
            return _moved_to_now(late, booked, delay)
        _rebooking(late)
        if isinstance(limiter, ReleasingLimiter):
            await _best_effort_async(partial(limiter.release_async, due), "giving back")
        try:
            booked, delay = time.monotonic(), await reserve_async(limiter)
        except Track17Error:
            return Slot(due, booked, delay > 0)
    raise AssertionError("unreachable")  # pragma: no cover


def teach(limiter: RateLimiter, slot: Slot, status: int, round_trip: float | None, route: str) -> None:
    """Tell a limiter that learns (``learn``, like SlidingWindowLimiter) how a request fared."""
    if isinstance(limiter, LearningLimiter):
        limiter.learn(slot.booked, slot.paced, status == 429, round_trip, route)


def _moved(limiter: RateLimiter, due: float, departed: float) -> bool:
    """Move a request's booking to where it really left, where the limiter can; whether it could."""
    if not isinstance(limiter, MovingLimiter) or not limiter.move(due, departed):
        return False
    if departed - due > LATE_TOLERANCE:
        logger.debug("left %.0f ms after its rate-limit slot; counted where it left", (departed - due) * 1000)
    return True


def _counted(limiter: RateLimiter, due: float, departed: float) -> bool:
    """Whether a departure needs no more booking: moved to where it left, or left on time."""
    return _moved(limiter, due, departed) or departed - due <= LATE_TOLERANCE


def count_departure(limiter: RateLimiter, due: float, departed: float) -> None:
    """Count a request where its headers really went out (sent: this must not fail it now).

    A limiter that can move its latest booking gets the exact departure, however small the delay:
    the next booking then counts from it, and the margin never has to absorb the host's wake-up
    delays. Otherwise a request that left more than ``LATE_TOLERANCE`` late books one more slot.
    """
    if _counted(limiter, due, departed):
        return
    try:
        reserve(limiter)
    except Track17Error as exc:
        logger.debug("could not count a late departure: %s", exc)


async def count_departure_async(limiter: RateLimiter, due: float, departed: float) -> None:
    """``count_departure`` for asyncio."""
    if _counted(limiter, due, departed):
        return
    try:
        await reserve_async(limiter)
    except Track17Error as exc:
        logger.debug("could not count a late departure: %s", exc)
