"""When to retry a request, and how long to wait first. Pure functions, no I/O.

The retry loop itself lives in ``_transport`` and is shared by both clients. It is written by hand
rather than with tenacity because every attempt must pass through the rate limiter, honour a
server's Retry-After, and remember whether an earlier attempt may already have taken effect;
those are a few lines here but would need custom hooks around tenacity.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

BACKOFF_BASE = 0.25
"""Seconds before the first retry (before jitter); doubled for each further retry."""
BACKOFF_CAP = 8.0
"""The longest backoff between two attempts."""
RETRY_AFTER_CAP = 60.0
"""A Retry-After longer than this is treated as this, so one header cannot stall a job."""
DEFAULT_MAX_RETRIES = 4

RETRYABLE_STATUSES = frozenset({429})


def is_retryable_status(status: int) -> bool:
    """429 and every 5xx (and other out-of-range codes such as 520) are worth retrying."""
    return status in RETRYABLE_STATUSES or status >= 500


def is_retryable_exception(exc: BaseException) -> bool:
    """Timeouts and connection failures are retried; programming errors are not."""
    return isinstance(exc, httpx.TransportError)


def may_have_taken_effect(*, status: int | None, exc: BaseException | None) -> bool:
    """Whether a failed attempt may still have been carried out by the server.

    A refused connection or a 429 never reached the operation; a 5xx, a timeout after sending,
    a dropped connection or an unreadable answer may have.
    """
    if exc is not None:
        return not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    return status is not None and status != 429


def backoff_delay(
    retry: int,
    *,
    base: float = BACKOFF_BASE,
    cap: float = BACKOFF_CAP,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before retry number ``retry`` (1 for the first): exponential, "equal jitter".

    Half the exponential step is fixed, half random, so retries from many workers spread out but
    never come back immediately.
    """
    step = min(cap, base * 2.0 ** (retry - 1))
    jitter = rng.uniform(0, step / 2) if rng is not None else random.uniform(0, step / 2)
    return step / 2 + jitter


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None if absent or bad."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(0.0, seconds), RETRY_AFTER_CAP)


def retry_delay(retry: int, retry_after: float | None, *, rng: random.Random | None = None) -> float:
    """The wait before retry number ``retry``: the server's Retry-After when it gave one, else backoff."""
    if retry_after is not None:
        return retry_after
    return backoff_delay(retry, rng=rng)
