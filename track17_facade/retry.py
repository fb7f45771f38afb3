"""The retry policy, in one place: what an attempt's outcome means, and what happens next.

Every attempt of every request ends in one of three ways: an HTTP answer (any status, any body), an
exception from httpx (timeout, refused or dropped connection, unreadable body), or an error from
the rate limiter before anything was sent. This module classifies each into a ``Failed`` verdict
(the typed error, whether it is worth retrying, whether it may already have taken effect on the
server) and turns the verdict into a decision:

```text
Retry(delay)   wait, then send again (a 429's Retry-After, or jittered backoff)
GiveUp(error)  the request's items fail with this error; the call goes on
Abort(error)   the whole call stops with this error (a refused key)
```

The order of the checks is the policy: the HTTP status decides first, whatever the body says (a
proxy's HTML 401 is a refused key, its HTML 503 a server error with its status code); only a 2xx
answer is read, and only a 2xx that cannot be read is an ``InvalidResponseError``. A 2xx that
refuses the whole request with 17TRACK's "internal service error, retry later" (-18010003) is
retried like a 5xx.

The attempt loop is written once, as a generator that yields typed steps (``SEND``,
``Sleep(seconds)``) and is driven by ``drive_sync`` or ``drive_async``, so both clients share every
decision and differ only in how they wait. It is written by hand rather than with tenacity because
each attempt must pass through the rate limiter, honour Retry-After and remember whether an
earlier attempt may have taken effect; those are a few lines here but custom hooks around tenacity.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import httpx

from track17_facade import _telemetry
from track17_facade._lazy import deferred
from track17_facade._records import Record
from track17_facade._secrets import redacting_logger
from track17_facade._text import shorten
from track17_facade.codes import ErrorCode
from track17_facade.errors import (
    APIError,
    AuthenticationError,
    HTTPStatusError,
    InvalidResponseError,
    RateLimitError,
    RateLimiterUnavailableError,
    RequestError,
    RequestTimeoutError,
    ServerError,
    Track17Error,
    TransportError,
)

if TYPE_CHECKING:
    from track17_facade._decisions import Abort, Decision, GiveUp, Retry, decide

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "DEFAULT_MAX_RETRIES",
    "RETRYABLE_API_CODES",
    "RETRY_AFTER_CAP",
    "Abort",
    "Decision",
    "GiveUp",
    "Retry",
    "backoff_delay",
    "classify_answer_error",
    "classify_exception",
    "classify_status",
    "decide",
    "parse_retry_after",
    "retry_delay",
]

logger = redacting_logger("track17")

BACKOFF_BASE = 0.25
"""Seconds before the first retry (before jitter); doubled for each further retry."""
BACKOFF_CAP = 8.0
"""The longest backoff between two attempts."""
RETRY_AFTER_CAP = 60.0
"""A Retry-After longer than this is treated as this, so one header cannot stall a job."""
DEFAULT_MAX_RETRIES = 4
"""Retries after the first attempt, unless a client or a call says otherwise (`max_retries`)."""
RETRYABLE_API_CODES = frozenset({ErrorCode.INTERNAL_SERVICE_ERROR})
"""Whole-request 17TRACK codes that mean "try again later", retried like a 5xx."""

R = TypeVar("R")

# -- delays ---------------------------------------------------------------------------------------


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


# -- classification -------------------------------------------------------------------------------


class Failed(Record):
    """A classified failed attempt."""

    __slots__ = ("error", "may_have_taken_effect", "retryable")
    error: Track17Error
    """The error the attempt met."""
    retryable: bool
    """Whether another attempt may succeed (a 5xx, a 429, a timeout, a dropped connection)."""
    may_have_taken_effect: bool
    """The server may have carried the request out (a 5xx, a dropped answer, a timeout after
    sending); a later "already done" answer then confirms success rather than reports a refusal."""

    def __init__(self, error: Track17Error, retryable: bool, may_have_taken_effect: bool) -> None:
        object.__setattr__(self, "error", error)
        object.__setattr__(self, "retryable", retryable)
        object.__setattr__(self, "may_have_taken_effect", may_have_taken_effect)


def classify_status(status: int, headers: Mapping[str, str], operation: str, attempt: int) -> Failed | None:
    """The verdict on an HTTP status alone, whatever the body holds; None for a 2xx (to be read)."""
    if 200 <= status < 300:
        return None
    if status == 401:
        error: RequestError = AuthenticationError(
            f"{operation}: HTTP 401, the API key was refused "
            "(wrong key, IP not whitelisted, or account disabled)",
            status_code=401,
            operation=operation,
            attempts=attempt,
        )
        _telemetry.refused(operation, error)
        return Failed(error, retryable=False, may_have_taken_effect=False)
    if status == 429:
        error = RateLimitError(
            f"{operation}: HTTP 429, rate limit exceeded",
            retry_after=parse_retry_after(headers.get("retry-after")),
            operation=operation,
            attempts=attempt,
        )
        return Failed(error, retryable=True, may_have_taken_effect=False)
    if status >= 500:
        error = ServerError(
            f"{operation}: HTTP {status}", status_code=status, operation=operation, attempts=attempt
        )
        return Failed(error, retryable=True, may_have_taken_effect=True)
    error = HTTPStatusError(
        f"{operation}: HTTP {status}", status_code=status, operation=operation, attempts=attempt
    )
    return Failed(error, retryable=False, may_have_taken_effect=False)


def classify_exception(exc: BaseException, operation: str, attempt: int) -> Failed:
    """The verdict on an exception raised while sending or reading.

    Timeouts and connection failures are retried; a refused connection never reached the server,
    anything later may have. A shared rate limiter that cannot be reached (Redis restarting) is a
    transient failure of the attempt like any other: nothing was sent, and the attempt is retried
    with backoff, so an outage shorter than the call's retries costs time, not numbers. Other
    errors of the SDK's own (a failing ``before_send``) are not retried.
    """
    if isinstance(exc, RateLimiterUnavailableError):
        return Failed(exc, retryable=True, may_have_taken_effect=False)
    if isinstance(exc, Track17Error):
        return Failed(exc, retryable=False, may_have_taken_effect=False)
    reached = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    if isinstance(exc, httpx.TimeoutException):
        message = f"{operation}: no answer within the timeout ({type(exc).__name__})"
        error: RequestError = RequestTimeoutError(message, operation=operation, attempts=attempt)
    elif isinstance(exc, httpx.TransportError):
        message = f"{operation}: {type(exc).__name__}: {exc}"
        error = TransportError(message, operation=operation, attempts=attempt)
    else:  # a 2xx body that could not be decoded (the generated parser raised)
        message = f"{operation}: unreadable answer ({type(exc).__name__}: {shorten(str(exc), 200)})"
        error = InvalidResponseError(message, operation=operation, attempts=attempt)
    return Failed(error, retryable=True, may_have_taken_effect=reached)


def classify_answer_error(error: RequestError, attempt: int) -> Failed:
    """The verdict on a 2xx answer that refused the whole request or could not be understood."""
    error.attempts = attempt
    if isinstance(error, AuthenticationError):
        return Failed(error, retryable=False, may_have_taken_effect=False)
    if isinstance(error, APIError):
        retryable = error.code in RETRYABLE_API_CODES
        return Failed(error, retryable=retryable, may_have_taken_effect=retryable)
    return Failed(error, retryable=isinstance(error, InvalidResponseError), may_have_taken_effect=True)


# -- decisions ------------------------------------------------------------------------------------


# -- the attempt loop -----------------------------------------------------------------------------


class _Send(Record):
    """Send the request (once) and report the outcome back."""

    __slots__ = ()


SEND = _Send()


class Sleep(Record):
    """Wait this many seconds before the next step."""

    __slots__ = ("seconds",)
    seconds: float
    """How long to wait."""

    def __init__(self, seconds: float) -> None:
        object.__setattr__(self, "seconds", seconds)


Step = _Send | Sleep


class Answered(Record, Generic[R]):
    """A request that was answered: ``result`` read from the answer; ``ambiguous`` when an earlier
    attempt failed in a way that may have taken effect on the server."""

    __slots__ = ("ambiguous", "result")
    result: R
    """What was read from the answer."""
    ambiguous: bool
    """True when an earlier attempt may have taken effect on the server."""

    def __init__(self, result: R, ambiguous: bool) -> None:
        object.__setattr__(self, "result", result)
        object.__setattr__(self, "ambiguous", ambiguous)


class Answer(Protocol):
    """What the loop reads of an answer: the generated layers' ``Response``, for either contract."""

    @property
    def status_code(self) -> HTTPStatus | int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def parsed(self) -> Any: ...


Attempts = Generator[Step, "Answer | BaseException | None", "Answered[R] | GiveUp"]


def attempts(operation: str, interpret: Callable[[Any], R], *, max_retries: int, items: int) -> Attempts[R]:
    """Send one request until it is answered, its retries run out, or the call must stop.

    The driver answers each ``SEND`` with the generated endpoint's ``Response`` or the exception it
    raised. ``interpret`` reads the parsed 2xx answer, raising a ``RequestError`` when the answer
    refuses the whole request.

    Returns:
        ``Answered`` or ``GiveUp``.

    Raises:
        Track17Error: an ``Abort`` decision's error (a refused key), at once.
    """
    ambiguous = False
    for attempt in itertools.count(1):
        outcome = yield SEND
        failed: Failed | None
        if isinstance(outcome, BaseException):
            failed = classify_exception(outcome, operation, attempt)
        else:
            assert outcome is not None, "the driver answers every SEND"
            status = int(outcome.status_code)
            failed = classify_status(status, outcome.headers, operation, attempt)
            if failed is None:
                try:
                    result = interpret(outcome.parsed)
                except RequestError as exc:
                    failed = classify_answer_error(exc, attempt)
                else:
                    logger.debug("%s: %d items, attempt %d: HTTP %d", operation, items, attempt, status)
                    return Answered(result, ambiguous)
        ambiguous = ambiguous or failed.may_have_taken_effect
        from track17_facade._decisions import Abort, GiveUp, Retry, decide  # noqa: PLC0415 (on a failure only)

        decision = decide(failed, attempt, max_retries)
        reason = str(failed.error).removeprefix(f"{operation}: ")
        if isinstance(decision, Retry):
            logger.debug(
                "%s: %d items, attempt %d: %s; retrying in %.2fs",
                operation,
                items,
                attempt,
                reason,
                decision.delay,
            )
            _telemetry.retrying(operation, failed.error)
            yield Sleep(decision.delay)
            continue
        verb = "stopping the call" if isinstance(decision, Abort) else "giving up"
        logger.debug("%s: %d items, attempt %d: %s; %s", operation, items, attempt, reason, verb)
        if isinstance(decision, Abort):
            raise decision.error
        if isinstance(decision, GiveUp) and ambiguous:
            return GiveUp(decision.error, may_have_taken_effect=True)
        return decision
    raise AssertionError("unreachable")  # pragma: no cover


class _Ended(Record, Generic[R]):
    """How an attempt loop ended."""

    __slots__ = ("end",)
    end: Answered[R] | GiveUp

    def __init__(self, end: Answered[R] | GiveUp) -> None:
        object.__setattr__(self, "end", end)


def _resumed(loop: Attempts[R], value: Answer | BaseException | None) -> Step | _Ended[R]:
    """The loop's next step once it has ``value`` (what its last step came to), or how it ended."""
    try:
        return loop.send(value)
    except StopIteration as stop:
        return _Ended(stop.value)


def drive_sync(loop: Attempts[R], send: Callable[[], Answer]) -> Answered[R] | GiveUp:
    """Run an attempt loop in this thread."""
    step = _resumed(loop, None)
    while not isinstance(step, _Ended):
        value: Answer | BaseException | None = None
        if isinstance(step, Sleep):
            time.sleep(step.seconds)
        else:
            try:
                value = send()
            except Exception as exc:  # classified by the attempt loop
                value = exc
        step = _resumed(loop, value)
    return step.end


async def drive_async(loop: Attempts[R], send: Callable[[], Awaitable[Answer]]) -> Answered[R] | GiveUp:
    """Run an attempt loop in the current event loop."""
    import asyncio  # noqa: PLC0415 (only async callers wait here; a sync process never imports it)

    step = _resumed(loop, None)
    while not isinstance(step, _Ended):
        value: Answer | BaseException | None = None
        if isinstance(step, Sleep):
            await asyncio.sleep(step.seconds)
        else:
            try:
                value = await send()
            except Exception as exc:  # classified by the attempt loop
                value = exc
        step = _resumed(loop, value)
    return step.end


_LATER: frozenset[str] = frozenset({"Abort", "Decision", "GiveUp", "Retry", "decide"})
"""The decisions, given when first asked for (from ``_decisions``)."""


__getattr__, __dir__ = deferred(globals(), "track17_facade._decisions", _LATER)
