"""Figures 8 and 12: the command line's bulk jobs and journal, and how fast a process starts."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from bench._shared import fresh_key, numbers
from bench.report import HERE, record, refusals, requests_for
from track17_facade.sandbox import SandboxProcess


def _cli_job(
    box: SandboxProcess, key: str, path: Path, rate: float, journal: Path | None
) -> tuple[float, float, float]:
    """``track17 register`` of a file in a fresh process: (server span, peak RSS MB, CPU seconds)."""
    before = len(box.requests())
    args = ["--api-key", key, "--base-url", box.base_url, "--rate", str(rate), "register", str(path)]
    if journal is not None:
        args += ["--journal", str(journal)]
    with tempfile.TemporaryDirectory() as tmp:
        rss_file, out = Path(tmp) / "rss", Path(tmp) / "out.csv"
        with out.open("w") as stdout:
            started = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run(
                [sys.executable, "-m", "bench._rss", str(rss_file), *args, "--format", "csv"],
                stdout=stdout,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                cwd=HERE.parent,
            )
            ended = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert done.returncode == 0, done.stderr
        with out.open() as rows:
            accepted = sum(1 for line in rows if ",accepted," in line)
        peak = float(rss_file.read_text())
    arrivals = [r.arrived for r in box.requests()[before:] if r.path.startswith("/track/")]
    assert accepted == len(path.read_text().split()), "numbers lost"
    cpu = (ended.ru_utime + ended.ru_stime) - (started.ru_utime + started.ru_stime)
    return max(arrivals) - min(arrivals), peak, cpu


def figure_cli(smoke: bool) -> None:
    count, large = (400, 5_000) if smoke else (10_000, 1_000_000)
    total = requests_for(count)
    span_floor = float((total - 1) // 3)
    with tempfile.TemporaryDirectory() as tmp:
        spans: dict[str, tuple[float, float, float]] = {}
        for journal in (True, False):
            key = fresh_key()
            path = Path(tmp) / f"numbers-{journal}.txt"
            path.write_text("\n".join(numbers(count, "RJ" if journal else "RN")) + "\n")
            with SandboxProcess(api_keys=(key,), rate=3) as box:
                spans["journal" if journal else "none"] = _cli_job(
                    box, key, path, 3, Path(tmp) / "job.db" if journal else None
                )
                stats = box.stats()
            if journal:
                span = spans["journal"][0]
                record(
                    f"8. CLI register {count} at 3/s with a journal",
                    span / span_floor,
                    "x floor",
                    "<= 1.05, 0 x 429",
                    span / span_floor <= 1.05 and stats.rate_limited == 0,
                    f"server span {span:.2f}s vs {span_floor:.0f}s; {refusals(stats)}",
                )
        with_journal, without = spans["journal"], spans["none"]
        record(
            f"8. CLI journal overhead, {count} numbers",
            with_journal[0] / without[0],
            "x",
            "<= 1.02",
            with_journal[0] / without[0] <= 1.02,
            f"server span {with_journal[0]:.2f}s vs {without[0]:.2f}s without; "
            f"CLI CPU {with_journal[2]:.1f}s vs {without[2]:.1f}s",
        )
        key = fresh_key()
        path = Path(tmp) / "large.txt"
        with path.open("w") as handle:
            for start in range(0, large, 100_000):
                handle.write(
                    "\n".join(f"RM{i:09d}CN" for i in range(start, min(large, start + 100_000))) + "\n"
                )
        with SandboxProcess(api_keys=(key,), rate=100_000) as box:
            started = time.perf_counter()
            _, peak, cpu = _cli_job(box, key, path, 5000, Path(tmp) / "large.db")
            wall = time.perf_counter() - started
        record(
            f"8. CLI register {large:,} with a journal: peak RSS",
            peak,
            "MB",
            "<= 100",
            peak <= 100,
            f"{wall:.0f}s, CLI CPU {cpu:.0f}s, {large / wall:.0f} numbers/s",
        )


def fresh_seconds(code: str, runs: int) -> float:
    """The median of what ``code`` prints (seconds) across ``runs`` new interpreters."""
    return statistics.median(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    )


def wall_seconds(command: list[str], runs: int) -> float:
    """The median wall-clock time of ``command`` across ``runs`` runs."""
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def import_profile(
    statement: str, runs: int, environment: Mapping[str, str] | None = None
) -> tuple[float, dict[str, float]]:
    """``statement`` in new interpreters under ``-X importtime``: the median of its whole import
    time in seconds, and each module's own time (median, seconds). With ``environment`` (which
    writes bytecode), a first, uncounted run writes the bytecode."""
    totals: list[float] = []
    own: dict[str, list[float]] = {}
    command = [sys.executable, "-X", "importtime", "-c", statement]
    if environment is not None:
        subprocess.run(command, capture_output=True, check=True, env=environment)
    for _ in range(runs):
        run = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
        lines = run.stderr.splitlines()
        total = 0.0
        for line in lines:
            if line.count("|") != 2 or "self [us]" in line:
                continue
            self_us, _, name = line.split("|")
            seconds = int(self_us.split(":")[-1]) / 1e6
            total += seconds
            own.setdefault(name.strip(), []).append(seconds)
        totals.append(total)
    return statistics.median(totals), {name: statistics.median(times) for name, times in own.items()}


def figure_startup(smoke: bool) -> None:
    runs = 3 if smoke else 9
    package, _ = import_profile("import track17_facade", runs)
    client, _ = import_profile("from track17_facade import Track17Client", runs)
    record(
        "12. import track17_facade",
        package * 1e3,
        "ms",
        "<= 250",
        package <= 0.250,
        f"median of {runs} new interpreters (-X importtime); names load on first use; "
        f"from track17_facade import Track17Client {client * 1e3:.0f} ms",
    )
    helped = wall_seconds([sys.executable, "-m", "track17_facade.cli", "--help"], runs)
    empty = wall_seconds([sys.executable, "-c", "pass"], runs)
    record(
        "12. track17 --help",
        helped * 1e3,
        "ms",
        "<= 300",
        helped <= 0.300,
        f"median of {runs} runs, wall clock; an empty interpreter takes {empty * 1e3:.0f} ms",
    )
