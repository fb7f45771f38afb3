"""track17: the Python SDK for the 17TRACK shipment-tracking API.

The public surface::

    from track17_facade import Track17Client, AsyncTrack17Client, MainStatus, SubStatus, ErrorCode, Carrier
    from track17_facade import parse_webhook, WebhookEvent   # receiving pushes
    from track17_facade import CarrierDirectory, check_number  # carriers by name, number checks

Modules: ``errors`` (the exception tree), ``models``, ``status``, ``codes``, ``carriers``,
``numbers``, ``ratelimit``, ``retry``, ``webhooks``, ``redis_limiter`` (``track17[redis]``) and ``sandbox``
(``track17[sandbox]``).
"""

from track17_facade._async_client import AsyncTrack17Client
from track17_facade._base import DEFAULT_BASE_URL, ApiVersion, ProgressCallback
from track17_facade._client import Track17Client
from track17_facade._version import __version__
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
    CacheLevel,
    EstimatedDelivery,
    Failure,
    Milestone,
    Quota,
    Registration,
    Rejection,
    TrackEvent,
    TrackInfo,
    TrackingStatus,
    TrackListEntry,
)
from track17_facade.numbers import NumberCheck, check_number
from track17_facade.ratelimit import Margin, RateLimiter, SlidingWindowLimiter
from track17_facade.status import MainStatus, SubStatus
from track17_facade.webhooks import (
    WebhookEvent,
    WebhookEventType,
    compute_signature,
    parse_webhook,
    verify_signature,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "APIError",
    "Accepted",
    "Address",
    "ApiVersion",
    "AsyncTrack17Client",
    "AuthenticationError",
    "BatchFailedError",
    "BatchResult",
    "CacheLevel",
    "Carrier",
    "CarrierDirectory",
    "CarrierInfo",
    "CarrierLike",
    "CarrierListError",
    "CarrierNotFoundError",
    "ErrorCode",
    "EstimatedDelivery",
    "Failure",
    "HTTPStatusError",
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
