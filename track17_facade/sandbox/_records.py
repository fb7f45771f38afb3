"""What a sandbox is set up with (``SandboxConfig``), and what it keeps of the requests it received
(``RequestRecord``, ``RecordedResponse``) and shows of them (``SandboxStats``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from attrs import define, field, frozen

from track17_facade.sandbox._faults import FaultKind
from track17_facade.sandbox._webhooks import V1Shape, WebhookFormat

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_START",
    "RecordedResponse",
    "RequestRecord",
    "SandboxConfig",
    "SandboxStats",
]

DEFAULT_API_KEY = "sandbox-key"
DEFAULT_START = datetime(2026, 1, 5, 8, 0)
_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)


@define(kw_only=True)
class SandboxConfig:
    """How a sandbox behaves. Every field has a default that mirrors 17TRACK."""

    api_keys: tuple[str, ...] = (DEFAULT_API_KEY,)
    """Keys accepted in the ``17token`` header; the first one signs webhooks (during the overlap of
    ``Sandbox.rotate_key``, the key it replaced does)."""
    rate: int = 3
    """Requests each key may make in any sliding ``window`` (17TRACK: 3 per second)."""
    window: float = 1.0
    """The rate window's length in seconds (17TRACK: 1)."""
    latency: float = 0.0
    """Seconds to hold every answer, to feel like a far-away server."""
    arrival_jitter: float = 0.0
    """Up to this many seconds (uniformly random, seeded) between a request reaching the sandbox
    and its arrival being stamped for the rate window: what a real network adds to the client's
    even spacing."""
    seed: int = 17
    """Seeds the simulated shipments and random faults."""
    quota: int | None = None
    """Registrations the account may make in all (each charges 1, 2 with ``lang``); past it,
    QUOTA_EXHAUSTED. None: no limit."""
    daily_limit: int | None = None
    """Registrations allowed per sandbox day; past it, DAILY_LIMIT_EXCEEDED. None: no limit."""
    webhook_url: str | None = None
    """Where pushes go; None: nowhere."""
    webhook_format: WebhookFormat | None = None
    """The shape of every push: "v1" or "v2". None (the default) pushes each number in the
    shape of the API version it was registered through, as 17TRACK does: a number registered
    through ``/track/v2.4/`` gets v2 pushes, one registered through ``/track/v1/`` v1 pushes."""
    v1_shape: V1Shape = "17track"
    """How v1 answers and pushes are written: "17track" (the default), as 17TRACK's service sends
    them (``e``, ``w1``, ``z0``/``z1``/``z2`` with events ``{a: time, c/d: place, z:
    description}``, the push's ``sign`` in its body), or "contract", as ``openapi.yaml`` names
    the fields (to check a reader of that document)."""
    fault_rate: float = 0.0
    """The share of API requests (0 to 1) that fail at random, in one of ``fault_kinds``, drawn
    from ``seed``; ``Sandbox.faults.enqueue`` scripts them one by one instead."""
    fault_kinds: tuple[FaultKind, ...] = tuple(FaultKind)
    """The faults ``fault_rate`` picks from (every ``FaultKind`` by default)."""
    slow_seconds: float = 3.0
    """How long a ``FaultKind.SLOW`` answer takes (longer than a client's timeout should be)."""
    webhook_retry_delays: tuple[float, ...] = _RETRY_DELAYS
    """Seconds between a push's attempts after a failure (its length is the number of retries)."""
    webhook_drop: float = 0.0
    """The share of pushes never delivered (as a receiver that was down would miss them), so that
    polling has something to recover. Chosen per push from ``seed``, the same in every run."""
    webhook_repeat: float = 0.0
    """The share of pushes delivered twice (17TRACK delivers again when it is unsure)."""
    webhook_reorder: float = 0.0
    """The share of pushes held back and delivered after the push queued next, when there is one
    (deliveries overtaking one another)."""
    start_time: datetime = DEFAULT_START
    """Where the sandbox clock starts (naive, UTC); ``Sandbox.advance`` moves it."""
    record_responses: bool = False
    """Keep every answer (path, status, body) in ``Sandbox.responses``, for contract checks."""


@frozen
class RecordedResponse:
    """An answer the sandbox sent (kept when ``record_responses`` is on)."""

    path: str
    """The request's path."""
    status: int
    """The HTTP status answered."""
    body: bytes = field(repr=False)
    """The body answered."""


@frozen
class RequestRecord:
    """One request the sandbox received: its path, the status it answered (0 for a connection
    dropped on purpose), and ``time.monotonic()`` stamps of its arrival and of its answer. An API
    request's arrival is the stamp its key's rate window counted (after any ``arrival_jitter``)."""

    path: str
    """The request's path (``/track/v1/register``, ``/_sandbox/stats``, ...)."""
    status: int
    """The HTTP status answered (0: the connection was dropped on purpose)."""
    arrived: float
    """``time.monotonic()`` when it arrived (for an API request, the rate window's stamp)."""
    answered: float
    """``time.monotonic()`` when it was answered."""
    items: int | None = None
    """The items an API request carried; None where its body was not read (a fault answered
    first) or was not a list."""
    accepted: int | None = None
    """Items its answer accepted; None for an answer without that list."""
    rejected: int | None = None
    """Items its answer rejected; None for an answer without that list."""
    fault: str | None = None
    """The fault injected into its answer (a ``FaultKind`` value, or ``raw_<status>``), if any."""
    uncertainty: float = 0.0
    """For an API request, how much earlier than ``arrived`` it may really have arrived (the
    sandbox stamps a request when its event loop reads it; see ``SandboxStats.rate_limited_certain``)."""


@frozen
class SandboxStats:
    """Counters for tests and benchmarks (``Sandbox.stats()``)."""

    requests: int
    """API requests received (admin routes not counted), 429s included."""
    rate_limited: int
    """Requests answered 429 for going over ``rate`` in a ``window``."""
    max_requests_in_window: int
    """The most requests of one key that arrived within any ``window``."""
    max_items_in_request: int
    """The most items one request carried (17TRACK takes 40)."""
    faults_injected: Mapping[str, int]
    """Faults injected so far, by kind: ``FaultKind`` values ("503", "drop", ...) and, for a
    ``RawAnswer``, ``raw_<status>``. A mapping, not a number: ``sum(stats.faults_injected.values())``
    is the total."""
    responses_by_status: Mapping[int, int]
    """Answers sent, by HTTP status (0 for a connection dropped on purpose)."""
    quota_used: int
    """Quota charged so far."""
    registered: int
    """Numbers registered now."""
    rate_limited_certain: int = 0
    """429s the client certainly caused: the window held ``rate`` earlier requests however early
    within its stamp's uncertainty each really arrived (the sandbox stamps a request when its
    event loop reads it, which a busy host can delay). The others may come from the sandbox's own
    delays (see ``pauses``)."""
    max_requests_in_window_certain: int = 0
    """The most requests of one key that certainly arrived within one ``window`` (stamps counted
    at the earliest arrival their uncertainty allows)."""
    pauses: int = 0
    """Times the sandbox itself was paused for more than 20 ms (a busy host, or the GIL)."""
