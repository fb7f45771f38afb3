"""Figures 13 and 14: the shipment store's receiver against a bare ASGI app, on SQLite and on
PostgreSQL with four receiver processes, and ``sync`` against the pacing floor.

Receivers run in their own processes (``track17 shipments serve``), as in production; the bare
app runs the same way (``python -m bench._store bare``), so both face the same load generator.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

KEY = "bench-store-key"
Push = tuple[bytes, str]


def pushes(numbers: int, steps: int) -> list[Push]:
    """Signed v2 pushes, ``steps`` per number, each later one holding more events (30 at most)."""
    from track17_facade.sandbox._engine import Registration
    from track17_facade.sandbox._simulation import PlannedEvent
    from track17_facade.sandbox._webhooks import build_push
    from track17_facade.status import SubStatus
    from track17_facade.webhooks import compute_signature

    start = datetime.datetime(2026, 1, 5, 8, 0)
    plan = tuple(
        PlannedEvent(
            start + datetime.timedelta(hours=3 * i), SubStatus.IN_TRANSIT_ARRIVAL, "Frankfurt, DE", f"at {i}"
        )
        for i in range(30)
    )
    made = []
    for step in range(1, steps + 1):
        for index in range(numbers):
            registration = Registration(f"RB{index:09d}GB", 3011, start, plan, tag=f"order-{index}")
            body = build_push(
                "TRACKING_UPDATED", registration, start + datetime.timedelta(hours=3 * step), "v2"
            )
            made.append((body, compute_signature(body, KEY)))
    return made


class Served:
    """A receiver process on a free port: ``track17 shipments serve``, or the bare app."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        found = re.search(r"http://[\d.]+:\d+/", line)
        if found is None:
            self.process.kill()
            raise RuntimeError(f"the receiver did not start: {line}{self.process.stderr.read()}")
        self.url = found.group(0)

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=30)


def store_receiver(url: str) -> Served:
    cli = [sys.executable, "-m", "track17_facade.cli", "--api-key", KEY]
    return Served([*cli, "shipments", "serve", "--store", url, "--port", "0"])


def bare_receiver() -> Served:
    return Served([sys.executable, "-m", "bench._store", "bare"])


def load(urls: list[str], stream: list[Push], concurrency: int = 16) -> tuple[float, Counter[str]]:
    """POST every push (round-robin over ``urls``), ``concurrency`` at a time: (seconds, answers)."""

    async def run() -> tuple[float, Counter[str]]:
        answers: Counter[str] = Counter()
        queue = deque(enumerate(stream))
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:

            async def worker() -> None:
                while queue:
                    index, (body, sign) = queue.popleft()
                    answer = await http.post(urls[index % len(urls)], content=body, headers={"sign": sign})
                    outcome = answer.json().get("outcome", "") if answer.status_code == 200 else ""
                    answers[f"{answer.status_code} {outcome}".strip()] += 1

            await worker_warm(http, urls)
            started = time.perf_counter()
            await asyncio.gather(*[worker() for _ in range(concurrency)])
            return time.perf_counter() - started, answers

    return asyncio.run(run())


async def worker_warm(http: httpx.AsyncClient, urls: list[str]) -> None:
    """One GET per receiver (a 405), so that the timing starts with them up and connected."""
    for url in urls:
        await http.get(url)


def throughput(
    record: Callable[..., None], figure: str, url: str, processes: int, stream: list[Push]
) -> None:
    """One receiver figure: the store at ``url`` (``processes`` receivers) against the bare app,
    same requests, same run; then what the store holds, against the distinct pushes sent."""
    from track17_facade.shipments import ShipmentStore

    ShipmentStore(url).close()  # the schema, before the receivers race to create it
    bare = [bare_receiver() for _ in range(processes)]
    try:
        bare_seconds, _ = load([served.url for served in bare], stream)
    finally:
        for served in bare:
            served.stop()
    receivers = [store_receiver(url) for _ in range(processes)]
    try:
        seconds, answers = load([served.url for served in receivers], stream)
    finally:
        for served in receivers:
            served.stop()
    with ShipmentStore(url) as store:
        stored, changes = store.inbox_count(), sum(1 for _ in store.changes())
    distinct = len(set(stream))
    rate, bare_rate = len(stream) / seconds, len(stream) / bare_seconds
    applied_twice = answers["200 applied"] + answers["200 stale"] - distinct
    lost = distinct - stored
    record(
        f"{figure} pushes stored/s vs bare ASGI app",
        rate / bare_rate,
        "x bare",
        ">= 0.5",
        rate / bare_rate >= 0.5 and lost == 0 and applied_twice == 0,
        f"{rate:.0f}/s vs bare {bare_rate:.0f}/s; {len(stream)} POSTs, {distinct} distinct: "
        f"{lost} lost, {applied_twice} applied twice, {changes} status changes; answers {dict(answers)}",
    )


def figure_receivers(
    record: Callable[..., None], smoke: bool, postgres_url: Callable[[], str] | None
) -> None:
    """Figure 13, on SQLite and on PostgreSQL."""
    numbers, steps = (50, 6) if smoke else (300, 10)
    distinct = pushes(numbers, steps)
    stream = distinct + distinct[::10]  # a tenth delivered twice
    with tempfile.TemporaryDirectory() as tmp:
        throughput(record, "13. SQLite, 1 receiver:", f"sqlite:///{Path(tmp) / 'bench.db'}", 1, stream)
    if postgres_url is None:
        record(
            "13. PostgreSQL, 4 receivers", 0, "x bare", ">= 0.5", None, "no PostgreSQL server on this host"
        )
        return
    throughput(record, "13. PostgreSQL, 4 receivers:", postgres_url(), 4, stream)


def figure_sync(record: Callable[..., None], smoke: bool) -> None:
    """Figure 14: sync of stale shipments at 3/s against the floor, and its memory against the
    store's size."""
    from bench._shared import fresh_key
    from track17_facade.sandbox import SandboxProcess

    count = 240 if smoke else 2400  # smoke: a few requests, still more than a window holds
    key = fresh_key()
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(api_keys=(key,), rate=3) as box:
        url = _stale_store(Path(tmp), box, key, count)
        before = len(box.requests())
        started = time.perf_counter()
        report = _sync_in_process(url, key, box.base_url)
        wall = time.perf_counter() - started
        arrivals = [r.arrived for r in box.requests()[before:] if r.path.endswith("/gettrackinfo")]
        requests = len(arrivals)
        span = max(arrivals) - min(arrivals)
        floor = (requests - 1) // 3
        record(
            f"14. sync {count} stale shipments at 3/s: span",
            span / floor,
            "x floor",
            "<= 1.03",
            span / floor <= 1.03 and report["asked"] == count and report["failed"] == 0,
            f"{requests} requests in {span:.2f}s by the server (floor {floor}s), wall {wall:.1f}s, {report}",
        )
    small, large = (200, 1000) if smoke else (2400, 24_000)
    growth = {size: _sync_memory(size) for size in (small, large)}
    record(
        f"14. sync memory, {large:,} vs {small:,} shipments",
        growth[large] / max(growth[small], 1.0),
        "x",
        "<= 1.5",
        growth[large] / max(growth[small], 1.0) <= 1.5,
        f"peak RSS growth during sync {growth[small]:.1f} MB vs {growth[large]:.1f} MB",
    )


def _stale_store(directory: Path, box: Any, key: str, count: int) -> str:
    """Setup: ``count`` numbers registered on the sandbox ``box``, put in a new store in
    ``directory`` as tracked shipments never heard of, and three days of their movements; the
    store's URL."""
    from bench._shared import numbers as make_numbers

    url = f"sqlite:///{directory / 'stale.db'}"
    listed = make_numbers(count, "RS")
    _register_unpaced(box.base_url, key, listed)
    _adopt(url, listed)
    box.advance(datetime.timedelta(days=3))
    return url


def _register_unpaced(base_url: str, key: str, listed: list[str]) -> None:
    """Register through the wire in 40s without the client's pacing (the sandbox allows 3/s, so
    this waits between requests itself): the setup, not the figure."""
    with httpx.Client(base_url=base_url, headers={"17token": key}, timeout=30) as http:
        for start in range(0, len(listed), 40):
            while True:
                answer = http.post("/register", json=[{"number": n} for n in listed[start : start + 40]])
                if answer.status_code != 429:
                    break
                time.sleep(0.4)  # setup only: wait out the sandbox's window


def _adopt(url: str, listed: list[str]) -> None:
    """Put ``listed`` in a new store as tracked shipments never heard of (setup, one transaction)."""
    from track17_facade.shipments import ShipmentStore, Source
    from track17_facade.shipments._receiving import create

    now = datetime.datetime.now(datetime.UTC)
    with ShipmentStore(url) as store, store._db.transaction() as connection:
        for number in listed:
            create(store, connection, number, None, "v1", Source.POLL, now, checked=False)


def _sync_in_process(url: str, key: str, base_url: str) -> dict[str, Any]:
    code = (
        "import json, datetime, sys\n"
        "from track17_facade import Track17Client\n"
        "from track17_facade.shipments import ShipmentStore\n"
        f"with ShipmentStore({url!r}) as store, Track17Client({key!r}, base_url={base_url!r}) as client:\n"
        "    report = store.sync(client, stale_after=datetime.timedelta(0))\n"
        "print(json.dumps(report.to_dict()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _sync_memory(size: int) -> float:
    """Peak RSS growth (MB) of a fresh process's ``sync`` of ``size`` stale shipments, against a
    sandbox with no rate limit (memory, not pace, is measured)."""
    from bench._shared import fresh_key
    from track17_facade.sandbox import SandboxProcess

    key = fresh_key()
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(api_keys=(key,), rate=100_000) as box:
        url = _stale_store(Path(tmp), box, key, size)
        code = (
            "import datetime, resource\n"
            "from track17_facade import Track17Client\n"
            "from track17_facade.shipments import ShipmentStore\n"
            f"store = ShipmentStore({url!r})\n"
            f"client = Track17Client({key!r}, base_url={box.base_url!r}, requests_per_second=100000)\n"
            "client.get_track_info(['RS000000000CN'])\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "store.sync(client, stale_after=datetime.timedelta(0))\n"
            "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return float(done.stdout.strip())


def _bare_app() -> Any:
    """An ASGI app that reads the body and answers 200 with a small JSON, like the receiver."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        body = b'{"outcome":"applied","number":"x"}'
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


if __name__ == "__main__" and sys.argv[1:] == ["bare"]:
    import socket

    import uvicorn

    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    host, port = listener.getsockname()[:2]
    print(f"bare app at http://{host}:{port}/", file=sys.stderr, flush=True)
    uvicorn.Server(uvicorn.Config(_bare_app(), log_level="warning", lifespan="off", access_log=False)).run(
        sockets=[listener]
    )
