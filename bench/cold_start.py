"""Figure 19: a fresh process's first request, against a bare httpx client's in the same run.

Each side is a new interpreter that imports its library, builds its client and sends one register
of one number to a local sandbox (3/s, a strict sliding window), then exits: what a CLI command, a
cron job or a serverless cold start pays. The two sides alternate, each run with a key of its own
(so no pacing ledger holds it back), and the figure is the ratio of their medians. Bytecode is
cached as an installed package's is (a first, uncounted run of each side writes it; the
interpreters may write it whatever ``PYTHONDONTWRITEBYTECODE`` says): compiling the sources
again in every run would measure the compiler, not the start.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

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


def _seconds(code: str, key: str, base_url: str, number: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, key, base_url, number], check=True, capture_output=True, cwd=HERE.parent
    )
    return time.perf_counter() - started


def cold_start(runs: int) -> tuple[float, float]:
    """The median seconds of a fresh track17 process and of a fresh bare httpx one, alternated."""
    keys = [fresh_key() for _ in range(2 * runs + 2)]
    with SandboxProcess(api_keys=tuple(keys), rate=3) as box:
        _seconds(TRACK17, keys[-2], box.base_url, "RC999999999CN")  # writes the bytecode
        _seconds(BARE, keys[-1], box.base_url, "RD999999999CN")
        ours, bare = [], []
        for run in range(runs):
            ours.append(_seconds(TRACK17, keys[2 * run], box.base_url, f"RC{run:09d}CN"))
            bare.append(_seconds(BARE, keys[2 * run + 1], box.base_url, f"RD{run:09d}CN"))
    return statistics.median(ours), statistics.median(bare)


def heaviest_imports(statement: str, runs: int, shown: int = 5) -> str:
    """The modules whose own import time is largest, for the note."""
    total, own = import_profile(statement, runs)
    top = sorted(own.items(), key=lambda item: -item[1])[:shown]
    return f"{total * 1e3:.0f} ms in all; " + ", ".join(
        f"{name} {seconds * 1e3:.0f}" for name, seconds in top
    )


def figure_cold_start(smoke: bool) -> None:
    runs = 3 if smoke else 9
    ours, bare = cold_start(runs)
    ratio = ours / bare
    record(
        "19. fresh process's one-number register over bare httpx",
        ratio,
        "x",
        f"<= {TARGET}",
        ratio <= TARGET,
        f"median of {runs} new interpreters each, alternated: track17 {ours * 1e3:.0f} ms, "
        f"httpx {bare * 1e3:.0f} ms; import profile (own ms): "
        + heaviest_imports("from track17_facade import Track17Client", runs),
    )


if __name__ == "__main__":
    ours, bare = cold_start(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print(f"track17 {ours * 1e3:.0f} ms, bare httpx {bare * 1e3:.0f} ms: {ours / bare:.2f} x")
