"""How the asyncio client runs a call's requests side by side: as tasks, at most ``limit`` at
once. ``_sync_tasks`` is its twin for threads, with the same names, so that the sync client can
be generated from the async one word for word (see ``generator/unasync.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import TypeVar

from track17_facade._sync_tasks import Ready  # one class for both (a sync process never imports asyncio)

__all__ = ["Ready", "Workers"]

T = TypeVar("T")
K = TypeVar("K")


class Workers:
    """Runs a call's jobs concurrently, at most ``limit`` at once, and hands back their results
    as they complete. Jobs not yet finished when the caller stops reading are cancelled."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    async def as_completed(
        self, jobs: Iterable[tuple[Callable[[], Awaitable[T]], K]]
    ) -> AsyncGenerator[tuple[T, K]]:
        """Each job's result with its tag, in the order they complete. A single job runs at once,
        without a task."""
        queued = list(jobs)
        if len(queued) == 1:
            job, tag = queued[0]
            yield await job(), tag
            return
        gate = asyncio.Semaphore(self.limit)

        async def run(job: Callable[[], Awaitable[T]], tag: K) -> tuple[T, K]:
            async with gate:
                return await job(), tag

        tasks = [asyncio.ensure_future(run(job, tag)) for job, tag in queued]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            await _cancelled(tasks)

    async def stream(self, jobs: Iterable[Ready[T] | Callable[[], Awaitable[T]]]) -> AsyncGenerator[T]:
        """Each job's result as it completes, reading ``jobs`` only while fewer than ``limit``
        run (a ``Ready`` value is handed back at once)."""
        running: set[asyncio.Task[T]] = set()

        async def finished(block: bool) -> list[T]:
            if not running:
                return []
            done, _ = await asyncio.wait(
                running, timeout=None if block else 0, return_when=asyncio.FIRST_COMPLETED
            )
            running.difference_update(done)
            return [task.result() for task in done]

        try:
            for job in jobs:
                if isinstance(job, Ready):
                    yield job.value
                    continue
                running.add(asyncio.ensure_future(job()))
                for result in await finished(block=False):
                    yield result
                while len(running) >= self.limit:
                    for result in await finished(block=True):
                        yield result
            while running:
                for result in await finished(block=True):
                    yield result
        finally:
            await _cancelled(running)

    async def close(self, *, abandon: bool = False) -> None:
        """Nothing to release: tasks live on the caller's event loop (and are cancelled when the
        call that made them ends, interrupted or not)."""


async def _cancelled(tasks: Iterable[asyncio.Task[object]]) -> None:
    pending = list(tasks)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
