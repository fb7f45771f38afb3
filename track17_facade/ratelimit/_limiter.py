"""What a rate limiter is (``RateLimiter`` and the optional capabilities a limiter may have), and
the in-process one: a sliding log of reservations, shared per key in a process."""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from track17_facade._secrets import redacting_logger
from track17_facade.ratelimit._ledger import SLOTS, HostLedger, default_directory
from track17_facade.ratelimit._margin import Margin, MarginLearner

PacingLedger = bool | str | os.PathLike[str]
"""Where a client's in-process limiter shares its key's starts with the host's other processes:
True (the user's cache directory, or ``$TRACK17_PACING_LEDGER``), a directory, or False (none)."""

logger = redacting_logger("track17")


@runtime_checkable
class RateLimiter(Protocol):
    """What a client needs from a rate limiter: a booked start time for each request.

    ``reserve`` books the earliest start that keeps the limit and returns how many seconds from
    now it is; the caller does the waiting (so it can wait without holding a connection, then
    start exactly on time). Each call books exactly one request. Implementations must be safe to
    share between threads; ``reserve_async`` is the same for asyncio callers whose booking
    involves I/O.
    """

    def reserve(self) -> float:
        """Book one request's start; return the seconds until it (0 for now)."""
        ...

    async def reserve_async(self) -> float:
        """``reserve`` for asyncio code: book one request's start without blocking the loop."""
        ...


@runtime_checkable
class MovingLimiter(Protocol):
    """A limiter that can move its latest booking to where the request really left
    (``SlidingWindowLimiter``): a late request is then counted exactly, however little late."""

    def move(self, booked: float, departed: float) -> bool:
        """Move the booking made at ``booked`` to ``departed``; whether it could."""
        ...


@runtime_checkable
class RebookingLimiter(Protocol):
    """A limiter that can move a missed booking to now, where no window would then hold too many
    (``RedisRateLimiter``: other processes book from the same log, so it cannot simply move it)."""

    def move_to_now(self, booked: float) -> bool:
        """Move the missed booking made at ``booked`` to now; whether it did."""
        ...

    async def move_to_now_async(self, booked: float) -> bool:
        """``move_to_now`` for asyncio callers."""
        ...


@runtime_checkable
class ConfirmingLimiter(Protocol):
    """A limiter whose bookings others may overtake while a request sleeps (``HostLimiter``: a
    request of another process that left late is counted where it left), so each request
    checks its slot once it wakes, and books again when the slot no longer holds."""

    def confirm(self, booked: float) -> bool:
        """Whether the request booked at ``booked`` may leave now."""
        ...


@runtime_checkable
class ReleasingLimiter(Protocol):
    """A limiter that takes back a booking nobody was sent on (``RedisRateLimiter``), so that the
    key loses no capacity when a request wakes too late for its slot."""

    def release(self, booked: float) -> None:
        """Give back the booking made at ``booked``."""
        ...

    async def release_async(self, booked: float) -> None:
        """``release`` for asyncio callers."""
        ...


@runtime_checkable
class LearningLimiter(Protocol):
    """A limiter whose window margin learns from each answer (both limiters of this package)."""

    @property
    def margin(self) -> float:
        """Seconds added to each window now."""
        ...

    def learn(
        self, booked: float, paced: bool, refused: bool, round_trip: float | None = None, route: str = ""
    ) -> None:
        """How a request booked at ``booked`` fared (see ``Margin.answered``)."""
        ...


@runtime_checkable
class KeyedLimiter(Protocol):
    """A limiter shared by many keys and bound to one by ``for_key`` (``RedisRateLimiter``); a
    client binds it to its own key."""

    def for_key(self, api_key: str) -> RateLimiter:
        """This limiter's counterpart for ``api_key``."""
        ...


def window_for_rate(requests_per_second: float) -> tuple[int, float]:
    """Express a rate as ``(limit, window)``: 3.0 -> (3, 1.0); 0.5 -> (1, 2.0); 2.5 -> (2, 0.8)."""
    if not math.isfinite(requests_per_second) or requests_per_second <= 0:
        raise ValueError(f"requests_per_second must be a positive number, got {requests_per_second}")
    limit = max(1, math.floor(requests_per_second))
    return limit, limit / requests_per_second


class SlidingWindowLimiter(MarginLearner):
    """At most ``limit`` request starts in any ``window`` seconds, in one process.

    Thread-safe and usable from any number of event loops at once.

    **A new limiter treats the window before it as full** (``assume_used=True``, the default): a
    process cannot know what its key did in the last second (a job that just ended, a cron job, a
    second worker started beside the first), and the server counts those requests too. So the
    first requests wait until one window (and the margin) has passed since the limiter was made:
    at most one second per process and key, paid once, since every client of a key in the
    process shares one limiter. ``assume_used=False`` is for a key nothing else can have used
    just before. ``HostLimiter`` knows instead, from the host's other processes.

    Args:
        limit: requests per window.
        window: seconds.
        margin: seconds added to each window: a number for a fixed margin, a ``Margin`` (shared
            with other limiters), or None for a learning margin of its own.
        clock: the monotonic clock bookings are made on.
        assume_used: count the window before the limiter's creation as full (see above).
    """

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        margin: float | Margin | None = None,
        clock: Callable[[], float] = time.monotonic,
        assume_used: bool = True,
    ) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be an integer >= 1, got {limit!r}")
        if not isinstance(window, int | float) or not math.isfinite(window) or window <= 0:
            raise ValueError(f"window must be a number of seconds > 0, got {window!r}")
        self.limit = limit
        """How many requests may start in any `window` seconds."""
        self.window = window
        """The window's length in seconds."""
        self._margin = Margin.of(margin)
        self._clock = clock
        created = clock()
        self._starts: deque[float] = deque([created] * limit if assume_used else (), maxlen=limit)
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book the next start; return how many seconds the caller must wait before it."""
        with self._lock:
            return self._book(self._clock())

    def _book(self, now: float) -> float:
        start = now
        if len(self._starts) == self.limit:
            start = max(now, self._starts[0] + self.window + self._margin.seconds)
        self._starts.append(start)
        return start - now

    async def reserve_async(self) -> float:
        """The same as ``reserve``, which never blocks for long (a lock held for microseconds)."""
        return self.reserve()

    def move(self, booked: float, departed: float) -> bool:
        """Record that the request booked at ``booked`` really left at ``departed`` (later).

        Only the latest booking can move: no booking was made from it yet, so moving it cannot put
        an already booked request too close to it. Returns False when it is not the latest (the
        caller then books one more slot to count the late departure instead).
        """
        with self._lock:
            return self._move(booked, departed)

    def _move(self, booked: float, departed: float) -> bool:
        if not self._starts or abs(self._starts[-1] - booked) > _SAME_BOOKING:
            return False
        self._starts[-1] = max(self._starts[-1], departed)
        return True

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.limit} per {self.window:g}s, margin {self.margin * 1000:.1f} ms>"
        )


class HostLimiter(SlidingWindowLimiter):
    """``SlidingWindowLimiter`` for every process of the user on this machine: they book from one
    log of the key's last starts, kept in a small file (``HostLedger``). A new process knows
    exactly what the last window held and sends at once when it was empty; processes running side
    by side share one limit. What clients use by default.

    Other processes book from the log meanwhile, so a request that wakes late cannot simply be
    counted where it left, as one process does (``move``, which still serves while its booking
    is the latest): like ``RedisRateLimiter``, its booking is moved to now where no window would
    then hold too many, or given back and booked again (``move_to_now``, ``release``).

    Should the file stop serving (see ``HostLedger``), the limiter goes on in its process alone,
    counting the last window as full once, as ``SlidingWindowLimiter`` does when it starts.

    Args:
        limit: starts allowed in any ``window`` (as ``SlidingWindowLimiter``).
        window: the window's length in seconds.
        margin: seconds added to each window (as ``SlidingWindowLimiter``).
        ledger: the key's ledger on this host.
        clock: the monotonic clock, which every process of the host shares (tests move it).
    """

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        margin: float | Margin | None = None,
        ledger: HostLedger,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(limit, window, margin=margin, clock=clock, assume_used=False)
        self._ledger: HostLedger | None = ledger

    @property
    def shares_host(self) -> bool:
        """Whether the limiter still books through the host's ledger."""
        return self._ledger is not None and self._ledger.working

    def reserve(self) -> float:
        """Book the next start, for every process of the key on this host; the seconds to wait."""
        with self._lock:
            now = self._clock()
            if self._ledger is not None:
                shared = self._ledger.book(self.limit, self.window, self._margin.seconds, now)
                if shared is not None:
                    self._starts.append(shared)
                    return shared - now
                self._alone(now)
            return self._book(now)

    def move(self, booked: float, departed: float) -> bool:
        """Count the request booked at ``booked`` where it really left, ``departed``: any booking
        on the host moves (those after it ``confirm`` their slots when they wake)."""
        with self._lock:
            if self._ledger is None:
                return self._move(booked, departed)
            moved = self._ledger.move(booked, departed, _SAME_BOOKING)
            if moved is None:
                self._alone(self._clock())
                return False
            if moved:
                self._move(booked, departed)
            return moved

    def confirm(self, booked: float) -> bool:
        """Whether the request booked at ``booked`` may leave now: fewer than ``limit`` starts
        ahead of it on the host lie within a window (and margin) of now (see
        ``HostLedger.confirm``). Always True once the limiter paces alone."""
        with self._lock:
            if self._ledger is None:
                return True
            now = self._clock()
            margin = self._margin.seconds
            confirmed = self._ledger.confirm(booked, now, self.limit, self.window, margin, _SAME_BOOKING)
            if confirmed is None:
                self._alone(now)
                return True
            return confirmed

    def move_to_now(self, booked: float) -> bool:
        """Move the missed booking made at ``booked`` to now, where no window would then hold too
        many; whether it did (see ``RebookingLimiter``)."""
        with self._lock:
            now = self._clock()
            if self._ledger is None:
                return self._move(booked, now)
            margin = self._margin.seconds
            moved = self._ledger.move_to_now(booked, now, self.limit, self.window, margin, _SAME_BOOKING)
            if moved is None:
                self._alone(now)
                return False
            if moved:
                self._move(booked, now)
            return moved

    async def move_to_now_async(self, booked: float) -> bool:
        """``move_to_now`` (a lock held for microseconds)."""
        return self.move_to_now(booked)

    def release(self, booked: float) -> None:
        """Give back the booking made at ``booked``: nobody was sent on it."""
        with self._lock:
            if self._ledger is not None and self._ledger.release(booked, _SAME_BOOKING) is None:
                self._alone(self._clock())

    async def release_async(self, booked: float) -> None:
        """``release`` (a lock held for microseconds)."""
        self.release(booked)

    def _alone(self, now: float) -> None:
        """The ledger stopped serving: from now on, pace in this process, counting the window
        that other processes may have filled meanwhile as full (once)."""
        self._ledger = None
        self._starts.extend([max(now, self._starts[-1] if self._starts else now)] * self.limit)

    def __repr__(self) -> str:
        shared = "shared on this host" if self.shares_host else "in this process alone"
        return f"{super().__repr__()[:-1]}, {shared}>"


_SAME_BOOKING = 0.005
"""Seconds between a booking's start in the limiter and the caller's own reckoning of it (the two
clocks are read microseconds apart)."""


_shared: dict[tuple[str, int, float, str], SlidingWindowLimiter] = {}
_margins: dict[tuple[str, int, float], Margin] = {}
_shared_lock = threading.Lock()


def key_fingerprint(api_key: str) -> str:
    """A short, one-way name for an API key, for namespacing (never the key itself)."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


def shared_margin(api_key: str, requests_per_second: float) -> Margin:
    """The process-wide learning margin for this key at this rate: every limiter of the key and
    rate shares it. A margin is learnt from the round trips and refusals of one regime (a 50
    requests/s job queues its requests at the server, and its round trips spread far more than
    a 3/s job's), so another rate learns its own."""
    limit, window = window_for_rate(requests_per_second)
    slot = (key_fingerprint(api_key), limit, window)
    with _shared_lock:
        margin = _margins.get(slot)
        if margin is None:
            margin = _margins[slot] = Margin()
        return margin


def shared_limiter(
    api_key: str, requests_per_second: float, *, assume_used: bool = True, ledger: PacingLedger = False
) -> SlidingWindowLimiter:
    """The process-wide limiter for this key and rate: every client using the key shares it.

    Args:
        api_key: the key (only a hash of it names anything).
        requests_per_second: the rate.
        assume_used: see ``SlidingWindowLimiter``; applies when this call makes the limiter.
        ledger: share the key's starts with the host's other processes (see ``PacingLedger``):
            True for the user's cache directory (``TRACK17_PACING_LEDGER=off`` turns it off),
            or a directory.
    """
    limit, window = window_for_rate(requests_per_second)
    directory = _ledger_directory(ledger)
    fingerprint = key_fingerprint(api_key)
    slot = (fingerprint, limit, window, "" if directory is None else str(directory))
    margin = shared_margin(api_key, requests_per_second)
    with _shared_lock:
        limiter = _shared.get(slot)
        if limiter is None:
            if directory is None or limit > SLOTS:
                limiter = SlidingWindowLimiter(limit, window, margin=margin, assume_used=assume_used)
            else:
                limiter = HostLimiter(limit, window, margin=margin, ledger=HostLedger(directory, fingerprint))
            _shared[slot] = limiter
        return limiter


def _ledger_directory(ledger: PacingLedger) -> Path | None:
    if ledger is True:
        return default_directory()
    if ledger is False:
        return None
    if isinstance(ledger, str | os.PathLike):
        return Path(ledger).expanduser()
    raise TypeError(f"pacing_ledger must be True, False or a directory, got {type(ledger).__name__}")


def check_rate_limiter(limiter: object, owner: str = "Track17Client") -> None:
    """Refuse, at construction, an object that cannot serve as a ``RateLimiter``.

    Raises:
        TypeError: ``limiter`` is a class rather than an instance, or lacks a callable
            ``reserve`` or ``reserve_async``.
    """
    if isinstance(limiter, type):
        raise TypeError(
            f"{owner}: rate_limiter must be a limiter instance, got the class {limiter.__name__}; "
            f"build one first, e.g. SlidingWindowLimiter(3, 1.0)"
        )
    missing = [name for name in ("reserve", "reserve_async") if not callable(getattr(limiter, name, None))]
    if missing:
        raise TypeError(
            f"{owner}: rate_limiter must have reserve() and reserve_async() "
            f"(see track17_facade.RateLimiter); {type(limiter).__name__} lacks {' and '.join(missing)}"
        )
