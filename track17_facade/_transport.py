"""The transport policy shared by both clients: one request's attempts, retries and waits.

The attempt loop is written once, as a generator that *yields* what it needs done ("send",
"sleep N seconds") and is driven by a synchronous or an asynchronous driver. The sync and async
clients therefore share every decision and differ only in how they wait. Every attempt, retries
included, goes through the paced transports at the end of this module, where the rate limiter
decides when it leaves.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Generator
from enum import Enum
from typing import Any, TypeVar

import httpx
from track17_client.types import Response

from track17_facade.errors import (
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
from track17_facade.ratelimit import RateLimiter
from track17_facade.retry import (
    is_retryable_exception,
    is_retryable_status,
    may_have_taken_effect,
    parse_retry_after,
    retry_delay,
)

logger = logging.getLogger("track17")

R = TypeVar("R")


class Step(Enum):
    """What the attempt loop asks its driver to do (a float means: sleep that long)."""

    SEND = "send"


Attempts = Generator[Step | float, object, tuple[R, bool]]


def _error_for_exception(exc: BaseException, operation: str, attempt: int) -> RequestError:
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeoutError(
            f"{operation}: no answer within the timeout ({type(exc).__name__})",
            operation=operation,
            attempts=attempt,
        )
    if isinstance(exc, httpx.TransportError):
        return TransportError(
            f"{operation}: {type(exc).__name__}: {exc}", operation=operation, attempts=attempt
        )
    return InvalidResponseError(
        f"{operation}: unreadable answer ({type(exc).__name__}: {exc})",
        operation=operation,
        attempts=attempt,
    )


def _error_for_status(response: Response[Any], operation: str, attempt: int) -> RequestError:
    status = int(response.status_code)
    if status == 401:
        return AuthenticationError(
            f"{operation}: HTTP 401, the API key was refused "
            "(wrong key, IP not whitelisted, or account disabled)",
            status_code=401,
            operation=operation,
            attempts=attempt,
        )
    if status == 429:
        return RateLimitError(
            f"{operation}: HTTP 429, rate limit exceeded",
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            operation=operation,
            attempts=attempt,
        )
    if status >= 500:
        return ServerError(
            f"{operation}: HTTP {status}", status_code=status, operation=operation, attempts=attempt
        )
    return HTTPStatusError(
        f"{operation}: HTTP {status}", status_code=status, operation=operation, attempts=attempt
    )


def attempts(
    operation: str,
    interpret: Callable[[Any], R],
    *,
    max_retries: int,
    items: int,
) -> Attempts[R]:
    """Send one request until it succeeds or retries run out.

    ``interpret`` turns the parsed 200 answer into the result, raising a Track17Error when the
    answer refuses the whole request. Returns ``(result, ambiguous)``, where ``ambiguous`` says an
    earlier attempt failed in a way that may have taken effect on the server.

    Raises:
        RequestError: the last attempt's error, when it is not retryable or retries ran out.
        AuthenticationError: at once, never retried.
    """
    ambiguous = False
    attempt = 0
    while True:
        attempt += 1
        outcome = yield Step.SEND
        error: RequestError
        if isinstance(outcome, Response) and int(outcome.status_code) == 200:
            try:
                result = interpret(outcome.parsed)
            except RequestError as exc:
                exc.attempts = attempt
                error = exc
                retryable = isinstance(exc, InvalidResponseError)
                effect = True
            else:
                logger.debug("%s: %d items, attempt %d: HTTP 200", operation, items, attempt)
                return result, ambiguous
        elif isinstance(outcome, Response):
            error = _error_for_status(outcome, operation, attempt)
            retryable = is_retryable_status(int(outcome.status_code))
            effect = may_have_taken_effect(status=int(outcome.status_code), exc=None)
        elif isinstance(outcome, Track17Error):
            # Raised by the rate limiter before anything was sent (e.g. Redis unreachable).
            raise outcome
        else:
            assert isinstance(outcome, BaseException)
            error = _error_for_exception(outcome, operation, attempt)
            retryable = is_retryable_exception(outcome) or isinstance(error, InvalidResponseError)
            effect = may_have_taken_effect(status=None, exc=outcome)
        ambiguous = ambiguous or effect
        reason = str(error).removeprefix(f"{operation}: ")
        if isinstance(error, AuthenticationError) or not retryable or attempt > max_retries:
            logger.debug("%s: %d items, attempt %d: %s; giving up", operation, items, attempt, reason)
            raise error
        delay = retry_delay(attempt, error.retry_after if isinstance(error, RateLimitError) else None)
        logger.debug(
            "%s: %d items, attempt %d: %s; retrying in %.2fs",
            operation,
            items,
            attempt,
            reason,
            delay,
        )
        yield delay


def drive_sync(loop: Attempts[R], send: Callable[[], Response[Any]]) -> tuple[R, bool]:
    """Run an attempt loop in this thread."""
    value: object = None
    while True:
        try:
            step = loop.send(value)
        except StopIteration as stop:
            result: tuple[R, bool] = stop.value
            return result
        value = None
        if step is Step.SEND:
            try:
                value = send()
            except Exception as exc:  # classified by the attempt loop
                value = exc
        else:
            time.sleep(float(step))


async def drive_async(loop: Attempts[R], send: Callable[[], Awaitable[Response[Any]]]) -> tuple[R, bool]:
    """Run an attempt loop in the current event loop."""
    value: object = None
    while True:
        try:
            step = loop.send(value)
        except StopIteration as stop:
            result: tuple[R, bool] = stop.value
            return result
        value = None
        if step is Step.SEND:
            try:
                value = await send()
            except Exception as exc:  # classified by the attempt loop
                value = exc
        else:
            await asyncio.sleep(float(step))


def _limiter_failed(exc: Exception) -> RateLimiterUnavailableError:
    """What a limiter raised that is not a Track17Error, as one."""
    return RateLimiterUnavailableError(f"the rate limiter failed: {type(exc).__name__}: {exc}")


def _wait_sync(limiter: RateLimiter) -> None:
    try:
        delay = limiter.reserve()
    except Track17Error:
        raise
    except Exception as exc:
        raise _limiter_failed(exc) from exc
    if delay > 0:
        time.sleep(delay)


async def _wait_async(limiter: RateLimiter) -> None:
    try:
        delay = await limiter.reserve_async()
    except Track17Error:
        raise
    except Exception as exc:
        raise _limiter_failed(exc) from exc
    if delay > 0:
        await asyncio.sleep(delay)


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
# httpcore writes a request's headers and body separately; with Nagle's algorithm on, the body
# can wait for the server's delayed ACK of the headers (40 ms or more on every request).
NO_DELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


class PacedTransport(httpx.BaseTransport):
    """An httpx transport that starts each request exactly when its rate limiter allows."""

    def __init__(self, limiter: RateLimiter, limits: httpx.Limits, gate: int) -> None:
        self._inner = httpx.HTTPTransport(limits=limits, socket_options=NO_DELAY)
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

        def on_time(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_HEADERS_STARTED):
                try:
                    _wait_sync(self._limiter)
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

    def __init__(self, limiter: RateLimiter, limits: httpx.Limits, gate: int) -> None:
        self._inner = httpx.AsyncHTTPTransport(limits=limits, socket_options=NO_DELAY)
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

        async def on_time(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_HEADERS_STARTED):
                try:
                    await _wait_async(self._limiter)
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
