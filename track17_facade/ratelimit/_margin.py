"""The margin each rate-limit window adds for the link: it starts safe and is earned down on the
evidence of the answers (see ``Margin``)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from track17_facade._secrets import redacting_logger

logger = redacting_logger("track17")

MARGIN_FLOOR = max(0.006, 2 * time.get_clock_info("monotonic").resolution)
"""The least margin in seconds: never under 6 ms (or two ticks of this host's monotonic clock,
15.6 ms on some Windows hosts). Round trips do not show everything: on a busy two-core host a
server's own arrival stamps varied by a few milliseconds more than the round trips' spread did,
and a margin earned down to 2.6 ms drew a 429 in one of ten fresh runs."""
MARGIN_START = 0.025
"""The margin a key starts with: enough for an ordinary internet link on an ordinary host (a fixed
25 ms margin drew no 429 in any measured run), earned down from there on evidence."""
MARGIN_CEILING = 0.1
"""The most the margin grows to. 429s that keep coming with a tenth-of-a-second margin have another
cause (another program using the key, a host that stalls, a limit lower than configured) that a
wider margin would only pay for in every window without fixing."""
MARGIN_WIDEN = 3.0
"""An unexpected 429 multiplies the margin by this."""
MARGIN_SHRINK = 0.0005
"""Seconds that the memory of a 429 fades by per clean window: after an unexpected 429 at margin
``m``, the margin does not go back under ``m`` until this has worn it away (50 windows for 25 ms)."""
SPREAD_FACTOR = 1.0
"""The margin earned down to covers this many times the link's measured spread (see ``Margin``).
One is enough: a round trip's spread also holds the answer's way back and the client's own wake-up,
which the server's arrival stamps do not."""
SPREAD_SAMPLES = 32
"""Round trips remembered per route for the spread."""
EVIDENCE = 8
"""Round trips seen before the margin may shrink at all."""
ROUTE_MEMORY = 60.0
"""Seconds a route's round trips count after its last answer. A route the job stopped using (a
slow endpoint asked once, a burst of queued requests) then stops holding the margin up for the
routes in use now."""
SPREAD_QUANTILE = 0.9
"""The spread is this quantile of the remembered round trips minus their minimum, so that a single
outlier (a garbage collection in the client) does not count as the link's jitter."""


class Margin:
    """The seconds added to each rate window, earned down on evidence and widened on refusals.

    Why a margin: the server counts a request when it *arrives*, and arrivals do not keep the
    spacing of departures: the link and the server's own scheduling delay each request by a
    different amount. The margin must cover how much later the server may stamp one request than
    another: under a millisecond on loopback, tens of milliseconds across the internet.

    Policy:

    - **Start safe**: at ``start`` (``MARGIN_START``, 25 ms), which covers an ordinary link and
      host without a single 429, so a fresh process and a short job never pay for a lesson.
    - **Earn the way down on evidence**: every answer teaches the *spread* of the link, the
      ``SPREAD_QUANTILE`` of the last ``SPREAD_SAMPLES`` round trips of a route (from the moment
      the request's bytes left to its answer) minus their least. A request arrives within its
      round trip, so arrivals vary by about that spread (the server's time to answer is about
      constant for one route). Once ``EVIDENCE`` round trips are in, each clean window (a
      window's worth of requests that waited for their slot and drew no 429) halves the distance
      from the margin to its target, ``SPREAD_FACTOR`` times the spread (never under ``floor``,
      6 ms by default): on loopback 25 ms comes down to the floor in a few windows.
    - **Widen at once on evidence**: a spread that grows past the margin lifts it to its target.
    - **Widen on a refusal**: a 429 the limiter did not expect multiplies the margin by
      ``MARGIN_WIDEN`` (at most once per booking made with the old value, so that one
      disagreement seen by several requests in flight widens it once), and the margin then stays
      above the value that failed until clean windows have worn that memory away
      (``MARGIN_SHRINK`` per window).

    - **Forget what no longer applies**: round trips count per route, and a route not answered
      for ``ROUTE_MEMORY`` seconds is forgotten; one margin serves one rate of a key
      (``shared_margin``), since a faster job queues at the server and spreads its round trips
      wider than a slower one on the same link.

    One ``Margin`` serves every limiter of an API key and rate in the process (``shared_margin``).
    ``Margin.fixed(seconds)`` never changes. Thread-safe.
    """

    def __init__(
        self,
        start: float = MARGIN_START,
        *,
        floor: float = MARGIN_FLOOR,
        ceiling: float = MARGIN_CEILING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 <= floor <= ceiling or not math.isfinite(ceiling):
            raise ValueError("margins need 0 <= floor <= ceiling (finite)")
        self.floor = floor
        """The least value, in seconds."""
        self.ceiling = ceiling
        """The greatest value, in seconds."""
        self._seconds = min(max(start, floor), ceiling)
        self._clock = clock
        self._widened = -math.inf
        self._held = 0
        self._refused_at = 0.0
        self._round_trips: dict[str, deque[float]] = {}
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, seconds: float) -> Margin:
        """A margin that stays at ``seconds``."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"a margin is a number of seconds >= 0, got {seconds}")
        return cls(seconds, floor=seconds, ceiling=seconds)

    @property
    def seconds(self) -> float:
        """The margin now, in seconds."""
        return self._seconds

    @property
    def learns(self) -> bool:
        """Whether the margin can change (False for ``Margin.fixed``)."""
        return self.floor < self.ceiling

    @property
    def spread(self) -> float | None:
        """The link's measured spread in seconds (see the class docstring); None until
        ``EVIDENCE`` round trips have been seen."""
        with self._lock:
            return self._spread()

    def _spread(self) -> float | None:
        """The widest spread of the routes answered within ``ROUTE_MEMORY``; None before
        ``EVIDENCE`` round trips of them."""
        now = self._clock()
        for route in [route for route, seen in self._seen.items() if now - seen > ROUTE_MEMORY]:
            del self._seen[route], self._round_trips[route]  # the job moved on
        if sum(len(times) for times in self._round_trips.values()) < EVIDENCE:
            return None
        spreads = [
            _quantile(sorted(times), SPREAD_QUANTILE) - min(times)
            for times in self._round_trips.values()
            if len(times) >= 2
        ]
        return max(spreads, default=0.0)

    def _target(self) -> float | None:
        """What the evidence allows, or None before there is enough of it."""
        spread = self._spread()
        if spread is None:
            return None
        return min(self.ceiling, max(self.floor, SPREAD_FACTOR * spread, self._refused_at))

    def observe(self, route: str, round_trip: float) -> None:
        """One answer on ``route`` came ``round_trip`` seconds after its request's bytes left."""
        if not self.learns or not math.isfinite(round_trip) or round_trip < 0:
            return
        with self._lock:
            times = self._round_trips.get(route)
            if times is None:
                times = self._round_trips[route] = deque(maxlen=SPREAD_SAMPLES)
            times.append(round_trip)
            self._seen[route] = self._clock()
            target = self._target()
            if target is None or target <= self._seconds:
                return
            before, self._seconds = self._seconds, target
        logger.debug(
            "rate limit: the link's spread grew; margin %.1f ms -> %.1f ms", before * 1000, target * 1000
        )

    def refused(self, booked: float) -> None:
        """A request booked at ``booked`` (this margin's clock) was answered 429: widen, unless
        it was booked before the last widening (that disagreement is already counted)."""
        with self._lock:
            if not self.learns or booked < self._widened:
                return
            before = self._seconds
            self._refused_at = max(self._refused_at, before)
            self._seconds = min(self.ceiling, max(before * MARGIN_WIDEN, before + self.floor))
            self._widened = self._clock()
            self._held = 0
        logger.debug(
            "rate limit: an unexpected 429; margin %.1f ms -> %.1f ms", before * 1000, self._seconds * 1000
        )

    def held(self, per_window: int) -> None:
        """A request that waited for its slot was answered without a 429 (``per_window`` such
        requests make a clean window): after each clean window, come down towards the target."""
        with self._lock:
            if not self.learns:
                return
            self._held += 1
            if self._held < per_window:
                return
            self._held = 0
            self._refused_at = max(0.0, self._refused_at - MARGIN_SHRINK)
            target = self._target()
            if target is None or self._seconds <= target:
                return
            before = self._seconds
            halfway = before - (before - target) / 2
            self._seconds = target if halfway - target < 0.0001 else halfway
        logger.debug(
            "rate limit: a clean window; margin %.1f ms -> %.1f ms", before * 1000, self._seconds * 1000
        )

    def answered(
        self,
        booked: float,
        paced: bool,
        refused: bool,
        per_window: int,
        round_trip: float | None = None,
        route: str = "",
    ) -> None:
        """One answer's lesson: its ``round_trip`` on ``route`` (when known) is evidence of the
        link's spread; every 429 (``refused``) counts; an answer without one shows that the margin
        held only when its request waited for its slot (``paced``)."""
        if round_trip is not None:
            self.observe(route, round_trip)
        if refused:
            self.refused(booked)
        elif paced:
            self.held(per_window)

    @classmethod
    def of(cls, margin: float | Margin | None) -> Margin:
        """A limiter's ``margin`` argument as a Margin: None, a new learning one; a number, fixed."""
        if margin is None:
            return cls()
        if isinstance(margin, Margin):
            return margin
        return cls.fixed(margin)

    def __repr__(self) -> str:
        kind = "learning" if self.learns else "fixed"
        return f"<Margin {self._seconds * 1000:.1f} ms, {kind}>"


class MarginLearner:
    """What every limiter with a ``Margin`` gives the clients: the margin now, and ``learn``."""

    limit: int
    _margin: Margin

    @property
    def margin(self) -> float:
        """The seconds added to each window now (see ``Margin``)."""
        return self._margin.seconds

    def learn(
        self, booked: float, paced: bool, refused: bool, round_trip: float | None = None, route: str = ""
    ) -> None:
        """Tell the margin how a request booked at ``booked`` fared: answered 429 (``refused``) or
        not, after waiting for its slot (``paced``) or not, ``round_trip`` seconds after its bytes
        left for ``route`` (see ``Margin``)."""
        self._margin.answered(booked, paced, refused, self.limit, round_trip, route)


def _quantile(ordered: list[float], q: float) -> float:
    """The ``q`` quantile of a sorted, non-empty list (the nearest rank at or below it)."""
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))]
