"""What Track17Client and AsyncTrack17Client share: settings, the generated client, and the
per-chunk logic. The two clients only add how they wait and run chunks side by side."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import httpx
from track17_client import AuthenticatedClient
from track17_client.models.track_list_request import TrackListRequest
from track17_client.types import UNSET

from track17_facade._batching import Outcome, Plan, Prepared, chunks, plan
from track17_facade._operations import (
    Operation,
    batch_outcomes,
    confirm_already_done,
    track_list_numbers,
)
from track17_facade._transport import Attempts, attempts
from track17_facade.errors import AuthenticationError, InvalidInputError, Track17Error
from track17_facade.models import Failure
from track17_facade.ratelimit import (
    DEFAULT_REQUESTS_PER_SECOND,
    RateLimiter,
    shared_limiter,
    window_for_rate,
)
from track17_facade.retry import DEFAULT_MAX_RETRIES
from track17_facade.status import MainStatus

DEFAULT_BASE_URL = "https://api.17track.net/track/v1"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
"""17TRACK often takes 0.5-1 s to answer from far away; 20 s leaves room without hanging forever."""
MAX_PAGE_SIZE = 40
KEEPALIVE_EXPIRY = 2.0
"""Seconds an idle connection is kept. Well under common server keep-alive timeouts (5 s for
uvicorn), because a request may still wait for its rate-limit slot on the connection it took."""
SENDERS_AT_THE_GATE = 1
"""Requests per client that may hold a connection while waiting for their rate-limit slot."""
API_KEY_HEADER = "17token"

ProgressCallback = Callable[[int, int], None]
"""Called as ``callback(items_done, items_total)`` after each request of a bulk call completes."""


def _bind(limiter: RateLimiter, api_key: str) -> RateLimiter:
    """A limiter that namespaces per key (``for_key``, like RedisRateLimiter) gets bound to ours."""
    for_key = getattr(limiter, "for_key", None)
    bound: RateLimiter = for_key(api_key) if callable(for_key) else limiter
    return bound


class BaseClient:
    """Settings and shared logic of both clients (not for direct use)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        rate_limiter: RateLimiter | None = None,
        max_concurrency: int | None = None,
    ) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise InvalidInputError("api_key must be a non-empty string")
        if max_retries < 0:
            raise InvalidInputError(f"max_retries must be >= 0, got {max_retries}")
        limit, window = window_for_rate(requests_per_second)
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self.requests_per_second = requests_per_second
        self.rate_limiter: RateLimiter = (
            shared_limiter(api_key, requests_per_second)
            if rate_limiter is None
            else _bind(rate_limiter, api_key)
        )
        # Enough requests in flight to keep the limiter's pace when each answer takes longer than
        # the spacing between starts (two windows' worth covers answers of up to ~2 s at 3/s).
        self.max_concurrency = max_concurrency or min(32, max(4, math.ceil(2 * limit / window)))
        limits = httpx.Limits(
            max_connections=self.max_concurrency + 4,
            max_keepalive_connections=self.max_concurrency,
            keepalive_expiry=KEEPALIVE_EXPIRY,
        )
        if isinstance(timeout, httpx.Timeout) or timeout is None:
            http_timeout = timeout if timeout is not None else httpx.Timeout(None)
        else:
            http_timeout = httpx.Timeout(timeout)
        self._generated = AuthenticatedClient(
            base_url=self.base_url,
            token=api_key,
            prefix="",
            auth_header_name=API_KEY_HEADER,
            timeout=http_timeout,
            raise_on_unexpected_status=False,
            httpx_args={"transport": self._transport(self.rate_limiter, limits, SENDERS_AT_THE_GATE)},
        )

    @staticmethod
    def _transport(limiter: RateLimiter, limits: httpx.Limits, gate: int) -> Any:
        """The paced httpx transport for this client's kind (sync or async)."""
        raise NotImplementedError

    @property
    def generated(self) -> AuthenticatedClient:
        """The generated low-level client this client sends through (for raw access)."""
        return self._generated

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.base_url!r}>"

    def _retries(self, max_retries: int | None) -> int:
        if max_retries is None:
            return self.max_retries
        if max_retries < 0:
            raise InvalidInputError(f"max_retries must be >= 0, got {max_retries}")
        return max_retries

    @staticmethod
    def _plan(operation: Operation, items: Iterable[object]) -> tuple[Plan, list[Sequence[Prepared]]]:
        try:
            prepared = plan(operation.kind, items)
        except TypeError as exc:
            raise InvalidInputError(f"{operation.name}: {exc}") from None
        return prepared, list(chunks(prepared.items))

    @staticmethod
    def _chunk_attempts(
        operation: Operation, chunk: Sequence[Prepared], max_retries: int
    ) -> Attempts[dict[str, Outcome]]:
        return attempts(
            operation.name,
            lambda parsed: batch_outcomes(operation, chunk, parsed),
            max_retries=max_retries,
            items=len(chunk),
        )

    @staticmethod
    def _chunk_failed(chunk: Sequence[Prepared], error: Track17Error) -> dict[str, Outcome]:
        """A chunk that still failed after its retries: each of its items fails with the cause."""
        if isinstance(error, AuthenticationError):
            raise error
        return {item.number: Failure(item.number, error) for item in chunk}

    @staticmethod
    def _chunk_done(
        operation: Operation, chunk: Sequence[Prepared], outcomes: dict[str, Outcome], ambiguous: bool
    ) -> dict[str, Outcome]:
        """A chunk that was answered; "already done" answers after an ambiguous failure count as done."""
        return confirm_already_done(operation, chunk, outcomes) if ambiguous else outcomes

    @staticmethod
    def _list_request(status: MainStatus | int | None, page: int, page_size: int) -> TrackListRequest:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidInputError(f"page_size must be from 1 to {MAX_PAGE_SIZE}, got {page_size}")
        return TrackListRequest(
            status=UNSET if status is None else int(status), page=page, page_size=page_size
        )

    @staticmethod
    def _list_attempts(max_retries: int) -> Attempts[list[str]]:
        return attempts("gettracklist", track_list_numbers, max_retries=max_retries, items=0)
