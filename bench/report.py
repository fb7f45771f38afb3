"""What every figure shares: the table's rows, the host's noise beside each, and small helpers."""

from __future__ import annotations

import os
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from track17_facade.sandbox import SandboxStats

HERE = Path(__file__).resolve().parent
ROWS: list[dict[str, Any]] = []
HOST: dict[str, float] = {}
"""The host's noise measured just before the figure being run (see ``host_noise``)."""
NOISE_SAMPLES = {False: 200, True: 20}
"""``host_noise``'s sleeps, full and smoke: the smoke run's figures are not judged, so its noise
needs no 99th percentile of its own (20 sleeps: 0.2 s, not 2 s, before each figure)."""


def host_noise(samples: int = 200) -> dict[str, float]:
    """How late this host wakes a sleeping thread now: the overshoot of ``time.sleep(0.01)`` over
    ``samples`` sleeps, in milliseconds. A pacing client can be no more exact than this, so each
    timing figure carries it: a slow host is then told apart from a slow client."""
    overshoots = []
    for _ in range(samples):
        started = time.perf_counter()
        time.sleep(0.01)
        overshoots.append((time.perf_counter() - started - 0.01) * 1000)
    overshoots.sort()
    return {
        "sleep_overshoot_p50_ms": round(overshoots[len(overshoots) // 2], 2),
        "sleep_overshoot_p99_ms": round(overshoots[int(len(overshoots) * 0.99)], 2),
        "sleep_overshoot_max_ms": round(overshoots[-1], 2),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def record(figure: str, value: float, unit: str, target: str, met: bool | None, note: str = "") -> None:
    """Keep one row of the table, with the host's noise, and print it at once."""
    ROWS.append(
        {
            "figure": figure,
            "value": round(value, 3),
            "unit": unit,
            "target": target,
            "met": met,
            "note": note,
            "host": dict(HOST),
        }
    )
    mark = {True: "yes", False: "NO", None: "-"}[met]
    print(f"  {figure:<46} {value:>10.3f} {unit:<10} target {target:<14} met: {mark:<3} {note}", flush=True)


def requests_for(count: int) -> int:
    return -(-count // 40)


def refusals(stats: SandboxStats) -> str:
    """The 429s, and how many the sandbox can vouch the client caused (the others fell in windows
    stamped during one of the sandbox's own pauses on a busy host)."""
    return f"{stats.rate_limited} x 429 ({stats.rate_limited_certain} certain, {stats.pauses} sandbox pauses)"


def best(function: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=7)) / number
