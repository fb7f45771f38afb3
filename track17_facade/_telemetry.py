"""OpenTelemetry metrics and traces, emitted through the ``opentelemetry-api`` package alone (the
``otel`` extra), as httpx's and SQLAlchemy's instrumentations do: a no-op until the application
configures an SDK, and nothing at all without the package.

The rest of the SDK calls the small functions here, one line at each place an event happens; the
meter and tracer are acquired once, on the first event after the process has imported
OpenTelemetry itself, so importing track17 never imports it, and neither does a call in a process
that has not: nothing could record there (an SDK is configured by importing the API, or named by
``OTEL_PYTHON_TRACER_PROVIDER``/``OTEL_PYTHON_METER_PROVIDER``, which count too). The names and
attributes are documented in docs/guides/operating.md. Nothing here ever sees the API key:
attributes are operation names, versions, status codes, outcomes and the request's URL (17TRACK
takes the key in a header, never in the URL).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from functools import wraps
from typing import TYPE_CHECKING, Any, Self, TypeVar

from track17_facade._version import __version__

if TYPE_CHECKING:
    from datetime import datetime

    import httpx

    from track17_facade.models import BatchResult, Quota, TrackInfo

F = TypeVar("F", bound=Callable[..., Any])

SCOPE = "track17"
"""The instrumentation scope's name (with the package's version)."""
QUEUED = "track17.queued"
"""The request extension holding when the request reached its transport (monotonic clock)."""

REQUESTS = "track17.client.requests"
NUMBERS = "track17.client.numbers"
PACING_WAIT = "track17.client.pacing.wait"
RETRIES = "track17.client.retries"
REFUSALS = "track17.client.refusals"
PUSHES = "track17.receiver.pushes"
RECEIVER_DURATION = "track17.receiver.duration"
STORE_LAG = "track17.store.lag"
QUOTA_REMAINING = "track17.quota.remaining"

_SHORT_BUCKETS = (0.0, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Seconds, for waits and answers (OpenTelemetry's HTTP duration buckets, up to a minute)."""
_HOUR = 3600.0
_LAG_BUCKETS = (
    1.0,
    10.0,
    60.0,
    300.0,
    900.0,
    _HOUR,
    3 * _HOUR,
    6 * _HOUR,
    12 * _HOUR,
    24 * _HOUR,
    2 * 24 * _HOUR,
)
"""Seconds, for the store's lag: a push is seconds to minutes behind, a poll hours."""

_PUSH_STATUS_OUTCOMES = {400: "invalid", 401: "unauthorized", 413: "too_large", 503: "unavailable"}
"""The receiver's outcome of a push it refused, by its answer's status (anything else: "error")."""


class _Instruments:
    """The tracer and instruments, made once from the global providers (proxies until the
    application sets an SDK's, which they then follow)."""

    def __init__(self) -> None:
        from opentelemetry import metrics, trace  # noqa: PLC0415 (an optional extra, on first use)

        self.trace = trace
        self.tracer = trace.get_tracer(SCOPE, __version__)
        meter = metrics.get_meter(SCOPE, __version__)
        self.requests = meter.create_counter(REQUESTS, "{request}", "HTTP requests sent, retries included")
        self.numbers = meter.create_counter(NUMBERS, "{number}", "Numbers of bulk calls, by outcome")
        self.pacing_wait = meter.create_histogram(
            PACING_WAIT,
            "s",
            "Seconds a request waited for its rate-limit slot",
            explicit_bucket_boundaries_advisory=_SHORT_BUCKETS,
        )
        self.retries = meter.create_counter(RETRIES, "{retry}", "Requests sent again after a failure")
        self.refusals = meter.create_counter(
            REFUSALS, "{request}", "Requests 17TRACK refused as a whole (a bad key, a code in the answer)"
        )
        self.pushes = meter.create_counter(PUSHES, "{push}", "Pushes answered by the receiver, by outcome")
        self.receiver_duration = meter.create_histogram(
            RECEIVER_DURATION,
            "s",
            "Seconds from a push's request to its answer",
            explicit_bucket_boundaries_advisory=_SHORT_BUCKETS,
        )
        self.store_lag = meter.create_histogram(
            STORE_LAG,
            "s",
            "Seconds from an update's latest event to the store applying it",
            explicit_bucket_boundaries_advisory=_LAG_BUCKETS,
        )
        self.quota_remaining = meter.create_gauge(
            QUOTA_REMAINING, "{registration}", "The account's quota left, as last read"
        )


_lock = threading.Lock()
_acquired = False
_instruments: _Instruments | None = None
_PROVIDER_VARIABLES = ("OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER")
"""The variables through which OpenTelemetry's API loads an SDK's provider without being imported
by the application first."""


def _get() -> _Instruments | None:
    """The instruments, or None when OpenTelemetry's API is not installed (asked once) or, for
    now, not imported by the process (nothing could record: asked again at the next event)."""
    global _acquired, _instruments  # noqa: PLW0603 (acquired once per process, on first use)
    if not _acquired:
        if "opentelemetry" not in sys.modules and not any(name in os.environ for name in _PROVIDER_VARIABLES):
            return None
        with _lock:
            if not _acquired:
                try:
                    _instruments = _Instruments()
                except ImportError:
                    _instruments = None
                except (AttributeError, TypeError) as exc:  # an API older than the extra's floor
                    logging.getLogger("track17").warning(
                        "telemetry is off: opentelemetry-api is too old for track17 (needs 1.27 or "
                        "later: pip install 'track17[otel]'): %s",
                        exc,
                    )
                    _instruments = None
                _acquired = True
    return _instruments


# -- the clients' bulk calls ----------------------------------------------------------------------


def _call_attributes(client: Any, operation: Any) -> dict[str, str]:
    return {"track17.operation": operation.name, "track17.api_version": client.api_version}


def _count_numbers(instruments: _Instruments, attributes: dict[str, str], result: BatchResult[Any]) -> None:
    counts = {"accepted": result.accepted, "rejected": result.rejected, "failed": result.failed}
    for outcome, items in counts.items():
        if items:
            instruments.numbers.add(len(items), {**attributes, "track17.outcome": outcome})


def _end_call(span: Any, result: BatchResult[Any]) -> None:
    span.set_attributes(
        {
            "track17.accepted": len(result.accepted),
            "track17.rejected": len(result.rejected),
            "track17.failed": len(result.failed),
        }
    )


def _failed(span: Any, instruments: _Instruments, exc: BaseException) -> None:
    """Mark a span failed by the exception's type alone (its message is not the span's to carry)."""
    span.set_attribute("error.type", type(exc).__qualname__)
    span.set_status(instruments.trace.StatusCode.ERROR, type(exc).__qualname__)


def _call_span(instruments: _Instruments, attributes: dict[str, str]) -> Any:
    return instruments.tracer.start_span(f"track17 {attributes['track17.operation']}", attributes=attributes)


def _current(instruments: _Instruments, span: Any) -> Any:
    """``span`` as the current span for a step (the requests started in it are its children)."""
    return instruments.trace.use_span(span, record_exception=False, set_status_on_exception=False)


class _CallSpan:
    """The span of one bulk call: current while the call runs, ended with its result or error,
    then the call's numbers counted. Shared by the synchronous and asynchronous wrappers, which
    differ only in how they wait for the call."""

    def __init__(self, instruments: _Instruments, client: Any, operation: Any) -> None:
        self._instruments = instruments
        self._attributes = _call_attributes(client, operation)
        self._span = _call_span(instruments, self._attributes)
        self._use = _current(instruments, self._span)

    def __enter__(self) -> Self:
        self._use.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        self._use.__exit__(kind, exc, tb)
        if exc is not None:
            _failed(self._span, self._instruments, exc)
            self._span.end()

    def finish(self, result: BatchResult[Any]) -> BatchResult[Any]:
        """End the span with ``result`` and count its numbers; ``result``."""
        _end_call(self._span, result)
        self._span.end()
        _count_numbers(self._instruments, self._attributes, result)
        return result


def traced_bulk_async(method: F) -> F:
    """An ``AsyncTrack17Client._bulk`` in a span per call, counting its numbers by outcome."""

    @wraps(method)
    async def traced(client: Any, operation: Any, *args: Any, **kwargs: Any) -> Any:
        instruments = _get()
        if instruments is None:
            return await method(client, operation, *args, **kwargs)
        with _CallSpan(instruments, client, operation) as call:
            result = await method(client, operation, *args, **kwargs)
        return call.finish(result)

    return traced  # type: ignore[return-value]


def traced_bulk(method: F) -> F:
    """``traced_bulk_async`` for ``Track17Client._bulk``."""

    @wraps(method)
    def traced(client: Any, operation: Any, *args: Any, **kwargs: Any) -> Any:
        instruments = _get()
        if instruments is None:
            return method(client, operation, *args, **kwargs)
        with _CallSpan(instruments, client, operation) as call:
            result = method(client, operation, *args, **kwargs)
        return call.finish(result)

    return traced  # type: ignore[return-value]


def _traced_stream(method: F, wrap: Callable[[_Instruments, dict[str, str], Any], Any]) -> F:
    """``method`` (a client's ``_submit_stream``) with its stream handed to ``wrap`` while
    OpenTelemetry is there: one wrapper for both clients, which differ in ``wrap`` alone."""

    @wraps(method)
    def traced(client: Any, operation: Any, *args: Any, **kwargs: Any) -> Any:
        stream = method(client, operation, *args, **kwargs)
        instruments = _get()
        if instruments is None:
            return stream
        return wrap(instruments, _call_attributes(client, operation), stream)

    return traced  # type: ignore[return-value]


def traced_stream_async(method: F) -> F:
    """An ``AsyncTrack17Client._submit_stream`` in a span per stream, counting each request's
    numbers by outcome as it is yielded."""
    return _traced_stream(method, _stream_async)


def traced_stream(method: F) -> F:
    """``traced_stream_async`` for ``Track17Client._submit_stream``."""
    return _traced_stream(method, _stream)


class _StreamSpan:
    """The span of one stream: current for each of its steps only (a generator's context is its
    consumer's between steps, and the step is where the stream starts its requests), counting the
    numbers of each request's result as it is yielded, failed by what ends the stream with an
    error, ended with the stream. Shared by the synchronous and asynchronous streams, which differ
    only in how they wait for a step."""

    def __init__(self, instruments: _Instruments, attributes: dict[str, str]) -> None:
        self._instruments = instruments
        self._attributes = attributes
        self._span = _call_span(instruments, attributes)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if exc is not None:
            _failed(self._span, self._instruments, exc)
        self._span.end()

    def step(self) -> Any:
        """The span as the current one for a step of the stream (or its closing)."""
        return _current(self._instruments, self._span)

    def counted(self, result: BatchResult[Any]) -> BatchResult[Any]:
        """``result``, its numbers counted."""
        _count_numbers(self._instruments, self._attributes, result)
        return result


async def _stream_async(
    instruments: _Instruments, attributes: dict[str, str], stream: AsyncIterator[Any]
) -> AsyncIterator[Any]:
    with _StreamSpan(instruments, attributes) as span:
        try:
            while True:
                with span.step():
                    try:
                        result = await anext(stream)
                    except StopAsyncIteration:
                        return
                yield span.counted(result)
        finally:
            with span.step():
                await stream.aclose()  # type: ignore[attr-defined]


def _stream(instruments: _Instruments, attributes: dict[str, str], stream: Iterator[Any]) -> Iterator[Any]:
    with _StreamSpan(instruments, attributes) as span:
        try:
            while True:
                with span.step():
                    try:
                        result = next(stream)
                    except StopIteration:
                        return
                yield span.counted(result)
        finally:
            with span.step():
                stream.close()  # type: ignore[attr-defined]


# -- each HTTP request ----------------------------------------------------------------------------


def _request_span(instruments: _Instruments, request: httpx.Request) -> Any:
    """A span after OpenTelemetry's HTTP client conventions (named by the method alone: the
    URL's path is not a template). Its attributes are written only when it is recorded (an SDK
    is configured): building them costs more than the rest of the span."""
    span = instruments.tracer.start_span(request.method, kind=instruments.trace.SpanKind.CLIENT)
    if span.is_recording():
        url = request.url
        # The query and any user information are left out (the netloc holds neither): 17TRACK's
        # key travels in a header, and nothing else of the URL may carry a secret into a trace.
        span.set_attributes(
            {
                "http.request.method": request.method,
                "server.address": url.host,
                "server.port": url.port or (443 if url.scheme == "https" else 80),
                "url.full": f"{url.scheme}://{url.netloc.decode('ascii')}{url.path}",
            }
        )
    return span


def _request_attributes(request: httpx.Request, api_version: str | None) -> dict[str, str]:
    attributes = {"track17.operation": request.url.path.rstrip("/").rsplit("/", 1)[-1]}
    if api_version is not None:
        attributes["track17.api_version"] = api_version
    return attributes


def _answered(
    instruments: _Instruments,
    span: Any,
    attributes: dict[str, Any],
    response: httpx.Response | None,
    exc: BaseException | None,
) -> None:
    if response is not None:
        status = response.status_code
        span.set_attribute("http.response.status_code", status)
        attributes["http.response.status_code"] = status
        if status >= 400:
            span.set_attribute("error.type", str(status))
            span.set_status(instruments.trace.StatusCode.ERROR)
    elif exc is not None:
        _failed(span, instruments, exc)
        attributes["error.type"] = type(exc).__qualname__
    instruments.requests.add(1, attributes)
    span.end()


def send(
    handle: Callable[[httpx.Request], httpx.Response], request: httpx.Request, api_version: str | None
) -> httpx.Response:
    """``handle(request)`` (a paced transport's), counted and in a span of its own."""
    instruments = _get()
    if instruments is None:
        return handle(request)
    request.extensions[QUEUED] = time.monotonic()
    span = _request_span(instruments, request)
    attributes: dict[str, Any] = _request_attributes(request, api_version)
    response: httpx.Response | None = None
    try:
        with _current(instruments, span):
            response = handle(request)
    except BaseException as exc:
        _answered(instruments, span, attributes, None, exc)
        raise
    _answered(instruments, span, attributes, response, None)
    return response


async def send_async(
    handle: Callable[[httpx.Request], Awaitable[httpx.Response]],
    request: httpx.Request,
    api_version: str | None,
) -> httpx.Response:
    """``send`` for an asyncio transport."""
    instruments = _get()
    if instruments is None:
        return await handle(request)
    request.extensions[QUEUED] = time.monotonic()
    span = _request_span(instruments, request)
    attributes: dict[str, Any] = _request_attributes(request, api_version)
    try:
        with _current(instruments, span):
            response = await handle(request)
    except BaseException as exc:
        _answered(instruments, span, attributes, None, exc)
        raise
    _answered(instruments, span, attributes, response, None)
    return response


def paced(request: httpx.Request, api_version: str | None) -> None:
    """The request has its rate-limit slot: record how long it waited since reaching its
    transport (queueing behind this client's other requests for the limiter included)."""
    queued = request.extensions.get(QUEUED)
    instruments = _get()
    if queued is None or instruments is None:
        return
    attributes = {} if api_version is None else {"track17.api_version": api_version}
    instruments.pacing_wait.record(time.monotonic() - queued, attributes)


def retrying(operation: str, error: BaseException) -> None:
    """A request of ``operation`` is to be sent again after ``error``."""
    instruments = _get()
    if instruments is not None:
        instruments.retries.add(1, {"track17.operation": operation, "error.type": type(error).__qualname__})


def refused(operation: str, error: BaseException, code: int | None = None) -> None:
    """17TRACK refused a whole request of ``operation``: ``error`` is what the call raises, ``code``
    the top-level code its answer gave (None for a refusal by HTTP status alone). The HTTP status
    does not tell every refusal: 17TRACK's v1 refuses a key with HTTP 200 and code 401."""
    instruments = _get()
    if instruments is not None:
        attributes = {"track17.operation": operation, "error.type": type(error).__qualname__}
        if code is not None:
            attributes["track17.error_code"] = str(code)
        instruments.refusals.add(1, attributes)


def quota_read(quota: Quota) -> Quota:
    """A quota figure was read: the gauge follows it. Returns ``quota``."""
    instruments = _get()
    if instruments is not None:
        instruments.quota_remaining.set(quota.remaining)
    return quota


# -- the receiver and the store -------------------------------------------------------------------

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]


def push_answered(status: int, outcome: str | None, started: float) -> None:
    """A receiver answered a push with ``status``, having begun at ``started`` (monotonic clock):
    count it by outcome and time it. For receivers of every kind (ASGI, WSGI, a framework's view).

    The outcome is the receipt's (``outcome``: applied, duplicate, stale, stopped, ignored) for a
    200, else the refusal's, by status: invalid (400), unauthorized (401), too_large (413),
    unavailable (503), error (anything else).
    """
    instruments = _get()
    if instruments is None:
        return
    named = (outcome or "error") if status == 200 else _PUSH_STATUS_OUTCOMES.get(status, "error")
    attributes: dict[str, str | int] = {"track17.outcome": named, "http.response.status_code": status}
    instruments.pushes.add(1, attributes)
    instruments.receiver_duration.record(time.monotonic() - started, attributes)


def observed_push(send: Send) -> Send:
    """The ASGI receiver's ``send`` for one push, timed from now: ``push_answered`` once its
    answer has gone (the receipt's outcome read from the 200's JSON body, which names it)."""
    if _get() is None:
        return send
    started = time.monotonic()
    status: list[int] = []

    async def observed(message: Message) -> None:
        await send(message)
        if message["type"] == "http.response.start":
            status.append(int(message["status"]))
        elif message["type"] == "http.response.body" and not message.get("more_body", False) and status:
            outcome = json.loads(message.get("body", b"{}")).get("outcome") if status[0] == 200 else None
            push_answered(status[0], outcome, started)

    return observed


def store_heard(source: str, track: TrackInfo | None, now: datetime) -> None:
    """The store applied ``track`` (None: it applied nothing) from ``source`` ("push" or
    "poll") at ``now``: record how far it trailed the update's latest event.

    Measured only where that event's time is absolute (v2.4's always are; v1's when the carrier
    gave an offset); a lag below zero (a clock ahead of the store's) counts as none.
    """
    instruments = _get()
    if instruments is None or track is None:
        return
    events = [*track.events, track.latest_event]
    times = [event.time for event in events if event is not None and event.time is not None]
    aware = [moment for moment in times if moment.tzinfo is not None]
    if aware:
        lag = max(0.0, (now - max(aware)).total_seconds())
        instruments.store_lag.record(lag, {"track17.source": source})
