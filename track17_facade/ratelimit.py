"""Client-side rate limiting, so that 17TRACK never has to answer 429.

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

import hashlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol, runtime_checkable

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

    def __repr__(self) -> str:
        return f"<SlidingWindowLimiter {self.limit} per {self.window:g}s>"


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
