"""The sandbox's ASGI handling: the key, the route (a wire format's operation, or an admin
route), admission to the key's rate window, faults, and the answer's bytes.

Plain ASGI rather than a framework's: every fault the sandbox injects (a connection dropped
mid-answer, a body cut short, a 520) needs byte-level control of the answer, and a handful of POST
routes need no router. ``Sandbox`` takes this as a base class; the state it reads (configuration,
faults, the engine, the counters) is the ``Sandbox``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from track17_facade._secrets import redacting_logger
from track17_facade.codes import ErrorCode
from track17_facade.sandbox._admin import Answer
from track17_facade.sandbox._faults import FaultInjector, FaultKind, RawAnswer
from track17_facade.sandbox._page import PageAnswer, is_page
from track17_facade.sandbox._records import SandboxConfig
from track17_facade.sandbox._wire import BATCHLESS, WIRES, BadRequestError, Wire, refused_body

__all__ = ["ADMIN_PATH", "MAX_BODY", "AsgiHandling", "Json", "QuietDrops"]

ADMIN_PATH = "/_sandbox"
_WIRES: dict[str, Wire] = {wire.prefix: wire for wire in WIRES}
_STAMP = "track17.stamp"
"""Where a request's rate-window stamp is kept in its ASGI scope, for the request log."""
_DETAILS = "track17.details"
"""Where the request log's other details (items, accepted, rejected, fault) are kept in the scope."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Json = dict[str, Any]

logger = redacting_logger("track17.sandbox")


class _ConnectionDroppedError(Exception):
    """Raised inside the app to make uvicorn close the connection mid-answer."""


class _BodyTooLargeError(Exception):
    """A request body over ``MAX_BODY``: answered 413 without reading the rest."""


MAX_BODY = 1 << 20
"""The largest request body the sandbox reads, in bytes (1 MiB; 40 registrations with every field
take under 20 KiB). A longer one is answered 413."""


def _json_body(raw: bytes) -> Any:
    """A request body as JSON (None when empty); ValueError for anything else, nesting too deep
    for the decoder included."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("body is not valid JSON: nested too deeply") from None


class QuietDrops(logging.Filter):
    """uvicorn logs an app's exception as an error; intentional drops are not errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, _ConnectionDroppedError)


def _json_bytes(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


class AsgiHandling:
    """The ASGI entry point and what it does with a request; ``Sandbox`` holds the state."""

    config: SandboxConfig
    faults: FaultInjector
    _lock: threading.Lock
    _faults_injected: Counter[str]
    _jitter: random.Random
    _stopping: asyncio.Event
    """Set once the server stops serving (the server's ``exiting``)."""

    def accepts_key(self, key: str) -> bool:
        """Whether a request carrying ``key`` is served (the Sandbox's)."""
        raise NotImplementedError

    def _admit(self, key: str) -> tuple[int | None, float, float]:
        raise NotImplementedError  # the Sandbox's

    def _operate(self, wire: Wire, operation: str, body: Any) -> Json:
        raise NotImplementedError  # the Sandbox's

    def _count_status(
        self, path: str, status: int, body: bytes, arrived: float, details: dict[str, Any] | None = None
    ) -> None:
        raise NotImplementedError  # the Sandbox's

    def _admin(self, action: str, raw: bytes) -> Answer:
        raise NotImplementedError  # the Sandbox's

    def _page(
        self, method: str, path: str, query: bytes, headers: dict[bytes, bytes], body: bytes
    ) -> PageAnswer:
        raise NotImplementedError  # the Sandbox's

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        arrived = time.monotonic()
        if is_page(path):
            await self._serve_page(scope, receive, send, path)
            return
        try:
            status, payload, extra_headers = await self._handle(scope, receive, send, path)
        except _ConnectionDroppedError:
            self._count_status(path, 0, b"", scope.get(_STAMP, arrived), scope.get(_DETAILS))
            raise
        except _BodyTooLargeError:
            status, payload, extra_headers = (
                413,
                {"code": 413, "message": f"the body is larger than the sandbox's limit of {MAX_BODY} bytes"},
                [],
            )
        except Exception:  # a bug in the sandbox: a JSON 500, counted, never a traceback to the client
            logger.exception("the sandbox failed to answer %s", path)
            status, payload, extra_headers = 500, {"code": 500, "message": "the sandbox failed"}, []
        body = payload if isinstance(payload, bytes) else _json_bytes(payload)
        self._count_status(path, status, body, scope.get(_STAMP, arrived), scope.get(_DETAILS))
        headers = list(extra_headers)
        if not any(name == b"content-type" for name, _ in headers):
            headers.append((b"content-type", b"application/json"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _serve_page(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """The web page (``_page``): no key asked, never recorded among the requests."""
        try:
            raw = await self._read_body(receive, scope) if scope["method"] == "POST" else b""
            status, body, headers = self._page(
                scope["method"], path, scope.get("query_string", b""), dict(scope["headers"]), raw
            )
        except _BodyTooLargeError:
            status, body, headers = 413, b"the body is too large", [(b"content-type", b"text/plain")]
        except Exception:  # a bug in the page: a plain 500, never a traceback in the browser
            logger.exception("the sandbox's page failed to answer %s", path)
            status, body, headers = 500, b"the sandbox's page failed", [(b"content-type", b"text/plain")]
        if scope["method"] == "HEAD":
            body = b""
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _read_body(self, receive: Receive, scope: Scope | None = None) -> bytes:
        """The whole request body, up to ``MAX_BODY`` bytes (a longer one: 413, read no further)."""
        if scope is not None:
            declared = dict(scope["headers"]).get(b"content-length", b"0")
            if declared.isdigit() and int(declared) > MAX_BODY:
                raise _BodyTooLargeError
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ConnectionDroppedError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                raise _BodyTooLargeError
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _drop(self, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"code":0,', "more_body": True})
        raise _ConnectionDroppedError

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, path: str
    ) -> tuple[int, Json | bytes, list[tuple[bytes, bytes]]]:
        headers = dict(scope["headers"])
        key = headers.get(b"17token", b"").decode("latin-1")
        if not self.accepts_key(key):
            return 401, {"code": 401, "message": "Unauthorized"}, []
        if path.startswith(ADMIN_PATH + "/"):
            raw = await self._read_body(receive, scope) if scope["method"] == "POST" else b""
            return self._admin(path.removeprefix(ADMIN_PATH + "/"), raw)
        wire, _, operation = path.rpartition("/")
        found = _WIRES.get(wire)
        if found is None or operation not in found.handlers:
            return 404, {"code": 404, "message": f"no such operation: {path}"}, []
        if scope["method"] != "POST":
            return 405, {"code": 405, "message": f"{path} takes POST"}, []
        if self.config.arrival_jitter > 0:
            await asyncio.sleep(self._jitter.uniform(0.0, self.config.arrival_jitter))
        retry_after, scope[_STAMP], uncertainty = self._admit(key)
        scope[_DETAILS] = {"uncertainty": uncertainty}
        # Let the other requests that reached the server with this one be stamped before this one
        # is processed: a burst is then counted at its arrival, not spread over processing time.
        await asyncio.sleep(0)
        if retry_after is not None:
            return (
                429,
                {"code": 429, "message": "Too Many Requests"},
                [(b"retry-after", str(retry_after).encode())],
            )
        fault = self.faults.next_fault()
        if fault is not None:
            label = fault.label if isinstance(fault, RawAnswer) else fault.value
            scope[_DETAILS] = {**scope[_DETAILS], "fault": label}
            with self._lock:
                self._faults_injected[label] += 1
        if isinstance(fault, RawAnswer):
            raw_headers = [(b"content-type", fault.content_type.encode("latin-1"))]
            raw_headers += [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in fault.headers.items()
            ]
            return fault.status, fault.body, raw_headers
        if fault in (FaultKind.HTTP_500, FaultKind.HTTP_503, FaultKind.HTTP_520):
            code = int(fault.value)
            return code, {"code": code, "message": "Injected fault"}, []
        if fault is FaultKind.HTTP_429:
            return 429, {"code": 429, "message": "Too Many Requests"}, [(b"retry-after", b"1")]
        if fault is FaultKind.DROP:
            await self._drop(send)
        if fault is FaultKind.SLOW and await self._held_until_stopped(self.config.slow_seconds):
            return 503, {"code": 503, "message": "the sandbox is stopping"}, []
        if self.config.latency:
            await asyncio.sleep(self.config.latency)
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type != b"application/json":
            return 415, {"code": 415, "message": "Content-Type must be application/json"}, []
        raw = await self._read_body(receive, scope)
        # The work runs in a thread so that the event loop stays free to read and stamp the next
        # arrivals at once, as a server with many workers would, even while it encodes big answers.
        encoded, counts = await asyncio.to_thread(self._answer, found, operation, raw)
        scope[_DETAILS] = {**scope.get(_DETAILS, {}), **counts}
        if fault is FaultKind.TRUNCATED:
            return 200, encoded[: len(encoded) // 2], []
        if fault is FaultKind.DROP_AFTER_EFFECT:
            await self._drop(send)
        if fault is FaultKind.ERROR_AFTER_EFFECT:
            return 500, {"code": 500, "message": "Internal Server Error"}, []
        return 200, encoded, []

    async def _held_until_stopped(self, seconds: float) -> bool:
        """Wait ``seconds``, or less if the server stops meanwhile; whether it stopped (a held-back
        answer does not keep a stopping server waiting)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        return self._stopping.is_set()

    def _answer(self, wire: Wire, operation: str, raw: bytes) -> tuple[bytes, dict[str, int]]:
        """The encoded 200 answer to one operation's body (a refusal for a bad body), and its
        counts for the request log: items sent, accepted and rejected."""
        counts: dict[str, int] = {}
        try:
            body = _json_body(raw)
            if isinstance(body, list):
                counts["items"] = len(body)
            payload = self._operate(wire, operation, body)
        except (ValueError, UnicodeDecodeError) as exc:
            message = exc.message if isinstance(exc, BadRequestError) else f"body is not valid JSON: {exc}"
            code = exc.code if isinstance(exc, BadRequestError) else ErrorCode.SUBMITTED_DATA_INVALID
            payload = refused_body(code, message, batch=operation not in BATCHLESS)
        data = payload.get("data")
        if isinstance(data, dict):
            for name in ("accepted", "rejected"):
                if isinstance(data.get(name), list):
                    counts[name] = len(data[name])
        return _json_bytes(payload), counts
