"""Track17Client: the synchronous client."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from functools import partial
from types import TracebackType
from typing import Any, Self

import httpx

from track17_facade import _operations as ops
from track17_facade._base import BaseClient, ProgressCallback
from track17_facade._batching import Outcome, Prepared, merge
from track17_facade._transport import PacedTransport, drive_sync
from track17_facade.carriers import Carrier
from track17_facade.errors import Track17Error
from track17_facade.models import Accepted, BatchResult, TrackInfo
from track17_facade.ratelimit import RateLimiter
from track17_facade.status import MainStatus


class Track17Client(BaseClient):
    """A synchronous client for the 17TRACK API.

    Bulk methods take any number of items, send them 40 per request through a small thread pool
    while the rate limiter spaces the starts, retry what can be retried, and return a
    ``BatchResult`` in input order. Use it as a context manager, or call ``close()``::

        with Track17Client(api_key) as client:
            result = client.register(["RR123456789CN", ("1Z999AA10123456784", Carrier.UPS)])

    Args:
        api_key: the 17TRACK access key, sent in the ``17token`` header (never logged or shown).
        base_url: the API root; a sandbox's ``base_url`` for tests.
        timeout: seconds (or an ``httpx.Timeout``) for each request.
        max_retries: retries after the first attempt, per request (overridable per call).
        requests_per_second: the rate for the process-wide limiter of this key.
        rate_limiter: any ``RateLimiter`` (e.g. ``RedisRateLimiter``) instead of the in-process one.
        max_concurrency: requests in flight at once (default: enough to keep the limiter's pace).
    """

    def __init__(self, api_key: str, **options: Any) -> None:
        super().__init__(api_key, **options)
        self._generated.get_httpx_client()  # built now, not by the first worker threads at once
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @staticmethod
    def _transport(limiter: RateLimiter, limits: httpx.Limits, gate: int) -> PacedTransport:
        return PacedTransport(limiter, limits, gate)

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool and the worker threads."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._generated.get_httpx_client().close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.max_concurrency, thread_name_prefix="track17")
            return self._pool

    # -- the bulk machinery -----------------------------------------------------------------

    def _run_chunk(
        self, operation: ops.Operation, chunk: Sequence[Prepared], max_retries: int
    ) -> dict[str, Outcome]:
        body = operation.body(chunk)
        loop = self._chunk_attempts(operation, chunk, max_retries)
        try:
            outcomes, ambiguous = drive_sync(
                loop, partial(operation.sync_call, client=self._generated, body=body)
            )
        except Track17Error as exc:
            return self._chunk_failed(chunk, exc)
        return self._chunk_done(operation, chunk, outcomes, ambiguous)

    def _bulk(
        self,
        operation: ops.Operation,
        items: Iterable[object],
        max_retries: int | None,
        on_progress: ProgressCallback | None,
    ) -> BatchResult[Any]:
        retries = self._retries(max_retries)
        prepared, chunks = self._plan(operation, items)
        outcomes: dict[str, Outcome] = {}
        total, done = len(prepared.items), 0
        if len(chunks) == 1:
            outcomes.update(self._run_chunk(operation, chunks[0], retries))
            done = total
            if on_progress:
                on_progress(done, total)
        elif chunks:
            pool = self._executor()
            futures: dict[Future[dict[str, Outcome]], int] = {
                pool.submit(self._run_chunk, operation, chunk, retries): len(chunk) for chunk in chunks
            }
            try:
                for future in as_completed(futures):
                    outcomes.update(future.result())
                    done += futures[future]
                    if on_progress:
                        on_progress(done, total)
            finally:
                for future in futures:
                    future.cancel()
        return merge(prepared, outcomes)

    # -- the API ----------------------------------------------------------------------------

    def register(
        self,
        items: Iterable[str | tuple[str, Carrier | int | None]],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Register numbers for tracking (each accepted one uses quota).

        Items are numbers, or ``(number, carrier)`` pairs; without a carrier 17TRACK detects it.
        A number registered by an earlier attempt of this same call comes back accepted with
        ``recovered=True``, never as a rejection.
        """
        return self._bulk(ops.REGISTER, items, max_retries, on_progress)

    def get_track_info(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[TrackInfo]:
        """Current status and event history of registered numbers."""
        return self._bulk(ops.GET_TRACK_INFO, numbers, max_retries, on_progress)

    def stop_track(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Stop tracking numbers (no more updates or quota use until retracked)."""
        return self._bulk(ops.STOP_TRACK, numbers, max_retries, on_progress)

    def retrack(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Resume tracking of stopped numbers (17TRACK allows this once per number)."""
        return self._bulk(ops.RETRACK, numbers, max_retries, on_progress)

    def delete_track(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Remove numbers from the account for good."""
        return self._bulk(ops.DELETE_TRACK, numbers, max_retries, on_progress)

    def push(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Ask 17TRACK to push the current tracking of numbers to the webhook again."""
        return self._bulk(ops.PUSH, numbers, max_retries, on_progress)

    def change_carrier(
        self,
        items: Iterable[tuple[str, Carrier | int]],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Assign other carriers: ``[(number, carrier), ...]`` (at most 5 changes per number)."""
        return self._bulk(ops.CHANGE_CARRIER, items, max_retries, on_progress)

    def change_info(
        self,
        items: Iterable[tuple[str, str | None]],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Set the tag (e.g. an order reference) of numbers: ``[(number, tag), ...]``."""
        return self._bulk(ops.CHANGE_INFO, items, max_retries, on_progress)

    def iter_track_list(
        self,
        status: MainStatus | int | None = None,
        *,
        page_size: int = 40,
        max_retries: int | None = None,
    ) -> Iterator[str]:
        """Every registered number, optionally only those with one main status, page by page.

        Arguments are checked at once; pages are fetched as the iterator is consumed.
        """
        retries = self._retries(max_retries)
        self._list_request(status, 1, page_size)
        return self._pages(status, page_size, retries)

    def _pages(self, status: MainStatus | int | None, page_size: int, retries: int) -> Iterator[str]:
        page = 1
        while True:
            body = self._list_request(status, page, page_size)
            numbers, _ = drive_sync(
                self._list_attempts(retries),
                partial(ops.TRACK_LIST_SYNC, client=self._generated, body=body),
            )
            yield from numbers
            if len(numbers) < page_size:
                return
            page += 1
