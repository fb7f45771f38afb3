"""A month in production, simulated: ``python3 run.py -s month`` (or ``python -m bench.month``).

Thirty sandbox days in a few minutes. About 5,000 numbers are registered over the month, half
through API v1 and half through v2.4, with ``ShipmentStore.track``; a real ``track17 shipments
serve`` process on PostgreSQL receives the sandbox's signed pushes over HTTP, some of them dropped,
repeated and reordered on purpose; ``ShipmentStore.sync`` (what ``track17 shipments sync`` runs)
polls what the pushes missed every 6 sandbox hours, paced through a Redis limiter. Faults are spread
over the month: the receiver SIGKILLed twice and restarted, PostgreSQL stopped for 10 sandbox
minutes, Redis stopped for half a day, one key rotation (the receiver restarted with
``--previous-api-key``), the quota run out and topped up, a storm of 5xx answers and a burst of 429s.

At the end it checks, and exits 1 if any check fails: every shipment in the store equals the
sandbox's truth; each number was charged once; every push answered 200 is stored; no second went
over the rate limit; no traceback anywhere. It prints the month's figures and draws its timeline
(``--png``, by default docs/images/month.png). The schedule is simulated time only, never the wall
clock's, so the same ``--seed`` gives the same month (``MonthResult.agreed`` holds the figures two
runs of one seed share).

``run_month(SHORT)`` is the short version the test suite runs: four days, SQLite, 240 numbers, one
SIGKILL and the rotation, at a fast rate.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

__all__ = ["FULL", "SHORT", "MonthPlan", "MonthResult", "main", "run_month"]

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 120.0
"""Seconds any one wait on a condition may take before the month gives up (a hang, not a figure)."""
STEP = timedelta(hours=1)
"""The sandbox time between two looks at the store."""


@attrs.frozen(kw_only=True)
class MonthPlan:
    """What one simulated month holds."""

    days: int = 30
    """Sandbox days simulated."""
    numbers: int = 5000
    """Numbers registered over the month, half on each API version."""
    database: str = "postgresql"
    """The store's database: "postgresql" (a real server started for the month) or "sqlite"."""
    rate: int = 3
    """The sandbox's requests per second per key (17TRACK: 3), and the limiter's."""
    seed: int = 17
    """Seeds the sandbox: shipments, dropped, repeated and reordered pushes, random faults."""
    sigkills: int = 2
    """Times the receiver is killed with SIGKILL (and restarted)."""
    postgres_stop: bool = True
    """Stop PostgreSQL for 10 sandbox minutes (only with ``database="postgresql"``)."""
    drop: float = 0.05
    """The share of pushes the sandbox drops."""
    repeat: float = 0.05
    """The share of pushes delivered twice."""
    reorder: float = 0.05
    """The share of pushes overtaken by the next one."""
    stale_after: timedelta = timedelta(days=2)
    """``sync``'s ``stale_after``: a shipment unheard of this long is polled."""
    sync_every: int = 6
    """Sandbox hours between two syncs."""
    burst: int = 6
    """How many 429 answers the burst holds."""


FULL = MonthPlan()
"""The month ``python3 run.py -s month`` runs."""
SHORT = MonthPlan(
    days=3,
    numbers=80,
    database="sqlite",
    rate=200,
    sigkills=1,
    postgres_stop=False,
    stale_after=timedelta(hours=12),
    burst=2,
)
"""The short version the test suite runs: three days on SQLite, at a rate that does not wait."""


@attrs.define
class Fault:
    """One fault of the month: when (sandbox hours from the start), and what it cost."""

    name: str
    start: float
    end: float
    cost: dict[str, int] = attrs.Factory(dict)


@attrs.define
class MonthResult:
    """What the month measured, and the checks it failed (none, when it passed)."""

    plan: MonthPlan
    figures: dict[str, Any]
    """The month's figures, by name (printed by ``report``)."""
    agreed: dict[str, Any]
    """The figures two runs of one seed must share (the simulated month, not the wall clock's)."""
    faults: list[Fault]
    failures: list[str]
    """The checks that failed, each said in a sentence."""
    timeline: list[dict[str, float]]
    """Per step: sandbox hours, pushes queued, delivered, not delivered, shipments behind."""
    wall_seconds: float

    def report(self) -> str:
        """The figures, the faults' costs and the checks, as printed."""
        lines = [f"A month in production, simulated: {self.plan.days} sandbox days, seed {self.plan.seed}"]
        lines += [f"  {name}: {value}" for name, value in self.figures.items()]
        lines.append("  what each fault cost:")
        for fault in self.faults:
            cost = ", ".join(f"{value} {what}" for what, value in fault.cost.items()) or "nothing"
            lines.append(f"    day {fault.start / 24:5.2f} {fault.name}: {cost}")
        lines.append(f"  wall time: {self.wall_seconds:.0f} s")
        if self.failures:
            lines += ["FAILED:", *(f"  - {failure}" for failure in self.failures)]
        else:
            lines.append(
                "every check passed: the store equals the sandbox, each number charged once, "
                "every push answered 200 stored, no second over the limit, no traceback"
            )
        return "\n".join(lines)


# -- servers --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Redis:
    """A real redis-server on a loopback port, stopped and started again by the month."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._binary, self._directory = binary, directory
        self.process: subprocess.Popen[str] | None = None
        self._drain: threading.Thread | None = None
        self.start()

    def start(self) -> None:
        command = [self._binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self._directory)]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "eady to accept connections" in line:
                self._drain = threading.Thread(target=self.process.stdout.read, daemon=True)
                self._drain.start()
                return
        raise RuntimeError(f"redis-server exited before it was ready (code {self.process.wait()})")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=DEADLINE)
        if self._drain is not None:
            self._drain.join(DEADLINE)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()


class _Receiver:
    """``track17 shipments serve`` in a subprocess on one port, killed and started again."""

    def __init__(self, store_url: str, clock_file: Path, logs: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._store_url, self._clock_file, self._logs = store_url, clock_file, logs
        self.process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self.starts = 0
        self.stderr: list[str] = []

    def start(self, key: str, previous: str | None = None) -> None:
        """Start it with ``key`` (and ``previous``), given through the environment, never argv."""
        env = {**os.environ, "TRACK17_API_KEY": key}
        env.pop("TRACK17_PREVIOUS_API_KEY", None)
        if previous:
            env["TRACK17_PREVIOUS_API_KEY"] = previous
        command = [sys.executable, "-m", "bench._month_receiver", str(self._clock_file),
                   "shipments", "serve", "--store", self._store_url, "--port", str(self.port),
                   "--keep-bodies", "forever", "--keep-digests", "forever"]  # fmt: skip
        self.starts += 1
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        ready = threading.Event()
        log = self._logs / f"serve-{self.starts}.log"
        self._reader = threading.Thread(target=self._read, args=(self.process, ready, log), daemon=True)
        self._reader.start()
        if not ready.wait(DEADLINE) or self.process.poll() is not None:
            raise RuntimeError(f"track17 shipments serve did not start: {''.join(self.stderr[-20:])}")

    def _read(self, process: subprocess.Popen[str], ready: threading.Event, log: Path) -> None:
        assert process.stderr is not None
        with process.stderr, log.open("w") as out:
            for line in process.stderr:
                self.stderr.append(line)
                out.write(line)
                out.flush()
                if "receiving pushes at" in line:
                    ready.set()
        ready.set()

    def kill(self) -> None:
        """SIGKILL: no shutdown at all, as the OOM killer or a power cut does."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=DEADLINE)
        self._finished()

    def _finished(self) -> None:
        if self._reader is not None:
            self._reader.join(DEADLINE)  # its stderr read to the end, and closed

    def stop(self) -> None:
        """SIGTERM: a graceful stop (uvicorn finishes what it answers)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=DEADLINE)
        self._finished()


@contextmanager
def _postgres() -> Iterator[Any]:
    sys.path.insert(0, str(ROOT))
    from tests.postgres import PostgresServer, find_binaries

    binaries = find_binaries()
    if binaries is None:
        raise SystemExit("the month needs PostgreSQL (Debian: apt-get install postgresql)")
    server = PostgresServer(binaries)
    try:
        yield server
    finally:
        server.close()


class _Logs(logging.Handler):
    """Every log record of this process at WARNING and above, to look for tracebacks in."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def tracebacks(self) -> list[str]:
        return [self.format(r) for r in self.records if r.exc_info or "Traceback" in r.getMessage()]


# -- the month ------------------------------------------------------------------------------------


def _numbers(count: int) -> tuple[list[str], list[str]]:
    """The month's numbers: China Post on v1, Royal Mail on v2.4."""
    half = count // 2
    return [f"RR{i:09d}CN" for i in range(half)], [f"RB{i:09d}GB" for i in range(count - half)]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.1f} days"


class _Month:
    """One month's run: the sandbox, the servers, the clients and the schedule."""

    def __init__(self, plan: MonthPlan, tmp: Path, stack: ExitStack) -> None:
        from track17_facade import Track17Client
        from track17_facade.redis_limiter import RedisRateLimiter
        from track17_facade.sandbox import Sandbox
        from track17_facade.shipments import ShipmentStore

        self.plan = plan
        redis_binary = shutil.which("redis-server")
        if redis_binary is None:
            raise SystemExit("the month needs redis-server (Debian: apt-get install redis-server)")
        self.postgres = stack.enter_context(_postgres()) if plan.database == "postgresql" else None
        self.store_url = self.postgres.database() if self.postgres else f"sqlite:///{tmp / 'shipments.db'}"
        self.redis = _Redis(redis_binary, tmp)
        stack.callback(self.redis.stop)
        self.sandbox = stack.enter_context(Sandbox(rate=plan.rate, seed=plan.seed))
        self.clock_file = tmp / "clock"
        self._write_clock(self.sandbox.now)
        self.key = self.sandbox.api_key
        # its syncs prune too: the inbox is kept for ever, to check every push answered 200 in it
        self.store = stack.enter_context(
            ShipmentStore(self.store_url, clock=self.sandbox.clock, keep_bodies=None, keep_digests=None)
        )
        self.receiver = _Receiver(self.store_url, self.clock_file, tmp)
        stack.callback(self.receiver.stop)
        self.receiver.start(self.key)
        self.sandbox.set_webhook(self.receiver.url, drop=plan.drop, repeat=plan.repeat, reorder=plan.reorder)
        limiter = RedisRateLimiter(self.redis.url, requests_per_second=plan.rate, on_unavailable="fallback")
        self.clients = {
            version: stack.enter_context(
                Track17Client(
                    lambda: self.key,
                    api_version=version,
                    base_url=self.sandbox.base_url_for(version),
                    rate_limiter=limiter,
                    requests_per_second=plan.rate,
                )
            )
            for version in ("v1", "v2.4")
        }
        v1, v2 = _numbers(plan.numbers)
        self.pending_numbers = {"v1": v1, "v2.4": v2}
        self.backlog: dict[str, list[str]] = {"v1": [], "v2.4": []}
        self.accepted: dict[str, str] = {}
        self.refused: Counter[str] = Counter()
        self.behind: dict[str, datetime] = {}
        self.lags: list[float] = []
        self.timeline: list[dict[str, float]] = []
        self.seen_records = 0
        self.sync_requests = 0
        self.sync_runs = 0
        self.sync_failed = 0
        self.faults: list[Fault] = []
        self.start = self.sandbox.now
        self.progress: Callable[[str], None] | None = None
        self.ends: dict[int, Callable[[], None]] = {}
        """What to do at an hour to end a fault that lasts."""

    # -- the clock --------------------------------------------------------------------------

    def _write_clock(self, at: datetime) -> None:
        fresh = self.clock_file.with_suffix(".new")
        fresh.write_text(at.isoformat())
        fresh.replace(self.clock_file)  # the receiver never reads half a time

    def hour(self) -> float:
        return (self.sandbox.now - self.start).total_seconds() / 3600

    def advance(self, step: timedelta) -> None:
        """Move the sandbox on by ``step`` (the receiver's clock first), and wait until every push
        it queued has been delivered or given up."""
        self._write_clock(self.sandbox.now + step)
        self.sandbox.advance(step)
        self.sandbox.wait_for_deliveries(timeout=DEADLINE)

    # -- what happens each hour -------------------------------------------------------------

    def register(self, per_version: int) -> None:
        """Register the next ``per_version`` numbers of each version (and those refused before)."""
        from track17_facade.codes import ErrorCode

        for version, client in self.clients.items():
            batch = self.backlog[version] + self.pending_numbers[version][:per_version]
            self.pending_numbers[version] = self.pending_numbers[version][per_version:]
            self.backlog[version] = []
            if not batch:
                continue
            result = self.store.track(client, batch)
            for accepted in result.accepted:
                self.accepted[accepted.number] = version
            for rejection in result.rejected:
                self.refused[rejection.code.name] += 1
                if rejection.code is ErrorCode.QUOTA_EXHAUSTED:
                    self.backlog[version].append(rejection.number)
                elif rejection.code is ErrorCode.ALREADY_REGISTERED:  # a retried request that took effect
                    self.accepted[rejection.number] = version
            self.backlog[version] += [failure.number for failure in result.failed]

    def sync(self) -> None:
        """One sync of the store, through the v2.4 client (the account's numbers are one list on
        both versions: a store is polled through one of them)."""
        before = self.sandbox.stats().requests
        report = self.store.sync(self.clients["v2.4"], stale_after=self.plan.stale_after)
        self.sync_requests += self.sandbox.stats().requests - before
        self.sync_runs += 1
        self.sync_failed += report.failed
        self.synced = True

    def look(self, *, everything: bool = False) -> None:
        """After a step: note the shipments the step's pushes were about, and how long each one the
        store trails has been behind the sandbox (in sandbox time). Only the shipments a push just
        reached are read again (or, after a sync, ``everything`` the store trails)."""
        records = self.sandbox.deliveries()
        fresh = records[self.seen_records :]
        self.seen_records = len(records)
        now = self.sandbox.now
        for record in fresh:
            self.behind.setdefault(record.number, now)
        registrations = self.sandbox.engine.registrations
        touched = list(self.behind) if everything else {r.number for r in fresh if r.delivered}
        for number in touched:
            since = self.behind.get(number)
            if since is None:
                continue
            shipment = self.store.get(number)
            registration = registrations.get(number)
            truth = len(registration.visible_events(now)) if registration else 0
            if shipment is not None and len(shipment.events) == truth:
                self.lags.append((now - since).total_seconds())
                del self.behind[number]
        self.timeline.append({
            "hour": self.hour(),
            "wall": time.monotonic(),
            "queued": len(fresh),
            "delivered": sum(1 for r in fresh if r.delivered),
            "lost": sum(1 for r in fresh if not r.delivered),
            "behind": len(self.behind),
        })  # fmt: skip

    def fault(self, name: str, action: Callable[[], dict[str, int] | None]) -> None:
        """Run a fault's ``action`` and note its sandbox span and what it cost: pushes not
        delivered and API requests answered by an injected fault while it lasted, and what the
        action itself counted."""
        started, records, injected = self.hour(), len(self.sandbox.deliveries()), self._injected()
        cost = action() or {}
        lost = [r for r in self.sandbox.deliveries()[records:] if not r.delivered and r.error != "dropped"]
        if lost:
            cost["pushes not delivered (polled later)"] = len(lost)
        if self._injected() - injected:
            cost["API requests answered by the fault (retried)"] = self._injected() - injected
        self.faults.append(Fault(name, started, max(self.hour(), started + 0.5), cost))

    def _injected(self) -> int:
        return sum(self.sandbox.stats().faults_injected.values())

    # -- the faults -------------------------------------------------------------------------

    def sigkill_mid_delivery(self) -> dict[str, int]:
        """Kill the receiver while the step's pushes arrive, and start it again at once: the push
        in flight, and those the sandbox gave up on while it started, are polled later."""
        before = len(self.sandbox.deliveries())
        self._write_clock(self.sandbox.now + STEP)
        queued = self.sandbox.advance(STEP)
        deadline = time.monotonic() + DEADLINE
        while len(self.sandbox.deliveries()) < before + -(-queued // 3) and time.monotonic() < deadline:
            time.sleep(0.005)  # polling a condition with a deadline
        self.receiver.kill()
        self.receiver.start(self.key, self.previous)
        self.sandbox.wait_for_deliveries(timeout=DEADLINE)
        self.look()
        return {"restarts": 1}

    def sigkill_idle(self) -> dict[str, int]:
        """Kill the receiver between pushes; it stays down for 5 sandbox minutes."""
        self.receiver.kill()
        self.advance(timedelta(minutes=5))
        self.receiver.start(self.key, self.previous)
        self.advance(timedelta(minutes=55))
        self.look()
        return {"restarts": 1}

    def postgres_down(self) -> dict[str, int]:
        """PostgreSQL stopped for 10 sandbox minutes: the receiver answers 503."""
        assert self.postgres is not None
        records = len(self.sandbox.deliveries())
        self.postgres.stop()
        self.advance(timedelta(minutes=10))
        self.postgres.start()
        answered = Counter(r.status_code for r in self.sandbox.deliveries()[records:])
        self.advance(timedelta(minutes=50))
        self.look()
        return {"pushes answered 503": answered[503]}

    def rotate(self) -> dict[str, int]:
        """A key rotation: the sandbox serves both keys for 5 minutes; the clients ask for the new
        key from the next request; the receiver restarts with ``--previous-api-key``."""
        old = self.key
        self.key = self.sandbox.rotate_key(overlap=timedelta(minutes=5))
        self.previous = old
        self.receiver.stop()
        self.receiver.start(self.key, self.previous)
        return {"restarts": 1}

    previous: str | None = None
    synced = False

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> None:
        """The month, an hour at a time: registrations each morning, a sync every
        ``sync_every`` hours, the faults at fixed points of the month."""
        plan = self.plan
        hours = plan.days * 24
        register_days = max(2, plan.days - 2)
        per_day = -(-(plan.numbers - plan.numbers // 2) // register_days)  # of each version
        at = {name: int(hours * share) for name, share in (
            ("sigkill", 0.15), ("storm", 0.25), ("redis", 0.35), ("quota", 0.45), ("rotation", 0.55),
            ("postgres", 0.65), ("burst", 0.75), ("sigkill2", 0.85))}  # fmt: skip
        at["quota"] = at["quota"] - at["quota"] % 24 + 1  # a morning's registrations
        for hour in range(hours):
            if hour % 24 == 1 and hour // 24 < register_days:
                if hour == at["quota"]:
                    self.fault("quota run out", functools.partial(self._quota, per_day))
                    self.ends[hour + 3] = self._quota_topped_up
                else:
                    self.register(per_day)
            self.ends.pop(hour, lambda: None)()
            self._spans(hour, at)
            if hour % plan.sync_every == 3 and hour != at["burst"]:
                self.sync()
            if hour == at["sigkill"]:
                self.fault("receiver SIGKILLed while pushes arrive", self.sigkill_mid_delivery)
            elif hour == at["sigkill2"] and plan.sigkills > 1:
                self.fault("receiver SIGKILLed between pushes, down 5 min", self.sigkill_idle)
            elif hour == at["postgres"] and plan.postgres_stop and self.postgres is not None:
                self.fault("PostgreSQL stopped (10 min)", self.postgres_down)
            else:
                self.advance(STEP)
                self.look(everything=self.synced)
            self.synced = False
            if self.progress is not None and hour % 24 == 23:
                done = f"{len(self.accepted)} numbers, {self.seen_records} pushes"
                self.progress(f"day {hour // 24 + 1}: {done}")

    def _spans(self, hour: int, at: dict[str, int]) -> None:
        """The faults that start at ``hour``: those that last are ended by ``self.ends``."""
        if hour == at["storm"]:
            self.sandbox.faults.configure(rate=0.3, kinds=_storm_kinds())
            storm = Fault("5xx storm (30% of requests, 12 h)", self.hour(), self.hour() + 12)
            self.faults.append(storm)
            injected = self._injected()

            def calm() -> None:
                self.sandbox.faults.configure(rate=0.0)
                storm.cost["API requests answered 500/503 (retried)"] = self._injected() - injected

            self.ends[hour + 12] = calm
        if hour == at["redis"]:
            self.redis.stop()
            down = Fault("Redis stopped (12 h)", self.hour(), self.hour() + 12)
            self.faults.append(down)

            def back() -> None:
                self.redis.start()
                down.cost["syncs paced by the in-process limiter instead"] = 12 // self.plan.sync_every

            self.ends[hour + 12] = back
        if hour == at["rotation"]:
            self.fault("key rotation", self.rotate)
        if hour == at["burst"]:
            self.sandbox.faults.enqueue(*["429"] * self.plan.burst)
            self.fault(f"429 burst ({self.plan.burst} answers)", self.sync)

    def _quota_topped_up(self) -> None:
        self.sandbox.set_quota(None)
        next(fault for fault in self.faults if fault.name == "quota run out").end = self.hour()
        self.register(0)  # the numbers refused for want of quota, again

    def _quota(self, per_day: int) -> dict[str, int]:
        """Leave quota for half of a version's morning: the rest is refused, not sent."""
        self.sandbox.set_quota(self.sandbox.stats().quota_used + per_day // 2)
        before = self.refused["QUOTA_EXHAUSTED"]
        self.register(per_day)
        return {"numbers refused, not sent, registered 3 h later": self.refused["QUOTA_EXHAUSTED"] - before}


def _sandbox_hour(timeline: list[dict[str, float]], wall: float) -> float:
    """The sandbox hour a ``time.monotonic()`` stamp fell in (the first step that ended after it)."""
    return next(
        (row["hour"] for row in timeline if row["wall"] >= wall), timeline[-1]["hour"] if timeline else 0
    )


def _window(requests: list[Any], refused: Any) -> str:
    """The requests admitted in the second before a refused one, as seconds before it and the
    sandbox's uncertainty of each stamp (what tells a client's fault from the sandbox's delay)."""
    ahead = [r for r in requests if r.status != 429 and 0 < refused.arrived - r.arrived < 1.0]
    return (
        ", ".join(
            f"-{(refused.arrived - r.arrived) * 1000:.0f} ms ±{r.uncertainty * 1000:.0f}" for r in ahead
        )
        + f" | this ±{refused.uncertainty * 1000:.0f}"
    )


def _storm_kinds() -> tuple[Any, ...]:
    from track17_facade.sandbox import FaultKind

    return (FaultKind.HTTP_500, FaultKind.HTTP_503)


def _check(month: _Month, logs: _Logs) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """The end-of-month sweep and checks: (failures, figures, agreed figures)."""
    plan, sandbox, store = month.plan, month.sandbox, month.store
    failures: list[str] = []
    before = sandbox.stats().requests
    store.sync(month.clients["v2.4"], stale_after=timedelta(0))  # what pushes missed lately
    sweep = sandbox.stats().requests - before
    differing = []
    digest = hashlib.sha256()
    held = {number: store.get(number) for number in month.accepted}
    for version, client in month.clients.items():
        # each shipment against the sandbox's answer in the version the store last heard it in
        numbers = sorted(n for n, s in held.items() if (s.api_version if s else month.accepted[n]) == version)
        truth = {info.number: info for info in client.get_track_info(numbers).accepted}
        for number in numbers:
            shipment, info = held[number], truth.get(number)
            if (
                shipment is None
                or info is None
                or (shipment.status, shipment.events) != (info.status, info.events)
            ):
                differing.append(number)
    if differing:
        failures.append(f"{len(differing)} shipments differ from the sandbox, e.g. {differing[:5]}")
    # the month's outcome in a digest that does not depend on which version a shipment was last
    # heard through (that depends on which pushes a SIGKILL caught: the wall clock's timing)
    now, registrations = sandbox.now, sandbox.engine.registrations
    for number in sorted(month.accepted):
        shipment, registration = held[number], registrations[number]
        stored = (
            shipment.status.value if shipment and shipment.status else "",
            len(shipment.events) if shipment else 0,
        )
        digest.update(
            f"{number}:{registration.status(now)}:{len(registration.visible_events(now))}:{stored};".encode()
        )
    stats = sandbox.stats()
    if stats.quota_used != len(month.accepted) or stats.registered != len(month.accepted):
        failures.append(
            f"quota charged {stats.quota_used} for {len(month.accepted)} numbers registered "
            f"({stats.registered} held by the sandbox)"
        )
    if len(month.accepted) != plan.numbers:
        failures.append(f"{len(month.accepted)} of {plan.numbers} numbers registered")
    inbox = {(push.number, push.body) for push in store.pushes()}  # kept for ever by this receiver
    records = sandbox.deliveries()
    unstored = [r.number for r in records if r.delivered and (r.number, r.body) not in inbox]
    if unstored:
        failures.append(f"{len(unstored)} pushes answered 200 are not stored, e.g. {unstored[:5]}")
    if stats.rate_limited_certain or stats.max_requests_in_window_certain > plan.rate:
        api = [r for r in sandbox.requests() if r.path.startswith("/track/")]
        limited = [r for r in api if r.status == 429 and r.fault is None]
        when = sorted({_sandbox_hour(month.timeline, r.arrived) for r in limited})
        failures.append(
            f"over the rate limit: {stats.rate_limited_certain} requests answered 429 by the limit, "
            f"at most {stats.max_requests_in_window_certain} in one window of {plan.rate} "
            f"(at sandbox hours {when}; the windows: {[_window(api, r) for r in limited]})"
        )
    month.receiver.stop()
    tracebacks = [line for line in month.receiver.stderr if "Traceback" in line] + logs.tracebacks()
    if tracebacks:
        failures.append(f"{len(tracebacks)} tracebacks, the first: {tracebacks[0][:300]}")
    received = list(store.pushes())
    outcomes = Counter(push.outcome for push in received)
    outcomes["duplicate"] += sum(push.deliveries - 1 for push in received)
    copies = Counter(r.copies for r in records)
    lags = month.lags
    answered = [r.latency for r in records if r.latency is not None]
    figures: dict[str, Any] = {
        "numbers registered (v1 / v2.4)": (
            f"{len(month.accepted)} ({sum(v == 'v1' for v in month.accepted.values())} / "
            f"{sum(v == 'v2.4' for v in month.accepted.values())})"
        ),
        "quota charged": f"{stats.quota_used} for {len(month.accepted)} numbers",
        "pushes sent by the sandbox": len(records),
        "pushes dropped / repeated / reordered on purpose": (
            f"{copies[0]} / {copies[2]} / {sum(r.reordered for r in records)}"
        ),
        "pushes not delivered (receiver or database down)": sum(
            1 for r in records if not r.delivered and r.error != "dropped"
        ),
        "pushes received: applied / duplicate / stale": " / ".join(
            str(outcomes[name]) for name in ("applied", "duplicate", "stale")
        ),
        "pushes received by the receiver in all": sum(push.deliveries for push in received),
        "store lag behind the sandbox (sandbox time), p50 / p99 / max": " / ".join(
            _hours(timedelta(seconds=lag))
            for lag in (_percentile(lags, 0.5), _percentile(lags, 0.99), max(lags, default=0))
        ),
        "syncs (every 6 h)": f"{month.sync_runs}, {month.sync_requests} requests, "
        f"{month.sync_failed} numbers failed and polled again",
        "last sweep before the checks": f"{sweep} requests",
        "API requests in all": stats.requests,
        "receiver starts": month.receiver.starts,
        "receiver answer p50 / p99 (wall)": (
            f"{_percentile(answered, 0.5) * 1000:.0f} ms / {_percentile(answered, 0.99) * 1000:.0f} ms"
        ),
        "at most requests in one window, strictly / certainly": (
            f"{stats.max_requests_in_window} / {stats.max_requests_in_window_certain} (limit {plan.rate})"
        ),
        "429s answered by the limit (certainly the client's)": (
            f"{stats.rate_limited} ({stats.rate_limited_certain}; the others' windows hold a request "
            "the sandbox read late)"
        ),
    }
    agreed = {
        "registered": len(month.accepted),
        "quota_used": stats.quota_used,
        "pushes": len(records),
        "dropped": copies[0],
        "truth": digest.hexdigest(),
        "faults": [(fault.name, round(fault.start, 2)) for fault in month.faults],
        "refused": dict(month.refused),
    }
    return failures, figures, agreed


def run_month(
    plan: MonthPlan = FULL, *, png: Path | None = None, progress: Callable[[str], None] | None = None
) -> MonthResult:
    """Simulate the month ``plan`` describes and check it; draw its timeline into ``png``; tell
    ``progress`` each sandbox day that passed."""
    started = time.monotonic()
    logs = _Logs()
    root = logging.getLogger()
    root.addHandler(logs)
    with (
        tempfile.TemporaryDirectory(prefix="track17-month-") as tmp,
        ExitStack() as stack,
        warnings.catch_warnings(record=True) as warned,
    ):
        warnings.simplefilter("always")  # the Redis limiter's fallback warns: a figure, not an error
        from track17_facade.ratelimit import LEDGER_ENV

        # the pacing ledgers of the month's throwaway keys stay in the month's directory
        stack.enter_context(_environ(LEDGER_ENV, str(Path(tmp) / "ledgers")))
        stack.callback(root.removeHandler, logs)
        month = _Month(plan, Path(tmp), stack)
        month.progress = progress
        month.run()
        failures, figures, agreed = _check(month, logs)
        figures["warnings"] = sorted({str(w.message) for w in warned}) or "none"
    result = MonthResult(
        plan, figures, agreed, month.faults, failures, month.timeline, time.monotonic() - started
    )
    if png is not None:
        draw(result, png)
    return result


@contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def draw(result: MonthResult, png: Path) -> None:
    """The month's timeline: pushes each hour, the shipments the store trails, the faults."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = [row["hour"] / 24 for row in result.timeline]
    figure, (pushes, behind) = plt.subplots(2, 1, figsize=(11, 6), sharex=True)
    pushes.plot(days, [row["delivered"] for row in result.timeline], lw=0.7, color="#2b6cb0",
                label="pushes delivered per hour")  # fmt: skip
    pushes.bar(days, [row["lost"] for row in result.timeline], width=1 / 24, color="#c53030",
               label="pushes not delivered (dropped on purpose, receiver or database down)")  # fmt: skip
    pushes.set_ylabel("pushes / hour")
    pushes.legend(loc="lower center", fontsize=8, ncol=2, framealpha=0.9)
    behind.plot(days, [row["behind"] for row in result.timeline], lw=0.9, color="#805ad5")
    behind.set_ylabel("shipments behind\nthe sandbox")
    behind.set_xlabel("sandbox day")
    for axes in (pushes, behind):
        for fault in result.faults:
            axes.axvspan(fault.start / 24, fault.end / 24, color="#dd6b20", alpha=0.25, lw=0)
            axes.axvline(fault.start / 24, color="#dd6b20", lw=0.8)
    top = max((row["delivered"] for row in result.timeline), default=1)
    pushes.set_ylim(0, top * 1.25)
    for i, fault in enumerate(result.faults, 1):
        pushes.text(fault.start / 24, top * 1.13, str(i), fontsize=8, ha="center", color="#9c4221",
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#dd6b20"})  # fmt: skip
    names = [f"{i} {fault.name}" for i, fault in enumerate(result.faults, 1)]
    half = (len(names) + 1) // 2
    figure.text(0.01, 0.01, "faults:  " + "   ".join(names[:half]) + "\n" + "   ".join(names[half:]),
                fontsize=7.5, color="#9c4221", va="bottom")  # fmt: skip
    figure.suptitle(
        f"A month in production, simulated ({result.plan.days} sandbox days, seed {result.plan.seed}): "
        f"{result.figures['pushes sent by the sandbox']} pushes, faults shaded",
        fontsize=10,
    )
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    png.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(png, dpi=110)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.month``: the month, its figures, its timeline; 1 if a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=FULL.seed, help="the sandbox's seed (default 17)")
    parser.add_argument("--short", action="store_true", help="the short version the test suite runs")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "images" / "month.png",
                        help="where to draw the timeline (default docs/images/month.png)")  # fmt: skip
    parser.add_argument("--no-png", action="store_true", help="draw no timeline")
    args = parser.parse_args(argv)
    plan = attrs.evolve(SHORT if args.short else FULL, seed=args.seed)
    started = time.monotonic()

    def progress(line: str) -> None:
        print(f"  {time.monotonic() - started:6.0f} s  {line}", file=sys.stderr, flush=True)

    result = run_month(plan, png=None if args.no_png else args.png, progress=progress)
    print(result.report())
    print(f"  same-seed figures: {result.agreed}")
    if not args.no_png:
        print(f"  timeline: {args.png}")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
