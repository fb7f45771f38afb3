"""Every exception this SDK raises, rooted in ``Track17Error``:

```text
    Track17Error
    ├── InvalidInputError             arguments the SDK cannot send (also a ValueError)
    ├── RequestError                  a request that failed (.operation, .attempts)
    │   ├── HTTPStatusError           an HTTP error status (.status_code): not retried
    │   │   ├── AuthenticationError   401: wrong key, IP not allowed, account disabled
    │   │   ├── RateLimitError        429 after the last retry (.retry_after)
    │   │   └── ServerError           5xx (520 included) after the last retry
    │   ├── APIError                  a request refused with a 17TRACK code (.code)
    │   ├── InvalidResponseError      a 2xx answer that is not the contract's JSON
    │   └── TransportError            no complete answer: connection refused or dropped
    │       └── RequestTimeoutError   no answer within the timeout
    ├── ApiKeyUnavailableError        the ``api_key`` callable raised or gave no key
    ├── RateLimiterUnavailableError   the shared (Redis) limiter stayed unreachable
    ├── BatchFailedError              ``raise_for_failures()`` found failed items
    ├── WebhookError                  a push that cannot be accepted
    │   ├── SignatureError            missing or wrong ``sign`` (header, or v1 body)
    │   └── WebhookParseError         not a valid push (also a ValueError)
    └── StoreError                    a shipment store that cannot do what was asked
        ├── StoreUnavailableError     database unreachable or busy: nothing stored
        ├── StoreSetupError           database unusable as set up: retrying won't help
        └── StoreSchemaError          schema newer than this release, or not upgraded
```

An error status is classified by its HTTP status whatever its body holds (HTML, text, nothing).

No message, ``str`` or ``repr`` of these exceptions contains the API key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from track17_facade._secrets import redact
from track17_facade.codes import ErrorCode

__all__ = [
    "APIError",
    "ApiKeyUnavailableError",
    "AuthenticationError",
    "BatchFailedError",
    "HTTPStatusError",
    "InvalidInputError",
    "InvalidResponseError",
    "RateLimitError",
    "RateLimiterUnavailableError",
    "RequestError",
    "RequestTimeoutError",
    "ServerError",
    "SignatureError",
    "StoreError",
    "StoreSchemaError",
    "StoreSetupError",
    "StoreUnavailableError",
    "Track17Error",
    "TransportError",
    "WebhookError",
    "WebhookParseError",
]

if TYPE_CHECKING:
    from track17_facade.models import Failure


class Track17Error(Exception):
    """The root of every exception raised by track17. Its message never holds an API key: any
    key the SDK was given is replaced by ``[api key]`` (see ``track17_facade._secrets``)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(arg) if isinstance(arg, str) else arg for arg in args))


class InvalidInputError(Track17Error, ValueError):
    """Arguments that cannot be sent, such as a malformed tracking number where one is required."""


class RequestError(Track17Error):
    """A request that failed. ``operation`` is the endpoint, ``attempts`` how many were made."""

    def __init__(self, message: str, *, operation: str = "", attempts: int = 1) -> None:
        super().__init__(message)
        self.operation = operation
        """The operation that failed, as 17TRACK names its endpoint (e.g. "register", "gettrackinfo")."""
        self.attempts = attempts
        """How many attempts were made, the first included."""


class HTTPStatusError(RequestError):
    """A request answered with an HTTP error status (``status_code``)."""

    def __init__(self, message: str, *, status_code: int, operation: str = "", attempts: int = 1) -> None:
        super().__init__(message, operation=operation, attempts=attempts)
        self.status_code = status_code
        """The HTTP status of the last answer (e.g. 401, 429, 503; 200 for an account error that
        17TRACK answered with HTTP 200 and a 401 code in the body)."""


class AuthenticationError(HTTPStatusError):
    """HTTP 401: the key is wrong, the caller's IP is not whitelisted, or the account is disabled.

    Never retried: every further request would fail the same way.
    """


class RateLimitError(HTTPStatusError):
    """HTTP 429 after the last retry. ``retry_after`` is the server's hint in seconds, if it gave one."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None,
        operation: str = "",
        attempts: int = 1,
    ) -> None:
        super().__init__(message, status_code=429, operation=operation, attempts=attempts)
        self.retry_after = retry_after
        """The server's ``Retry-After`` in seconds, or None when it gave none."""


class ServerError(HTTPStatusError):
    """An HTTP 5xx (or other unexpected status) that persisted through every retry."""


class APIError(RequestError):
    """17TRACK refused a whole request with a top-level error ``code`` (an ``ErrorCode``)."""

    def __init__(self, message: str, *, code: ErrorCode, operation: str = "", attempts: int = 1) -> None:
        super().__init__(message, operation=operation, attempts=attempts)
        self.code = code
        """17TRACK's top-level error code (e.g. ``ErrorCode.INVALID_SECURITY_KEY``); ``code.meaning`` says
        what it means."""


class InvalidResponseError(RequestError):
    """The server answered, but not with the contract's JSON (truncated body, wrong shape)."""


class TransportError(RequestError):
    """The request did not complete: the connection was refused, reset or dropped."""


class RequestTimeoutError(TransportError):
    """No complete answer arrived within the timeout."""


class ApiKeyUnavailableError(Track17Error):
    """The client's ``api_key`` callable raised, or returned something that is not a usable key.

    A setup error, not a transient one: the call stops at once (nothing more is sent), as for a
    refused key. The message names the problem, never a key; ``__cause__`` is what the callable
    raised.
    """


class RateLimiterUnavailableError(Track17Error):
    """A shared rate limiter (Redis) cannot be reached, so requests are not sent unthrottled.

    An attempt that meets it is retried with backoff like any transient failure; a number fails
    with it only when the call's retries ran out while the limiter stayed unreachable.
    """


class BatchFailedError(Track17Error):
    """Raised by ``BatchResult.raise_for_failures()``; ``failures`` lists every failed item."""

    def __init__(self, failures: Sequence[Failure]) -> None:
        self.failures = tuple(failures)
        """Every item that failed after retries, in input order."""
        first = self.failures[0]
        super().__init__(
            f"{len(self.failures)} item(s) failed after retries; first: {first.number}: {first.error}"
        )


class WebhookError(Track17Error):
    """A webhook push that cannot be accepted."""


class SignatureError(WebhookError):
    """The push's signature is missing or does not match the body and the API key: the ``sign``
    header (v2 pushes), or the ``sign`` a v1 push carries in its body."""


class WebhookParseError(WebhookError, ValueError):
    """The body is not a valid 17TRACK push; the message says what is wrong and where."""


class StoreError(Track17Error):
    """A shipment store (``track17_facade.shipments``) that cannot do what was asked."""


class StoreUnavailableError(StoreError):
    """The store's database cannot be reached or is busy beyond its timeout. Nothing was stored:
    a webhook receiver answers 503, so that 17TRACK delivers the push again later."""


class StoreSetupError(StoreError):
    """The store's database cannot serve as asked, and trying again will not change that: a file
    that is not a database, a directory that does not exist, a read-only file opened for writing,
    no store where one is read, a database refused by name or password. The message says what
    is wrong and what to do."""


class StoreSchemaError(StoreError):
    """The store's schema is not one this release can use: newer than it (written by a later
    release), or older and opened with ``upgrade=False``."""
