"""Figure 3: worker processes sharing one key through the Redis limiter."""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.synchronize import Barrier


def register_worker(
    redis_url: str,
    key: str,
    base_url: str,
    batch: list[str],
    barrier: Barrier,
    out: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    """One worker: build its client, wait for the others, register its share, report times."""
    from track17_facade import Track17Client
    from track17_facade.ratelimit import RedisRateLimiter

    with (
        RedisRateLimiter.from_url(redis_url) as limiter,
        Track17Client(key, base_url=base_url, rate_limiter=limiter) as client,
    ):
        barrier.wait()
        started = time.time()
        result = client.register(batch)
        out.put((started, time.time(), len(result.accepted), len(result.rejected), len(result.failed)))


def run_workers(redis_url: str, key: str, base_url: str, batches: list[list[str]]) -> list[tuple[float, ...]]:
    """Start one process per batch; return each worker's (start, end, accepted, rejected, failed)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(batches))
    out: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    processes = [
        context.Process(target=register_worker, args=(redis_url, key, base_url, batch, barrier, out))
        for batch in batches
    ]
    for process in processes:
        process.start()
    results = [out.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return results
