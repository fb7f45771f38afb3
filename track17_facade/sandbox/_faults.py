"""Faults the sandbox injects on purpose: scripted (a queue) or at a seeded random rate."""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from attrs import field, frozen


class FaultKind(StrEnum):
    """A way for a request to go wrong. ``*_AFTER_EFFECT`` kinds fail once the request took effect."""

    HTTP_500 = "500"
    """Answer 500 Internal Server Error, before the request takes effect."""
    HTTP_503 = "503"
    """Answer 503 Service Unavailable, before the request takes effect."""
    HTTP_429 = "429"
    """Answer 429 Too Many Requests, as if the key's limit were exceeded."""
    HTTP_520 = "520"
    """Answer 520 (a CDN's "unknown error" in front of the server), before the request takes effect."""
    SLOW = "slow"
    """Answer only after ``slow_seconds``, longer than a client's timeout should be (a sandbox
    stopped meanwhile answers 503 at once, without the request taking effect)."""
    DROP = "drop"
    """Close the connection mid-answer, before the request took effect."""
    TRUNCATED = "truncated"
    """Take effect, then answer 200 with the JSON cut in half."""
    DROP_AFTER_EFFECT = "drop_after_effect"
    """Take effect, then close the connection mid-answer."""
    ERROR_AFTER_EFFECT = "500_after_effect"
    """Take effect, then answer 500."""

    @property
    def takes_effect(self) -> bool:
        """True when the request is carried out before the failure (or, for SLOW, at all)."""
        return self in (
            FaultKind.SLOW,
            FaultKind.TRUNCATED,
            FaultKind.DROP_AFTER_EFFECT,
            FaultKind.ERROR_AFTER_EFFECT,
        )


def _header_copy(headers: Mapping[str, str]) -> dict[str, str]:
    return dict(headers)


@frozen
class RawAnswer:
    """An answer sent exactly as given in place of the real one, before the request takes effect.

    What a proxy, a load balancer or a CDN in front of 17TRACK sends on a bad day: an HTML error
    page, plain text or an empty body, with any status:

    ```python
    sandbox.faults.enqueue(RawAnswer.html(503))
    sandbox.faults.enqueue(RawAnswer(429, b"slow down", "text/plain", {"Retry-After": "3"}))
    ```
    """

    status: int
    """The HTTP status to answer with."""
    body: bytes = field(default=b"", repr=lambda body: f"<{len(body)} bytes>")
    """The body, sent as it is."""
    content_type: str = "text/html; charset=utf-8"
    """The answer's Content-Type."""
    headers: Mapping[str, str] = field(factory=dict, converter=_header_copy)
    """More headers to send (e.g. `Retry-After`)."""

    @classmethod
    def html(cls, status: int, headers: Mapping[str, str] | None = None) -> RawAnswer:
        """A proxy's HTML error page with this status."""
        page = f"<html><head><title>{status}</title></head><body><h1>{status}</h1>nginx</body></html>"
        return cls(status, page.encode(), "text/html; charset=utf-8", headers or {})

    @property
    def label(self) -> str:
        """How the sandbox's stats count it, e.g. ``raw_503``."""
        return f"raw_{self.status}"

    def to_json(self) -> dict[str, Any]:
        """The admin route's form: ``{"status", "body", "content_type", "headers"}``."""
        return {
            "status": self.status,
            "body": self.body.decode("utf-8", "replace"),
            "content_type": self.content_type,
            "headers": dict(self.headers),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> RawAnswer:
        """The inverse of ``to_json``."""
        status = raw["status"]
        if not isinstance(status, int) or not 100 <= status <= 999:
            raise ValueError(f"a raw answer's status must be an integer from 100 to 999, got {status!r}")
        return cls(
            status,
            str(raw.get("body", "")).encode(),
            str(raw.get("content_type", "text/html; charset=utf-8")),
            {str(k): str(v) for k, v in dict(raw.get("headers") or {}).items()},
        )


Fault = FaultKind | RawAnswer


class FaultInjector:
    """Decides which fault, if any, the next API request meets. Thread-safe.

    Scripted faults (``enqueue``) come first, one per request, in order; after them each request
    fails with probability ``rate``, with a kind drawn from ``kinds``, from a generator seeded by
    ``seed``, so that a run can be repeated exactly.
    """

    def __init__(
        self, *, rate: float = 0.0, kinds: Iterable[FaultKind] = tuple(FaultKind), seed: int = 0
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {rate}")
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()
        self._rate = rate
        self._kinds = tuple(kinds)
        self._rng = random.Random(seed)

    def enqueue(self, *faults: FaultKind | str | RawAnswer) -> None:
        """Make the next requests fail in these ways, one each, in order."""
        with self._lock:
            self._queue.extend(
                fault if isinstance(fault, RawAnswer) else FaultKind(fault) for fault in faults
            )

    @property
    def rate(self) -> float:
        """The share of requests that fail at random now."""
        return self._rate

    def configure(self, *, rate: float, kinds: Iterable[FaultKind] | None = None) -> None:
        """Change the random fault rate (and kinds) from now on."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {rate}")
        with self._lock:
            self._rate = rate
            if kinds is not None:
                self._kinds = tuple(kinds)

    def next_fault(self) -> Fault | None:
        """The fault for the request being handled now, or None."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self._rate and self._kinds and self._rng.random() < self._rate:
                return self._rng.choice(self._kinds)
            return None
