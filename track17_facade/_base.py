"""What Track17Client and AsyncTrack17Client share: the API table of each version, settings, the
generated client, and the per-chunk logic. The clients add how they run chunks side by side."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import urlsplit

import httpx
from attrs import evolve
from httpx._client import UseClientDefault

from track17_facade import _telemetry
from track17_facade._batching import (
    CHECK_DIGIT_MODES,
    MAX_ITEMS_PER_REQUEST,
    Outcome,
    Plan,
    Prepared,
    Screen,
    StreamBatch,
    check_digit_screen,
    chunks,
    merge,
    plan,
    stream_batches,
)
from track17_facade._constants import (
    BASE_URLS,
    DEFAULT_API_VERSION,
    DEFAULT_REQUESTS_PER_SECOND,
    ApiVersion,
)
from track17_facade._operations import (
    API_VERSIONS,
    Operation,
    TrackListPage,
    TrackListQuery,
    batch_outcomes,
    check_code,
    confirm_already_done,
    field,
    request_error,
)
from track17_facade._options import (
    DEFAULT_TIMEOUT,
    BeforeSend,
    CallOptions,
    NotGiven,
    ProgressCallback,
    QuotaHaltError,
    TimeoutTypes,
    cache_level_wire,
    check_retries,
    check_status_filter,
    checked_base_url,
    checked_count,
    checked_timeout,
    environment_proxy,
)
from track17_facade._secrets import checked_api_key, redacting_logger
from track17_facade._version import __version__
from track17_facade.codes import ErrorCode
from track17_facade.errors import ApiKeyUnavailableError, HTTPStatusError, InvalidInputError
from track17_facade.models import (
    REGISTRATION_FIELDS,
    V2_ONLY_CHANGES,
    Accepted,
    BatchResult,
    Failure,
    Rejection,
)
from track17_facade.numbers import bulk_items
from track17_facade.ratelimit import (
    KeyedLimiter,
    LearningLimiter,
    PacingLedger,
    RateLimiter,
    check_rate_limiter,
    shared_limiter,
    window_for_rate,
)
from track17_facade.retry import DEFAULT_MAX_RETRIES, Answered, Attempts, attempts
from track17_facade.status import CacheLevel, TrackingStatus

if TYPE_CHECKING:
    from track17_facade.models import Quota, TrackInfo
    from track17_facade.retry import GiveUp

R = TypeVar("R")
logger = redacting_logger("track17")

MAX_PAGE_SIZE = 40
KEEPALIVE_EXPIRY = 2.0
"""Seconds an idle connection is kept. Well under common server keep-alive timeouts (5 s for
uvicorn), because a request may still wait for its rate-limit slot on the connection it took."""
QUOTA_NOT_SENT = (
    "not sent: 17TRACK answered QUOTA_EXHAUSTED to an earlier request of this call, so this item was "
    "not sent (not failed, not charged); send it again once the quota is topped up"
)
"""The message of a QUOTA_EXHAUSTED rejection the SDK made itself, without sending the item."""
CHARGING_OPERATIONS = frozenset({"register", "getRealTimeTrackInfo"})
"""The operations that charge quota, after which ``quota_warning`` is checked."""
API_KEY_HEADER = "17token"
USER_AGENT = f"track17/{__version__}"


ApiKey = str | Callable[[], str]
"""A client's key: the key itself, or a zero-argument callable asked for it before each request
(a key that rotates while a long-running worker keeps its client)."""


def _bind(limiter: RateLimiter, api_key: str) -> RateLimiter:
    """A limiter that namespaces per key (``for_key``, like RedisRateLimiter) gets bound to ours."""
    return limiter.for_key(api_key) if isinstance(limiter, KeyedLimiter) else limiter


def _limiter_source(
    rate_limiter: RateLimiter | None, requests_per_second: float, ledger: Any
) -> Callable[[str], RateLimiter]:
    """The limiter of each key a client sends with: the one given, bound to the key, or the
    limiter every client of the key in this process shares."""

    def limiter_of(key: str) -> RateLimiter:
        if rate_limiter is None:
            return shared_limiter(key, requests_per_second, ledger=ledger)
        return _bind(rate_limiter, key)

    return limiter_of


def _checked_quota_warning(threshold: object, has_quota: bool, owner: str) -> int | None:
    """The ``quota_warning`` option, checked: an integer >= 0, on a version that reads the quota."""
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise InvalidInputError(f"{owner}: quota_warning must be an integer >= 0 or None, got {threshold!r}")
    if not has_quota:
        raise InvalidInputError(
            f"{owner}: quota_warning needs API v2.4, whose getquota tells the quota left; v1 has no "
            "such call (create the client with api_version='v2.4')"
        )
    return threshold


class _KeySource:
    """A client's key asked of its callable, and the limiter of each key it gave: 17TRACK's limit
    is per key, so a request is paced with the other requests of the key it carries."""

    def __init__(
        self, source: Callable[[], str], owner: str, limiter_of: Callable[[str], RateLimiter]
    ) -> None:
        self._source, self._owner, self._limiter_of = source, owner, limiter_of
        self._limiters: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "<api key callable>"

    def key(self) -> str:
        """The key the callable gives now, checked.

        Raises:
            ApiKeyUnavailableError: the callable raised, or gave no usable key.
        """
        try:
            given = self._source()
        except Exception as exc:
            raise ApiKeyUnavailableError(
                f"{self._owner}: the api_key callable raised {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(given, str):
            raise ApiKeyUnavailableError(
                f"{self._owner}: the api_key callable must return a string, got {type(given).__name__}"
            )
        try:
            return checked_api_key(given, f"{self._owner} (from the api_key callable)")
        except InvalidInputError as exc:
            raise ApiKeyUnavailableError(str(exc)) from None

    def limiter(self, key: str) -> RateLimiter:
        """The limiter that paces ``key``'s requests (made on its first request)."""
        with self._lock:
            found = self._limiters.get(key)
            if found is None:
                found = self._limiters[key] = self._limiter_of(key)
            return found


class _NamedOptions:
    """Makes a client's misspelt option an error that names the client and the option meant.

    Python names the class that defines ``__init__`` in its message ("BaseClient.__init__() got
    an unexpected keyword argument"), where the user wrote ``Track17Client(...)``. Kept apart
    from ``BaseClient`` so that ``inspect.signature`` (and IDEs) still show ``__init__``'s options.
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **options: Any) -> Self:
        code = BaseClient.__init__.__code__
        known = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
        for name in options:
            if name not in known:
                import difflib  # noqa: PLC0415 (only a mistyped option needs it)

                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (it takes {', '.join(known[1:])})"
                raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {name!r}{hint}")
        return super().__new__(cls)


class BaseClient(_NamedOptions):
    """Settings and shared logic of both clients (not for direct use).

    The arguments are documented on ``Track17Client`` and ``AsyncTrack17Client``, which take
    exactly these.
    """

    def __init__(
        self,
        api_key: ApiKey,
        *,
        api_version: ApiVersion = DEFAULT_API_VERSION,
        base_url: str | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        rate_limiter: RateLimiter | None = None,
        max_concurrency: int | None = None,
        proxy: str | httpx.URL | httpx.Proxy | None = None,
        trust_env: bool = True,
        headers: Mapping[str, str] | None = None,
        pacing_ledger: PacingLedger = True,
        quota_warning: int | None = None,
    ) -> None:
        owner = type(self).__name__
        if not isinstance(api_key, str) and not callable(api_key):
            raise TypeError(
                f"{owner}: api_key must be a string or a zero-argument callable returning one, "
                f"got {type(api_key).__name__}"
            )
        if api_version not in API_VERSIONS:
            known = ", ".join(repr(version) for version in API_VERSIONS)
            raise InvalidInputError(f"{owner}: api_version must be one of {known}, got {api_version!r}")
        self.api_version: ApiVersion = api_version
        """The API version this client speaks: "v1" or "v2.4"."""
        self._api = API_VERSIONS[api_version]
        self.quota_warning = _checked_quota_warning(quota_warning, self._api.read_quota is not None, owner)
        """Log a WARNING at the end of each ``register`` (and real-time lookup, and store
        ``track`` or ``sync``) when fewer quota than this are left; None: never check."""
        self.last_quota: Quota | None = None
        """The quota balance as last read (by ``get_quota`` or ``check_quota``); None before."""
        check_retries(max_retries, owner)
        if rate_limiter is not None:
            check_rate_limiter(rate_limiter, owner)
        if isinstance(requests_per_second, bool) or not isinstance(requests_per_second, int | float):
            raise TypeError(
                f"{owner}: requests_per_second must be a number, got {type(requests_per_second).__name__}"
            )
        try:
            limit, window = window_for_rate(requests_per_second)
        except ValueError as exc:
            raise InvalidInputError(f"{owner}: {exc}") from None
        if max_concurrency is not None and (
            isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1
        ):
            raise InvalidInputError(
                f"{owner}: max_concurrency must be an integer >= 1, got {max_concurrency!r}"
            )
        self.base_url = checked_base_url(base_url or self._api.base_url, api_version, owner)
        """The API root every request goes to (17TRACK's for the client's `api_version`, unless given)."""
        self.max_retries = max_retries
        """Retries after a failed first attempt, unless a call says otherwise."""
        self.requests_per_second = requests_per_second
        """The key's rate the client paces itself to (17TRACK's: 3)."""

        limiter_of = _limiter_source(rate_limiter, requests_per_second, pacing_ledger)
        self._keys: _KeySource | None = (
            None if isinstance(api_key, str) else _KeySource(api_key, owner, limiter_of)
        )
        # a callable that cannot give a key fails here, not later
        api_key = checked_api_key(api_key, owner) if self._keys is None else self._keys.key()
        self.rate_limiter: RateLimiter = limiter_of(api_key)
        """The limiter every request books its start with: the one given, bound to the key, or the
        limiter every client of the key in this process shares (with a key callable: those of the
        key it gave last)."""
        # Enough requests in flight to keep the limiter's pace when each answer takes longer than
        # the spacing between starts (two windows' worth covers answers of up to ~2 s at 3/s).
        self.max_concurrency = max_concurrency or min(32, max(4, math.ceil(2 * limit / window)))
        """How many requests may be in flight at once."""
        limits = httpx.Limits(
            max_connections=self.max_concurrency + 4,
            max_keepalive_connections=self.max_concurrency,
            keepalive_expiry=KEEPALIVE_EXPIRY,
        )
        if headers is not None and (
            not isinstance(headers, Mapping)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
        ):
            raise TypeError(f"{owner}: headers must be a mapping of str to str")
        self.proxy: httpx.Proxy | None = None
        """The proxy every request goes through, from ``proxy`` or the environment; None: direct."""
        if proxy is not None:
            self.proxy = proxy if isinstance(proxy, httpx.Proxy) else httpx.Proxy(proxy)
        elif trust_env:
            self.proxy = environment_proxy(self.base_url)
        self._generated = self._api.client_class(
            base_url=self.base_url,
            token=api_key,
            prefix="",
            auth_header_name=API_KEY_HEADER,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            timeout=checked_timeout(timeout, owner),
            raise_on_unexpected_status=False,
            httpx_args=self._httpx_args(self.rate_limiter, limits, self.proxy),
        )
        self._open()

    def _httpx_args(
        self, limiter: RateLimiter, limits: httpx.Limits, proxy: httpx.Proxy | None
    ) -> dict[str, Any]:
        """The paced transport and request hooks for this client's kind (sync or async)."""
        raise NotImplementedError

    def _limiter_for(self, request: httpx.Request) -> RateLimiter:
        """A request's limiter, its key asked of the key callable now and set in its header (the
        transport's ``limiter_for``; only for a client given a callable)."""
        assert self._keys is not None
        key = self._keys.key()
        request.headers[API_KEY_HEADER] = key
        self.rate_limiter = self._keys.limiter(key)
        return self.rate_limiter

    def _open(self) -> None:
        """Build the httpx client now, not in the first worker threads or tasks at once."""
        raise NotImplementedError

    @property
    def generated(self) -> Any:
        """The generated low-level client this client sends through (for raw access): a
        ``track17_client.AuthenticatedClient`` on v1, a ``track17_client_v2.AuthenticatedClient``
        on v2.4."""
        return self._generated

    @property
    def rate_limit_margin(self) -> float | None:
        """Seconds the rate limiter adds to each window now, learnt per API key from the server's
        answers (see ``track17_facade.ratelimit.Margin``); None for a limiter without a margin."""
        limiter = self.rate_limiter
        return float(limiter.margin) if isinstance(limiter, LearningLimiter) else None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} api_version={self.api_version!r} base_url={self.base_url!r}>"

    def _unsupported(self, what: str) -> InvalidInputError:
        """The error for something this client's API version lacks (only v2.4 has extras)."""
        return InvalidInputError(
            f"{what} needs API v2.4; this client speaks {self.api_version} "
            f"(create it with api_version='v2.4')"
        )

    def _call(
        self,
        max_retries: int | None,
        timeout: TimeoutTypes | NotGiven,
        on_progress: ProgressCallback | None = None,
        before_send: BeforeSend | None = None,
        in_doubt: Container[str] | None = None,
    ) -> CallOptions:
        """One call's options, checked at the call, to be handed down to each of its requests."""
        return CallOptions(
            self._retries(max_retries),
            self._timeout(timeout),
            before_send=before_send,
            in_doubt=in_doubt,
            on_progress=on_progress,
        )

    def _timeout(self, timeout: TimeoutTypes | NotGiven) -> httpx.Timeout | UseClientDefault:
        """A call's own timeout, checked; the client's when not given."""
        if isinstance(timeout, NotGiven):
            return httpx.USE_CLIENT_DEFAULT
        return checked_timeout(timeout, type(self).__name__)

    def _retries(self, max_retries: int | None) -> int:
        if max_retries is None:
            return self.max_retries
        check_retries(max_retries, type(self).__name__)
        return max_retries

    def _plan(
        self, operation: Operation[Any], items: Iterable[object], screen: Screen | None = None
    ) -> tuple[Plan, list[Sequence[Prepared]]]:
        try:
            prepared = plan(operation.kind, items, screen, self._unsendable)
        except TypeError as exc:
            raise InvalidInputError(f"{operation.name}: {exc}") from None
        return prepared, list(chunks(prepared.items, operation.batch_size))

    def _unsendable(self, item: Prepared) -> str | None:
        """Why this API version cannot send the item (Registration, CarrierChange or InfoChange
        fields it lacks), or None."""
        given: object = item.registration or item.change
        if given is None:
            return None
        model = type(given).__name__
        names, allowed = (
            (REGISTRATION_FIELDS, self._api.registration_fields)
            if item.registration is not None
            else (V2_ONLY_CHANGES[model], self._api.change_fields)
        )
        extra = [name for name in names if getattr(given, name) is not None and name not in allowed]
        if not extra:
            return None
        return (
            f"API {self.api_version} cannot send {model}.{f', {model}.'.join(extra)} "
            f"(number {item.number}). Use api_version='v2.4', or leave them out"
        )

    @staticmethod
    def _screen(check_digits: object) -> Screen | None:
        """register's ``check_digits``, checked at the call."""
        if check_digits not in CHECK_DIGIT_MODES:
            raise InvalidInputError(f"check_digits must be 'off', 'warn' or 'reject', got {check_digits!r}")
        return check_digit_screen(check_digits)

    def _stream_setup(
        self, method: str, items: Iterable[object], check_digits: object = "off"
    ) -> tuple[Operation[Any], Iterator[StreamBatch]]:
        """Check ``stream``'s arguments at the call; the items are read as requests are built."""
        operation = self._api.bulk.get(method)
        if operation is None:
            known = ", ".join(repr(name) for name in self._api.bulk)
            raise InvalidInputError(f"stream: method must be one of {known}, got {method!r}")
        screen = self._screen(check_digits)
        if screen is not None and method != "register":
            raise InvalidInputError(f"stream: check_digits is for 'register' only, not {method!r}")
        try:
            listed = bulk_items(items)
        except TypeError as exc:
            raise InvalidInputError(f"{operation.name}: {exc}") from None
        return operation, stream_batches(
            operation.kind, listed, self._unsendable, operation.batch_size, screen
        )

    def _realtime(
        self, cache_level: object, cache_level_as: object, batch_size: object
    ) -> Operation[TrackInfo]:
        realtime = self._api.realtime
        if realtime is None:
            raise self._unsupported("get_realtime_track_info")
        if not isinstance(cache_level, CacheLevel):
            raise InvalidInputError(
                f"cache_level must be CacheLevel.STANDARD or CacheLevel.INSTANT, got {cache_level!r}"
            )
        if cache_level_as not in ("name", "integer"):
            raise InvalidInputError(f"cache_level_as must be 'name' or 'integer', got {cache_level_as!r}")
        size = checked_count(batch_size, "batch_size", MAX_ITEMS_PER_REQUEST)
        return realtime(cache_level_wire(cache_level, cache_level_as), size)

    def _quota_attempts(self, max_retries: int | None) -> Attempts[Quota]:
        read = self._api.read_quota
        if read is None:
            raise self._unsupported("get_quota")
        return self._rooted(attempts("getquota", read, max_retries=self._retries(max_retries), items=0))

    def _rooted(self, loop: Attempts[R]) -> Attempts[R]:
        """``loop``, whose HTTP 404 says which root was meant when ``base_url`` lacks the API
        version's path (``/track/v2.4``): every route of a bare host answers 404."""
        end = yield from loop
        error = None if isinstance(end, Answered) else end.error
        root = urlsplit(BASE_URLS[self.api_version]).path
        if (
            isinstance(error, HTTPStatusError)
            and error.status_code == 404
            and root not in urlsplit(self.base_url).path
        ):
            hint = HTTPStatusError(
                f"{error}: base_url {self.base_url!r} lacks the path {root!r} of API {self.api_version}'s "
                f"root (e.g. {BASE_URLS[self.api_version]!r}, or {self.base_url + root!r})",
                status_code=404,
                operation=error.operation,
                attempts=error.attempts,
            )
            from track17_facade.retry import GiveUp  # noqa: PLC0415 (built on a first failure)

            return GiveUp(hint, not isinstance(end, Answered) and end.may_have_taken_effect)
        return end

    def _generated_attempts(self, endpoint: Callable[..., Any], max_retries: int | None) -> Attempts[Any]:
        """The attempt loop of one ``call_generated`` request: the facade's retry rules, and a
        refused request (a non-zero top-level ``code``) raised as the facade's methods raise it."""
        package = self._api.client_class.__module__.split(".")[0]
        module = getattr(endpoint, "__module__", None) or ""
        if not callable(endpoint) or not module.startswith(f"{package}.api."):
            raise InvalidInputError(
                f"call_generated: endpoint must be a function of {package}.api (this client speaks "
                f"{self.api_version}), got {endpoint!r}"
            )
        name = module.rsplit(".", 1)[1]

        def interpret(parsed: object) -> object:
            data = field(parsed, "data")
            check_code(name, field(parsed, "code"), request_error(data) if data is not None else (None, None))
            return parsed

        return attempts(name, interpret, max_retries=self._retries(max_retries), items=0)

    @staticmethod
    def _generated_answer(end: Answered[Any] | GiveUp, answers: list[Any]) -> Any:
        if not isinstance(end, Answered):
            raise end.error
        return answers[-1]

    def _quota(self, end: Answered[Quota] | GiveUp) -> Quota:
        """A getquota answer's balance, kept as ``last_quota`` (every read of it passes here)."""
        if not isinstance(end, Answered):
            raise end.error
        self.last_quota = end.result
        return _telemetry.quota_read(end.result)

    def _checks_quota(self, operation: Operation[Any]) -> bool:
        """Whether a call of ``operation`` ends with the low-quota check."""
        return self.quota_warning is not None and operation.name in CHARGING_OPERATIONS

    def _warn_if_low(self, quota: Quota) -> None:
        """One WARNING line when ``quota`` is below ``quota_warning``."""
        if self.quota_warning is not None and quota.remaining < self.quota_warning:
            logger.warning(
                "17TRACK quota low: %d left of %d (quota_warning=%d); registrations are refused "
                "with QUOTA_EXHAUSTED once none is left",
                quota.remaining,
                quota.total,
                self.quota_warning,
            )

    def _chunk_attempts(
        self, operation: Operation[Any], chunk: Sequence[Prepared], max_retries: int
    ) -> Attempts[dict[str, Outcome]]:
        return self._rooted(
            attempts(
                operation.name,
                lambda parsed: batch_outcomes(operation, chunk, parsed),
                max_retries=max_retries,
                items=len(chunk),
            )
        )

    @staticmethod
    def _chunk_outcomes(
        operation: Operation[Any],
        chunk: Sequence[Prepared],
        end: Answered[dict[str, Outcome]] | GiveUp,
        in_doubt: Container[str] | None = None,
    ) -> dict[str, Outcome]:
        """Per-number outcomes of a chunk: its items fail together when its request gave up, and
        "already done" answers after an ambiguous failure (of this call, or of an earlier run for
        the numbers ``in_doubt``) count as done."""
        if not isinstance(end, Answered):
            return {item.number: Failure(item.number, end.error, end.may_have_taken_effect) for item in chunk}
        outcomes = end.result
        if end.ambiguous:
            outcomes = confirm_already_done(operation, chunk, outcomes)
        elif in_doubt:
            doubtful = [item for item in chunk if item.number in in_doubt]
            outcomes = confirm_already_done(operation, doubtful, outcomes)
        for item in chunk:
            outcome = outcomes.get(item.number)
            if item.suspect and isinstance(outcome, Accepted):
                outcomes[item.number] = evolve(outcome, number_suspect=True)
            elif isinstance(outcome, Rejection) and outcome.index is None:
                outcomes[item.number] = evolve(outcome, index=item.index)  # as the SDK's own refusals
        return outcomes

    def _chunk_end(
        self,
        operation: Operation[Any],
        chunk: Sequence[Prepared],
        end: Answered[dict[str, Outcome]] | GiveUp,
        in_doubt: Container[str] | None,
        halt: threading.Event,
    ) -> dict[str, Outcome]:
        """A sent chunk's outcomes, raising the call's ``halt`` flag once 17TRACK answers
        QUOTA_EXHAUSTED for any of its items: every request of the call that has not left yet
        stays unsent (those in flight finish)."""
        if not isinstance(end, Answered) and isinstance(end.error, QuotaHaltError):
            return self._not_sent(chunk)
        outcomes = self._chunk_outcomes(operation, chunk, end, in_doubt)
        if not halt.is_set() and any(
            isinstance(outcome, Rejection) and outcome.code is ErrorCode.QUOTA_EXHAUSTED
            for outcome in outcomes.values()
        ):
            halt.set()
            logger.debug("%s: the quota is exhausted; the call sends no more requests", operation.name)
        return outcomes

    @staticmethod
    def _not_sent(chunk: Sequence[Prepared]) -> dict[str, Outcome]:
        """The outcomes of a chunk left unsent because the call's quota ran out."""
        return {
            item.number: Rejection(item.number, ErrorCode.QUOTA_EXHAUSTED, QUOTA_NOT_SENT) for item in chunk
        }

    @staticmethod
    def _chunk_result(chunk: Sequence[Prepared], outcomes: dict[str, Outcome] | None) -> BatchResult[Any]:
        """One streamed request's result, its numbers in the request's order; empty when the
        request was not sent because the call is stopping."""
        if outcomes is None:
            return BatchResult((), (), ())
        return merge(Plan(tuple(chunk), tuple(item.number for item in chunk)), outcomes)

    def _list_setup(
        self, status: object, tracking_status: object, page_size: int, max_retries: int | None
    ) -> tuple[TrackListQuery, int]:
        """Check ``iter_track_list``'s arguments at the call, before any page is fetched."""
        checked_count(page_size, "page_size", MAX_PAGE_SIZE)
        fixed = self._api.fixed_page_size
        if fixed is not None and page_size != fixed:
            raise InvalidInputError(
                f"page_size is fixed at {fixed} on API {self.api_version}, got {page_size!r}"
            )
        if tracking_status is not None:
            if "tracking_status" not in self._api.list_filters:
                raise self._unsupported("iter_track_list(tracking_status=...)")
            if not isinstance(tracking_status, TrackingStatus):
                raise InvalidInputError(
                    "tracking_status must be TrackingStatus.TRACKING, TrackingStatus.STOPPED or None, "
                    f"got {tracking_status!r}"
                )
        query = TrackListQuery(check_status_filter(status), tracking_status, page_size)
        return query, self._retries(max_retries)

    def _list_attempts(self, query: TrackListQuery, page: int, max_retries: int) -> Attempts[TrackListPage]:
        read = self._api.read_list
        return self._rooted(
            attempts(
                "gettracklist", lambda parsed: read(parsed, query, page), max_retries=max_retries, items=0
            )
        )

    @staticmethod
    def _page(end: Answered[TrackListPage] | GiveUp) -> TrackListPage:
        """One page; a page that could not be fetched raises its error."""
        if not isinstance(end, Answered):
            raise end.error
        return end.result
