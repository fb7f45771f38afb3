"""Webhook delivery: a queue of signed pushes, POSTed with retries and backoff, and a log of
what became of each one that tests can wait on (a condition, not a sleep).

On request, delivery misbehaves the way receivers see it do: some pushes dropped, some delivered
twice, some overtaken by the next one (``Chaos``), each chosen from the seed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
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


@frozen
class Target:
    """Where pushes go: a URL, or an ASGI app the sandbox calls in its own process."""

    url: str
    """The URL POSTed to (for an app, a local URL whose path the app sees)."""
    app: Any = None
    """An ASGI application receiving the pushes in process, or None for a real URL."""

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
        # Read for each push, so that set_webhook() can change it; decided from the seed.
        self._chaos, self._rng = chaos, random.Random(f"chaos:{seed}")
        self._records: list[DeliveryRecord] = []
        self._queued = 0
        self._finished = threading.Condition()
        self._queue: asyncio.Queue[Push] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The event loop that will run ``run()``; pushes queued from now on wait for it."""
        self._loop = loop

    def enqueue(self, pushes: list[Push]) -> None:
        """Queue pushes, from any thread; dropped when the server is not running."""
        if self._loop is None:
            return
        with self._finished:
            self._queued += len(pushes)
        for push in pushes:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, push)

    async def run(self) -> None:
        """Deliver forever (until cancelled with the server)."""
        held: Push | None = None
        async with httpx.AsyncClient(timeout=5.0) as http, contextlib.AsyncExitStack() as apps:
            self._apps = apps
            while True:
                push = await self._queue.get()
                drop, repeat, hold = self._fate()
                if drop:
                    self._finish(
                        DeliveryRecord(push.event, push.number, push.body, "", 0, None, False, "dropped", 0)
                    )
                elif hold and held is None and not self._queue.empty():
                    held = push  # delivered right after the next push
                    continue
                else:
                    await self._send(http, push, 2 if repeat else 1)
                if held is not None:
                    await self._send(http, held, 1, reordered=True)
                    held = None

    def _fate(self) -> tuple[bool, bool, bool]:
        """Whether the next push is dropped, repeated, or held back behind the one after it."""
        chaos, rng = self._chaos(), self._rng
        rolls = rng.random(), rng.random(), rng.random()
        return rolls[0] < chaos.drop, rolls[1] < chaos.repeat, rolls[2] < chaos.reorder

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
                client = await self._client_for(http, target)
                response = await client.post(target.url, content=body, headers=headers)
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
