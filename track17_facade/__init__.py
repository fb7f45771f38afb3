"""track17: the Python SDK for the 17TRACK shipment-tracking API.

The public surface:

```python
from track17_facade import Track17Client, AsyncTrack17Client, MainStatus, SubStatus, ErrorCode, Carrier
from track17_facade import parse_webhook, WebhookEvent   # receiving pushes
from track17_facade import CarrierDirectory, check_number  # carriers by name, number checks
```

Modules: ``errors`` (the exception tree), ``models``, ``status``, ``codes``, ``carriers``,
``numbers``, ``ratelimit`` (its ``RedisRateLimiter`` needs ``track17[redis]``; the old
``redis_limiter`` re-exports it), ``retry``, ``webhooks`` and ``sandbox`` (``track17[sandbox]``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from track17_facade._version import __version__

if TYPE_CHECKING:
    from track17_facade._async_client import AsyncTrack17Client
    from track17_facade._client import Track17Client
    from track17_facade._constants import DEFAULT_BASE_URL, ApiVersion
    from track17_facade._options import ProgressCallback
    from track17_facade.carriers import (
        Carrier,
        CarrierDirectory,
        CarrierInfo,
        CarrierLike,
        CarrierListError,
        CarrierNotFoundError,
    )
    from track17_facade.codes import ErrorCode
    from track17_facade.errors import (
        APIError,
        ApiKeyUnavailableError,
        AuthenticationError,
        BatchFailedError,
        HTTPStatusError,
        InvalidInputError,
        InvalidResponseError,
        RateLimitError,
        RateLimiterUnavailableError,
        RequestError,
        RequestTimeoutError,
        ServerError,
        SignatureError,
        Track17Error,
        TransportError,
        WebhookError,
        WebhookParseError,
    )
    from track17_facade.models import (
        Accepted,
        Address,
        BatchResult,
        CarrierChange,
        CarrierLeg,
        EstimatedDelivery,
        Failure,
        InfoChange,
        Milestone,
        Quota,
        Registration,
        Rejection,
        TrackEvent,
        TrackInfo,
        TrackListEntry,
    )
    from track17_facade.numbers import NumberCheck, check_number
    from track17_facade.ratelimit import Margin, RateLimiter, SlidingWindowLimiter
    from track17_facade.status import CacheLevel, MainStatus, SubStatus, TrackingStatus
    from track17_facade.webhooks import (
        WebhookEvent,
        WebhookEventType,
        compute_signature,
        parse_webhook,
        verify_signature,
    )

_EXPORTS: dict[str, str] = {
    "APIError": "track17_facade.errors",
    "ApiKeyUnavailableError": "track17_facade.errors",
    "Accepted": "track17_facade.models",
    "Address": "track17_facade.models",
    "ApiVersion": "track17_facade._constants",
    "AsyncTrack17Client": "track17_facade._async_client",
    "AuthenticationError": "track17_facade.errors",
    "BatchFailedError": "track17_facade.errors",
    "BatchResult": "track17_facade.models",
    "CacheLevel": "track17_facade.status",
    "Carrier": "track17_facade.carriers",
    "CarrierDirectory": "track17_facade.carriers",
    "CarrierInfo": "track17_facade.carriers",
    "CarrierLeg": "track17_facade.models",
    "CarrierLike": "track17_facade.carriers",
    "CarrierListError": "track17_facade.carriers",
    "CarrierNotFoundError": "track17_facade.carriers",
    "DEFAULT_BASE_URL": "track17_facade._constants",
    "ErrorCode": "track17_facade.codes",
    "EstimatedDelivery": "track17_facade.models",
    "Failure": "track17_facade.models",
    "HTTPStatusError": "track17_facade.errors",
    "InvalidInputError": "track17_facade.errors",
    "InvalidResponseError": "track17_facade.errors",
    "MainStatus": "track17_facade.status",
    "Margin": "track17_facade.ratelimit",
    "Milestone": "track17_facade.models",
    "NumberCheck": "track17_facade.numbers",
    "ProgressCallback": "track17_facade._options",
    "Quota": "track17_facade.models",
    "RateLimitError": "track17_facade.errors",
    "RateLimiter": "track17_facade.ratelimit",
    "RateLimiterUnavailableError": "track17_facade.errors",
    "Registration": "track17_facade.models",
    "CarrierChange": "track17_facade.models",
    "InfoChange": "track17_facade.models",
    "Rejection": "track17_facade.models",
    "RequestError": "track17_facade.errors",
    "RequestTimeoutError": "track17_facade.errors",
    "ServerError": "track17_facade.errors",
    "SignatureError": "track17_facade.errors",
    "SlidingWindowLimiter": "track17_facade.ratelimit",
    "SubStatus": "track17_facade.status",
    "Track17Client": "track17_facade._client",
    "Track17Error": "track17_facade.errors",
    "TrackEvent": "track17_facade.models",
    "TrackInfo": "track17_facade.models",
    "TrackListEntry": "track17_facade.models",
    "TrackingStatus": "track17_facade.status",
    "TransportError": "track17_facade.errors",
    "WebhookError": "track17_facade.errors",
    "WebhookEvent": "track17_facade.webhooks",
    "WebhookEventType": "track17_facade.webhooks",
    "WebhookParseError": "track17_facade.errors",
    "check_number": "track17_facade.numbers",
    "compute_signature": "track17_facade.webhooks",
    "parse_webhook": "track17_facade.webhooks",
    "verify_signature": "track17_facade.webhooks",
}
"""Where each public name lives. ``import track17_facade`` loads none of them: each module is
imported when one of its names is first used (PEP 562), so that a process pays only for what it
uses (the command line's ``--help`` loads no HTTP client)."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'track17_facade' has no attribute {name!r}")
    try:
        value = getattr(importlib.import_module(module), name)
    except AttributeError as exc:
        # Raised while importing (a contract field gone from _fields): `from track17_facade import
        # name` would turn it into "cannot import name" and lose which field it was.
        raise ImportError(f"track17_facade.{name}: {exc}") from exc
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "DEFAULT_BASE_URL",
    "APIError",
    "Accepted",
    "Address",
    "ApiKeyUnavailableError",
    "ApiVersion",
    "AsyncTrack17Client",
    "AuthenticationError",
    "BatchFailedError",
    "BatchResult",
    "CacheLevel",
    "Carrier",
    "CarrierChange",
    "CarrierDirectory",
    "CarrierInfo",
    "CarrierLeg",
    "CarrierLike",
    "CarrierListError",
    "CarrierNotFoundError",
    "ErrorCode",
    "EstimatedDelivery",
    "Failure",
    "HTTPStatusError",
    "InfoChange",
    "InvalidInputError",
    "InvalidResponseError",
    "MainStatus",
    "Margin",
    "Milestone",
    "NumberCheck",
    "ProgressCallback",
    "Quota",
    "RateLimitError",
    "RateLimiter",
    "RateLimiterUnavailableError",
    "Registration",
    "Rejection",
    "RequestError",
    "RequestTimeoutError",
    "ServerError",
    "SignatureError",
    "SlidingWindowLimiter",
    "SubStatus",
    "Track17Client",
    "Track17Error",
    "TrackEvent",
    "TrackInfo",
    "TrackListEntry",
    "TrackingStatus",
    "TransportError",
    "WebhookError",
    "WebhookEvent",
    "WebhookEventType",
    "WebhookParseError",
    "__version__",
    "check_number",
    "compute_signature",
    "parse_webhook",
    "verify_signature",
]
