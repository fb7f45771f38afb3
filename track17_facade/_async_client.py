"""AsyncTrack17Client: the asyncio client, and the source the synchronous ``Track17Client`` is
generated from (``python3 run.py -s generate``, by ``generator/unasync.py``): edit this file, never
``_client.py``."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Container, Iterable, Iterator, Sequence
from contextlib import aclosing
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from track17_facade import _operations as ops
from track17_facade import _telemetry
from track17_facade._async_tasks import Ready, Workers
from track17_facade._base import MAX_PAGE_SIZE, BaseClient, logger
from track17_facade._batching import CheckDigits, Outcome, Prepared, Screen, StreamBatch, merge
from track17_facade._constants import REALTIME_BATCH_SIZE, StreamMethod
from track17_facade._options import (
    NOT_GIVEN,
    BeforeSend,
    CacheLevelAs,
    CallOptions,
    NotGiven,
    ProgressCallback,
    TimeoutTypes,
)
from track17_facade.carriers import CarrierLike
from track17_facade.errors import Track17Error
from track17_facade.models import Accepted, BatchResult
from track17_facade.ratelimit import SENDERS_AT_THE_GATE, AsyncPacedTransport, RateLimiter
from track17_facade.retry import drive_async
from track17_facade.status import CacheLevel, MainStatus, TrackingStatus

if TYPE_CHECKING:
    from track17_facade.models import (
        CarrierChange,
        InfoChange,
        Quota,
        Registration,
        TrackInfo,
        TrackListEntry,
    )

R = TypeVar("R", Accepted, "TrackInfo")


class AsyncTrack17Client(BaseClient):
    """The asyncio client for the 17TRACK API; ``Track17Client`` is its synchronous twin, with the
    same arguments and methods.

    Bulk methods take any number of items, send them 40 per request, at most ``max_concurrency``
    at once as asyncio tasks while the rate limiter spaces their starts, retry what can be
    retried, and return a ``BatchResult`` in input order. Use it as a context manager, or call
    ``aclose()``:

    ```python
    numbers = ["RR123456789CN", ("1Z999AA10123456784", Carrier.UPS)]
    async with AsyncTrack17Client(api_key) as client:
        result = await client.register(numbers)
        async for entry in client.iter_track_list(status=MainStatus.DELIVERED):
            ...
    ```

    Args:
        api_key: the 17TRACK access key, sent in the ``17token`` header (never logged or shown).
            Surrounding whitespace is removed (the newline a key file ends with). Or a
            zero-argument callable returning the key, asked at construction and before each
            request (every retry included), for a key that rotates while the client lives: each
            request is paced with the others of the key it carries. A callable that raises, or
            returns no usable key, stops the call with ``ApiKeyUnavailableError``.
        api_version: "v1" (the default) or "v2.4": the wire format and the default ``base_url``.
            Both versions give the same methods, results and enums; v2.4 adds ``get_quota``,
            ``get_realtime_track_info``, ``Registration`` metadata and richer ``TrackInfo``.
        base_url: the API root (default: 17TRACK's root of ``api_version``); a sandbox's
            ``base_url_for(api_version)`` for tests.
        timeout: seconds, an ``httpx.Timeout``, or None for no limit, for each request (overridable
            per call).
        max_retries: retries after the first attempt, per request (overridable per call).
        requests_per_second: the rate of the process-wide limiter of this key.
        rate_limiter: any ``RateLimiter`` (e.g. ``RedisRateLimiter``) instead of the in-process one.
        max_concurrency: requests in flight at once (default: enough to keep the limiter's pace).
        proxy: a proxy URL (or ``httpx.Proxy``) for every request. Without it, the standard
            ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` environment variables
            are honoured, as httpx does, unless ``trust_env`` is False.
        trust_env: read proxies from the environment.
        headers: extra headers for every request (a ``User-Agent: track17/<version>`` is sent
            unless given here).
        pacing_ledger: share this key's request starts with the other processes of this user on
            this machine, through a small file under the user's cache directory (True, the
            default; ``TRACK17_PACING_LEDGER`` names another directory, or ``off``), or a
            directory: a new process then sends at once when the key's last window was empty,
            and processes side by side share one limit. False: pace in this process alone, and
            wait one window before the first request in case another process just used the key.
            (Across machines, use ``RedisRateLimiter``.)
        quota_warning: v2.4 only: at the end of each ``register`` and
            ``get_realtime_track_info`` call (and the store's ``track`` and ``sync``), read the
            quota left (getquota: free, one request) and log one WARNING line on the ``track17``
            logger when it is below this many; the balance is kept as ``last_quota``. None (the
            default): never checked. v1 has no getquota, so the option needs v2.4.

    Raises:
        InvalidInputError: (a ValueError) an empty key or one holding a control or non-ASCII
            character; an unknown ``api_version``; a ``base_url`` that is not an http(s) URL, or
            that is the root of another API version than ``api_version``; a negative
            ``timeout``, ``max_retries`` or rate. The message names the problem, never the key.
        TypeError: an argument of the wrong type, or a ``rate_limiter`` that is a class or
            lacks ``reserve`` and ``reserve_async``.
        ApiKeyUnavailableError: the ``api_key`` callable raised or gave no usable key.
    """

    def _httpx_args(
        self, limiter: RateLimiter, limits: httpx.Limits, proxy: httpx.Proxy | None
    ) -> dict[str, Any]:
        limiter_for = None if self._keys is None else self._limiter_for
        return {
            "transport": AsyncPacedTransport(
                limiter,
                limits,
                SENDERS_AT_THE_GATE,
                proxy,
                api_version=self.api_version,
                limiter_for=limiter_for,
            ),
        }

    def _open(self) -> None:
        self._generated.get_async_httpx_client()
        self._workers = Workers(self.max_concurrency)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._close(abandon=False)

    async def _close(self, *, abandon: bool) -> None:
        """Close the pool; ``abandon``: without waiting for requests in flight (an interrupt)."""
        await self._workers.close(abandon=abandon)
        await self._generated.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Interrupted (Ctrl-C, a cancelled task): leave at once, whatever is in flight.
        await self._close(abandon=exc_type is not None and not issubclass(exc_type, Exception))

    # -- the bulk machinery -----------------------------------------------------------------

    async def _run_chunk(
        self,
        operation: ops.Operation[R],
        chunk: Sequence[Prepared],
        options: CallOptions,
        stopped: threading.Event,
        halt: threading.Event,
    ) -> dict[str, Outcome] | None:
        """The chunk's outcomes; None: not sent, the call is stopping (a refused key). Once
        ``halt`` is set (the quota ran out), its items are rejected unsent."""
        if stopped.is_set():
            return None
        if halt.is_set():
            return self._not_sent(chunk)
        # Built only once a worker is free, so that a huge call holds few request bodies at once.
        body = operation.body(chunk)
        loop = self._chunk_attempts(operation, chunk, options.retries)
        per_request = options.per_request(chunk, halt)
        send = partial(operation.async_call, client=self._generated, body=body, **per_request)
        try:
            end = await drive_async(loop, send)
        except Track17Error:
            stopped.set()  # before this worker takes the next chunk
            raise
        return self._chunk_end(operation, chunk, end, options.in_doubt, halt)

    @_telemetry.traced_bulk_async
    async def _bulk(
        self,
        operation: ops.Operation[R],
        items: Iterable[object],
        options: CallOptions,
        screen: Screen | None = None,
    ) -> BatchResult[R]:
        prepared, chunks = self._plan(operation, items, screen)
        outcomes: dict[str, Outcome] = {}
        total, done = len(prepared.items), 0
        stopped, halt = threading.Event(), threading.Event()
        jobs = [
            (partial(self._run_chunk, operation, chunk, options, stopped, halt), len(chunk))
            for chunk in chunks
        ]
        async with aclosing(self._workers.as_completed(jobs)) as completed:
            async for chunk_outcomes, size in completed:
                outcomes.update(chunk_outcomes or {})
                done += size
                if options.on_progress:
                    options.on_progress(done, total)
        if self._checks_quota(operation):
            await self.check_quota()
        return merge(prepared, outcomes)

    @_telemetry.traced_stream_async
    async def _submit_stream(
        self, operation: ops.Operation[Any], batches: Iterator[StreamBatch], options: CallOptions
    ) -> AsyncIterator[BatchResult[Any]]:
        stopped, halt = threading.Event(), threading.Event()

        async def run(chunk: tuple[Prepared, ...]) -> BatchResult[Any]:
            return self._chunk_result(chunk, await self._run_chunk(operation, chunk, options, stopped, halt))

        def jobs() -> Iterator[Ready[BatchResult[Any]] | partial[Any]]:
            for batch in batches:
                if batch.rejected:
                    yield Ready(BatchResult((), batch.rejected, ()))
                if batch.chunk:
                    yield partial(run, batch.chunk)

        try:
            async with aclosing(self._workers.stream(jobs())) as results:
                async for result in results:
                    yield result
        finally:
            stopped.set()  # chunks not yet started are not sent

    # -- the API ----------------------------------------------------------------------------

    def stream(
        self,
        method: StreamMethod,
        items: Iterable[object],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        before_send: BeforeSend | None = None,
        in_doubt: Container[str] | None = None,
        check_digits: CheckDigits = "off",
    ) -> AsyncIterator[BatchResult[Any]]:
        """Run a bulk method over ``items`` read lazily, yielding each request's outcomes as it
        completes, in memory that does not grow with the input.

        For jobs too large to hold (files of millions of numbers) or that report progress row by
        row. Requests are paced, retried and recovered exactly as in the bulk methods; at most
        ``max_concurrency`` requests' items are held at once.

        Args:
            method: the bulk method to run: "register", "get_track_info", "stop_track",
                "retrack", "delete_track", "push", "change_carrier" or "change_info". Items take
                that method's shapes.
            items: any iterable, read as requests are built (a generator over a file works).
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            before_send: called as ``before_send(numbers)`` once per request, when it has got its
                rate-limit slot and its bytes are about to go out (from the thread or task sending
                it), e.g. to record in a journal that these numbers may now take effect. If it
                raises, that request is not sent.
            in_doubt: numbers whose request in an earlier run may have taken effect (that run
                died with it in flight): their "already registered" (or "already stopped", ...)
                answers count as accepted with ``recovered=True``, as after an ambiguous failure
                within one call.
            check_digits: "register" only: as ``register``'s.

        Yields:
            A ``BatchResult`` per request (its numbers in the request's order), and one for the
            rows refused before sending, in the order they complete. Every distinct number of a
            request appears once; duplicates are removed within a request only, so a number
            repeated far apart in the input is sent again (and may be rejected as already done).

        Raises:
            AuthenticationError: the key was refused; the stream stops at once.
            InvalidInputError: an unknown ``method``, ``items`` is a single string, or
                ``max_retries`` is negative (at the call). A ``Registration`` with fields the API
                version cannot send is a rejected row, not an error.
        """
        options = self._call(max_retries, timeout, before_send=before_send, in_doubt=in_doubt)
        operation, batches = self._stream_setup(method, items, check_digits)
        return self._submit_stream(operation, batches, options)

    # -- the bulk methods: written by generator/bulk_methods.py from its table; do not edit --

    async def register(
        self,
        items: Iterable[str | tuple[str, CarrierLike | None] | Registration],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
        check_digits: CheckDigits = "off",
    ) -> BatchResult[Accepted]:
        """Register numbers for tracking; each newly accepted number uses one quota (one more with
        ``Registration.lang``).

        Args:
            items: numbers, ``(number, carrier)`` pairs, or ``Registration`` items (tag, order
                number, language, carrier parameter: v2.4 only). Without a carrier 17TRACK detects
                it; on v2.4 the accepted item carries the carrier that was used. A carrier is a key
                (``Carrier.UPS``, ``100002``, ``"100002"``), a ``CarrierInfo``, or a name (``"Royal
                Mail"``) that fits one carrier of ``CarrierDirectory.load()``; an unknown or
                ambiguous name rejects its row (FIELD_VALUE_INVALID, the message lists the
                candidates) before anything is sent.
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.
            check_digits: what to do with a number whose check digit is wrong for every reading (see
                ``check_number``: judged by the item's carrier when it names one, and without one
                only for shapes a single format owns), before anything is sent: "off" (the default:
                17TRACK takes any number), "warn" (log a warning, send it, and mark it
                ``Accepted.number_suspect``), or "reject" (reject it with
                ``ErrorCode.CHECK_DIGIT_FAILED``: not sent, no quota spent).

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input
            order. A number registered by an earlier attempt of this same call (one that failed
            after taking effect) is accepted with ``recovered=True``, not rejected as
            ALREADY_REGISTERED.

        Raises:
            AuthenticationError: the key was refused; the call stops at once.
            InvalidInputError: ``items`` is a single string, ``max_retries`` is negative, or a
                ``Registration`` holds fields this API version cannot send (v1: anything beyond
                number and carrier); nothing is sent then.
        """
        screen = self._screen(check_digits)
        return await self._bulk(
            self._api.register, items, self._call(max_retries, timeout, on_progress), screen
        )

    async def get_track_info(
        self,
        numbers: Iterable[str | tuple[str, CarrierLike | None]],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[TrackInfo]:
        """Current status and event history of registered numbers (free: no quota).

        Args:
            numbers: registered tracking numbers, or ``(number, carrier)`` pairs: v2.4 sends the
                carrier, which picks the registration when a number has two (v1 takes numbers only).
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input
            order. Accepted items are ``TrackInfo``.

        Raises:
            AuthenticationError: the key was refused; the call stops at once.
            InvalidInputError: ``numbers`` is a single string, or ``max_retries`` is negative.
        """
        return await self._bulk(
            self._api.get_track_info, numbers, self._call(max_retries, timeout, on_progress)
        )

    async def stop_track(
        self,
        numbers: Iterable[str | tuple[str, CarrierLike | None]],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Stop tracking numbers: no more updates until they are retracked.

        Args:
            numbers: tracking numbers being tracked, or ``(number, carrier)`` pairs (v2.4 sends the
                carrier; v1 takes numbers only).
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input
            order. A number stopped by an earlier attempt of this call is accepted with
            ``recovered=True``.

        Raises:
            AuthenticationError: the key was refused; the call stops at once.
            InvalidInputError: ``numbers`` is a single string, or ``max_retries`` is negative.
        """
        return await self._bulk(self._api.stop_track, numbers, self._call(max_retries, timeout, on_progress))

    async def retrack(
        self,
        numbers: Iterable[str | tuple[str, CarrierLike | None]],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Resume tracking of stopped numbers (17TRACK allows this once per number, free).

        Args:
            numbers: stopped tracking numbers, or ``(number, carrier)`` pairs (v2.4 sends the
                carrier; v1 takes numbers only).
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input
            order. A number retracked by an earlier attempt of this call is accepted with
            ``recovered=True``.

        Raises:
            AuthenticationError: the key was refused; the call stops at once.
            InvalidInputError: ``numbers`` is a single string, or ``max_retries`` is negative.
        """
        return await self._bulk(self._api.retrack, numbers, self._call(max_retries, timeout, on_progress))

    async def delete_track(
        self,
        numbers: Iterable[str | tuple[str, CarrierLike | None]],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Remove numbers from the account for good (registering one again uses quota again).

        Args:
            numbers: registered tracking numbers, or ``(number, carrier)`` pairs: v2.4 sends the
                carrier, which picks the registration when a number has two (v1 takes numbers only).
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input
            order. A number deleted by an earlier attempt of this call is accepted with
            ``recovered=True``.

        Raises:
            AuthenticationError: the key was refused; the call stops at once.
            InvalidInputError: ``numbers`` is a single string, or ``max_retries`` is negative.
        """
        return await self._bulk(
            self._api.delete_track, numbers, self._call(max_retries, timeout, on_progress)
        )

    async def push(
        self,
        numbers: Iterable[str | tuple[str, CarrierLike | None]],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Ask 17TRACK to push the current tracking of numbers to the webhook again.

        Args:
            numbers: registered tracking numbers, or ``(number, carrier)`` pairs: v2.4 sends the
                carrier, which picks the registration when a number has two (v1 takes numbers only).
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input
            order.

        Raises:
            AuthenticationError: the key was refused; the call stops at once.
            InvalidInputError: ``numbers`` is a single string, or ``max_retries`` is negative.
        """
        return await self._bulk(self._api.push, numbers, self._call(max_retries, timeout, on_progress))

    async def change_carrier(
        self,
        items: Iterable[
            tuple[str, CarrierLike] | tuple[str, CarrierLike | None, CarrierLike] | CarrierChange
        ],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Assign other carriers to registered numbers (at most 5 changes per number).

        Args:
            items: ``(number, new carrier)`` pairs, or ``(number, old carrier, new carrier)``
                triples: on v2.4 the old carrier is sent as ``carrier_old``, which tells 17TRACK
                which registration to change when a number is registered with two carriers; or
                ``CarrierChange`` items, which also change the last-mile carrier (v2.4).
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input
            order. A change made by an earlier attempt of this call is accepted with
            ``recovered=True``.

        Raises:
            AuthenticationError: the key was refused; the call stops at once.
            InvalidInputError: ``items`` is a single string, or ``max_retries`` is negative.
        """
        return await self._bulk(
            self._api.change_carrier, items, self._call(max_retries, timeout, on_progress)
        )

    async def change_info(
        self,
        items: Iterable[tuple[str, str | None] | InfoChange],
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[Accepted]:
        """Set the tag (e.g. an order reference) of registered numbers.

        Args:
            items: ``(number, tag)`` pairs, a tag of None clearing it; or ``InfoChange`` items,
                which change the other registration fields too (v2.4) and leave those they do not
                give as they are.
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input
            order.

        Raises:
            AuthenticationError: the key was refused; the call stops at once.
            InvalidInputError: ``items`` is a single string, or ``max_retries`` is negative.
        """
        return await self._bulk(self._api.change_info, items, self._call(max_retries, timeout, on_progress))

    # -- end of the bulk methods ----------------------------------------------------------------

    def iter_track_list(
        self,
        status: MainStatus | int | str | None = None,
        *,
        tracking_status: TrackingStatus | None = None,
        page_size: int = MAX_PAGE_SIZE,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncIterator[TrackListEntry]:
        """Every registered number as a ``TrackListEntry``, page by page, optionally filtered.

        Arguments are checked at once; pages are fetched as the iterator is consumed. On v1 the
        entries hold the number only; on v2.4 also carrier, tracking and package status,
        registration time and tag.

        Args:
            status: only numbers whose package is in this status: a ``MainStatus``, its integer (0
                to 8), or a name as ``MainStatus.parse`` reads it ("Delivered", "in_transit");
                None for all. On v2.4 it is sent as the ``package_status`` filter.
            tracking_status: v2.4 only: ``TrackingStatus.TRACKING`` or ``TrackingStatus.STOPPED``.
            page_size: numbers per request, 1 to 40 on v1; fixed at 40 on v2.4.
            max_retries: retries per page request (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per page request
                (default: the client's).

        Raises:
            InvalidInputError: a status that names none, a page size out of range, or a
                filter this API version lacks (at the call); a page that cannot be fetched raises
                its error when reached.
        """
        query, retries = self._list_setup(status, tracking_status, page_size, max_retries)
        return self._pages(query, CallOptions(retries, self._timeout(timeout)))

    async def _pages(self, query: ops.TrackListQuery, options: CallOptions) -> AsyncIterator[TrackListEntry]:
        page = 1
        while True:
            body = self._api.list_body(query, page)
            call = partial(self._api.list_async, client=self._generated, body=body, **options.per_request())
            end = await drive_async(self._list_attempts(query, page, options.retries), call)
            listed = self._page(end)
            for entry in listed.entries:
                yield entry
            if not listed.more or not listed.entries:
                return
            page += 1

    async def get_quota(
        self,
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> Quota:
        """The account's quota balance (v2.4 only; free: reading it uses no quota).

        Args:
            max_retries: retries for this request (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit (default: the client's).

        Raises:
            InvalidInputError: the client speaks v1, which has no getquota.
            AuthenticationError: the key was refused.
            Track17Error: the request failed after its retries (``ServerError``, ...).
        """
        loop = self._quota_attempts(max_retries)
        options = self._call(max_retries, timeout)
        api = self._api
        assert api.quota_async is not None
        assert api.quota_body is not None
        call = partial(
            api.quota_async, client=self._generated, body=api.quota_body(), **options.per_request()
        )
        return self._quota(await drive_async(loop, call))

    async def check_quota(self) -> Quota | None:
        """Read the quota left (free) and log one WARNING line when it is below
        ``quota_warning``; run at the end of ``register``, ``get_realtime_track_info`` and the
        store's ``track`` and ``sync``, or call it from a scheduled job.

        Returns:
            The balance (also kept as ``last_quota``); None when ``quota_warning`` is not set, or
            when the quota could not be read (that is logged as a WARNING too, and never fails the
            call it ends).
        """
        if self.quota_warning is None:
            return None
        try:
            quota = await self.get_quota()
        except Track17Error as exc:
            logger.warning("could not read the quota to check it against quota_warning: %s", exc)
            return None
        self._warn_if_low(quota)
        return quota

    async def get_realtime_track_info(
        self,
        numbers: Iterable[str | tuple[str, CarrierLike | None]],
        *,
        cache_level: CacheLevel = CacheLevel.STANDARD,
        batch_size: int = REALTIME_BATCH_SIZE,
        cache_level_as: CacheLevelAs = "name",
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        on_progress: ProgressCallback | None = None,
    ) -> BatchResult[TrackInfo]:
        """Look numbers up now, without registering them (v2.4 only).

        **Every number looked up is charged quota**, registered or not: the standard charge at
        ``CacheLevel.STANDARD`` (which may answer from 17TRACK's recent cache), more at
        ``CacheLevel.INSTANT`` (which asks the carrier now). The instant level is never a default.
        For numbers you track anyway, ``get_track_info`` is free.

        Args:
            numbers: numbers, or ``(number, carrier)`` pairs.
            cache_level: ``CacheLevel.STANDARD`` (default: ``cacheLevel`` is left out, as 17TRACK's
                documented default) or ``CacheLevel.INSTANT``.
            batch_size: numbers per request, 1 (default) to 40. One is what works under every
                reading of 17TRACK's documentation (a public client cites a limit of one); the call
                still takes any number of them and paces the requests.
            cache_level_as: how an instant ``cacheLevel`` is written: ``"name"`` ("Instant", as
                17TRACK's prose has it; default) or ``"integer"`` (2, as its parameter table has it).
            max_retries: retries per request for this call (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit, per request of this call
                (default: the client's).
            on_progress: called as ``on_progress(done, total)`` after each request completes.

        Returns:
            Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in
            input order. Accepted items are ``TrackInfo``. A lookup has no "already done" answer,
            so a retry after a failure that may have reached the server may be charged again;
            pass ``max_retries=0`` never to pay twice.

        Raises:
            InvalidInputError: the client speaks v1, ``cache_level`` is not a ``CacheLevel``,
                ``numbers`` is a single string, or ``max_retries`` is negative.
            AuthenticationError: the key was refused; the call stops at once.
        """
        operation = self._realtime(cache_level, cache_level_as, batch_size)
        return await self._bulk(operation, numbers, self._call(max_retries, timeout, on_progress))

    async def call_generated(
        self,
        endpoint: Callable[..., Any],
        /,
        *,
        max_retries: int | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        **arguments: Any,
    ) -> Any:
        """Send one request of a generated endpoint as this client sends its own: the key in the
        ``17token`` header, this client's base URL and ``User-Agent``, its pacing, timeout and
        retries. For an operation the facade has no method for yet: see "The generated client" in
        the documentation.

        Args:
            endpoint: the endpoint module's ``sync_detailed`` (models) or ``sync_json`` (decoded
                JSON) function for the synchronous client, ``asyncio_detailed`` or
                ``asyncio_json`` for the asyncio one, from the package of this client's API
                version (``track17_client_v2.api`` on v2.4, ``track17_client.api`` on v1).
            max_retries: retries for this request (default: the client's).
            timeout: seconds, an ``httpx.Timeout``, or None for no limit (default: the client's).
            **arguments: the endpoint's own arguments (``body=...``), without ``client``.

        Returns:
            The endpoint's ``Response`` of the 2xx answer: ``status_code``, ``headers``,
            ``content`` and ``parsed``.

        Raises:
            InvalidInputError: ``endpoint`` is not of this client's generated package.
            AuthenticationError: the key was refused.
            Track17Error: the request failed after its retries (``RateLimitError``, ``ServerError``,
                ``APIError`` for a refused request, ...).
        """
        loop = self._generated_attempts(endpoint, max_retries)
        options = self._call(max_retries, timeout)
        answers: list[Any] = []

        async def send() -> Any:
            answers.append(await endpoint(client=self._generated, **arguments, **options.per_request()))
            return answers[-1]

        return self._generated_answer(await drive_async(loop, send), answers)
