"""Faults the sandbox injects on purpose: scripted (a queue) or at a seeded random rate."""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable
from enum import StrEnum


class FaultKind(StrEnum):
    """A way for a request to go wrong. ``*_AFTER_EFFECT`` kinds fail once the request took effect."""

    HTTP_500 = "500"
    HTTP_503 = "503"
    HTTP_429 = "429"
    HTTP_520 = "520"
    SLOW = "slow"
    """Answer only after ``slow_seconds``, longer than a client's timeout should be."""
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
        self._queue: deque[FaultKind] = deque()
        self._rate = rate
        self._kinds = tuple(kinds)
        self._rng = random.Random(seed)

    def enqueue(self, *kinds: FaultKind | str) -> None:
        """Make the next requests fail in these ways, one each, in order."""
        with self._lock:
            self._queue.extend(FaultKind(kind) for kind in kinds)

    def configure(self, *, rate: float, kinds: Iterable[FaultKind] | None = None) -> None:
        """Change the random fault rate (and kinds) from now on."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {rate}")
        with self._lock:
            self._rate = rate
            if kinds is not None:
                self._kinds = tuple(kinds)

    def next_fault(self) -> FaultKind | None:
        """The fault for the request being handled now, or None."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self._rate and self._kinds and self._rng.random() < self._rate:
                return self._rng.choice(self._kinds)
            return None
