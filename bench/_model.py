"""Figure 10: the rate limiter's margin policy on modelled links, free of this host's stalls.

A discrete-event model drives the real ``SlidingWindowLimiter`` and ``Margin`` on a simulated
clock: a client that always has a request ready books each one when the previous one leaves (one
booking outstanding, as the paced transport does) and leaves exactly on time; each request reaches
a strict server (at most ``LIMIT`` arrivals admitted in any sliding second) after a delay drawn
from the link's model; the server's answer (admitted, or 429) reaches the limiter at once; a
refused request is sent again later. The model leaves out what figure 9 measures for real (the
host's own stalls, HTTP, the event loops) so that the policy itself can be compared with the fixed
margin it replaced, on links this machine cannot produce.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from track17_facade.ratelimit import Margin, SlidingWindowLimiter

LIMIT = 3
Delay = Callable[[random.Random], float]


def uniform(high: float) -> Delay:
    """Every request is delayed by 0 to ``high`` seconds."""
    return lambda rng: rng.uniform(0.0, high)


def spikes(share: float, low: float, high: float) -> Delay:
    """Loopback, except that ``share`` of the requests are held ``low`` to ``high`` seconds (a
    retransmission, a congested hop)."""
    return lambda rng: rng.uniform(low, high) if rng.random() < share else rng.uniform(0.0, 0.0005)


LINKS: dict[str, Delay] = {
    "loopback (0-0.5 ms)": uniform(0.0005),
    "0-40 ms jitter": uniform(0.04),
    "1% spikes of 50-300 ms": spikes(0.01, 0.05, 0.3),
}


@dataclass
class Outcome:
    """One modelled run: 429s, and the server's first-to-last arrival span (refused requests
    included) against the floor of the requests that had to be admitted."""

    refused: int
    span_ratio: float
    margin: float


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(requests: int, delay: Delay, margin: float | None, seed: int) -> Outcome:
    """Send until ``requests`` are admitted; ``margin`` None for the learning margin, else fixed."""
    rng = random.Random(seed)
    clock = _Clock()
    learnt = Margin(clock=clock) if margin is None else Margin.fixed(margin)
    limiter = SlidingWindowLimiter(LIMIT, 1.0, margin=learnt, clock=clock, assume_used=False)
    # (arrival, order, booked, paced, round trip: the way there and a way back of the same link)
    in_flight: list[tuple[float, int, float, bool, float]] = []
    admitted: deque[float] = deque()
    arrivals: list[float] = []
    refused = done = order = 0

    def answer_until(moment: float) -> None:
        nonlocal refused, done
        while in_flight and in_flight[0][0] <= moment:
            arrival, _, booked, paced, round_trip = heapq.heappop(in_flight)
            clock.now = arrival
            while admitted and admitted[0] <= arrival - 1.0:
                admitted.popleft()
            arrivals.append(arrival)
            if len(admitted) >= LIMIT:
                refused += 1
                limiter.learn(booked, paced, True, round_trip, "/register")
            else:
                admitted.append(arrival)
                done += 1
                limiter.learn(booked, paced, False, round_trip, "/register")

    departed = 0.0
    while done < requests:
        sent_or_pending = done + len(in_flight)
        if sent_or_pending >= requests:  # all needed are in flight: wait for their answers
            answer_until(in_flight[0][0])
            continue
        answer_until(departed)
        clock.now = departed
        wait = limiter.reserve()
        departed += wait
        order += 1
        there = delay(rng)
        heapq.heappush(in_flight, (departed + there, order, clock.now, wait > 0, there + delay(rng)))
    span = max(arrivals) - min(arrivals)
    return Outcome(refused, span / ((requests - 1) // LIMIT), limiter.margin)


def average(requests: int, delay: Delay, margin: float | None, seeds: int) -> tuple[float, float]:
    """Mean 429s and mean span ratio over ``seeds`` runs."""
    outcomes = [run(requests, delay, margin, seed) for seed in range(seeds)]
    return (
        sum(o.refused for o in outcomes) / seeds,
        sum(o.span_ratio for o in outcomes) / seeds,
    )
