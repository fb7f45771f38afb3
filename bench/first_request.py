"""Figures 16 and 17: the first request at once (a fresh process sends without waiting a blind
window, and processes of one key on one host never draw a 429 for it), and a margin learnt in one
regime that does not slow another."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._shared import fresh_key
from bench.cli import wall_seconds
from bench.pacing import bulk
from bench.report import HERE, record
from track17_facade.ratelimit import (
    ROUTE_MEMORY,
    HostLedger,
    HostLimiter,
    SlidingWindowLimiter,
    key_fingerprint,
)
from track17_facade.sandbox import SandboxProcess

CHILD = """
import sys
from track17_facade import Track17Client
key, url, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
client = Track17Client(key, base_url=url)
print("ready", flush=True)
sys.stdin.readline()
with client:
    for index in range(first, first + count):
        assert client.register([f"RR{index:09d}CN"]).ok
"""


def _together(base_url: str, key: str, processes: int, requests: int, first: int) -> None:
    """``processes`` new processes of one key, started at the same moment (after their imports),
    each making ``requests`` requests."""
    started = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, key, base_url, str(first + i * requests), str(requests)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=HERE.parent,
        )
        for i in range(processes)
    ]
    for process in started:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in started:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    for process in started:
        process.communicate(timeout=120)
        assert process.returncode == 0, "a process failed"


def figure_first_request(smoke: bool) -> None:
    runs = 1 if smoke else 9  # smoke: each command once (a run with the ledger off waits a second)
    key = fresh_key()
    with SandboxProcess(api_keys=(key,), rate=3) as box:
        cli = [sys.executable, "-m", "track17_facade.cli", "--api-key", key, "--base-url", box.base_url]
        empty = wall_seconds([sys.executable, "-c", "pass"], runs)
        for command in ("register", "status"):  # status asks about the numbers just registered
            # a fresh process for each run, of a key the host has not used for a window
            shared = _median_wall([[*cli, command, f"RA{index:09d}CN"] for index in range(runs)], {})
            blind = _median_wall(
                [[*cli, command, f"RB{index:09d}CN"] for index in range(runs)],
                {"TRACK17_PACING_LEDGER": "off"},
            )
            record(
                f"16. track17 {command} of one number, fresh process",
                shared,
                "s",
                "<= 0.35",
                shared <= 0.35,
                f"median of {runs}, wall clock; with the ledger off (the blind wait) {blind:.2f}s; "
                f"an empty interpreter {empty * 1e3:.0f} ms",
            )
    trials = 1 if smoke else 20
    for processes, requests, label in (
        (2, 3, "two processes back to back"),
        (8, 1, "eight processes at once"),
    ):
        refused = clean = 0
        for _ in range(trials):
            key = fresh_key()
            with SandboxProcess(api_keys=(key,), rate=3) as box:
                if processes == 2:
                    _together(box.base_url, key, 1, requests, 0)
                    _together(box.base_url, key, 1, requests, requests)
                else:
                    _together(box.base_url, key, processes, requests, 0)
                stats = box.stats()
            refused += stats.rate_limited
            clean += stats.rate_limited == 0
        record(
            f"16. {label}, one key, 3/s",
            clean,
            f"of {trials}",
            f"= {trials} with 0 x 429",
            clean == trials,
            f"{refused} x 429 in all; a strict sliding window at the server",
        )
    count = 120 if smoke else 2400
    run = bulk("sync", count, 3, 0.0)
    first_round_trip = run.floor - run.span_floor
    ratio = run.wall / (run.span + first_round_trip)
    record(
        f"16. bulk {count} at 3/s: client wall over server span",
        ratio,
        "x",
        "<= 1.03",
        ratio <= 1.03,
        f"wall {run.wall:.2f}s, server span {run.span:.2f}s plus one round trip; before the ledger, a new "
        "process waited a blind window first",
    )
    _ledger_cost(smoke)


def _median_wall(commands: list[list[str]], extra: dict[str, str]) -> float:
    times = []
    for command in commands:
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env={**os.environ, **extra}, cwd=HERE.parent)
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2]


def _ledger_cost(smoke: bool) -> None:
    """What booking through the ledger adds to a request, against the same limiter without it."""
    count = 2_000 if smoke else 20_000
    with tempfile.TemporaryDirectory() as directory:
        key = fresh_key()
        shared = HostLimiter(32, 1e-9, margin=0.0, ledger=HostLedger(Path(directory), key_fingerprint(key)))
        alone = SlidingWindowLimiter(32, 1e-9, margin=0.0, assume_used=False)
        costs = []
        for limiter in (shared, alone):
            started = time.perf_counter()
            for _ in range(count):
                limiter.reserve()
            costs.append((time.perf_counter() - started) / count)
        assert shared.shares_host, "the ledger stopped serving"
    extra = costs[0] - costs[1]
    record(
        "16. the ledger's cost per request",
        extra * 1e3,
        "ms",
        "<= 0.1",
        extra <= 0.0001,
        f"{count:,} bookings: {costs[0] * 1e6:.1f} us with the ledger, {costs[1] * 1e6:.1f} us without",
    )


def figure_regimes(smoke: bool) -> None:
    """A 3/s job with 0.6 s answers after a 50/s job of the same key in the same process, against
    the same job alone: the server's span over its floor."""
    count = 240 if smoke else 2400
    spans = {}
    for label, fast in (("after a 50/s job", 2000 if not smoke else 400), ("alone", 0)):
        key = fresh_key()
        with (
            SandboxProcess(api_keys=(key,), rate=50) as quick,
            SandboxProcess(api_keys=(key,), rate=3, latency=0.6) as slow,
        ):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench._regimes",
                    key,
                    quick.base_url,
                    str(fast),
                    slow.base_url,
                    str(count),
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=HERE.parent,
            )
            arrivals = sorted(
                r.arrived for r in slow.requests() if r.path.startswith("/track/") and r.status != 429
            )
            refused = slow.stats().rate_limited
        spans[label] = ((arrivals[-1] - arrivals[0]) / ((len(arrivals) - 1) // 3), refused)
    after, alone = spans["after a 50/s job"], spans["alone"]
    record(
        "17. 3/s with 0.6 s answers after a 50/s job, same key and process",
        after[0],
        "x floor",
        "<= 1.02, 0 x 429",
        after[0] <= 1.02 and after[1] == 0,
        f"alone {alone[0]:.3f}x; {after[1]} and {alone[1]} x 429; the margin is learnt per rate, each "
        f"route's round trips forgotten {ROUTE_MEMORY:.0f} s after its last answer",
    )
