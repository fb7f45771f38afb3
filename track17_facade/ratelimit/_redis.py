"""One rate limit for every process and host that shares an API key, kept in Redis.

Needs ``pip install 'track17[redis]'``:

```python
from track17_facade.ratelimit import RedisRateLimiter

limiter = RedisRateLimiter.from_url("redis://localhost:6379/0")
client = Track17Client(api_key, rate_limiter=limiter)
```

It gives the same guarantee as the in-process limiter (never more than the limit in any sliding
window) across any number of workers. Each request atomically books the earliest allowed start in
a Redis sorted set, with the time taken from the Redis server's own clock, so clocks that differ
between hosts do not matter; the caller is told how long to wait and waits locally. Keys are
named after a hash of the API key and expire when idle.

When Redis cannot be reached, a booking raises ``RateLimiterUnavailableError``: nothing is sent,
and the client retries the attempt with backoff within the call's ``max_retries``, so a Redis that
restarts costs time, not numbers. A Redis that restarted has forgotten the last window's bookings:
a limiter that saw it unreachable counts that window as full again at its next booking.

The booking is a short Lua script rather than pyrate-limiter or limits: both answer "may I go
now?", leaving callers to poll, and neither books a future slot in one round trip with the server's
clock. Booking gives exact spacing with one Redis call per request.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
import warnings
from collections import deque
from typing import Literal, Self

import redis
import redis.asyncio as redis_async
from redis.exceptions import RedisError

from track17_facade._constants import DEFAULT_REQUESTS_PER_SECOND
from track17_facade._secrets import redacting_logger
from track17_facade.errors import RateLimiterUnavailableError
from track17_facade.ratelimit._limiter import (
    SlidingWindowLimiter,
    key_fingerprint,
    shared_limiter,
    shared_margin,
    window_for_rate,
)
from track17_facade.ratelimit._margin import Margin, MarginLearner
from track17_facade.ratelimit._redis_scripts import BOOK_SLOT, MOVE_SLOT_TO_NOW, RELEASE_SLOT

__all__ = ["OnUnavailable", "RedisRateLimiter"]

logger = redacting_logger("track17")

_REMEMBERED = 64
"""Recent bookings a limiter remembers (by their local due time), so that one can be released."""
_SAME_BOOKING = 0.5
"""Seconds by which the caller's reckoning of a booking's due time may trail the limiter's: both
read the clock just after the booking, microseconds apart, unless the host stalls between them."""

OnUnavailable = Literal["raise", "fallback"]
"""What a `RedisRateLimiter` does while Redis cannot be reached: fail the requests ("raise") or limit in
process ("fallback")."""


class RedisRateLimiter(MarginLearner):
    """A sliding-window limiter shared through Redis (see the module docstring).

    Pass it unbound to a client (``rate_limiter=RedisRateLimiter.from_url(url)``): the client binds
    it to its API key with ``for_key``.

    Args:
        url: the Redis URL.
        requests_per_second: the key's rate (17TRACK: 3).
        on_unavailable: ``"raise"`` (default) makes requests fail with
            ``RateLimiterUnavailableError`` while Redis cannot be reached; ``"fallback"`` limits
            with an in-process limiter instead and warns once. Fallback keeps a single process
            safe, but several processes falling back together can exceed the key's limit.
        prefix: the Redis key prefix.
        margin: seconds added to each window. None (default): the learning margin this process
            keeps for the key (see ``track17_facade.ratelimit.Margin``; the margin is a property of
            this process's link to 17TRACK, so each process learns its own); a number: fixed.
    """

    def __init__(
        self,
        url: str,
        *,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        on_unavailable: OnUnavailable = "raise",
        prefix: str = "track17:ratelimit",
        margin: float | Margin | None = None,
    ) -> None:
        if on_unavailable not in ("raise", "fallback"):
            raise ValueError("on_unavailable must be 'raise' or 'fallback'")
        self.url = url
        """The Redis URL."""
        self.requests_per_second = requests_per_second
        """The key's rate, shared by every process and machine that uses the key."""
        self.on_unavailable: OnUnavailable = on_unavailable
        """"raise" or "fallback": see `OnUnavailable`."""
        self.prefix = prefix
        """The prefix of the Redis keys the limiter writes."""
        limit, window = window_for_rate(requests_per_second)
        self.limit = limit
        """How many requests may start in any `window` seconds, across every process."""
        self.window = window
        """The window's length in seconds."""
        self._learns_per_key = margin is None
        self._margin = Margin.of(margin)
        self._fingerprint: str | None = None
        self._connections = _Connections(url)
        self._fallback = SlidingWindowLimiter(self.limit, self.window, margin=self._margin)
        self._warned = False
        self._lost = False
        self._booked = _Bookings()

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        on_unavailable: OnUnavailable = "raise",
    ) -> Self:
        """A limiter on the Redis at ``url`` (e.g. ``redis://localhost:6379/0``)."""
        return cls(url, requests_per_second=requests_per_second, on_unavailable=on_unavailable)

    def for_key(self, api_key: str) -> RedisRateLimiter:
        """This limiter bound to one API key (only a hash of the key reaches Redis).

        The bound limiter shares this one's Redis connections: closing this one closes both.
        """
        bound = copy.copy(self)
        bound._fingerprint = key_fingerprint(api_key)
        bound._booked = _Bookings()
        if self._learns_per_key:
            bound._margin = shared_margin(api_key, self.requests_per_second)
        # Without Redis, every client of the key in this process falls back to the one in-process
        # limiter of the key, as clients without a rate_limiter use.
        bound._fallback = (
            shared_limiter(api_key, self.requests_per_second, ledger=True)
            if self._learns_per_key
            else SlidingWindowLimiter(self.limit, self.window, margin=bound._margin)
        )
        return bound

    @property
    def redis_key(self) -> str:
        """The sorted set this limiter books slots in."""
        if self._fingerprint is None:
            raise RuntimeError("bind the limiter to an API key first: limiter.for_key(api_key)")
        return f"{self.prefix}:{self._fingerprint}:{self.limit}/{self.window:g}s"

    def _window_us(self) -> int:
        """The window with this process's margin, in microseconds (as the Lua scripts count)."""
        return round((self.window + self._margin.seconds) * 1_000_000)

    def _args(self, member: str) -> tuple[list[str], list[int | str]]:
        return [self.redis_key], [self.limit, self._window_us(), member, int(self._lost)]

    def _booked_in(self, wait_us: int, member: str) -> float:
        """Remember a booking made ``wait_us`` from now; the seconds until it."""
        self._lost = False
        delay = int(wait_us) / 1_000_000
        self._booked.add(time.monotonic() + delay, member)
        return delay

    def _unavailable(self, exc: RedisError) -> RateLimiterUnavailableError:
        return RateLimiterUnavailableError(
            f"the Redis rate limiter at {_safe_url(self.url)} is unreachable: {type(exc).__name__}: {exc}"
        )

    def _warn_fallback(self, exc: RedisError) -> None:
        if not self._warned:
            self._warned = True
            message = f"Redis rate limiter unreachable ({type(exc).__name__}); limiting in this process only"
            warnings.warn(message, RuntimeWarning, stacklevel=3)
            logger.warning(message)

    def reserve(self) -> float:
        """Book the next slot in Redis; return the seconds until it."""
        member = secrets.token_hex(8)
        keys, args = self._args(member)
        try:
            wait_us = self._connections.sync().eval(BOOK_SLOT, 1, *keys, *args)
        except RedisError as exc:
            return self._unreachable(exc)
        return self._booked_in(wait_us, member)

    async def reserve_async(self) -> float:
        """Book the next slot in Redis without blocking the event loop; return the seconds until it."""
        member = secrets.token_hex(8)
        keys, args = self._args(member)
        try:
            wait_us = await self._connections.asynchronous().eval(BOOK_SLOT, 1, *keys, *args)
        except RedisError as exc:
            return self._unreachable(exc)
        return self._booked_in(wait_us, member)

    def move_to_now(self, booked: float) -> bool:
        """Move the booking due at ``booked`` (local monotonic time), which its request woke too
        late for, to now, if that keeps every window within the limit; whether it moved.

        A late request can then leave at once, as with the in-process limiter, instead of waiting
        for a fresh slot behind the other workers' bookings. It cannot move when another worker's
        booking already counts from the missed slot; it then books again (``release`` first).
        """
        member = self._booked.pop(booked)
        if member is None:
            return False
        try:
            moved = self._connections.sync().eval(MOVE_SLOT_TO_NOW, 1, *self._move_args(member))
        except RedisError as exc:
            logger.debug("could not move a missed slot: %s: %s", type(exc).__name__, exc)
            moved = 0
        return self._after_move(int(moved), member, booked)

    async def move_to_now_async(self, booked: float) -> bool:
        """``move_to_now`` without blocking the event loop."""
        member = self._booked.pop(booked)
        if member is None:
            return False
        try:
            moved = await self._connections.asynchronous().eval(MOVE_SLOT_TO_NOW, 1, *self._move_args(member))
        except RedisError as exc:
            logger.debug("could not move a missed slot: %s: %s", type(exc).__name__, exc)
            moved = 0
        return self._after_move(int(moved), member, booked)

    def _move_args(self, member: str) -> list[str | int]:
        return [self.redis_key, member, self.limit, self._window_us()]

    def _after_move(self, moved: int, member: str, booked: float) -> bool:
        """Remember the booking again: now (moved), or where it was (so it can be released)."""
        if moved == 1:
            self._booked.add(time.monotonic(), member)
            return True
        if moved == 0:
            self._booked.add(booked, member)
        return False

    def release(self, booked: float) -> None:
        """Give back the slot due at ``booked`` (local monotonic time), which its request missed and
        will never be sent on, so that it stops counting against the window.

        Safe because the slot was never used: bookings made with it counted are only spaced further
        apart than needed. A request that wakes late for its slot releases it before booking
        another, so a stall costs that request its delay, not the key a slot.
        """
        member = self._booked.pop(booked)
        if member is None:
            return
        try:
            self._connections.sync().eval(RELEASE_SLOT, 1, self.redis_key, member)
        except RedisError as exc:
            logger.debug("could not release a missed slot: %s: %s", type(exc).__name__, exc)

    async def release_async(self, booked: float) -> None:
        """``release`` without blocking the event loop."""
        member = self._booked.pop(booked)
        if member is None:
            return
        try:
            await self._connections.asynchronous().eval(RELEASE_SLOT, 1, self.redis_key, member)
        except RedisError as exc:
            logger.debug("could not release a missed slot: %s: %s", type(exc).__name__, exc)

    def _unreachable(self, exc: RedisError) -> float:
        self._lost = True
        if self.on_unavailable == "raise":
            raise self._unavailable(exc) from exc
        self._warn_fallback(exc)
        delay = self._fallback.reserve()
        self._booked.add(time.monotonic() + delay, None)  # not in Redis: nothing to move or release
        return delay

    def close(self) -> None:
        """Close the synchronous Redis connections."""
        self._connections.close()

    async def aclose(self) -> None:
        """Close the Redis connections (call it in the event loop that used the limiter)."""
        await self._connections.aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<RedisRateLimiter {self.limit} per {self.window:g}s at {_safe_url(self.url)}>"


class _Bookings:
    """The Redis members of a limiter's recent bookings, by their local due time (None for a
    booking made in the fallback limiter)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recent: deque[tuple[float, str | None]] = deque(maxlen=_REMEMBERED)

    def add(self, due: float, member: str | None) -> None:
        """Remember a booking due at ``due`` (local monotonic time)."""
        with self._lock:
            self._recent.append((due, member))

    def pop(self, due: float) -> str | None:
        """Forget the booking the caller reckons due at ``due`` and return its member (None: not
        remembered, or not in Redis). A client books one request at a time and reckons its due
        time just after the limiter did, so its booking is the latest one due no later than that."""
        with self._lock:
            mine = [entry for entry in self._recent if 0.0 <= due - entry[0] <= _SAME_BOOKING]
            if not mine:
                return None
            latest = max(mine, key=lambda entry: entry[0])
            self._recent.remove(latest)
            return latest[1]


class _Connections:
    """The Redis clients of a limiter and its bound copies, created on first use."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._lock = threading.Lock()
        self._sync: redis.Redis | None = None
        self._async: redis_async.Redis | None = None

    def sync(self) -> redis.Redis:
        with self._lock:
            if self._sync is None:
                self._sync = redis.Redis.from_url(self._url, socket_timeout=2.0, socket_connect_timeout=2.0)
            return self._sync

    def asynchronous(self) -> redis_async.Redis:
        with self._lock:
            if self._async is None:
                self._async = redis_async.Redis.from_url(
                    self._url, socket_timeout=2.0, socket_connect_timeout=2.0
                )
            return self._async

    def close(self) -> None:
        with self._lock:
            client, self._sync = self._sync, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        with self._lock:
            client, self._async = self._async, None
        if client is not None:
            await client.aclose()
        self.close()


def _safe_url(url: str) -> str:
    """The URL without a password."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"
