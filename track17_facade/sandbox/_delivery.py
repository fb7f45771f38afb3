"""Webhook delivery: a queue of signed pushes, POSTed with retries and backoff, and a log of
what became of each one that tests can wait on (a condition, not a sleep).

On request, delivery misbehaves the way receivers see it do: some pushes dropped, some delivered
twice, some overtaken by the next one (``Chaos``), each chosen from the seed.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections.abc import Callable

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
    """One webhook push and what became of it."""

    event: str
    number: str
    body: bytes = field(repr=False)
    sign: str = field(repr=False)
    attempts: int
    status_code: int | None
    delivered: bool
    error: str | None = None
    copies: int = 1
    """How many times it was delivered: 2 for a push the sandbox repeated on purpose, 0 for one
    it dropped on purpose."""

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
        }


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
        url: Callable[[], str | None],
        api_key: Callable[[], str],
        retry_delays: Callable[[], tuple[float, ...]],
        chaos: Callable[[], Chaos] = Chaos,
        seed: int = 17,
    ) -> None:
        # Read at each attempt, so that set_webhook() applies to pushes already queued.
        self._url, self._api_key, self._retry_delays = url, api_key, retry_delays
        # Read for each push, so that set_webhook() can change it; decided from the seed.
        self._chaos, self._rng = chaos, random.Random(f"chaos:{seed}")
        self._records: list[DeliveryRecord] = []
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
        for push in pushes:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, push)

    async def run(self) -> None:
        """Deliver forever (until cancelled with the server)."""
        held: Push | None = None
        async with httpx.AsyncClient(timeout=5.0) as http:
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
                    await self._send(http, held, 1)
                    held = None

    def _fate(self) -> tuple[bool, bool, bool]:
        """Whether the next push is dropped, repeated, or held back behind the one after it."""
        chaos, rng = self._chaos(), self._rng
        rolls = rng.random(), rng.random(), rng.random()
        return rolls[0] < chaos.drop, rolls[1] < chaos.repeat, rolls[2] < chaos.reorder

    async def _send(self, http: httpx.AsyncClient, push: Push, copies: int) -> None:
        record = await self._deliver(http, push)
        if copies > 1 and record.delivered:
            again = await self._deliver(http, push)
            record = attrs.evolve(record, copies=1 + again.delivered)
        self._finish(record)

    def _finish(self, record: DeliveryRecord) -> None:
        with self._finished:
            self._records.append(record)
            self._finished.notify_all()

    def records(self) -> list[DeliveryRecord]:
        """Every push finished so far, in the order they finished."""
        with self._finished:
            return list(self._records)

    def wait_for(self, count: int, timeout: float) -> list[DeliveryRecord]:
        """Block until at least ``count`` pushes have finished.

        Raises:
            TimeoutError: fewer finished within ``timeout`` seconds.
        """
        with self._finished:
            if not self._finished.wait_for(lambda: len(self._records) >= count, timeout):
                raise TimeoutError(
                    f"{len(self._records)} of {count} webhook deliveries finished in {timeout}s"
                )
            return list(self._records)

    async def _deliver(self, http: httpx.AsyncClient, push: Push) -> DeliveryRecord:
        number, body, event = push.number, push.body, push.event
        headers = {"Content-Type": "application/json"}
        if push.signed_in_body:
            signature = str(json.loads(body).get("sign", ""))
        else:
            signature = headers["sign"] = sign(body, self._api_key())
        status: int | None = None
        error: str | None = None
        delays = self._retry_delays()
        for attempt in range(1, len(delays) + 2):
            url = self._url()
            if url is None:
                error = "webhook URL removed"
                break
            try:
                response = await http.post(url, content=body, headers=headers)
                status, error = response.status_code, None
                if response.is_success:
                    return DeliveryRecord(event, number, body, signature, attempt, status, True)
            except httpx.HTTPError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
            if attempt <= len(delays):
                await asyncio.sleep(delays[attempt - 1])
        logger.warning("webhook for %s not delivered after %d attempts", number, attempt)
        return DeliveryRecord(event, number, body, signature, attempt, status, False, error)
