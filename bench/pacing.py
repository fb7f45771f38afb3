"""Figures 1, 2, 9 and 10: pacing against a strict server (bulk jobs at 3/s and 50/s, fresh
processes, the margin policy on modelled links), and bench/pacing.png."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._shared import fresh_key, numbers, round_trip
from bench.report import HERE, HOST, NOISE_SAMPLES, host_noise, record, refusals, requests_for
from track17_facade import AsyncTrack17Client, Track17Client
from track17_facade.sandbox import SandboxProcess, SandboxStats


@dataclass
class Bulk:
    """One bulk run: the client's wall clock and its floor, and what the server saw."""

    wall: float
    floor: float
    span: float
    """The server's first-to-last arrival span of the run's requests."""
    span_floor: float
    """The least span a strict sliding window allows: (requests - 1) // rate windows."""
    stats: SandboxStats
    arrivals: list[float]
    """The server's arrival stamps of the run's requests (seconds, monotonic)."""
    margin: float
    """The rate limiter's margin at the end of the run, in seconds (it learns from 429s)."""


def bulk(
    kind: str, count: int, rate: int, latency: float, api_version: str = "v1", jitter: float = 0.0
) -> Bulk:
    """register + get_track_info of ``count`` numbers on one API version (``jitter``: the
    sandbox stamps each arrival after a random delay of up to this many seconds)."""
    key, probe = fresh_key(), fresh_key()
    with SandboxProcess(api_keys=(key, probe), rate=rate, latency=latency, arrival_jitter=jitter) as box:
        base_url = box.base_url_for(api_version)
        first = round_trip(box.base_url, probe)
        before = len(box.requests())
        batch = numbers(count)
        options: dict[str, Any] = {
            "api_version": api_version,
            "base_url": base_url,
            "requests_per_second": rate,
        }
        started = time.perf_counter()
        if kind == "sync":
            with Track17Client(key, **options) as client:
                registered = client.register(batch)
                tracked = client.get_track_info(batch)
                margin = client.rate_limit_margin
        else:

            async def run() -> Any:
                async with AsyncTrack17Client(key, **options) as client:
                    results = await client.register(batch), await client.get_track_info(batch)
                    return *results, client.rate_limit_margin

            registered, tracked, margin = asyncio.run(run())
        wall = time.perf_counter() - started
        stats = box.stats()
        arrivals = [r.arrived for r in box.requests()[before:] if r.path.startswith("/track/")]
    assert len(registered.accepted) == count and len(tracked.accepted) == count, "numbers lost"
    total = 2 * requests_for(count)
    assert stats.requests - stats.rate_limited - 2 == total  # the probe's two requests aside
    floor = first + (total - 1) // rate
    return Bulk(
        wall,
        floor,
        max(arrivals) - min(arrivals),
        float((total - 1) // rate),
        stats,
        sorted(arrivals),
        margin or 0.0,
    )


def figure_bulk(count: int) -> None:
    for version in ("v1", "v2.4"):
        for latency, target in ((0.0, 1.03), (0.6, 1.05)):
            for kind in ("sync", "async"):
                run = bulk(kind, count, 3, latency, version)
                # Judged by the span the server saw; figure 16 sets the client's wall clock beside it.
                ratio = run.span / run.span_floor
                record(
                    f"1. bulk {count} at 3/s, {latency}s answers, {kind}, {version}",
                    ratio,
                    "x floor",
                    f"<= {target}, 0 x 429",
                    ratio <= target and run.stats.rate_limited == 0,
                    f"server span {run.span:.2f}s vs {run.span_floor:.0f}s; wall {run.wall:.2f}s vs floor "
                    f"{run.floor:.2f}s ({run.wall / run.floor:.3f}x); {refusals(run.stats)}",
                )


def figure_precision(count: int) -> None:
    for kind in ("sync", "async"):
        run = bulk(kind, count, 50, 0.0)
        # Judged by what the server saw: at 50/s the floor is 2 s, and the client's wall clock
        # adds its own start-up and the last answer's round trip to so short a job.
        ratio = run.span / run.span_floor if run.span_floor else 0.0  # smoke: under one window
        record(
            f"2. bulk {count} at 50/s, {kind}: server span",
            ratio,
            "x floor",
            "<= 1.05, 0 x 429",
            ratio <= 1.05 and run.stats.rate_limited == 0,
            f"server span {run.span:.2f}s vs {run.span_floor:.0f}s; wall {run.wall:.2f}s vs floor "
            f"{run.floor:.2f}s; {refusals(run.stats)}, max {run.stats.max_requests_in_window}/s",
        )


@dataclass
class FreshJob:
    """One job of a fresh process (figure 9), as the server saw it."""

    span: float
    span_floor: float
    refused: int
    """429s the server answered to this job."""
    certain: int
    """Of those, the ones whose whole window the sandbox can vouch for."""
    arrivals: list[float]
    margin: float
    pauses: int
    """The sandbox's own pauses during the whole run."""

    @property
    def ratio(self) -> float:
        return self.span / self.span_floor


def fresh_process(count: int, latency: float, jitter: float, jobs: int) -> list[FreshJob]:
    """``jobs`` jobs in one new process (``bench._fresh``) against a strict sandbox at 3/s."""
    key = fresh_key()
    with SandboxProcess(api_keys=(key,), rate=3, latency=latency, arrival_jitter=jitter) as box:
        output = subprocess.run(
            [sys.executable, "-m", "bench._fresh", box.base_url, box.admin_url, key, str(count), str(jobs)],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE.parent,
        ).stdout
        log, stats = box.requests(), box.stats()
    found = []
    for job in json.loads(output.strip().splitlines()[-1]):
        mine = [r for r in log[job["first"] : job["last"]] if r.path.startswith("/track/")]
        answered = sorted(r.arrived for r in mine if r.status != 429)
        arrivals = sorted(r.arrived for r in mine)
        found.append(
            FreshJob(
                span=answered[-1] - answered[0],
                span_floor=float((len(answered) - 1) // 3),
                refused=sum(r.status == 429 for r in mine),
                certain=stats.rate_limited_certain,
                arrivals=arrivals,
                margin=job["margin"] or 0.0,
                pauses=stats.pauses,
            )
        )
    return found


def figure_pace(count: int, smoke: bool) -> None:
    """Fresh processes at 3/s against a strict server, each case run ``runs`` times, the worst
    given: loopback (and a second job in the same process), 0.6 s answers, 0-40 ms of jitter;
    and bench/pacing.png."""
    runs = 1 if smoke else 10
    drawn: dict[str, FreshJob] = {}

    def worst(label: str, latency: float, jitter: float, jobs: int) -> list[list[FreshJob]]:
        HOST.update(host_noise(NOISE_SAMPLES[smoke]))
        found = [fresh_process(count, latency, jitter, jobs) for _ in range(runs)]
        drawn[label] = found[0][0]
        return found

    def detail(jobs: list[FreshJob]) -> str:
        refused = sum(job.refused for job in jobs)
        return (
            f"worst of {len(jobs)}: span {max(job.ratio for job in jobs):.4f}x, "
            f"{max(job.refused for job in jobs)} x 429 in one run ({refused} in all, "
            f"{max(job.certain for job in jobs)} certain), margin at the end "
            f"{min(job.margin for job in jobs) * 1000:.1f}-{max(job.margin for job in jobs) * 1000:.1f} ms, "
            f"sandbox pauses up to {max(job.pauses for job in jobs)}"
        )

    loopback = worst("loopback", 0.0, 0.0, 2)
    firsts, seconds = [run[0] for run in loopback], [run[1] for run in loopback]
    clean = sum(job.refused == 0 for job in firsts)
    span = max(job.ratio for job in firsts)
    record(
        f"9. fresh process, {count} at 3/s, loopback",
        span,
        "x floor",
        f"<= 1.01, 0 x 429 in {runs} of {runs}",
        span <= 1.01 and clean == runs,
        f"0 x 429 in {clean} of {runs}; {detail(firsts)}",
    )
    span = max(job.ratio for job in seconds)
    record(
        "9. second job, same process (margin kept)",
        span,
        "x floor",
        "<= 1.005, 0 x 429",
        span <= 1.005 and all(job.refused == 0 for job in seconds),
        detail(seconds),
    )
    slow = [run[0] for run in worst("0.6 s answers", 0.6, 0.0, 1)]
    most = max(job.refused for job in slow)
    record(
        f"9. fresh process, {count} at 3/s, 0.6 s answers",
        most,
        "x 429",
        "0",
        most == 0,
        detail(slow),
    )
    jittered = [run[0] for run in worst("0-40 ms arrival jitter", 0.0, 0.04, 1)]
    most, span = max(job.refused for job in jittered), max(job.ratio for job in jittered)
    record(
        f"9. fresh process, {count} at 3/s, 0-40 ms jitter",
        span,
        "x floor",
        "<= 1.08, <= 5 x 429",
        span <= 1.08 and most <= 5,
        detail(jittered),
    )
    target = HERE / ("pacing-smoke.png" if smoke else "pacing.png")
    draw_pacing({label: drawn[label] for label in ("loopback", "0-40 ms arrival jitter")}, 3, target)
    print(f"  drew {target.relative_to(HERE.parent)}")


def figure_model(smoke: bool) -> None:
    """The margin policy on modelled links (bench/_model.py), against the fixed 25 ms it replaced."""
    from bench._model import LINKS, average

    seeds = 5 if smoke else 20
    for requests in (120,) if smoke else (120, 2500):
        for link, delay in LINKS.items():
            refused, span = average(requests, delay, None, seeds)
            fixed_refused, fixed_span = average(requests, delay, 0.025, seeds)
            target, met = "report", None
            if requests == 120 and link.startswith("loopback"):
                target, met = "<= 1.01, 0 x 429", span <= 1.01 and refused == 0
            elif requests == 120 and "jitter" in link:
                target, met = "<= 1.08, <= 5 x 429", span <= 1.08 and refused <= 5
            record(
                f"10. model, {requests} requests, {link}",
                span,
                "x floor",
                target,
                met,
                f"{refused:.1f} x 429 (mean of {seeds}); a fixed 25 ms margin: {fixed_span:.3f}x, "
                f"{fixed_refused:.1f} x 429",
            )


def in_window(arrivals: list[float], window: float = 1.0) -> list[int]:
    """For each arrival, how many arrivals fall in the sliding window that ends with it."""
    counts, start = [], 0
    for end, stamp in enumerate(arrivals):
        while arrivals[start] <= stamp - window:
            start += 1
        counts.append(end - start + 1)
    return counts


def draw_pacing(runs: dict[str, FreshJob], limit: int, target: Path) -> None:
    """Requests per sliding second at each arrival, per run, against the limit."""
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(len(runs), 1, figsize=(10, 2.6 * len(runs)), sharex=True, squeeze=False)
    for axis, (label, run) in zip(axes[:, 0], runs.items(), strict=True):
        first = run.arrivals[0]
        times = [stamp - first for stamp in run.arrivals]
        counts = in_window(run.arrivals)
        axis.step(
            times, counts, where="post", linewidth=1, label="requests in the second before each arrival"
        )
        axis.axhline(limit, color="tab:red", linestyle="--", linewidth=1, label=f"limit ({limit} per second)")
        axis.set_ylim(0, max(limit + 2, max(counts) + 1))
        axis.set_ylabel("requests")
        ratio = run.span / run.span_floor
        axis.set_title(
            f"{label}: {len(run.arrivals)} requests, span {ratio:.3f}x the floor, "
            f"{run.refused} x 429, margin {run.margin * 1000:.1f} ms at the end",
            fontsize=10,
        )
        axis.legend(loc="lower right", fontsize=8)
    axes[-1, 0].set_xlabel("seconds since the first request (server's arrival stamps)")
    figure.tight_layout()
    figure.savefig(target, dpi=100)
    plt.close(figure)
