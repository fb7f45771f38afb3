"""Figure 19: a fresh process's first request, against a bare httpx client's in the same run.

Each side is a new interpreter that imports its library, builds its client and sends one register
of one number to a local sandbox (3/s, a strict sliding window), then exits: what a CLI command, a
cron job or a serverless cold start pays. The two sides alternate, each run with a key of its own
(so no pacing ledger holds it back), and the figure is the ratio of their medians. Bytecode is
cached as an installed package's is: the interpreters write it to a directory of the run's own
(``PYTHONPYCACHEPREFIX``), whatever ``PYTHONDONTWRITEBYTECODE`` says, and a first, uncounted run
of each side fills it. Compiling the sources again in every run would measure the compiler, not
the start.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from typing import NamedTuple

from bench._shared import fresh_key
from bench.cli import import_profile
from bench.report import HERE, record
from track17_facade.sandbox import SandboxProcess

TRACK17 = """
import sys
from track17_facade import Track17Client
with Track17Client(sys.argv[1], base_url=sys.argv[2]) as client:
    assert client.register([sys.argv[3]]).ok
"""
BARE = """
import sys
import httpx
with httpx.Client() as client:
    body, headers = [{"number": sys.argv[3]}], {"17token": sys.argv[1]}
    answer = client.post(sys.argv[2] + "/register", json=body, headers=headers)
    assert answer.status_code == 200 and answer.json()["code"] == 0
"""
TARGET = 1.25


def cached_bytecode(prefix: str) -> dict[str, str]:
    """This process's environment, with bytecode written to (and read from) ``prefix``."""
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**environment, "PYTHONPYCACHEPREFIX": prefix}


class Run(NamedTuple):
    """One new interpreter: its wall-clock seconds, and the CPU seconds it used (user and system),
    which a busy host's other work disturbs less."""

    wall: float
    cpu: float


def _run(code: str, key: str, base_url: str, number: str, environment: Mapping[str, str]) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, key, base_url, number],
        check=True,
        capture_output=True,
        cwd=HERE.parent,
        env=environment,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Run(wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def alternated(runs: int) -> tuple[list[Run], list[Run]]:
    """``runs`` fresh track17 processes and as many bare httpx ones, alternated."""
    keys = [fresh_key() for _ in range(2 * runs + 2)]
    with tempfile.TemporaryDirectory() as prefix, SandboxProcess(api_keys=tuple(keys), rate=3) as box:
        environment = cached_bytecode(prefix)
        _run(TRACK17, keys[-2], box.base_url, "RC999999999CN", environment)  # writes the bytecode
        _run(BARE, keys[-1], box.base_url, "RD999999999CN", environment)
        ours, bare = [], []
        for run in range(runs):
            ours.append(_run(TRACK17, keys[2 * run], box.base_url, f"RC{run:09d}CN", environment))
            bare.append(_run(BARE, keys[2 * run + 1], box.base_url, f"RD{run:09d}CN", environment))
    return ours, bare


def cold_start(runs: int) -> tuple[float, float]:
    """The median wall-clock seconds of a fresh track17 process and of a fresh bare httpx one."""
    ours, bare = alternated(runs)
    return statistics.median(run.wall for run in ours), statistics.median(run.wall for run in bare)


def summary(ours: list[Run], bare: list[Run]) -> tuple[float, str]:
    """The figure (the ratio of the wall-clock medians) and what the note says of the runs."""
    track17, httpx = statistics.median(run.wall for run in ours), statistics.median(run.wall for run in bare)
    walls = [run.wall for run in bare]
    cpu = statistics.median(run.cpu for run in ours) / statistics.median(run.cpu for run in bare)
    return track17 / httpx, (
        f"track17 {track17 * 1e3:.0f} ms, httpx {httpx * 1e3:.0f} ms "
        f"(its runs {min(walls) * 1e3:.0f}-{max(walls) * 1e3:.0f} ms); CPU time {cpu:.2f}x"
    )


def beyond_httpx(runs: int) -> dict[str, float]:
    """Each module the track17 side imports and the bare side does not: its own import time
    (median seconds, bytecode cached), the whole script run under ``-X importtime``."""
    key = fresh_key()  # the same key in every run (a sandbox that refuses nothing: bare httpx does
    # not pace, and the pacing ledger's wait on the track17 side is no import)
    with tempfile.TemporaryDirectory() as prefix, SandboxProcess(api_keys=(key,), rate=1000) as box:
        environment = cached_bytecode(prefix)
        _, ours = import_profile(_with_argv(TRACK17, key, box.base_url), runs, environment)
        _, bare = import_profile(_with_argv(BARE, key, box.base_url), runs, environment)
    return {name: seconds for name, seconds in ours.items() if name not in bare}


def _with_argv(code: str, key: str, base_url: str) -> str:
    """``code`` given its arguments in the statement itself, a new number each run."""
    number = 'f"RP{time.time_ns() % 10**9:09d}CN"'
    return f"import sys, time; sys.argv[1:] = [{key!r}, {base_url!r}, {number}]\n" + code


def heaviest(own: dict[str, float], shown: int = 6) -> str:
    """The modules whose own import time is largest, for the note."""
    top = sorted(own.items(), key=lambda item: -item[1])[:shown]
    return f"{len(own)} modules, {sum(own.values()) * 1e3:.0f} ms in all; " + ", ".join(
        f"{name} {seconds * 1e3:.1f}" for name, seconds in top
    )


def figure_cold_start(smoke: bool) -> None:
    runs = 3 if smoke else 21  # nine were too few on a busy host: their ratio spread 1.1-1.6
    ratio, runs_note = summary(*alternated(runs))
    record(
        "19. fresh process's one-number register over bare httpx",
        ratio,
        "x",
        f"<= {TARGET}",
        ratio <= TARGET,
        f"median of {runs} new interpreters each, alternated: {runs_note}; "
        "imports beyond bare httpx's (own ms, -X importtime): " + heaviest(beyond_httpx(min(runs, 9))),
    )


if __name__ == "__main__":
    ratio, runs_note = summary(*alternated(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
    print(f"{ratio:.2f}x: {runs_note}")
    print("imports beyond bare httpx's (own ms):", heaviest(beyond_httpx(5), shown=12))
