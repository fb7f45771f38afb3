"""Deterministic simulated shipments: each number gets a plan of events from (seed, number)."""

from __future__ import annotations

import random
import zlib
from datetime import datetime, timedelta

from attrs import frozen

from track17_facade.status import SubStatus

_CITIES: dict[str, tuple[str, ...]] = {
    "CN": ("Shenzhen, CN", "Guangzhou, CN", "Shanghai, CN", "Beijing, CN"),
    "GB": ("London, GB", "Manchester, GB", "Birmingham, GB", "Glasgow, GB"),
    "US": ("Louisville, KY, US", "Memphis, TN, US", "Chicago, IL, US", "Newark, NJ, US"),
    "DE": ("Leipzig, DE", "Frankfurt, DE", "Hamburg, DE", "Cologne, DE"),
    "EU": ("Paris, FR", "Amsterdam, NL", "Brussels, BE", "Milan, IT"),
}
_DESCRIPTIONS: dict[SubStatus, str] = {
    SubStatus.INFO_RECEIVED: "Shipment information received",
    SubStatus.IN_TRANSIT_PICKED_UP: "Picked up by carrier",
    SubStatus.IN_TRANSIT_DEPARTURE: "Departed from facility",
    SubStatus.IN_TRANSIT_ARRIVAL: "Arrived at facility",
    SubStatus.IN_TRANSIT_OTHER: "In transit",
    SubStatus.IN_TRANSIT_CUSTOMS_PROCESSING: "Customs clearance in progress",
    SubStatus.IN_TRANSIT_CUSTOMS_RELEASED: "Released by customs",
    SubStatus.OUT_FOR_DELIVERY_OTHER: "Out for delivery",
    SubStatus.DELIVERY_FAILURE_NO_BODY: "Delivery attempted, nobody at home",
    SubStatus.AVAILABLE_FOR_PICKUP_OTHER: "Available for pickup at service point",
    SubStatus.DELIVERED_OTHER: "Delivered",
    SubStatus.EXCEPTION_LOST: "Shipment reported lost",
    SubStatus.EXCEPTION_DAMAGE: "Shipment damaged in transit",
    SubStatus.EXCEPTION_RETURNING: "Returning to sender",
    SubStatus.EXPIRED_OTHER: "No further updates from carrier",
}
_TRANSIT = (
    SubStatus.IN_TRANSIT_PICKED_UP,
    SubStatus.IN_TRANSIT_DEPARTURE,
    SubStatus.IN_TRANSIT_ARRIVAL,
)
_CUSTOMS = (SubStatus.IN_TRANSIT_CUSTOMS_PROCESSING, SubStatus.IN_TRANSIT_CUSTOMS_RELEASED)
# (weight, the sub-statuses after the common start of InfoReceived + transit)
_SCENARIOS: tuple[tuple[int, tuple[SubStatus, ...]], ...] = (
    (62, (SubStatus.OUT_FOR_DELIVERY_OTHER, SubStatus.DELIVERED_OTHER)),
    (
        8,
        (
            SubStatus.OUT_FOR_DELIVERY_OTHER,
            SubStatus.DELIVERY_FAILURE_NO_BODY,
            SubStatus.OUT_FOR_DELIVERY_OTHER,
            SubStatus.DELIVERED_OTHER,
        ),
    ),
    (8, (SubStatus.AVAILABLE_FOR_PICKUP_OTHER, SubStatus.DELIVERED_OTHER)),
    (4, (SubStatus.EXCEPTION_LOST,)),
    (3, (SubStatus.EXCEPTION_DAMAGE, SubStatus.EXCEPTION_RETURNING)),
    (5, (SubStatus.IN_TRANSIT_OTHER, SubStatus.EXPIRED_OTHER)),
    (10, ()),
)


@frozen
class PlannedEvent:
    """One event of a simulated shipment, at ``at`` on the sandbox clock."""

    at: datetime
    sub_status: SubStatus
    location: str
    description: str

    def to_contract(self) -> dict[str, object]:
        """The event as the contract's track event object (z, s, a, c, d)."""
        return {
            "z": int(self.sub_status.main_status),
            "s": int(self.sub_status),
            "a": self.location,
            "c": self.description,
            "d": self.at.strftime("%Y-%m-%d %H:%M"),
        }


def answer_shape(seed: int, number: str) -> int:
    """How a number's v2 answers vary, the way 17TRACK's real ones may, the same for the same seed
    and number: ``% 3 == 0`` writes coordinates as strings (as public clients have seen them);
    ``% 4 == 0`` gives the carrier a notice; ``% 5 == 0`` writes a provider's arrays that hold
    nothing (events, notices) as ``null``. So every run of a suite against the sandbox meets them,
    and another ``seed`` meets them on other numbers."""
    return zlib.crc32(f"{seed}:{number}".encode())


def plan_shipment(seed: int, number: str, country: str, start: datetime) -> tuple[PlannedEvent, ...]:
    """The events a number will go through after being registered at ``start``.

    The same seed and number always give the same plan. About one number in ten is never found
    by its carrier and has no events at all.
    """
    rng = random.Random(f"{seed}:{number}")
    weights = [weight for weight, _ in _SCENARIOS]
    (ending,) = rng.choices([tail for _, tail in _SCENARIOS], weights=weights)
    if not ending:
        return ()
    cities = _CITIES.get(country, _CITIES["EU"])
    hops = rng.randint(1, 3)
    steps: list[SubStatus] = [SubStatus.INFO_RECEIVED, _TRANSIT[0]]
    steps += [_TRANSIT[1 + i % 2] for i in range(hops * 2)]
    if rng.random() < 0.4:
        steps += list(_CUSTOMS)
    steps += list(ending)
    # One route: from the origin, through a hub per hop, to the destination, where customs and
    # the last mile happen; an arrival reaches the next stop, and a shipment lost, returned or
    # left without news stays where it was. The route is drawn apart so the plan's times and
    # statuses stay what they were for a seed.
    route = random.Random(f"{seed}:{number}:route").sample(cities, k=len(cities))
    stops = [route[min(i, len(route) - 1)] for i in range(hops + 1)]
    here = 0
    at = start
    events: list[PlannedEvent] = []
    for sub in steps:
        at += timedelta(hours=rng.uniform(1.0, 20.0))
        at = at.replace(second=0, microsecond=0)
        if sub is SubStatus.IN_TRANSIT_ARRIVAL:
            here = min(here + 1, hops)
        elif sub in _AT_DESTINATION:
            here = hops
        events.append(PlannedEvent(at, sub, stops[here], _DESCRIPTIONS[sub]))
    return tuple(events)


_AT_DESTINATION = frozenset(
    {
        *_CUSTOMS,
        SubStatus.OUT_FOR_DELIVERY_OTHER,
        SubStatus.DELIVERY_FAILURE_NO_BODY,
        SubStatus.AVAILABLE_FOR_PICKUP_OTHER,
        SubStatus.DELIVERED_OTHER,
    }
)
