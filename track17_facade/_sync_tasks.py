"""How the synchronous client runs a call's requests side by side: on a pool of threads, at most
``limit`` at once. The twin of ``_async_tasks``, with the same names (see that module).
``concurrent.futures`` is imported with the first pool: a call of one request runs on the caller's
thread and a process that makes only such calls never loads it."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["Ready", "Workers"]

T = TypeVar("T")
K = TypeVar("K")


class Ready(Generic[T]):
    """A result known without running anything (rows refused before sending), handed to
    ``Workers.stream`` among its jobs so that it comes back in its place."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


class Workers:
    """Runs a call's jobs on a thread pool, at most ``limit`` at once, and hands back their results
    as they complete. The pool is made on first use and kept for the client's life; jobs not yet
    started when the caller stops reading are cancelled."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (the first pool)

                self._pool = ThreadPoolExecutor(self.limit, thread_name_prefix="track17")
            return self._pool

    def as_completed(self, jobs: Iterable[tuple[Callable[[], T], K]]) -> Generator[tuple[T, K]]:
        """Each job's result with its tag, in the order they complete. A single job runs at once,
        on the caller's thread."""
        queued = list(jobs)
        if len(queued) == 1:
            job, tag = queued[0]
            yield job(), tag
            return
        from concurrent.futures import as_completed  # noqa: PLC0415 (loaded by the pool)

        pool = self._executor()
        futures = {pool.submit(contextvars.copy_context().run, job): tag for job, tag in queued}
        try:
            for future in as_completed(futures):
                yield future.result(), futures[future]
        finally:
            for future in futures:
                future.cancel()

    def stream(self, jobs: Iterable[Ready[T] | Callable[[], T]]) -> Generator[T]:
        """Each job's result as it completes, reading ``jobs`` only while fewer than ``limit``
        run (a ``Ready`` value is handed back at once)."""
        from concurrent.futures import FIRST_COMPLETED, wait  # noqa: PLC0415 (loaded by the pool)

        pool = self._executor()
        running: set[Future[T]] = set()

        def finished(block: bool) -> list[T]:
            if not running:
                return []
            done, _ = wait(running, timeout=None if block else 0, return_when=FIRST_COMPLETED)
            running.difference_update(done)
            return [future.result() for future in done]

        try:
            for job in jobs:
                if isinstance(job, Ready):
                    yield job.value
                    continue
                running.add(pool.submit(contextvars.copy_context().run, job))
                yield from finished(block=False)
                while len(running) >= self.limit:
                    yield from finished(block=True)
            while running:
                yield from finished(block=True)
        finally:
            for future in running:
                future.cancel()

    def close(self, *, abandon: bool = False) -> None:
        """Stop the pool's threads: waiting for the requests they are sending, or, ``abandon``,
        not (an interrupt must not wait for a request's timeout and retries)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=not abandon, cancel_futures=True)
