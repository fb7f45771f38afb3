"""``webhook_app``: the receiving endpoint as an ASGI application, for uvicorn or any ASGI
framework (``app.add_route("/webhooks/17track", webhook_app(store, API_KEY), methods=["POST"])``
in FastAPI or Starlette)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from track17_facade import _telemetry
from track17_facade._secrets import checked_api_keys, redacting_logger
from track17_facade.errors import SignatureError, StoreUnavailableError, WebhookParseError
from track17_facade.shipments._store import ShipmentStore

__all__ = ["MAX_BODY", "WebhookApp", "webhook_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY = 4 * 1024 * 1024
"""The largest push body taken (bytes); a push of 17TRACK's is a few kilobytes."""

logger = redacting_logger("track17.shipments")


def webhook_app(
    store: ShipmentStore, api_key: str | Sequence[str], *, max_body: int = MAX_BODY
) -> WebhookApp:
    """An ASGI application that stores 17TRACK's pushes in ``store``.

    It answers a POST (at any path it is given):

    - **200** once the push is committed (applied, or recognised as a duplicate or as stale), with
      ``{"outcome": ..., "number": ...}``;
    - **401** for a missing or wrong signature, **400** for a body that is not a push (a number
      the clients would refuse included), **413** for a body over ``max_body`` bytes: nothing is
      stored, and 17TRACK's retries will not succeed either;
    - **503** when the store's database is unavailable: nothing is stored, and 17TRACK delivers
      the push again later;
    - **405** to anything but POST.

    The database work runs in a worker thread, so the event loop keeps taking requests.

    In FastAPI or Starlette, add it as a route (``app.add_route("/webhooks/17track", receiver,
    methods=["POST"])``): it then answers at that exact path. Mounted (``app.mount(path, ...)``),
    it answers at ``path/`` only: the framework redirects ``path`` there, and 17TRACK does not
    follow redirects.

    ``api_key`` is your key, or a sequence of keys while a rotation takes effect (the current
    first, then the previous one): a push signed with any of them is stored.

    Raises:
        InvalidInputError: ``api_key`` is not a usable key, or an empty sequence (at the call, not
            per push).
        TypeError: ``api_key`` is neither a string nor a sequence of strings.
    """
    return WebhookApp(store, checked_api_keys(api_key, "webhook_app"), max_body)


class WebhookApp:
    """The receiving endpoint ``webhook_app`` makes: an ASGI application, and an object (not a
    function), so that Starlette's routes take it as an application rather than as a
    request handler."""

    def __init__(self, store: ShipmentStore, api_key: str | Sequence[str], max_body: int = MAX_BODY) -> None:
        self.store, self.max_body = store, max_body
        self._key = checked_api_keys(api_key, "WebhookApp")

    def __repr__(self) -> str:
        return f"<WebhookApp into {self.store!r}>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request (see ``webhook_app``)."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _answer(send, 405, {"error": "pushes are POSTed"}, [(b"allow", b"POST")])
            return
        send = _telemetry.observed_push(send)
        body = await _body(receive, self.max_body)
        if body is None:
            await _answer(send, 413, {"error": f"the body is larger than {self.max_body} bytes"})
            return
        sign = _header(scope, b"sign")
        try:
            receipt = await asyncio.to_thread(self.store.receive, body, sign, self._key)
        except SignatureError as exc:
            await _answer(send, 401, {"error": str(exc)})
        except WebhookParseError as exc:
            await _answer(send, 400, {"error": str(exc)})
        except StoreUnavailableError as exc:
            logger.warning("push not stored: %s", exc)
            await _answer(
                send,
                503,
                {"error": "the store is unavailable; deliver again later"},
                [(b"retry-after", b"30")],
            )
        except Exception:
            logger.exception("push not stored")
            await _answer(send, 500, {"error": "the push could not be stored"})
        else:
            await _answer(send, 200, {"outcome": str(receipt.outcome), "number": receipt.number})


async def _body(receive: Receive, limit: int) -> bytes | None:
    """The request body; None once it grows past ``limit`` (the rest is not read)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _answer(
    send: Send, status: int, payload: dict[str, str], headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
