"""Pacing, in one place: client-side rate limiting, so that 17TRACK never has to answer 429.

Two parts: a limiter books each request's start (``SlidingWindowLimiter`` in one process, or any
``RateLimiter`` such as ``RedisRateLimiter`` across processes), and the paced httpx transports at
the end of this module wait for that start at the last possible moment.

17TRACK allows 3 requests per second per key and does not document its window, so the limiter
assumes the strictest reading: no more than ``limit`` requests in *any* sliding ``window``. It is a
sliding log of reservations: each caller is handed the earliest start time that keeps the log
within the limit, and waits until then. Waiting callers therefore start in order, exactly as early
as allowed (no polling, no idle gaps), and one limiter serves threads and asyncio tasks alike.

A small ``margin`` is added to the window because the server stamps a request when it arrives,
a little after the client decided to send it; without it, scheduling jitter of a millisecond could
put ``limit + 1`` requests into one server-side window. How much is enough depends on the link
(a millisecond on loopback, tens of milliseconds across the internet), so the margin learns it:
see ``Margin``.

Libraries such as pyrate-limiter and limits answer "may I go now?" and leave waiting to polling,
which either idles past the moment a slot opens or hammers the check; a reservation log is both
exact and a few lines, so it is written here.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hashlib
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import httpx

from track17_facade._secrets import redacting_logger
from track17_facade.errors import RateLimiterUnavailableError, Track17Error

__all__ = [
    "AsyncPacedTransport",
    "Margin",
    "PacedTransport",
    "RateLimiter",
    "SlidingWindowLimiter",
    "shared_limiter",
    "shared_margin",
    "window_for_rate",
]

logger = redacting_logger("track17")


MARGIN_FLOOR = max(0.006, 2 * time.get_clock_info("monotonic").resolution)
"""The least margin in seconds: never under 6 ms (or two ticks of this host's monotonic clock,
15.6 ms on some Windows hosts). Round trips do not show everything: on a busy two-core host a
server's own arrival stamps varied by a few milliseconds more than the round trips' spread did,
and a margin earned down to 2.6 ms drew a 429 in one of ten fresh runs."""
MARGIN_START = 0.025
"""The margin a key starts with: enough for an ordinary internet link on an ordinary host (a fixed
25 ms margin drew no 429 in any measured run), earned down from there on evidence."""
MARGIN_CEILING = 0.1
"""The most the margin grows to. 429s that keep coming with a tenth-of-a-second margin have another
cause (another program using the key, a host that stalls, a limit lower than configured) that a
wider margin would only pay for in every window without fixing."""
MARGIN_WIDEN = 3.0
"""An unexpected 429 multiplies the margin by this."""
MARGIN_SHRINK = 0.0005
"""Seconds that the memory of a 429 fades by per clean window: after an unexpected 429 at margin
``m``, the margin does not go back under ``m`` until this has worn it away (50 windows for 25 ms)."""
SPREAD_FACTOR = 1.0
"""The margin earned down to covers this many times the link's measured spread (see ``Margin``).
One is enough: a round trip's spread also holds the answer's way back and the client's own wake-up,
which the server's arrival stamps do not."""
SPREAD_SAMPLES = 32
"""Round trips remembered per route for the spread."""
EVIDENCE = 8
"""Round trips seen before the margin may shrink at all."""
SPREAD_QUANTILE = 0.9
"""The spread is this quantile of the remembered round trips minus their minimum, so that a single
outlier (a garbage collection in the client) does not count as the link's jitter."""


class Margin:
    """The seconds added to each rate window, earned down on evidence and widened on refusals.

    Why a margin: the server counts a request when it *arrives*, and arrivals do not keep the
    spacing of departures: the link and the server's own scheduling delay each request by a
    different amount. The margin must cover how much later the server may stamp one request than
    another: under a millisecond on loopback, tens of milliseconds across the internet.

    Policy:

    - **Start safe**: at ``start`` (``MARGIN_START``, 25 ms), which covers an ordinary link and
      host without a single 429, so a fresh process and a short job never pay for a lesson.
    - **Earn the way down on evidence**: every answer teaches the *spread* of the link, the
      ``SPREAD_QUANTILE`` of the last ``SPREAD_SAMPLES`` round trips of a route (from the moment
      the request's bytes left to its answer) minus their least. A request arrives within its
      round trip, so arrivals vary by about that spread (the server's time to answer is about
      constant for one route). Once ``EVIDENCE`` round trips are in, each clean window (a
      window's worth of requests that waited for their slot and drew no 429) halves the distance
      from the margin to its target, ``SPREAD_FACTOR`` times the spread (never under ``floor``,
      6 ms by default): on loopback 25 ms comes down to the floor in a few windows.
    - **Widen at once on evidence**: a spread that grows past the margin lifts it to its target.
    - **Widen on a refusal**: a 429 the limiter did not expect multiplies the margin by
      ``MARGIN_WIDEN`` (at most once per booking made with the old value, so that one
      disagreement seen by several requests in flight widens it once), and the margin then stays
      above the value that failed until clean windows have worn that memory away
      (``MARGIN_SHRINK`` per window).

    One ``Margin`` serves every limiter of an API key in the process (``shared_margin``), since
    it is a property of the link to the server. ``Margin.fixed(seconds)`` never changes.
    Thread-safe.
    """

    def __init__(
        self,
        start: float = MARGIN_START,
        *,
        floor: float = MARGIN_FLOOR,
        ceiling: float = MARGIN_CEILING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 <= floor <= ceiling or not math.isfinite(ceiling):
            raise ValueError("margins need 0 <= floor <= ceiling (finite)")
        self.floor = floor
        """The least value, in seconds."""
        self.ceiling = ceiling
        """The greatest value, in seconds."""
        self._seconds = min(max(start, floor), ceiling)
        self._clock = clock
        self._widened = -math.inf
        self._held = 0
        self._refused_at = 0.0
        self._round_trips: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, seconds: float) -> Margin:
        """A margin that stays at ``seconds``."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"a margin is a number of seconds >= 0, got {seconds}")
        return cls(seconds, floor=seconds, ceiling=seconds)

    @property
    def seconds(self) -> float:
        """The margin now, in seconds."""
        return self._seconds

    @property
    def learns(self) -> bool:
        """Whether the margin can change (False for ``Margin.fixed``)."""
        return self.floor < self.ceiling

    @property
    def spread(self) -> float | None:
        """The link's measured spread in seconds (see the class docstring); None until
        ``EVIDENCE`` round trips have been seen."""
        with self._lock:
            return self._spread()

    def _spread(self) -> float | None:
        if sum(len(times) for times in self._round_trips.values()) < EVIDENCE:
            return None
        spreads = [
            _quantile(sorted(times), SPREAD_QUANTILE) - min(times)
            for times in self._round_trips.values()
            if len(times) >= 2
        ]
        return max(spreads, default=0.0)

    def _target(self) -> float | None:
        """What the evidence allows, or None before there is enough of it."""
        spread = self._spread()
        if spread is None:
            return None
        return min(self.ceiling, max(self.floor, SPREAD_FACTOR * spread, self._refused_at))

    def observe(self, route: str, round_trip: float) -> None:
        """One answer on ``route`` came ``round_trip`` seconds after its request's bytes left."""
        if not self.learns or not math.isfinite(round_trip) or round_trip < 0:
            return
        with self._lock:
            times = self._round_trips.get(route)
            if times is None:
                times = self._round_trips[route] = deque(maxlen=SPREAD_SAMPLES)
            times.append(round_trip)
            target = self._target()
            if target is None or target <= self._seconds:
                return
            before, self._seconds = self._seconds, target
        logger.debug(
            "rate limit: the link's spread grew; margin %.1f ms -> %.1f ms", before * 1000, target * 1000
        )

    def refused(self, booked: float) -> None:
        """A request booked at ``booked`` (this margin's clock) was answered 429: widen, unless
        it was booked before the last widening (that disagreement is already counted)."""
        with self._lock:
            if not self.learns or booked < self._widened:
                return
            before = self._seconds
            self._refused_at = max(self._refused_at, before)
            self._seconds = min(self.ceiling, max(before * MARGIN_WIDEN, before + self.floor))
            self._widened = self._clock()
            self._held = 0
        logger.debug(
            "rate limit: an unexpected 429; margin %.1f ms -> %.1f ms", before * 1000, self._seconds * 1000
        )

    def held(self, per_window: int) -> None:
        """A request that waited for its slot was answered without a 429 (``per_window`` such
        requests make a clean window): after each clean window, come down towards the target."""
        with self._lock:
            if not self.learns:
                return
            self._held += 1
            if self._held < per_window:
                return
            self._held = 0
            self._refused_at = max(0.0, self._refused_at - MARGIN_SHRINK)
            target = self._target()
            if target is None or self._seconds <= target:
                return
            before = self._seconds
            halfway = before - (before - target) / 2
            self._seconds = target if halfway - target < 0.0001 else halfway
        logger.debug(
            "rate limit: a clean window; margin %.1f ms -> %.1f ms", before * 1000, self._seconds * 1000
        )

    def answered(
        self,
        booked: float,
        paced: bool,
        refused: bool,
        per_window: int,
        round_trip: float | None = None,
        route: str = "",
    ) -> None:
        """One answer's lesson: its ``round_trip`` on ``route`` (when known) is evidence of the
        link's spread; every 429 (``refused``) counts; an answer without one shows that the margin
        held only when its request waited for its slot (``paced``)."""
        if round_trip is not None:
            self.observe(route, round_trip)
        if refused:
            self.refused(booked)
        elif paced:
            self.held(per_window)

    @classmethod
    def of(cls, margin: float | Margin | None) -> Margin:
        """A limiter's ``margin`` argument as a Margin: None, a new learning one; a number, fixed."""
        if margin is None:
            return cls()
        if isinstance(margin, Margin):
            return margin
        return cls.fixed(margin)

    def __repr__(self) -> str:
        kind = "learning" if self.learns else "fixed"
        return f"<Margin {self._seconds * 1000:.1f} ms, {kind}>"


def _quantile(ordered: list[float], q: float) -> float:
    """The ``q`` quantile of a sorted, non-empty list (the nearest rank at or below it)."""
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))]


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


def window_for_rate(requests_per_second: float) -> tuple[int, float]:
    """Express a rate as ``(limit, window)``: 3.0 -> (3, 1.0); 0.5 -> (1, 2.0); 2.5 -> (2, 0.8)."""
    if not math.isfinite(requests_per_second) or requests_per_second <= 0:
        raise ValueError(f"requests_per_second must be a positive number, got {requests_per_second}")
    limit = max(1, math.floor(requests_per_second))
    return limit, limit / requests_per_second


class SlidingWindowLimiter:
    """At most ``limit`` request starts in any ``window`` seconds, in one process.

    Thread-safe and usable from any number of event loops at once.

    **A new limiter treats the window before it as full** (``assume_used=True``, the default): a
    process cannot know what its key did in the last second (a job that just ended, a cron job, a
    second worker started beside the first), and the server counts those requests too. So the
    first requests wait until one window (and the margin) has passed since the limiter was made:
    at most one second per process and key, paid once, since every client of a key in the process
    shares one limiter. ``assume_used=False`` is for a key nothing else can have used just before.

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
        self.window = window
        self._margin = Margin.of(margin)
        self._clock = clock
        created = clock()
        self._starts: deque[float] = deque([created] * limit if assume_used else (), maxlen=limit)
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book the next start; return how many seconds the caller must wait before it."""
        with self._lock:
            now = self._clock()
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
            if not self._starts or abs(self._starts[-1] - booked) > _SAME_BOOKING:
                return False
            self._starts[-1] = max(self._starts[-1], departed)
            return True

    @property
    def margin(self) -> float:
        """The seconds added to each window now (see ``Margin``)."""
        return self._margin.seconds

    def learn(
        self, booked: float, paced: bool, refused: bool, round_trip: float | None = None, route: str = ""
    ) -> None:
        """Tell the margin how a request booked at ``booked`` fared: answered 429 (``refused``) or
        not, after waiting for its slot (``paced``) or not, ``round_trip`` seconds after its bytes
        left for ``route`` (see ``Margin``)."""
        self._margin.answered(booked, paced, refused, self.limit, round_trip, route)

    def __repr__(self) -> str:
        return f"<SlidingWindowLimiter {self.limit} per {self.window:g}s, margin {self.margin * 1000:.1f} ms>"


_SAME_BOOKING = 0.005
"""Seconds between a booking's start in the limiter and the caller's own reckoning of it (the two
clocks are read microseconds apart)."""


_shared: dict[tuple[str, int, float], SlidingWindowLimiter] = {}
_margins: dict[str, Margin] = {}
_shared_lock = threading.Lock()


def key_fingerprint(api_key: str) -> str:
    """A short, one-way name for an API key, for namespacing (never the key itself)."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


def shared_margin(api_key: str) -> Margin:
    """The process-wide learning margin for this key: every limiter of the key shares it."""
    fingerprint = key_fingerprint(api_key)
    with _shared_lock:
        margin = _margins.get(fingerprint)
        if margin is None:
            margin = _margins[fingerprint] = Margin()
        return margin


def shared_limiter(
    api_key: str, requests_per_second: float, *, assume_used: bool = True
) -> SlidingWindowLimiter:
    """The process-wide limiter for this key and rate: every client using the key shares it.

    ``assume_used`` applies when this call makes the limiter (see ``SlidingWindowLimiter``).
    """
    limit, window = window_for_rate(requests_per_second)
    slot = (key_fingerprint(api_key), limit, window)
    margin = shared_margin(api_key)
    with _shared_lock:
        limiter = _shared.get(slot)
        if limiter is None:
            limiter = _shared[slot] = SlidingWindowLimiter(
                limit, window, margin=margin, assume_used=assume_used
            )
        return limiter


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


def _limiter_failed(exc: Exception) -> RateLimiterUnavailableError:
    """What a limiter raised that is not a Track17Error, as one."""
    return RateLimiterUnavailableError(f"the rate limiter failed: {type(exc).__name__}: {exc}")


# A request must leave at the time its limiter booked for it: the limiter counts the next requests
# from that booking. A thread or task that wakes late (a busy CPU, a paused virtual machine, a
# long garbage collection; 100 ms and more were seen on shared hosts) leaves at a time the limiter
# never gave. Two ways keep the count true:
#
# - A limiter that can ``move`` a booking (the in-process SlidingWindowLimiter) is told where the
#   request really left, however little late, once its headers are written and before the next
#   request of the client books. The next booking then counts from the real departure: lateness
#   costs only itself, and the margin is left to cover the link alone.
# - Other limiters (RedisRateLimiter: other processes book from the same log meanwhile) get a fresh
#   booking when the request wakes more than LATE_TOLERANCE after its slot, and one more booking at
#   once when its headers still went out late. Redis first tries to move the missed booking to now,
#   atomically and only where no window would then hold more than the limit (``move_to_now``): the
#   request then leaves at once. Otherwise it gives the missed slot back (``release``; nobody was
#   sent on it, so the key loses no capacity) and books a fresh one.
#
# Only the first booking may fail a request (then nothing is sent unthrottled); when a later one
# fails (Redis gone meanwhile), the request leaves on the slot it already holds.
LATE_TOLERANCE = 0.02
"""Seconds a request may leave after its booked start (well under the limiter's margin, which
absorbs the gap between leaving and arriving)."""
MAX_REBOOKINGS = 3
"""Slots a request may miss in a row before it leaves anyway (a host that stalls this often
cannot be paced precisely; the retry policy still handles a 429)."""


def _movable(limiter: RateLimiter) -> bool:
    return callable(getattr(limiter, "move", None))


def _reserve(limiter: RateLimiter) -> float:
    try:
        return limiter.reserve()
    except Track17Error:
        raise
    except Exception as exc:
        raise _limiter_failed(exc) from exc


async def _reserve_async(limiter: RateLimiter) -> float:
    try:
        return await limiter.reserve_async()
    except Track17Error:
        raise
    except Exception as exc:
        raise _limiter_failed(exc) from exc


def _late(due: float) -> float:
    """Seconds past ``due`` beyond the tolerance, or 0."""
    late = time.monotonic() - due
    return late if late > LATE_TOLERANCE else 0.0


def _best_effort(limiter: RateLimiter, method: str, due: float) -> object:
    """Call the limiter's optional ``method(due)`` about a missed slot (``move_to_now`` or
    ``release``, as Redis has); None when it lacks one or fails: a slot that cannot be moved or
    given back is only wasted, never a reason to fail the request."""
    call = getattr(limiter, method, None)
    if not callable(call):
        return None
    try:
        return call(due)
    except Exception as exc:
        logger.debug("%s of a missed slot failed: %s: %s", method, type(exc).__name__, exc)
        return None


async def _best_effort_async(limiter: RateLimiter, method: str, due: float) -> object:
    """``_best_effort`` for asyncio, with the limiter's ``<method>_async``."""
    call = getattr(limiter, f"{method}_async", None)
    if not callable(call):
        return None
    try:
        return await call(due)
    except Exception as exc:
        logger.debug("%s of a missed slot failed: %s: %s", method, type(exc).__name__, exc)
        return None


@dataclass(frozen=True, slots=True)
class _Slot:
    """A request's booking as its transport saw it."""

    due: float
    """When the request was to leave (monotonic clock)."""
    booked: float
    """When the booking was made."""
    paced: bool
    """The limiter made it wait, so the window (and its margin) was full."""


def _wait_sync(limiter: RateLimiter) -> _Slot:
    """Book a start and wait for it, booking again after waking too late; returns the slot.

    Raises:
        RateLimiterUnavailableError: the first booking failed, so the request must not be sent.
            A later one that fails (Redis gone meanwhile) leaves on the booking it already has.
    """
    booked = time.monotonic()
    delay = _reserve(limiter)
    for attempt in range(MAX_REBOOKINGS + 1):
        due = time.monotonic() + delay
        if delay > 0:
            time.sleep(delay)
        late = _late(due)
        if not late or attempt == MAX_REBOOKINGS or _movable(limiter):
            return _Slot(due, booked, delay > 0)
        if _best_effort(limiter, "move_to_now", due):
            logger.debug("woke %.0f ms after its rate-limit slot; moved it to now", late * 1000)
            return _Slot(time.monotonic(), booked, delay > 0)
        logger.debug("woke %.0f ms after its rate-limit slot; booking a new one", late * 1000)
        _best_effort(limiter, "release", due)
        try:
            booked, delay = time.monotonic(), _reserve(limiter)
        except Track17Error:
            return _Slot(due, booked, delay > 0)
    raise AssertionError("unreachable")  # pragma: no cover


async def _wait_async(limiter: RateLimiter) -> _Slot:
    """``_wait_sync`` for asyncio: the same bookings, waiting without blocking the loop."""
    booked = time.monotonic()
    delay = await _reserve_async(limiter)
    for attempt in range(MAX_REBOOKINGS + 1):
        due = time.monotonic() + delay
        if delay > 0:
            await asyncio.sleep(delay)
        late = _late(due)
        if not late or attempt == MAX_REBOOKINGS or _movable(limiter):
            return _Slot(due, booked, delay > 0)
        if await _best_effort_async(limiter, "move_to_now", due):
            logger.debug("woke %.0f ms after its rate-limit slot; moved it to now", late * 1000)
            return _Slot(time.monotonic(), booked, delay > 0)
        logger.debug("woke %.0f ms after its rate-limit slot; booking a new one", late * 1000)
        await _best_effort_async(limiter, "release", due)
        try:
            booked, delay = time.monotonic(), await _reserve_async(limiter)
        except Track17Error:
            return _Slot(due, booked, delay > 0)
    raise AssertionError("unreachable")  # pragma: no cover


def _taught(limiter: RateLimiter, slot: _Slot, status: int, round_trip: float | None, route: str) -> None:
    """Tell a limiter that learns (``learn``, like SlidingWindowLimiter) how a request fared."""
    learn = getattr(limiter, "learn", None)
    if callable(learn):
        learn(slot.booked, slot.paced, status == 429, round_trip, route)


def _moved(limiter: RateLimiter, due: float, departed: float) -> bool:
    """Move a request's booking to where it really left, where the limiter can; whether it could."""
    move = getattr(limiter, "move", None)
    if not callable(move) or not move(due, departed):
        return False
    if departed - due > LATE_TOLERANCE:
        logger.debug("left %.0f ms after its rate-limit slot; counted where it left", (departed - due) * 1000)
    return True


def _counted(limiter: RateLimiter, due: float, departed: float) -> bool:
    """Whether a departure needs no more booking: moved to where it left, or left on time."""
    return _moved(limiter, due, departed) or departed - due <= LATE_TOLERANCE


def _count_departure(limiter: RateLimiter, due: float, departed: float) -> None:
    """Count a request where its headers really went out (sent: this must not fail it now).

    A limiter that can move its latest booking gets the exact departure, however small the delay:
    the next booking then counts from it, and the margin never has to absorb the host's wake-up
    delays. Otherwise a request that left more than ``LATE_TOLERANCE`` late books one more slot.
    """
    if _counted(limiter, due, departed):
        return
    try:
        _reserve(limiter)
    except Track17Error as exc:
        logger.debug("could not count a late departure: %s", exc)


async def _count_departure_async(limiter: RateLimiter, due: float, departed: float) -> None:
    """``_count_departure`` for asyncio."""
    if _counted(limiter, due, departed):
        return
    try:
        await _reserve_async(limiter)
    except Track17Error as exc:
        logger.debug("could not count a late departure: %s", exc)


# A request books its start with the rate limiter at the last possible moment: when httpcore is
# about to write its headers on an established connection (httpcore's "trace" request extension is
# the documented hook). Booking any earlier would let connection set-up, a TLS handshake or a busy
# CPU delay some requests past their slots while later ones leave on time, so the server would see
# them closer together than the limiter spaced them.
#
# A request waiting for its slot there holds an idle connection, which a server closes after its
# keep-alive timeout (5 s for uvicorn), failing the request. So only one request per transport
# books and waits at a time; the others queue before taking a connection. Each process sharing
# the key then has at most one booking outstanding, and a wait lasts at most (processes / limit)
# windows. A single process still fills every window: the next request books the moment the
# previous one leaves.
_HEADERS_STARTED = ".send_request_headers.started"
_HEADERS_SENT = ".send_request_headers.complete"
# httpcore writes a request's headers and body separately; with Nagle's algorithm on, the body
# can wait for the server's delayed ACK of the headers (40 ms or more on every request).
NO_DELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
SENDERS_AT_THE_GATE = 1
"""Requests per client that may hold a connection while waiting for their rate-limit slot."""


# What to call when a request of this thread or task has its slot and is about to write its headers:
# the last moment before a request can take effect, for journals of what may have been sent.
_DEPARTING: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "track17_departing", default=None
)


@contextlib.contextmanager
def on_departure(callback: Callable[[], None] | None) -> Iterator[None]:
    """Within the block, ``callback()`` runs each time a request of this thread or task has got its
    rate-limit slot and its headers are about to go out (None: nothing is called)."""
    token = _DEPARTING.set(callback)
    try:
        yield
    finally:
        _DEPARTING.reset(token)


def _departing() -> None:
    callback = _DEPARTING.get()
    if callback is None:
        return
    try:
        callback()
    except Exception as exc:  # not retried: the request stays unsent and fails with this
        raise Track17Error(
            f"the request was not sent: its before-send callback failed ({type(exc).__name__}: {exc})"
        ) from exc


class PacedTransport(httpx.BaseTransport):
    """An httpx transport that starts each request exactly when its rate limiter allows.

    ``proxy`` routes every request through that proxy (as ``httpx.HTTPTransport`` does).
    """

    def __init__(
        self, limiter: RateLimiter, limits: httpx.Limits, gate: int, proxy: httpx.Proxy | None = None
    ) -> None:
        self._inner = httpx.HTTPTransport(limits=limits, socket_options=NO_DELAY, proxy=proxy)
        self._limiter = limiter
        self._gate = threading.BoundedSemaphore(gate)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` once the limiter allows it."""
        self._gate.acquire()
        released = threading.Event()

        def release() -> None:
            if not released.is_set():
                released.set()
                self._gate.release()

        slots: list[_Slot] = []
        departed: list[float] = []

        def on_time(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_HEADERS_STARTED):
                slots.append(_wait_sync(self._limiter))
                _departing()
            elif name.endswith(_HEADERS_SENT):
                departed.append(time.monotonic())
                try:
                    if slots:
                        _count_departure(self._limiter, slots[0].due, departed[0])
                finally:
                    release()

        request.extensions["trace"] = on_time
        try:
            response = self._inner.handle_request(request)
        finally:
            release()
        if slots:
            round_trip = time.monotonic() - departed[0] if departed else None
            _taught(self._limiter, slots[0], response.status_code, round_trip, request.url.path)
        return response

    def close(self) -> None:
        """Close the connection pool."""
        self._inner.close()


class AsyncPacedTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of ``PacedTransport`` (for use in one event loop)."""

    def __init__(
        self, limiter: RateLimiter, limits: httpx.Limits, gate: int, proxy: httpx.Proxy | None = None
    ) -> None:
        self._inner = httpx.AsyncHTTPTransport(limits=limits, socket_options=NO_DELAY, proxy=proxy)
        self._limiter = limiter
        self._gate_size = gate
        self._gate: asyncio.Semaphore | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` once the limiter allows it."""
        if self._gate is None:
            self._gate = asyncio.Semaphore(self._gate_size)
        gate = self._gate
        await gate.acquire()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                gate.release()

        slots: list[_Slot] = []
        departed: list[float] = []

        async def on_time(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_HEADERS_STARTED):
                slots.append(await _wait_async(self._limiter))
                _departing()
            elif name.endswith(_HEADERS_SENT):
                departed.append(time.monotonic())
                try:
                    if slots:
                        await _count_departure_async(self._limiter, slots[0].due, departed[0])
                finally:
                    release()

        request.extensions["trace"] = on_time
        try:
            response = await self._inner.handle_async_request(request)
        finally:
            release()
        if slots:
            round_trip = time.monotonic() - departed[0] if departed else None
            _taught(self._limiter, slots[0], response.status_code, round_trip, request.url.path)
        return response

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._inner.aclose()
