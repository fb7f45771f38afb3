"""Pacing, in one place: client-side rate limiting, so that 17TRACK never has to answer 429.

Two parts: a limiter books each request's start (``SlidingWindowLimiter`` in one process, or any
``RateLimiter`` such as ``RedisRateLimiter`` across processes), and the paced httpx transports at
``_transports`` wait for that start at the last possible moment.

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

``RedisRateLimiter`` (``pip install 'track17[redis]'``) is in ``ratelimit/_redis.py``, loaded when
first named: ``from track17_facade.ratelimit import RedisRateLimiter``.

Libraries such as pyrate-limiter and limits answer "may I go now?" and leave waiting to polling,
which either idles past the moment a slot opens or hammers the check; a reservation log is both
exact and a few lines, so it is written here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from track17_facade._constants import DEFAULT_REQUESTS_PER_SECOND
from track17_facade.ratelimit._ledger import LEDGER_ENV, HostLedger, default_directory
from track17_facade.ratelimit._limiter import (
    ConfirmingLimiter,
    HostLimiter,
    KeyedLimiter,
    LearningLimiter,
    MovingLimiter,
    PacingLedger,
    RateLimiter,
    RebookingLimiter,
    ReleasingLimiter,
    SlidingWindowLimiter,
    check_rate_limiter,
    key_fingerprint,
    shared_limiter,
    shared_margin,
    window_for_rate,
)
from track17_facade.ratelimit._margin import (
    EVIDENCE,
    MARGIN_CEILING,
    MARGIN_FLOOR,
    MARGIN_SHRINK,
    MARGIN_START,
    MARGIN_WIDEN,
    ROUTE_MEMORY,
    SPREAD_FACTOR,
    SPREAD_QUANTILE,
    SPREAD_SAMPLES,
    Margin,
)
from track17_facade.ratelimit._transports import (
    DEPARTING,
    NO_DELAY,
    QUEUEING,
    SENDERS_AT_THE_GATE,
    AsyncPacedTransport,
    PacedTransport,
)

if TYPE_CHECKING:  # for type checkers; at run time, ``__getattr__`` loads them when first named
    from track17_facade.ratelimit._redis import OnUnavailable as OnUnavailable
    from track17_facade.ratelimit._redis import RedisRateLimiter as RedisRateLimiter

__all__ = [
    "DEFAULT_REQUESTS_PER_SECOND",
    "DEPARTING",
    "EVIDENCE",
    "LEDGER_ENV",
    "MARGIN_CEILING",
    "MARGIN_FLOOR",
    "MARGIN_SHRINK",
    "MARGIN_START",
    "MARGIN_WIDEN",
    "NO_DELAY",
    "QUEUEING",
    "ROUTE_MEMORY",
    "SENDERS_AT_THE_GATE",
    "SPREAD_FACTOR",
    "SPREAD_QUANTILE",
    "SPREAD_SAMPLES",
    "AsyncPacedTransport",
    "ConfirmingLimiter",
    "HostLedger",
    "HostLimiter",
    "KeyedLimiter",
    "LearningLimiter",
    "Margin",
    "MovingLimiter",
    "PacedTransport",
    "PacingLedger",
    "RateLimiter",
    "RebookingLimiter",
    "ReleasingLimiter",
    "SlidingWindowLimiter",
    "check_rate_limiter",
    "default_directory",
    "key_fingerprint",
    "shared_limiter",
    "shared_margin",
    "window_for_rate",
]

_REDIS = frozenset({"OnUnavailable", "RedisRateLimiter"})
"""Names of the Redis limiter, loaded when first asked for: it needs the redis extra."""


def __getattr__(name: str) -> object:
    if name in _REDIS:
        from track17_facade.ratelimit import _redis  # noqa: PLC0415 (the optional redis extra)

        return getattr(_redis, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
