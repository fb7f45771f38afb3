"""AsyncTrack17Client: the asyncio client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from functools import partial
from types import TracebackType
from typing import Any, Self

import httpx

from track17_facade import _operations as ops
from track17_facade._base import BaseClient, ProgressCallback
from track17_facade._batching import Outcome, Prepared, merge
from track17_facade._transport import AsyncPacedTransport, drive_async
from track17_facade.carriers import Carrier
from track17_facade.errors import Track17Error
from track17_facade.models import Accepted, BatchResult, TrackInfo
from track17_facade.ratelimit import RateLimiter
from track17_facade.status import MainStatus


class AsyncTrack17Client(BaseClient):
    """The asyncio twin of ``Track17Client``: the same methods, as coroutines.

    Chunks of a bulk call run as concurrent tasks (at most ``max_concurrency`` in flight) while
    the rate limiter spaces their starts::

        async with AsyncTrack17Client(api_key) as client:
            result = await client.register(numbers)
            async for number in client.iter_track_list(status=MainStatus.DELIVERED):
                ...

    Takes the same arguments as ``Track17Client``.
    """

    def __init__(self, api_key: str, **options: Any) -> None:
        super().__init__(api_key, **options)
        self._generated.get_async_httpx_client()

    @staticmethod
    def _transport(limiter: RateLimiter, limits: httpx.Limits, gate: int) -> AsyncPacedTransport:
        return AsyncPacedTransport(limiter, limits, gate)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._generated.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _run_chunk(
        self,
        operation: ops.Operation,
        chunk: Sequence[Prepared],
        max_retries: int,
        gate: asyncio.Semaphore,
    ) -> tuple[dict[str, Outcome], int]:
        async with gate:
            # Built only once a slot is free, so that a huge call holds few request bodies at once.
            body = operation.body(chunk)
            loop = self._chunk_attempts(operation, chunk, max_retries)
            try:
                outcomes, ambiguous = await drive_async(
                    loop, partial(operation.async_call, client=self._generated, body=body)
                )
            except Track17Error as exc:
                return self._chunk_failed(chunk, exc), len(chunk)
        return self._chunk_done(operation, chunk, outcomes, ambiguous), len(chunk)

    async def _bulk(
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
        gate = asyncio.Semaphore(self.max_concurrency)
        tasks = [asyncio.ensure_future(self._run_chunk(operation, chunk, retries, gate)) for chunk in chunks]
        try:
            for next_done in asyncio.as_completed(tasks):
                chunk_outcomes, size = await next_done
                outcomes.update(chunk_outcomes)
                done += size
                if on_progress:
                    on_progress(done, total)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return merge(prepared, outcomes)

    async def register(
        self,
        items: Iterable[str | tuple[str, Carrier | int | None]],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Register numbers for tracking; see ``Track17Client.register``."""
        return await self._bulk(ops.REGISTER, items, max_retries, on_progress)

    async def get_track_info(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[TrackInfo]:
        """Current status and event history of registered numbers."""
        return await self._bulk(ops.GET_TRACK_INFO, numbers, max_retries, on_progress)

    async def stop_track(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Stop tracking numbers."""
        return await self._bulk(ops.STOP_TRACK, numbers, max_retries, on_progress)

    async def retrack(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Resume tracking of stopped numbers (once per number)."""
        return await self._bulk(ops.RETRACK, numbers, max_retries, on_progress)

    async def delete_track(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Remove numbers from the account for good."""
        return await self._bulk(ops.DELETE_TRACK, numbers, max_retries, on_progress)

    async def push(
        self,
        numbers: Iterable[str],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Ask 17TRACK to push the current tracking of numbers to the webhook again."""
        return await self._bulk(ops.PUSH, numbers, max_retries, on_progress)

    async def change_carrier(
        self,
        items: Iterable[tuple[str, Carrier | int]],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Assign other carriers: ``[(number, carrier), ...]``."""
        return await self._bulk(ops.CHANGE_CARRIER, items, max_retries, on_progress)

    async def change_info(
        self,
        items: Iterable[tuple[str, str | None]],
        *,
        max_retries: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Set the tag of numbers: ``[(number, tag), ...]``."""
        return await self._bulk(ops.CHANGE_INFO, items, max_retries, on_progress)

    def iter_track_list(
        self,
        status: MainStatus | int | None = None,
        *,
        page_size: int = 40,
        max_retries: int | None = None,
    ) -> AsyncIterator[str]:
        """Every registered number, optionally only those with one main status, page by page.

        Arguments are checked at once; pages are fetched as the iterator is consumed.
        """
        retries = self._retries(max_retries)
        self._list_request(status, 1, page_size)
        return self._pages(status, page_size, retries)

    async def _pages(
        self, status: MainStatus | int | None, page_size: int, retries: int
    ) -> AsyncIterator[str]:
        page = 1
        while True:
            body = self._list_request(status, page, page_size)
            numbers, _ = await drive_async(
                self._list_attempts(retries),
                partial(ops.TRACK_LIST_ASYNC, client=self._generated, body=body),
            )
            for number in numbers:
                yield number
            if len(numbers) < page_size:
                return
            page += 1
