"""The options of a call and of a client, checked where they are given: timeouts (and how a
call's own timeout reaches its requests), retries, the base URL, proxies from the environment,
filters, the before-send and progress callbacks."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Container, Sequence
from typing import Any, Final, Literal

import httpx
from httpx._client import UseClientDefault

from track17_facade._batching import (
    Prepared,
)
from track17_facade._constants import (
    API_VERSION_NAMES,
    BASE_URLS,
    version_in_url,
)
from track17_facade._records import Record
from track17_facade.errors import InvalidInputError, Track17Error
from track17_facade.ratelimit import DEPARTING, QUEUEING
from track17_facade.status import CacheLevel, MainStatus

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
"""17TRACK often takes 0.5-1 s to answer from far away; 20 s leaves room without hanging forever."""


BeforeSend = Callable[[Sequence[str]], None]
"""Called as ``before_send(numbers)`` just before a streamed request is first sent."""

ProgressCallback = Callable[[int, int], None]
"""Called as ``callback(items_done, items_total)`` after each request of a bulk call completes."""

TimeoutTypes = float | httpx.Timeout | None
"""Seconds, an ``httpx.Timeout``, or None for no limit."""


class CallOptions(Record):
    """What one call asks of each of its requests, handed down as one value to the generated
    endpoint functions (their ``timeout`` and ``extensions``): no context variable, no hook."""

    __slots__ = ("before_send", "in_doubt", "on_progress", "retries", "timeout")
    retries: int
    """Retries after each request's first attempt."""
    timeout: httpx.Timeout | UseClientDefault
    """The call's own timeout, or the client's."""
    before_send: BeforeSend | None
    """``stream``'s hook: called with a request's numbers once it has its slot (see ``stream``)."""
    in_doubt: Container[str] | None
    """``stream``'s numbers that an earlier run may have sent already."""
    on_progress: ProgressCallback | None
    """Called as ``on_progress(done, total)`` after each request of a bulk call."""

    def __init__(
        self,
        retries: int,
        timeout: httpx.Timeout | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
        before_send: BeforeSend | None = None,
        in_doubt: Container[str] | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self._assign(locals())

    def per_request(
        self, chunk: Sequence[Prepared] = (), halt: threading.Event | None = None
    ) -> dict[str, Any]:
        """The keyword arguments of a generated call for a request of ``chunk``; ``halt``: the
        call's "quota exhausted" flag, checked before the request books its slot and again when
        it has it."""
        if self.before_send is None and halt is None:
            return {"timeout": self.timeout, "extensions": None}
        departure = Departure(self.before_send, chunk, halt)
        return {
            "timeout": self.timeout,
            "extensions": {QUEUEING: departure.check, DEPARTING: departure.depart},
        }


class QuotaHaltError(Track17Error):
    """A request not sent because an earlier request of its call found the quota exhausted (the
    clients turn it into QUOTA_EXHAUSTED rejections saying so; never raised to a user)."""


class Departure:
    """A chunk's request leaving: ``before_send(numbers)`` called once, when it first gets its
    rate-limit slot (later attempts change nothing for a journal), and the call's ``halt`` flag
    checked before it books a slot and again once it has one. Only a request that never left is
    halted: a retry of one that may have taken effect goes on, so that recovery can confirm it."""

    def __init__(
        self, before_send: BeforeSend | None, chunk: Sequence[Prepared], halt: threading.Event | None
    ) -> None:
        self._before_send, self._halt = before_send, halt
        self._numbers = [item.number for item in chunk]
        self._departed = False

    def check(self) -> None:
        """Raise ``QuotaHaltError`` if the call is halted and this request never left."""
        if not self._departed and self._halt is not None and self._halt.is_set():
            raise QuotaHaltError("not sent: the quota ran out on an earlier request of this call")

    def depart(self) -> None:
        """The request has its slot: check again, then announce it (the first time)."""
        if self._departed:
            return
        self.check()
        if self._before_send is not None:
            self._before_send(self._numbers)
        self._departed = True


class NotGiven:
    """The type of ``NOT_GIVEN``: an argument left out, where None means something (no timeout)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

# The timeout of the bulk call being run, for its requests only. A request hook applies it to each
# request's extensions, where httpcore reads it; the shared httpx client is never changed.
CacheLevelAs = Literal["name", "integer"]
"""How ``get_realtime_track_info`` writes an explicit ``cacheLevel``: 17TRACK's prose names the
levels ("Instant"), its parameter table numbers them (2)."""


def cache_level_wire(level: CacheLevel, written_as: str) -> str | int | None:
    """``cacheLevel`` as sent: omitted for the standard level, 17TRACK's documented default (so no
    reading of the field can charge more for it); for the instant level, its name, or its number
    with ``written_as="integer"``. A public v2.2 client sends ``1`` for a real-time fetch where the
    table gives 1 to the standard level: a number is ambiguous, a name is not."""
    if level is CacheLevel.STANDARD:
        return None
    return 2 if written_as == "integer" else level.value


def as_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    """An ``httpx.Timeout`` from seconds, a Timeout, or None (no limit)."""
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def checked_timeout(timeout: object, owner: str) -> httpx.Timeout:
    """``timeout`` as an ``httpx.Timeout``, refusing what httpx would only trip over later.

    Raises:
        TypeError: not seconds, an ``httpx.Timeout`` or None.
        InvalidInputError: a negative or non-finite number of seconds.
    """
    if timeout is None or isinstance(timeout, httpx.Timeout):
        return as_timeout(timeout)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(
            f"{owner}: timeout must be seconds, an httpx.Timeout or None, got {type(timeout).__name__}"
        )
    if not math.isfinite(timeout) or timeout < 0:
        raise InvalidInputError(
            f"{owner}: timeout must be a number of seconds >= 0 (or None), got {timeout!r}"
        )
    return as_timeout(timeout)


def checked_count(value: object, name: str, most: int) -> int:
    """A count (a batch or page size), after checking that it is an integer from 1 to ``most``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise InvalidInputError(f"{name} must be an integer from 1 to {most}, got {value!r}")
    return value


def check_retries(max_retries: object, owner: str) -> None:
    """Refuse a ``max_retries`` that is not an integer >= 0."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise TypeError(f"{owner}: max_retries must be an integer, got {type(max_retries).__name__}")
    if max_retries < 0:
        raise InvalidInputError(f"{owner}: max_retries must be >= 0, got {max_retries}")


def checked_base_url(base_url: object, api_version: str, owner: str) -> str:
    """``base_url`` without its trailing slash, after checking that it is an http(s) URL and that
    its path does not name another API version than the client speaks.

    Raises:
        TypeError: not a string or ``httpx.URL``.
        InvalidInputError: no http/https scheme or host, or the root of another API version.
    """
    if isinstance(base_url, httpx.URL):
        base_url = str(base_url)
    if not isinstance(base_url, str):
        raise TypeError(f"{owner}: base_url must be a string, got {type(base_url).__name__}")
    try:
        url = httpx.URL(base_url.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise InvalidInputError(f"{owner}: base_url {base_url!r} is not a URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidInputError(
            f"{owner}: base_url must be an http:// or https:// URL with a host, got {base_url!r} "
            f"(e.g. {BASE_URLS[api_version]!r})"
        )
    named = version_in_url(base_url)
    if named is not None and named != api_version:
        hint = (
            f"api_version={named!r}" if named in API_VERSION_NAMES else f"a base_url ending in /{api_version}"
        )
        raise InvalidInputError(
            f"{owner}: base_url {base_url!r} is the root of API {named}, but this client speaks "
            f"{api_version}: pass {hint}"
        )
    return base_url.strip().rstrip("/")


def environment_proxy(url: str) -> httpx.Proxy | None:
    """The proxy that the standard environment variables name for ``url``, as httpx reads them.

    ``HTTPS_PROXY`` / ``HTTP_PROXY`` by the URL's scheme, else ``ALL_PROXY`` (upper or lower case);
    none when ``NO_PROXY`` covers the host (``*``, the host itself, or a parent domain). A value
    without a scheme is taken as ``http://``.
    """
    import urllib.request  # noqa: PLC0415 (25 ms to import; only a client being built needs it)

    target = httpx.URL(url)
    proxies = urllib.request.getproxies_environment()
    if _no_proxy_covers(target.host, proxies.get("no", "")):
        return None
    found = proxies.get(target.scheme) or proxies.get("all")
    if not found:
        return None
    return httpx.Proxy(found if "://" in found else f"http://{found}")


def _no_proxy_covers(host: str, no_proxy: str) -> bool:
    host = host.lower()
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        if entry == "*":
            return True
        name = entry.split("://", 1)[-1].rsplit(":", 1)[0] if entry.count(":") <= 2 else entry
        name = name.strip("[]").lstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def check_status_filter(status: object) -> MainStatus | None:
    """The ``status`` filter of gettracklist as a MainStatus (None: every status), read as
    ``MainStatus.parse`` reads it."""
    return None if status is None else MainStatus.parse(status)
