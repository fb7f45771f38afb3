"""``webhook_app``: the receiving endpoint as an ASGI application, for uvicorn or any ASGI
framework (``app.mount("/17track", webhook_app(store, API_KEY))`` in FastAPI or Starlette)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from track17_facade._secrets import checked_api_key, redacting_logger
from track17_facade.errors import SignatureError, StoreUnavailableError, WebhookParseError
from track17_facade.shipments._store import ShipmentStore

__all__ = ["MAX_BODY", "webhook_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 4 * 1024 * 1024
"""The largest push body taken (bytes); a push of 17TRACK's is a few kilobytes."""

logger = redacting_logger("track17.shipments")


def webhook_app(store: ShipmentStore, api_key: str, *, max_body: int = MAX_BODY) -> App:
    """An ASGI application that stores 17TRACK's pushes in ``store``.

    It answers a POST (at any path under where it is mounted):

    - **200** once the push is committed (applied, or recognised as a duplicate or as stale), with
      ``{"outcome": ..., "number": ...}``;
    - **401** for a missing or wrong ``sign`` header, **400** for a body that is not a push,
      **413** for a body over ``max_body`` bytes: nothing is stored, and 17TRACK's retries will
      not succeed either;
    - **503** when the store's database is unavailable: nothing is stored, and 17TRACK delivers
      the push again later;
    - **405** to anything but POST.

    The database work runs in a worker thread, so the event loop keeps taking requests.

    Raises:
        InvalidInputError: ``api_key`` is not a usable key (at the call, not per push).
    """
    key = checked_api_key(api_key, "webhook_app")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _answer(send, 405, {"error": "pushes are POSTed"}, [(b"allow", b"POST")])
            return
        body = await _body(receive, max_body)
        if body is None:
            await _answer(send, 413, {"error": f"the body is larger than {max_body} bytes"})
            return
        sign = _header(scope, b"sign")
        try:
            receipt = await asyncio.to_thread(store.receive, body, sign, key)
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

    return app


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
