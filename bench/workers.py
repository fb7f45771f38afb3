"""Figure 3: four worker processes sharing one key through the Redis limiter."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

from bench._shared import fresh_key, numbers, round_trip
from bench.report import record, refusals, requests_for
from track17_facade.sandbox import SandboxProcess


def figure_workers(count: int) -> None:
    binary = shutil.which("redis-server")
    if binary is None:
        record(
            "3. 4 workers, Redis limiter",
            float("nan"),
            "x floor",
            "<= 1.10, 0 x 429",
            None,
            "redis-server not installed: not measured",
        )
        return
    with tempfile.TemporaryDirectory() as tmp:
        redis = subprocess.Popen(
            [
                binary,
                "--port",
                "0",
                "--unixsocket",
                f"{tmp}/redis.sock",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tmp,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert redis.stdout is not None
            for line in redis.stdout:
                if "eady to accept connections" in line:
                    break
            for jitter in (0.0, 0.04):
                _workers_run(f"unix://{tmp}/redis.sock", count, jitter)
        finally:
            redis.terminate()
            redis.wait(timeout=10)
            if redis.stdout is not None:
                redis.stdout.close()


def _workers_run(redis_url: str, count: int, jitter: float) -> None:
    """One run of figure 3: four worker processes, each registering a quarter of ``count``."""
    from bench._workers import run_workers

    key, probe = fresh_key(), fresh_key()
    with SandboxProcess(api_keys=(key, probe), rate=3, arrival_jitter=jitter) as box:
        first = round_trip(box.base_url, probe)
        batch = numbers(count)
        quarter = count // 4
        shares = [batch[i * quarter : (i + 1) * quarter] for i in range(4)]
        results = run_workers(redis_url, key, box.base_url, shares)
        stats = box.stats()
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    accepted = sum(int(r[2]) for r in results)
    sent = 4 * requests_for(count // 4)
    floor = first + (sent - 1) // 3
    detail = f"{wall:.2f}s vs floor {floor:.2f}s, {refusals(stats)}, {accepted}/{count} registered"
    if not jitter:
        record(
            "3. 4 workers, one key, Redis limiter",
            wall / floor,
            "x floor",
            "<= 1.10, 0 x 429",
            wall / floor <= 1.10 and stats.rate_limited == 0 and accepted == count,
            detail,
        )
        return
    record(
        "3. 4 workers, Redis, 0-40 ms arrival jitter: 429s",
        stats.rate_limited,
        "x 429",
        "<= 10, nothing lost",
        stats.rate_limited <= 10 and accepted == count,
        detail,
    )
