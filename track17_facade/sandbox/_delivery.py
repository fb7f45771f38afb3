"""Webhook delivery: a queue of signed pushes, POSTed with retries and backoff, and a log of
what became of each one that tests can wait on (a condition, not a sleep).

On request, delivery misbehaves the way receivers see it do: some pushes dropped, some delivered
twice, some overtaken by the next one (``Chaos``). Each push's fate is drawn from the seed and the
push itself (its number, event, how many events it shows, and how many times that same push was
queued before), when it is queued: so the same seed gives the same fates however the clock is
stepped, however fast the receiver answers, and whatever else was queued before it.

An in-process app is called through httpx's transports: ``ASGITransport`` for an ASGI app, and
``WSGITransport`` (run in a worker thread, so that a WSGI app may call the sandbox back) for a
WSGI one. ``app_kind`` tells which an app is.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import attrs
import httpx
from attrs import field, frozen

from track17_facade._secrets import redacting_logger
from track17_facade.sandbox._webhooks import sign

logger = redacting_logger("track17.sandbox")


@frozen
class Push:
    """One push to deliver: the number, the raw body, the event, and whether the body carries
    its own signature (17TRACK's v1 pushes) instead of a ``sign`` header."""

    number: str
    body: bytes = field(repr=False)
    event: str
    signed_in_body: bool = False
    key: str = ""
    """What makes this push itself for its fate (see ``WebhookDelivery.enqueue``); the number and
    event when empty."""


@frozen
class DeliveryRecord:
    """One webhook push and what became of it (``Sandbox.deliveries()``)."""

    event: str
    """The push's event: "TRACKING_UPDATED" or "TRACKING_STOPPED"."""
    number: str
    """The tracking number it is about."""
    body: bytes = field(repr=False)
    """The body as sent (for ``parse_webhook`` or your receiver in a test)."""
    sign: str = field(repr=False)
    """Its signature: the ``sign`` header sent, or for a 17TRACK-shaped v1 push the one in its body."""
    attempts: int
    """How many times it was POSTed (1 plus the retries); 0 for a push dropped on purpose."""
    status_code: int | None
    """Your receiver's HTTP status at the last attempt; None when no answer came (refused,
    timed out) or it was never sent."""
    delivered: bool
    """Whether an attempt was answered 2xx."""
    error: str | None = None
    """Why it was not delivered: the transport error, "dropped" (on purpose), a redirect, or
    "webhook URL removed"."""
    copies: int = 1
    """How many times it was delivered: 2 for a push the sandbox repeated on purpose, 0 for one
    it dropped on purpose."""
    url: str = ""
    """Where it went: the webhook URL, or the in-process app and path."""
    latency: float | None = None
    """Seconds your receiver took to answer the last attempt; None without an answer."""
    finished_at: datetime | None = None
    """When delivery ended (wall clock, UTC)."""
    redirect: str | None = None
    """The ``Location`` of a 3xx answer: 17TRACK does not follow redirects, and neither does the
    sandbox (a framework's trailing-slash redirect is the usual cause)."""
    reordered: bool = False
    """Held back on purpose and delivered after the push queued next (``webhook_reorder``)."""

    def to_json(self) -> dict[str, object]:
        """The record as the admin route ``GET /_sandbox/deliveries`` lists it (no body)."""
        return {
            "event": self.event,
            "number": self.number,
            "attempts": self.attempts,
            "status_code": self.status_code,
            "delivered": self.delivered,
            "error": self.error,
            "copies": self.copies,
            "url": self.url,
            "latency": self.latency,
            "finished_at": None if self.finished_at is None else self.finished_at.isoformat(),
            "redirect": self.redirect,
            "reordered": self.reordered,
        }


AppKind = Literal["asgi", "wsgi"]


def _positional(call: Any) -> int | None:
    """How many positional parameters ``call`` takes (None: any number, or not to be told)."""
    try:
        parameters = inspect.signature(call).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in parameters if p.kind in kinds)


def app_kind(app: object) -> AppKind:
    """Whether ``app`` is an ASGI application (``async (scope, receive, send)``: Starlette,
    FastAPI, Django's ``ASGIHandler``, ``webhook_app``) or a WSGI one (``(environ,
    start_response)``: Django's ``WSGIHandler``, Flask, a plain function).

    Raises:
        TypeError: ``app`` is neither, with what it is.
    """
    refusal = TypeError(
        "an in-process webhook app must be an ASGI application (async, called with scope, receive, "
        "send) or a WSGI application (called with environ, start_response), got "
        f"{type(app).__qualname__} {app!r}"
    )
    if not callable(app):
        raise refusal
    # A class instance is told by its __call__ (Django's handlers, Flask, Starlette), a function
    # by itself; a partial or a bound method by what it wraps (inspect unwraps both).
    call: Any = app if inspect.isroutine(app) or isinstance(app, functools.partial) else type(app).__call__
    bound = 0 if call is app else 1  # the unbound __call__ takes self first
    count = _positional(call)
    takes = None if count is None else count - bound
    if inspect.iscoroutinefunction(call) and takes in (None, 3):
        return "asgi"
    if not inspect.iscoroutinefunction(call) and takes == 2 and not inspect.isclass(app):
        return "wsgi"
    raise refusal


@frozen
class Target:
    """Where pushes go: a URL, or an ASGI or WSGI app the sandbox calls in its own process."""

    url: str
    """The URL POSTed to (for an app, a local URL whose host and path the app sees)."""
    app: Any = None
    """An ASGI or WSGI application receiving the pushes in process, or None for a real URL."""
    kind: AppKind = "asgi"
    """What ``app`` is (``app_kind``)."""
    headers: Mapping[str, str] = attrs.field(factory=dict)
    """Headers added to each push (in process or over HTTP), after the sandbox's own."""

    @property
    def shown(self) -> str:
        """As records and messages name it."""
        return self.url if self.app is None else f"in-process app {urlsplit(self.url).path}"


@frozen
class Chaos:
    """Shares (0 to 1) of pushes dropped, delivered twice, and held back behind the next one."""

    drop: float = 0.0
    repeat: float = 0.0
    reorder: float = 0.0


@frozen
class Fate:
    """What becomes of one push on purpose: dropped, delivered twice, held behind the next."""

    drop: bool
    repeat: bool
    hold: bool


class WebhookDelivery:
    """Sends queued pushes from the server's event loop, one after another."""

    def __init__(
        self,
        target: Callable[[], Target | None],
        api_key: Callable[[], str],
        retry_delays: Callable[[], tuple[float, ...]],
        chaos: Callable[[], Chaos] = Chaos,
        seed: int = 17,
    ) -> None:
        # Read at each attempt, so that set_webhook() applies to pushes already queued.
        self._target, self._api_key, self._retry_delays = target, api_key, retry_delays
        self._app_clients: dict[int, httpx.AsyncClient] = {}
        self._apps = contextlib.AsyncExitStack()
        self._chaos, self._seed = chaos, seed
        self._records: list[DeliveryRecord] = []
        self._queued = 0
        self._finished = threading.Condition()
        self._queue: asyncio.Queue[tuple[Push, Fate]] = asyncio.Queue()
        self._wsgi_clients: dict[int, httpx.Client] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The event loop that will run ``run()``; pushes queued from now on wait for it."""
        self._loop = loop

    def enqueue(self, pushes: list[Push]) -> None:
        """Queue pushes, from any thread; dropped when the server is not running.

        Each push's fate is decided here, from the seed and the push's ``key`` alone (the chaos
        shares as set now): a push held back changes places with the next push of the same call,
        and the last of a call is never held, so that nothing waits on a push that may never be
        queued and the order does not depend on how fast anything runs.
        """
        if self._loop is None:
            return
        chaos = self._chaos()
        fated = [(push, self._fate(push, chaos)) for push in pushes]
        i = 0
        while i < len(fated):
            push, fate = fated[i]
            if fate.hold and not fate.drop and i + 1 < len(fated):
                fated[i], fated[i + 1] = fated[i + 1], (push, fate)
                i += 2
            else:
                fated[i] = (push, attrs.evolve(fate, hold=False))
                i += 1
        with self._finished:
            self._queued += len(pushes)
        for item in fated:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    def _fate(self, push: Push, chaos: Chaos) -> Fate:
        """Whether a push is dropped, repeated, or held back behind the next one: three rolls of
        a generator seeded by the seed and the push, never by what came before it."""
        rng = random.Random(f"chaos:{self._seed}:{push.key or f'{push.number}:{push.event}'}")
        rolls = rng.random(), rng.random(), rng.random()
        return Fate(rolls[0] < chaos.drop, rolls[1] < chaos.repeat, rolls[2] < chaos.reorder)

    async def run(self) -> None:
        """Deliver forever (until cancelled with the server)."""
        async with httpx.AsyncClient(timeout=5.0) as http, contextlib.AsyncExitStack() as apps:
            self._apps = apps
            while True:
                push, fate = await self._queue.get()
                if fate.drop:
                    self._finish(
                        DeliveryRecord(push.event, push.number, push.body, "", 0, None, False, "dropped", 0)
                    )
                else:
                    await self._send(http, push, 2 if fate.repeat else 1, reordered=fate.hold)

    async def _send(
        self, http: httpx.AsyncClient, push: Push, copies: int, *, reordered: bool = False
    ) -> None:
        record = await self._deliver(http, push)
        if copies > 1 and record.delivered:
            again = await self._deliver(http, push)
            record = attrs.evolve(record, copies=1 + again.delivered)
        self._finish(attrs.evolve(record, reordered=True) if reordered else record)

    def _finish(self, record: DeliveryRecord) -> None:
        with self._finished:
            self._records.append(record)
            self._finished.notify_all()

    def records(self) -> list[DeliveryRecord]:
        """Every push finished so far, in the order they finished."""
        with self._finished:
            return list(self._records)

    def wait_for(self, count: int | None, timeout: float) -> list[DeliveryRecord]:
        """Block until at least ``count`` pushes have finished (None: every push queued so far).

        Raises:
            TimeoutError: fewer finished within ``timeout`` seconds.
        """
        with self._finished:
            if count is None:
                count = self._queued
            if not self._finished.wait_for(lambda: len(self._records) >= count, timeout):
                raise TimeoutError(
                    f"{len(self._records)} of {count} webhook deliveries finished in {timeout}s"
                )
            return list(self._records)

    async def _post(
        self, http: httpx.AsyncClient, target: Target, body: bytes, headers: dict[str, str]
    ) -> httpx.Response:
        """POST one push to the target: over HTTP, or to its app in process."""
        headers = {**headers, **target.headers}
        if target.app is not None and target.kind == "wsgi":
            wsgi = self._wsgi_client(target)
            # A WSGI app blocks: in a worker thread, the sandbox keeps answering (the app may
            # call it back), as a WSGI server's worker would.
            return await asyncio.to_thread(wsgi.post, target.url, content=body, headers=headers)
        client = await self._client_for(http, target)
        return await client.post(target.url, content=body, headers=headers)

    def _wsgi_client(self, target: Target) -> httpx.Client:
        """The client that calls a WSGI app in process (httpx's own ``WSGITransport``: no other
        adapter needed), made once per app and closed with the delivery loop."""
        client = self._wsgi_clients.get(id(target.app))
        if client is None:
            client = httpx.Client(transport=httpx.WSGITransport(app=target.app), timeout=5.0)
            self._apps.callback(client.close)
            self._wsgi_clients[id(target.app)] = client
        return client

    async def _client_for(self, http: httpx.AsyncClient, target: Target) -> httpx.AsyncClient:
        """The shared client for a URL, or one that calls ``target.app`` in process (made once
        per app, closed with the delivery loop)."""
        if target.app is None:
            return http
        client = self._app_clients.get(id(target.app))
        if client is None:
            transport = httpx.ASGITransport(app=target.app)
            client = await self._apps.enter_async_context(httpx.AsyncClient(transport=transport, timeout=5.0))
            self._app_clients[id(target.app)] = client
        return client

    async def _deliver(self, http: httpx.AsyncClient, push: Push) -> DeliveryRecord:
        number, body, event = push.number, push.body, push.event
        headers = {"Content-Type": "application/json"}
        if push.signed_in_body:
            signature = str(json.loads(body).get("sign", ""))
        else:
            signature = headers["sign"] = sign(body, self._api_key())
        status: int | None = None
        error: str | None = None
        latency: float | None = None
        redirect: str | None = None
        where = ""
        delays = self._retry_delays()
        for attempt in range(1, len(delays) + 2):
            target = self._target()
            if target is None:
                error = "webhook URL removed"
                break
            where = target.shown
            started = time.monotonic()
            try:
                response = await self._post(http, target, body, headers)
                status, error, latency = response.status_code, None, time.monotonic() - started
                if response.is_success:
                    return DeliveryRecord(
                        event, number, body, signature, attempt, status, True, None, 1, where, latency,
                        datetime.now(UTC),
                    )  # fmt: skip
                if response.is_redirect:
                    redirect = response.headers.get("location")
                    # 17TRACK documents no redirects: a push goes to the URL as set, as here.
                    error = f"{status} redirect to {redirect}: not followed"
            except httpx.HTTPError as exc:
                status, error, latency = None, f"{type(exc).__name__}: {exc}", None
            except Exception as exc:  # an in-process app that raised: as a server's 500, recorded
                status, error, latency = None, f"the app raised {type(exc).__name__}: {exc}", None
                logger.warning("webhook for %s: %s raised", number, where, exc_info=True)
            if attempt <= len(delays):
                await asyncio.sleep(delays[attempt - 1])
        if redirect is not None:
            logger.warning(
                "webhook for %s not delivered after %d attempts: %s answered %s with a redirect to %s: "
                "did you mean %s? (a framework's mount answers its path with a trailing slash only)",
                number, attempt, where, status, redirect, redirect,
            )  # fmt: skip
        else:
            logger.warning(
                "webhook for %s not delivered after %d attempts to %s: %s",
                number, attempt, where, error or f"HTTP {status}",
            )  # fmt: skip
        return DeliveryRecord(
            event, number, body, signature, attempt, status, False, error, 1, where, latency,
            datetime.now(UTC), redirect,
        )  # fmt: skip
