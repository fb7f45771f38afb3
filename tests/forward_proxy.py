"""A real HTTP forward proxy on a loopback port, for the proxy tests.

It speaks the plain-HTTP forward form (``POST http://host:port/path HTTP/1.1``), relays each
request to its target with ``Connection: close`` and the answer back, and records what it relayed
(method, URL and headers, less the ``17token`` key header) so a test can check what went through
it. Written here because the tests need only this small part of a proxy and must see inside it.
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit

from attrs import frozen

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "upgrade"}


@frozen
class Relayed:
    """One request the proxy relayed."""

    method: str
    url: str
    headers: dict[str, str]


class ForwardProxy:
    """Run as a context manager: ``with ForwardProxy() as proxy: ... proxy.url ... proxy.relayed``."""

    def __init__(self) -> None:
        self.relayed: list[Relayed] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="forward-proxy", daemon=True)
        self._server: asyncio.Server | None = None

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        )
        self._server = started.result(timeout=10)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._relay_one(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _relay_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One request per connection: the answer carries the server's ``connection: close``."""
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")[:-2]
        method, url, _ = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        target = urlsplit(url)
        if target.scheme != "http" or target.hostname is None:
            writer.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            await writer.drain()
            return
        self.relayed.append(Relayed(method, url, {k: v for k, v in headers.items() if k != "17token"}))
        upstream_reader, upstream_writer = await asyncio.open_connection(target.hostname, target.port or 80)
        path = target.path + (f"?{target.query}" if target.query else "")
        forwarded = [f"{method} {path} HTTP/1.1"]
        forwarded += [f"{k}: {v}" for k, v in headers.items() if k not in HOP_BY_HOP]
        forwarded.append("connection: close")
        upstream_writer.write(("\r\n".join(forwarded) + "\r\n\r\n").encode("latin-1") + body)
        await upstream_writer.drain()
        answer = await upstream_reader.read()  # until the server closes, as asked
        upstream_writer.close()
        writer.write(answer)
        await writer.drain()
