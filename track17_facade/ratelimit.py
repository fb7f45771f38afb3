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
put ``limit + 1`` requests into one server-side window.

Libraries such as pyrate-limiter and limits answer "may I go now?" and leave waiting to polling,
which either idles past the moment a slot opens or hammers the check; a reservation log is both
exact and a few lines, so it is written here.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hashlib
import logging
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Protocol, runtime_checkable

import httpx

from track17_facade.errors import RateLimiterUnavailableError, Track17Error

logger = logging.getLogger("track17")

DEFAULT_REQUESTS_PER_SECOND = 3.0
DEFAULT_MARGIN = 0.025
"""Seconds added to every window, to absorb the gap between deciding to send and arriving."""


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
    """

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        margin: float = DEFAULT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window <= 0 or margin < 0:
            raise ValueError("limit must be >= 1, window > 0 and margin >= 0")
        self.limit = limit
        self.window = window
        self.margin = margin
        self._clock = clock
        self._starts: deque[float] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book the next start; return how many seconds the caller must wait before it."""
        with self._lock:
            now = self._clock()
            start = now
            if len(self._starts) == self.limit:
                start = max(now, self._starts[0] + self.window + self.margin)
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

    def __repr__(self) -> str:
        return f"<SlidingWindowLimiter {self.limit} per {self.window:g}s>"


_SAME_BOOKING = 0.005
"""Seconds between a booking's start in the limiter and the caller's own reckoning of it (the two
clocks are read microseconds apart)."""


_shared: dict[tuple[str, int, float], SlidingWindowLimiter] = {}
_shared_lock = threading.Lock()


def key_fingerprint(api_key: str) -> str:
    """A short, one-way name for an API key, for namespacing (never the key itself)."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


def shared_limiter(api_key: str, requests_per_second: float) -> SlidingWindowLimiter:
    """The process-wide limiter for this key and rate: every client using the key shares it."""
    limit, window = window_for_rate(requests_per_second)
    slot = (key_fingerprint(api_key), limit, window)
    with _shared_lock:
        limiter = _shared.get(slot)
        if limiter is None:
            limiter = _shared[slot] = SlidingWindowLimiter(limit, window)
        return limiter


def check_rate_limiter(limiter: object) -> None:
    """Refuse, at construction, an object that cannot serve as a ``RateLimiter``.

    Raises:
        TypeError: ``limiter`` lacks a callable ``reserve`` or ``reserve_async``.
    """
    missing = [name for name in ("reserve", "reserve_async") if not callable(getattr(limiter, name, None))]
    if missing:
        raise TypeError(
            f"rate_limiter must have reserve() and reserve_async() (see track17_facade.RateLimiter); "
            f"{type(limiter).__name__} lacks {' and '.join(missing)}"
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
#   request really left, once its headers are written and before the next request of the client
#   books. The next booking then counts from the real departure: lateness costs only itself.
# - Other limiters (RedisRateLimiter: other processes book from the same log meanwhile) get a fresh
#   booking when the request wakes more than LATE_TOLERANCE after its slot (the missed slot stays
#   booked and unused, which can only space requests further apart), and one more booking at once
#   when its headers still went out late. A missed slot there costs up to a window.
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


def _wait_sync(limiter: RateLimiter) -> float:
    """Book a start and wait for it, booking again after waking too late; returns the start.

    Raises:
        RateLimiterUnavailableError: the first booking failed, so the request must not be sent.
            A later one that fails (Redis gone meanwhile) leaves on the booking it already has.
    """
    delay = _reserve(limiter)
    for attempt in range(MAX_REBOOKINGS + 1):
        due = time.monotonic() + delay
        if delay > 0:
            time.sleep(delay)
        late = _late(due)
        if not late or attempt == MAX_REBOOKINGS or _movable(limiter):
            return due
        logger.debug("woke %.0f ms after its rate-limit slot; booking a new one", late * 1000)
        try:
            delay = _reserve(limiter)
        except Track17Error:
            return due
    raise AssertionError("unreachable")  # pragma: no cover


async def _wait_async(limiter: RateLimiter) -> float:
    """``_wait_sync`` for asyncio: the same bookings, waiting without blocking the loop."""
    delay = await _reserve_async(limiter)
    for attempt in range(MAX_REBOOKINGS + 1):
        due = time.monotonic() + delay
        if delay > 0:
            await asyncio.sleep(delay)
        late = _late(due)
        if not late or attempt == MAX_REBOOKINGS or _movable(limiter):
            return due
        logger.debug("woke %.0f ms after its rate-limit slot; booking a new one", late * 1000)
        try:
            delay = await _reserve_async(limiter)
        except Track17Error:
            return due
    raise AssertionError("unreachable")  # pragma: no cover


def _moved(limiter: RateLimiter, due: float) -> bool:
    """Move a late request's booking to now, where the limiter can; whether it could."""
    move = getattr(limiter, "move", None)
    if not callable(move):
        return False
    departed = time.monotonic()
    if move(due, departed):
        logger.debug("left %.0f ms after its rate-limit slot; counted where it left", (departed - due) * 1000)
        return True
    return False


def _count_late_departure(limiter: RateLimiter, due: float) -> None:
    """Count a request whose headers went out late (sent: this must not fail it now): its booking
    moves to now, or one more slot is booked."""
    if _moved(limiter, due):
        return
    try:
        _reserve(limiter)
    except Track17Error as exc:
        logger.debug("could not count a late departure: %s", exc)


async def _count_late_departure_async(limiter: RateLimiter, due: float) -> None:
    """``_count_late_departure`` for asyncio."""
    if _moved(limiter, due):
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

        due: list[float] = []

        def on_time(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_HEADERS_STARTED):
                due.append(_wait_sync(self._limiter))
                _departing()
            elif name.endswith(_HEADERS_SENT):
                try:
                    if due and _late(due[0]):
                        _count_late_departure(self._limiter, due[0])
                finally:
                    release()

        request.extensions["trace"] = on_time
        try:
            return self._inner.handle_request(request)
        finally:
            release()

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

        due: list[float] = []

        async def on_time(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_HEADERS_STARTED):
                due.append(await _wait_async(self._limiter))
                _departing()
            elif name.endswith(_HEADERS_SENT):
                try:
                    if due and _late(due[0]):
                        await _count_late_departure_async(self._limiter, due[0])
                finally:
                    release()

        request.extensions["trace"] = on_time
        try:
            return await self._inner.handle_async_request(request)
        finally:
            release()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._inner.aclose()
