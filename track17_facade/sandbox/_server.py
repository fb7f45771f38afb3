"""The sandbox server: a stateful 17TRACK on a loopback port, served by uvicorn.

Where things are: this module holds the ``Sandbox`` (lifecycle, the Python control surface, each
key's rate window, and the records of what it received). Its ASGI handling is in ``_http``: the
key, the routes to a wire format (``_wire``: v1 and v2.4 over the one ``_engine``) or to the admin
routes (``_admin``), and the faults (chosen by ``_faults``). Webhook bodies are built in
``_webhooks`` and delivered by ``_delivery``. The uvicorn server it runs on (one that stops at
once when asked) is in ``_serving``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import attrs
import uvicorn

from track17_facade.sandbox._admin import Answer, admin
from track17_facade.sandbox._clock import ArrivalClock
from track17_facade.sandbox._delivery import (
    AppKind,
    Chaos,
    DeliveryRecord,
    Push,
    Target,
    WebhookDelivery,
    app_kind,
)
from track17_facade.sandbox._engine import Engine, Registration
from track17_facade.sandbox._faults import FaultInjector
from track17_facade.sandbox._http import ADMIN_PATH, AsgiHandling, Json, QuietDrops
from track17_facade.sandbox._page import PageAnswer, page
from track17_facade.sandbox._records import (
    RecordedResponse,
    RequestRecord,
    SandboxConfig,
    SandboxStats,
)
from track17_facade.sandbox._serving import PromptServer
from track17_facade.sandbox._webhooks import V1_SHAPES, WEBHOOK_FORMATS, V1Shape, WebhookFormat, build_push
from track17_facade.sandbox._wire import V1, V1_17TRACK, WIRES, Wire

BASE_PATH = V1.prefix
IN_PROCESS_HOST = "testserver"
"""The default ``Host`` of a push to an in-process app (never resolved): the name Django's test
runner adds to ``ALLOWED_HOSTS`` and Starlette's and Django's test clients send."""


class Sandbox(AsgiHandling):
    """A local, stateful 17TRACK server on a loopback port.

    Use it as a context manager to run it in a background thread:

    ```python
    with Sandbox(rate=3, latency=0.0) as sandbox:
        client = Track17Client(sandbox.api_key, base_url=sandbox.base_url)
        ...
        sandbox.advance(days=2)   # shipments move on; webhooks are pushed
    ```

    Keyword arguments override fields of ``SandboxConfig``.
    """

    def __init__(self, config: SandboxConfig | None = None, **overrides: Any) -> None:
        base = attrs.evolve(config or SandboxConfig(), **overrides)
        self.config = base
        """The configuration the sandbox runs with."""
        self.engine = Engine(
            seed=base.seed, now=base.start_time, quota=base.quota, daily_limit=base.daily_limit
        )
        """The simulation: registrations, their planned events and the clock (what the answers and pushes are
        made from)."""
        self.faults = FaultInjector(rate=base.fault_rate, kinds=base.fault_kinds, seed=base.seed)
        """The fault injector: `enqueue` a fault for the next request, or set a random rate."""
        self.responses: list[RecordedResponse] = []
        """Every answer the sandbox sent, in order (status, body, the fault injected, ...)."""
        self._requests: list[RequestRecord] = []
        self._clock = ArrivalClock()
        self._jitter = random.Random(f"jitter:{base.seed}")
        self._lock = threading.Lock()
        self._admitted: dict[str, deque[tuple[float, float]]] = {}
        self._arrivals: dict[str, deque[tuple[float, float]]] = {}
        self._counters: Counter[str] = Counter()
        self._by_status: Counter[int] = Counter()
        self._faults_injected: Counter[str] = Counter()
        self._max_in_window = 0
        self._max_in_window_certain = 0
        self._max_items = 0
        self._webhook_app: Any = None
        self._webhook_kind: AppKind = "asgi"
        self._webhook_headers: dict[str, str] = {}
        self._push_counts: Counter[str] = Counter()
        self._retiring: dict[str, datetime] = {}
        self._rotations = 0
        self._delivery = WebhookDelivery(
            self._webhook_target,
            self.signing_key,
            lambda: self.config.webhook_retry_delays,
            lambda: Chaos(self.config.webhook_drop, self.config.webhook_repeat, self.config.webhook_reorder),
            base.seed,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: PromptServer | None = None
        self._stopping = asyncio.Event()
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.host = "127.0.0.1"
        """The address the server listens on (loopback)."""
        self.port = 0
        """The port the server listens on, chosen at start (0 before)."""

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def api_key(self) -> str:
        """The first configured API key."""
        return self.config.api_keys[0]

    def signing_key(self) -> str:
        """The key pushes are signed with now: during a rotation's overlap the old key (as
        17TRACK may go on signing with it), else the first configured key."""
        with self._lock:
            self._forget_retired()
            return next(reversed(self._retiring), self.config.api_keys[0])

    def accepts_key(self, key: str) -> bool:
        """Whether a request carrying ``key`` is served: a configured key, or one a rotation
        replaced whose overlap has not yet passed on the sandbox clock."""
        if key in self.config.api_keys:
            return True
        with self._lock:
            self._forget_retired()
            return key in self._retiring

    def rotate_key(self, overlap: timedelta = timedelta(minutes=5), *, new_key: str | None = None) -> str:
        """Replace the first key by a new one, as a key update in 17TRACK's console does: for
        ``overlap`` on the sandbox clock (17TRACK: "takes effect within 5 minutes") both keys are
        served and pushes stay signed with the old one; after it (``advance`` past it), the old
        key is refused with 401, and pushes are signed with the new key.

        Args:
            overlap: how long the old key keeps working, in sandbox time (zero: not at all).
            new_key: the new key (default: one drawn from the seed, the same in every run).

        Returns:
            The new key.

        Raises:
            ValueError: a negative ``overlap``, or a ``new_key`` that is empty or already a key.
        """
        if not isinstance(overlap, timedelta) or overlap < timedelta():
            raise ValueError(f"overlap must be a timedelta >= 0, got {overlap!r}")
        with self._lock:
            self._rotations += 1
            key = (
                new_key
                or "sandbox-" + random.Random(f"key:{self.config.seed}:{self._rotations}").randbytes(16).hex()
            )
            if not isinstance(key, str) or not key.strip() or key in self.config.api_keys:
                raise ValueError("new_key must be a non-empty string that is not already a key")
            old, *others = self.config.api_keys
            if overlap > timedelta():
                self._retiring[old] = self.engine.now + overlap
            self.config.api_keys = (key, *others)
            return key

    def set_quota(self, total: int | None) -> None:
        """Set the account's quota in all (what was used stays used): top it up, or lower it to
        run it out; None: no limit.

        Raises:
            ValueError: not an integer >= 0 or None.
        """
        if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
            raise ValueError(f"the quota is an integer >= 0 or None, got {total!r}")
        with self._lock:
            self.engine.quota = self.config.quota = total

    def _forget_retired(self) -> None:
        """Drop the replaced keys whose overlap has passed (with the lock held)."""
        now = self.engine.now
        for key, until in list(self._retiring.items()):
            if now >= until:
                del self._retiring[key]

    @property
    def base_url(self) -> str:
        """The URL to give a client as ``base_url``, e.g. ``http://127.0.0.1:8017/track/v1``."""
        return f"http://{self.host}:{self.port}{BASE_PATH}"

    def base_url_for(self, api_version: str) -> str:
        """The ``base_url`` of one API version: "v1" or "v2.4" (both share all state)."""
        for wire in WIRES:
            if wire.version == api_version:
                return f"http://{self.host}:{self.port}{wire.prefix}"
        raise ValueError(
            f"the sandbox speaks {', '.join(wire.version for wire in WIRES)}, not {api_version!r}"
        )

    @property
    def admin_url(self) -> str:
        """The root of the admin routes: ``POST {admin_url}/advance {"seconds": 3600}`` and others."""
        return f"http://{self.host}:{self.port}{ADMIN_PATH}"

    def _bind(self, host: str, port: int) -> socket.socket:
        # IPPROTO_TCP explicitly: asyncio turns Nagle's algorithm off (TCP_NODELAY) only for
        # sockets that say so, and with it on every answer after the first waited ~40 ms for the
        # client's delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # Listening before the server loop runs means early connections wait in the backlog
        # instead of being refused, so start() needs no readiness polling.
        sock.listen(2048)
        self.host, self.port = sock.getsockname()[:2]
        return sock

    def _make_server(self) -> PromptServer:
        config = uvicorn.Config(
            self, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
        logging.getLogger("uvicorn.error").addFilter(QuietDrops())
        server = PromptServer(config)
        self._stopping = server.exiting
        return server

    async def _serve(self, sock: socket.socket) -> None:
        assert self._server is not None
        workers = [asyncio.create_task(self._delivery.run()), asyncio.create_task(self._clock.run())]
        try:
            await self._server.serve(sockets=[sock])
        finally:
            for worker in workers:
                worker.cancel()
            # Their ends run before the loop closes (the delivery's HTTP client closes its sockets).
            await asyncio.gather(*workers, return_exceptions=True)
            await self._close_late_connections()

    async def _close_late_connections(self) -> None:
        """Close the connections accepted as the server closed: asyncio makes an accepted
        connection's transport in a task of its own, which can run after the shutdown found no
        connection open, and would leave its socket open past the loop's end."""
        assert self._server is not None
        others = asyncio.all_tasks() - {asyncio.current_task()}
        if others:
            await asyncio.wait(others, timeout=0.5)
        connections = list(self._server.server_state.connections)
        for connection in connections:
            connection.shutdown()
        if connections:
            await asyncio.sleep(0)  # the transports' closing callbacks close their sockets

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Sandbox:
        """Serve in a background thread (port 0 picks a free port). Returns self."""
        if self._thread is not None:
            raise RuntimeError("this sandbox is already running")
        self._socket = self._bind(host, port)
        self._server = self._make_server()
        self._loop = asyncio.new_event_loop()
        self._delivery.attach(self._loop)
        loop, sock = self._loop, self._socket

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve(sock))
                # The answers' worker threads (asyncio.to_thread) end before stop() returns.
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="track17-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the server thread to end.

        Answers in progress are sent first (for up to a second); a slow fault's answer still held
        back is answered 503 at once.
        """
        if self._server is not None:
            self._server.request_exit()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._thread = self._server = self._socket = None

    def serve_forever(
        self,
        host: str = "127.0.0.1",
        port: int = 8017,
        on_ready: Callable[[Sandbox], None] | None = None,
    ) -> None:
        """Serve in this thread until interrupted (Ctrl-C).

        ``on_ready`` is called once the port is bound (port 0 picks a free one), before serving.
        """
        sock = self._bind(host, port)
        if on_ready is not None:
            on_ready(self)
        self._server = self._make_server()
        try:
            asyncio.run(self._serve_here(sock))
        finally:
            sock.close()

    async def _serve_here(self, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        self._delivery.attach(self._loop)
        await self._serve(sock)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"serving on {self.base_url}" if self._thread else "stopped"
        return f"<Sandbox {state}, sandbox time {self.engine.now:%Y-%m-%d %H:%M}>"

    # -- the Python control surface ---------------------------------------------------------

    def advance(
        self,
        delta: timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
    ) -> int:
        """Move the sandbox clock forward; shipments progress and pushes go out.

        Returns how many TRACKING_UPDATED pushes were queued (one per number whose status changed).
        """
        step = (delta or timedelta()) + timedelta(days=days, hours=hours, minutes=minutes)
        with self._lock:
            changed = self.engine.advance(step)
            bodies = self._bodies("TRACKING_UPDATED", changed)
        self._delivery.enqueue(bodies)
        return len(bodies)

    @property
    def now(self) -> datetime:
        """The sandbox clock (naive, UTC)."""
        return self.engine.now

    def clock(self) -> datetime:
        """The sandbox clock, aware (UTC): give it to ``ShipmentStore(url, clock=sandbox.clock)``
        so that the store's "now" moves with ``advance``."""
        return self.engine.now.replace(tzinfo=UTC)

    def set_webhook(
        self,
        url: str | None = None,
        fmt: WebhookFormat | None = None,
        *,
        app: Any = None,
        path: str = "/",
        host: str = IN_PROCESS_HOST,
        headers: Mapping[str, str] | None = None,
        drop: float | None = None,
        repeat: float | None = None,
        reorder: float | None = None,
    ) -> None:
        """Where pushes go, and in which shape.

        Args:
            url: the webhook URL (http:// or https://); None (with no ``app``): nowhere.
            fmt: "v1" (written as ``SandboxConfig.v1_shape`` says) or 17TRACK's "v2"; None keeps
                the shape (by default, the shape of the API version each number was registered
                through).
            app: an application that receives the pushes in this process, without a server: no
                port. ASGI (FastAPI, Starlette, Django's ``get_asgi_application()``,
                ``webhook_app(...)``) or WSGI (Django's ``get_wsgi_application()``, Flask, a
                function of ``environ, start_response``), told apart here; a WSGI app is called
                in a worker thread. Pushes are POSTed to ``http://{host}{path}`` on it, with the
                same retries, drops, repeats and records as a URL.
            path: where on ``app`` pushes go (e.g. "/webhooks/17track").
            host: the ``Host`` an in-process push carries: by default "testserver", which
                Django's test runner allows (``ALLOWED_HOSTS``) and Starlette's and Django's
                test clients send; give your own (e.g. "shop.example", "localhost:8000") when
                the app checks for it.
            headers: headers added to every push (in process or to ``url``) after the
                sandbox's own ``Content-Type: application/json`` and ``sign``; None keeps them.
            drop: the share of pushes dropped (see ``SandboxConfig.webhook_drop``); None keeps it.
            repeat: the share of pushes delivered twice; None keeps it.
            reorder: the share of pushes delivered after the next one; None keeps it.

        Raises:
            ValueError: both ``url`` and ``app``, a ``url`` that is not http:// or https://, a
                ``path`` that does not start with "/", a ``host`` with a scheme, a path or
                spaces, ``fmt`` not "v1" or "v2", or a share not between 0 and 1.
            TypeError: an ``app`` that is neither ASGI nor WSGI (see ``app_kind``).
        """
        shares = {"webhook_drop": drop, "webhook_repeat": repeat, "webhook_reorder": reorder}
        for name, share in shares.items():
            if share is not None and not (isinstance(share, int | float) and 0 <= share <= 1):
                raise ValueError(f"{name.removeprefix('webhook_')} must be between 0 and 1, got {share!r}")
        if url is not None and app is not None:
            raise ValueError("give a webhook url or an app, not both")
        if url is not None and (
            not isinstance(url, str)
            or urlsplit(url).scheme not in ("http", "https")
            or not urlsplit(url).netloc
        ):
            raise ValueError(f"a webhook URL must be http:// or https://, got {url!r}")
        kind = None if app is None else app_kind(app)
        if app is not None and (not isinstance(path, str) or not path.startswith("/")):
            raise ValueError(f"an in-process webhook needs a path starting with '/', got {path!r}")
        if not isinstance(host, str) or not host or urlsplit(f"http://{host}").netloc != host or " " in host:
            raise ValueError(
                f"an in-process push's host is a name and maybe a port, like 'testserver', got {host!r}"
            )
        if fmt is not None and fmt not in WEBHOOK_FORMATS:
            raise ValueError(f"a webhook format is one of {', '.join(WEBHOOK_FORMATS)}, got {fmt!r}")
        self._webhook_app = app
        self._webhook_kind = kind or "asgi"
        if headers is not None:
            self._webhook_headers = {str(name): str(value) for name, value in headers.items()}
        self.config.webhook_url = f"http://{host}{path}" if app is not None else url
        if fmt is not None:
            self.config.webhook_format = fmt
        for name, share in shares.items():
            if share is not None:
                setattr(self.config, name, float(share))

    def push_now(self, number: str) -> None:
        """Push the current track of a registered number now (as 17TRACK's ``push`` operation).

        Raises:
            KeyError: the number is not registered.
            ValueError: no webhook is set.
        """
        with self._lock:
            registration = self.engine.registrations.get(number)
            if registration is None:
                raise KeyError(f"no registered number {number!r}")
            if self.config.webhook_url is None:
                raise ValueError("no webhook URL is set: pushes have nowhere to go")
            bodies = self._bodies("TRACKING_UPDATED", [registration])
        self._delivery.enqueue(bodies)

    @property
    def page_url(self) -> str:
        """The sandbox's web page: what it holds and received, live, with buttons to drive it."""
        return f"http://{self.host}:{self.port}/"

    def _webhook_target(self) -> Target | None:
        url = self.config.webhook_url
        if url is None:
            return None
        return Target(url, self._webhook_app, self._webhook_kind, self._webhook_headers)

    def stats(self) -> SandboxStats:
        """A snapshot of the counters."""
        with self._lock:
            return SandboxStats(
                requests=self._counters["requests"],
                rate_limited=self._counters["rate_limited"],
                max_requests_in_window=self._max_in_window,
                max_items_in_request=self._max_items,
                faults_injected=dict(self._faults_injected),
                responses_by_status=dict(self._by_status),
                quota_used=self.engine.quota_used,
                registered=len(self.engine.registrations),
                rate_limited_certain=self._counters["rate_limited_certain"],
                max_requests_in_window_certain=self._max_in_window_certain,
                pauses=self._clock.pauses,
            )

    def deliveries(self) -> list[DeliveryRecord]:
        """Every webhook push so far, in the order they finished."""
        return self._delivery.records()

    def wait_for_deliveries(self, count: int | None = None, timeout: float = 10.0) -> list[DeliveryRecord]:
        """Block until at least ``count`` pushes have finished (delivered or given up); by
        default, every push queued so far (by ``advance``, ``/push`` or a stop). Returns every
        delivery record so far, as ``deliveries()``.

        Raises:
            TimeoutError: fewer finished within ``timeout`` seconds.
        """
        return self._delivery.wait_for(count, timeout)

    def _bodies(self, event: str, regs: list[Registration]) -> list[Push]:
        if self.config.webhook_url is None:  # an in-process app has its local URL here too
            return []
        config, now = self.config, self.engine.now
        self._forget_retired()  # the lock is held
        pushes = []
        for reg in regs:
            # What makes the push itself, for its seeded fate: the same push whenever and
            # however often the clock was stepped to reach it.
            seen = f"{reg.number}:{event}:{len(reg.visible_events(now))}"
            self._push_counts[seen] += 1
            fmt = config.webhook_format or ("v2" if reg.api_version == "v2.4" else "v1")
            key = next(reversed(self._retiring), config.api_keys[0])
            body = build_push(event, reg, now, fmt, v1_shape=config.v1_shape, api_key=key)  # type: ignore[arg-type]
            pushes.append(
                Push(
                    reg.number,
                    body,
                    event,
                    signed_in_body=fmt == "v1" and config.v1_shape == "17track",
                    key=f"{seen}:{self._push_counts[seen]}",
                )
            )
        return pushes

    def set_v1_shape(self, shape: V1Shape | str) -> None:
        """How v1 answers and pushes are written from now on: "contract" or "17track" (see
        ``SandboxConfig.v1_shape``).

        Raises:
            ValueError: another shape.
        """
        if shape not in V1_SHAPES:
            raise ValueError(f"a v1 shape is one of {', '.join(V1_SHAPES)}, got {shape!r}")
        self.config.v1_shape = "17track" if shape == "17track" else "contract"

    # -- records -----------------------------------------------------------------------------

    def _count_status(
        self, path: str, status: int, body: bytes, arrived: float, details: dict[str, Any] | None = None
    ) -> None:
        with self._lock:
            self._requests.append(RequestRecord(path, status, arrived, time.monotonic(), **(details or {})))
            if status:
                self._by_status[status] += 1
            if self.config.record_responses and status:
                self.responses.append(RecordedResponse(path, status, body))

    def requests(self) -> list[RequestRecord]:
        """Every request received so far (API and admin routes), in the order they were answered."""
        with self._lock:
            return list(self._requests)

    def _admit(self, key: str) -> tuple[int | None, float, float]:
        """Count the request against the key's sliding window: the Retry-After if refused (else
        None), the stamp it was counted at, and that stamp's uncertainty.

        Windows are counted strictly on the stamps. The ``*_certain`` counters count only the
        stamps that lie within one window of this request whatever their true arrival within
        their uncertainty (see ``_clock``): a stamp ``s`` taken with uncertainty ``u`` certainly
        shares a window with this one, stamped ``now``, when ``now - (s - u) < window``.
        """
        now, uncertainty = self._clock.stamp()
        window, rate = self.config.window, self.config.rate

        def certainly_within(stamps: deque[tuple[float, float]]) -> int:
            return sum(1 for stamp, earlier in stamps if now - (stamp - earlier) < window)

        with self._lock:
            self._counters["requests"] += 1
            arrivals = self._arrivals.setdefault(key, deque())
            arrivals.append((now, uncertainty))
            while arrivals and arrivals[0][0] <= now - window:
                arrivals.popleft()
            self._max_in_window = max(self._max_in_window, len(arrivals))
            self._max_in_window_certain = max(self._max_in_window_certain, certainly_within(arrivals))
            admitted = self._admitted.setdefault(key, deque())
            while admitted and admitted[0][0] <= now - window:
                admitted.popleft()
            if len(admitted) >= rate:
                self._counters["rate_limited"] += 1
                if certainly_within(admitted) >= rate:
                    self._counters["rate_limited_certain"] += 1
                return max(1, math.ceil(admitted[0][0] + window - now)), now, uncertainty
            admitted.append((now, uncertainty))
            return None, now, uncertainty

    def _page(
        self, method: str, path: str, query: bytes, headers: dict[bytes, bytes], body: bytes
    ) -> PageAnswer:
        """The answer to a request for the web page (``_page``)."""
        return page(self, method, path, query, headers, body)

    def _admin(self, action: str, raw: bytes) -> Answer:
        """The answer to the admin route ``action`` (see ``_admin``)."""
        return admin(self, action, raw)

    def _operate(self, wire: Wire, operation: str, body: Any) -> Json:
        with self._lock:
            if isinstance(body, list):
                self._max_items = max(self._max_items, len(body))
            if wire is V1 and self.config.v1_shape == "17track":
                wire = V1_17TRACK
            payload, pushes = wire.run(self.engine, operation, body, self.config.webhook_url is not None)
            bodies = [body for event, regs in pushes for body in self._bodies(event, regs)]
        self._delivery.enqueue(bodies)
        return payload


__all__ = ["RequestRecord", "Sandbox", "SandboxConfig", "SandboxStats"]
