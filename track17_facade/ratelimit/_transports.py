"""The paced httpx transports: each request books its slot when its headers are about to go out."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from track17_facade import _telemetry
from track17_facade._secrets import redacting_logger
from track17_facade.errors import Track17Error
from track17_facade.ratelimit._late import (
    Slot,
    count_departure,
    count_departure_async,
    teach,
    wait_async,
    wait_sync,
)
from track17_facade.ratelimit._limiter import RateLimiter

if TYPE_CHECKING:
    import asyncio

logger = redacting_logger("track17")

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
"""The socket options of the SDK's connections: TCP_NODELAY, so that no request waits for a delayed ACK."""
SENDERS_AT_THE_GATE = 1
"""Requests per client that may hold a connection while waiting for their rate-limit slot."""


DEPARTING = "track17.departing"
"""The request extension holding what to call once the request has its rate-limit slot and its
headers are about to go out: the last moment before a request can take effect, for journals of
what may have been sent (the clients put ``before_send`` there, per request)."""


LimiterFor = Callable[[httpx.Request], RateLimiter]
"""Called with each request before it queues for its slot: readies the request (its key header)
and answers the limiter that paces it (a client whose key changes is paced by the key in use)."""


QUEUEING = "track17.queueing"
"""The request extension holding what to call just before the request books its rate-limit slot:
it may raise a ``Track17Error`` to leave the request unsent without spending a slot (a call that
found the quota exhausted meanwhile)."""


def _queueing(request: httpx.Request) -> None:
    callback = request.extensions.get(QUEUEING)
    if callback is not None:
        callback()


def _departing(request: httpx.Request, api_version: str | None) -> None:
    """``request`` has its slot and its headers are about to go out: counted as paced, then handed
    to its ``DEPARTING`` callback."""
    _telemetry.paced(request, api_version)
    callback = request.extensions.get(DEPARTING)
    if callback is None:
        return
    try:
        callback()
    except Track17Error:  # the call's own decision not to send (the quota ran out)
        raise
    except Exception as exc:  # not retried: the request stays unsent and fails with this
        raise Track17Error(
            f"the request was not sent: its before-send callback failed ({type(exc).__name__}: {exc})"
        ) from exc


def _taught(
    limiter: RateLimiter,
    slots: list[Slot],
    departed: list[float],
    request: httpx.Request,
    response: httpx.Response,
) -> httpx.Response:
    """``response``, once the limiter learnt how its request fared (when the request was paced)."""
    if slots:
        round_trip = time.monotonic() - departed[0] if departed else None
        teach(limiter, slots[0], response.status_code, round_trip, request.url.path)
    return response


class _Paced:
    """What both paced transports are built from: the limiter, or what picks each request's, the
    gate of ``gate`` requests that may wait for their slot, and the inner transport, which
    ``_open`` builds (the one part that differs)."""

    def __init__(
        self,
        limiter: RateLimiter,
        limits: httpx.Limits,
        gate: int,
        proxy: httpx.Proxy | None = None,
        api_version: str | None = None,
        limiter_for: LimiterFor | None = None,
    ) -> None:
        self.api_version = api_version
        """The API version of the client sending through it, as telemetry names it."""
        self._limiter = limiter
        self._limiter_for = limiter_for
        self._open(limits, proxy, gate)

    def _open(self, limits: httpx.Limits, proxy: httpx.Proxy | None, gate: int) -> None:
        raise NotImplementedError

    def _limiter_of(self, request: httpx.Request) -> RateLimiter:
        return self._limiter if self._limiter_for is None else self._limiter_for(request)


class PacedTransport(_Paced, httpx.BaseTransport):
    """An httpx transport that starts each request exactly when its rate limiter allows.

    ``proxy`` routes every request through that proxy (as ``httpx.HTTPTransport`` does);
    ``limiter_for``, when given, picks each request's limiter instead of ``limiter``.
    """

    def _open(self, limits: httpx.Limits, proxy: httpx.Proxy | None, gate: int) -> None:
        self._inner = httpx.HTTPTransport(limits=limits, socket_options=NO_DELAY, proxy=proxy)
        self._gate = threading.BoundedSemaphore(gate)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` once the limiter allows it."""
        return _telemetry.send(self._paced, request, self.api_version)

    def _paced(self, request: httpx.Request) -> httpx.Response:
        limiter = self._limiter_of(request)
        self._gate.acquire()
        released = threading.Event()

        def release() -> None:
            if not released.is_set():
                released.set()
                self._gate.release()

        slots: list[Slot] = []
        departed: list[float] = []

        def on_time(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_HEADERS_STARTED):
                _queueing(request)
                slots.append(wait_sync(limiter))
                _departing(request, self.api_version)
            elif name.endswith(_HEADERS_SENT):
                departed.append(time.monotonic())
                try:
                    if slots:
                        count_departure(limiter, slots[0].due, departed[0])
                finally:
                    release()

        request.extensions["trace"] = on_time
        try:
            response = self._inner.handle_request(request)
        finally:
            release()
        return _taught(limiter, slots, departed, request, response)

    def close(self) -> None:
        """Close the connection pool."""
        self._inner.close()


class AsyncPacedTransport(_Paced, httpx.AsyncBaseTransport):
    """The asyncio twin of ``PacedTransport`` (for use in one event loop)."""

    def _open(self, limits: httpx.Limits, proxy: httpx.Proxy | None, gate: int) -> None:
        self._inner = httpx.AsyncHTTPTransport(limits=limits, socket_options=NO_DELAY, proxy=proxy)
        self._gate_size = gate
        self._gate: asyncio.Semaphore | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` once the limiter allows it."""
        return await _telemetry.send_async(self._paced, request, self.api_version)

    async def _paced(self, request: httpx.Request) -> httpx.Response:
        limiter = self._limiter_of(request)
        if self._gate is None:
            import asyncio  # noqa: PLC0415 (only async clients wait here; a sync process never imports it)

            self._gate = asyncio.Semaphore(self._gate_size)
        gate = self._gate
        await gate.acquire()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                gate.release()

        slots: list[Slot] = []
        departed: list[float] = []

        async def on_time(name: str, info: dict[str, Any]) -> None:
            if name.endswith(_HEADERS_STARTED):
                _queueing(request)
                slots.append(await wait_async(limiter))
                _departing(request, self.api_version)
            elif name.endswith(_HEADERS_SENT):
                departed.append(time.monotonic())
                try:
                    if slots:
                        await count_departure_async(limiter, slots[0].due, departed[0])
                finally:
                    release()

        request.extensions["trace"] = on_time
        try:
            response = await self._inner.handle_async_request(request)
        finally:
            release()
        return _taught(limiter, slots, departed, request, response)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._inner.aclose()
