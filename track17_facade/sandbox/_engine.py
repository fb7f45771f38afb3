"""The sandbox's state: registrations, the sandbox clock, quota, and each operation's rules.

Pure state, no I/O: the HTTP app calls these methods under one lock and sends what they return.
Each operation takes the request's items and returns ``(accepted, rejected)`` in the contract's
shapes, with 17TRACK's real error codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from attrs import define, field

from track17_facade.carriers import Carrier
from track17_facade.codes import ErrorCode
from track17_facade.sandbox._detect import detect_carrier
from track17_facade.sandbox._simulation import PlannedEvent, answer_shape, plan_shipment
from track17_facade.status import SubStatus

NUMBER_PATTERN = re.compile(r"^[a-zA-Z0-9]{5,50}$")
MAX_CARRIER_CHANGES = 5
UNLIMITED_QUOTA_SHOWN = 1_000_000
"""What getquota reports as the total of a sandbox without a quota."""
REALTIME_COST = {"Standard": 1, "Instant": 2}
"""Quota charged per number looked up in real time, by cache level. 17TRACK charges the instant
level more; the sandbox's factor of 2 is its own choice."""
REALTIME_HISTORY = timedelta(days=7)
"""A number looked up in real time without being registered shows a shipment this old."""
_COUNTRY_OF: dict[int, str] = {
    Carrier.CHINA_POST: "CN",
    Carrier.CHINA_EMS: "CN",
    Carrier.ROYAL_MAIL: "GB",
    Carrier.PARCELFORCE: "GB",
    Carrier.USPS: "US",
    Carrier.UPS: "US",
    Carrier.FEDEX: "US",
    Carrier.DEUTSCHE_POST: "DE",
    Carrier.DHL_PAKET: "DE",
    Carrier.DHL_EXPRESS: "DE",
}

Item = dict[str, Any]
Outcome = tuple[list[Item], list[Item]]


@define
class Registration:
    """One registered number and everything the sandbox knows about it."""

    number: str
    carrier: int
    registered_at: datetime
    plan: tuple[PlannedEvent, ...]
    tag: str | None = None
    order_no: str | None = None
    lang: str | None = None
    param: str | None = None
    origin: int = 1
    """How the carrier was chosen: 1 given, 2 detected, 3 changed (echoed by v2.4)."""
    api_version: str = "v1"
    """The API version it was registered through ("v1" or "v2.4"): its pushes' default shape."""
    stopped_at: datetime | None = None
    retracked: bool = False
    carrier_changes: int = 0
    pushed_events: int = 0
    shape: int = 0
    """How its v2 answers vary, the way 17TRACK's real ones may (see ``answer_shape``)."""
    sent: dict[str, Any] = field(factory=dict)
    """Every field of the item as register sent it (v2.4's ``final_carrier``, ``ship_date``, ...),
    updated by changeinfo."""

    def visible_events(self, now: datetime) -> tuple[PlannedEvent, ...]:
        """The events that have happened by ``now`` (or by the time tracking was stopped)."""
        horizon = self.stopped_at if self.stopped_at is not None else now
        return tuple(event for event in self.plan if event.at <= horizon)

    def track(self, now: datetime) -> dict[str, Any]:
        """The contract's track object: ``z0`` the latest event, ``z1`` every event, oldest first."""
        events = [event.to_contract() for event in self.visible_events(now)]
        latest = events[-1] if events else {"z": 0, "s": int(SubStatus.NOT_FOUND_OTHER)}
        return {"z0": latest, "z1": events}

    def status(self, now: datetime) -> int:
        """The current main status, 0-8."""
        events = self.visible_events(now)
        return int(events[-1].sub_status.main_status) if events else 0


def _rejection(number: str, code: ErrorCode, detail: str = "") -> Item:
    message = code.meaning.replace("{0}", detail or number).replace("{1}", number)
    return {"number": number, "error": {"code": int(code), "message": message}}


@define
class Engine:
    """All state of one sandbox. Not thread-safe by itself: callers hold one lock around calls."""

    seed: int
    now: datetime
    quota: int | None = None
    daily_limit: int | None = None
    registrations: dict[str, Registration] = field(factory=dict)
    quota_used: int = 0
    registered_per_day: dict[str, int] = field(factory=dict)

    def advance(self, delta: timedelta) -> list[Registration]:
        """Move the sandbox clock forward; return the tracked numbers whose status changed."""
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        self.now += delta
        changed = []
        for registration in self.registrations.values():
            if registration.stopped_at is None:
                seen = len(registration.visible_events(self.now))
                if seen > registration.pushed_events:
                    registration.pushed_events = seen
                    changed.append(registration)
        return changed

    def register(self, items: Iterable[Mapping[str, Any]], api_version: str = "v1") -> Outcome:
        """Register numbers, detecting the carrier when none is given; each charges the quota,
        and a translation (``lang``) one more. ``api_version`` is the version they came through."""
        accepted: list[Item] = []
        rejected: list[Item] = []
        day = self.now.date().isoformat()
        for item in items:
            number = item["number"]
            carrier = item.get("carrier")
            if not NUMBER_PATTERN.match(number):
                rejected.append(_rejection(number, ErrorCode.FIELD_FORMAT_INVALID, "number"))
                continue
            if number in self.registrations:
                rejected.append(_rejection(number, ErrorCode.ALREADY_REGISTERED))
                continue
            origin = 1
            if carrier is None:
                carrier, origin = detect_carrier(number), 2
                if carrier is None:
                    rejected.append(_rejection(number, ErrorCode.CARRIER_NOT_DETECTED))
                    continue
            cost = 2 if item.get("lang") else 1
            if self.quota is not None and self.quota_used + cost > self.quota:
                rejected.append(_rejection(number, ErrorCode.QUOTA_EXHAUSTED))
                continue
            if self.daily_limit is not None and self.registered_per_day.get(day, 0) >= (self.daily_limit):
                rejected.append(_rejection(number, ErrorCode.DAILY_LIMIT_EXCEEDED))
                continue
            self.quota_used += cost
            self.registered_per_day[day] = self.registered_per_day.get(day, 0) + 1
            self.registrations[number] = Registration(
                number,
                int(carrier),
                self.now,
                self._plan(number, int(carrier), self.now),
                tag=item.get("tag"),
                order_no=item.get("order_no"),
                lang=item.get("lang"),
                param=item.get("param"),
                origin=origin,
                shape=answer_shape(self.seed, number),
                api_version=api_version,
                sent=dict(item),
            )
            accepted.append({"number": number})
        return accepted, rejected

    def _plan(self, number: str, carrier: int, start: datetime) -> tuple[PlannedEvent, ...]:
        return plan_shipment(self.seed, number, _COUNTRY_OF.get(carrier, "EU"), start)

    def realtime(
        self, items: Iterable[Mapping[str, Any]], levels: Iterable[str]
    ) -> tuple[list[Registration], list[Item]]:
        """Look numbers up without registering them; each found number charges the quota.

        A registered number shows its registration; another shows a simulated shipment that
        started ``REALTIME_HISTORY`` ago. Nothing is stored.
        """
        found: list[Registration] = []
        rejected: list[Item] = []
        for item, level in zip(items, levels, strict=True):
            number = item["number"]
            if not NUMBER_PATTERN.match(number):
                rejected.append(_rejection(number, ErrorCode.FIELD_FORMAT_INVALID, "number"))
                continue
            reg = self.registrations.get(number)
            if reg is None:
                carrier = item.get("carrier") or detect_carrier(number)
                if carrier is None:
                    rejected.append(_rejection(number, ErrorCode.CARRIER_NOT_DETECTED))
                    continue
                start = self.now - REALTIME_HISTORY
                reg = Registration(
                    number,
                    int(carrier),
                    start,
                    self._plan(number, int(carrier), start),
                    shape=answer_shape(self.seed, number),
                )
            cost = REALTIME_COST[level]
            if self.quota is not None and self.quota_used + cost > self.quota:
                rejected.append(_rejection(number, ErrorCode.QUOTA_EXHAUSTED))
                continue
            self.quota_used += cost
            found.append(reg)
        return found, rejected

    def quota_balance(self) -> dict[str, int]:
        """getquota's figures."""
        total = UNLIMITED_QUOTA_SHOWN if self.quota is None else self.quota
        return {
            "quota_total": total,
            "quota_used": self.quota_used,
            "quota_remain": max(0, total - self.quota_used),
            "today_used": self.registered_per_day.get(self.now.date().isoformat(), 0),
            "max_track_daily": self.daily_limit or 0,
            "free_email_quota": 0,
            "free_email_quotaused": 0,  # as 17TRACK's documentation example spells it
        }

    def _registered(
        self, items: Iterable[Mapping[str, Any]], rejected: list[Item]
    ) -> Iterable[tuple[Mapping[str, Any], Registration]]:
        for item in items:
            registration = self.registrations.get(item["number"])
            if registration is None:
                rejected.append(_rejection(item["number"], ErrorCode.NOT_REGISTERED))
            else:
                yield item, registration

    def get_track_info(self, items: Iterable[Mapping[str, Any]]) -> Outcome:
        """Current track of registered numbers."""
        accepted: list[Item] = []
        rejected: list[Item] = []
        for _, reg in self._registered(items, rejected):
            accepted.append({"number": reg.number, "carrier": reg.carrier, "track": reg.track(self.now)})
        return accepted, rejected

    def stop_track(self, items: Iterable[Mapping[str, Any]]) -> tuple[Outcome, list[Registration]]:
        """Stop tracking; also returns the stopped registrations (they get a TRACKING_STOPPED push)."""
        accepted: list[Item] = []
        rejected: list[Item] = []
        stopped = []
        for _, reg in self._registered(items, rejected):
            if reg.stopped_at is not None:
                rejected.append(_rejection(reg.number, ErrorCode.STOP_ONLY_TRACKING))
                continue
            reg.stopped_at = self.now
            stopped.append(reg)
            accepted.append({"number": reg.number})
        return (accepted, rejected), stopped

    def retrack(self, items: Iterable[Mapping[str, Any]]) -> Outcome:
        """Resume tracking of stopped numbers, once per number."""
        accepted: list[Item] = []
        rejected: list[Item] = []
        for _, reg in self._registered(items, rejected):
            if reg.stopped_at is None:
                rejected.append(_rejection(reg.number, ErrorCode.RETRACK_ONLY_STOPPED))
            elif reg.retracked:
                rejected.append(_rejection(reg.number, ErrorCode.RETRACK_ONLY_ONCE))
            else:
                reg.stopped_at = None
                reg.retracked = True
                accepted.append({"number": reg.number})
        return accepted, rejected

    def delete_track(self, items: Iterable[Mapping[str, Any]]) -> Outcome:
        """Forget numbers entirely."""
        accepted: list[Item] = []
        rejected: list[Item] = []
        for _, reg in self._registered(items, rejected):
            del self.registrations[reg.number]
            accepted.append({"number": reg.number})
        return accepted, rejected

    def change_carrier(self, items: Iterable[Mapping[str, Any]]) -> Outcome:
        """Assign another carrier, at most five times per number."""
        accepted: list[Item] = []
        rejected: list[Item] = []
        for item, reg in self._registered(items, rejected):
            carrier, old = item["carrier"], item.get("carrier_old")
            if old is not None and old != reg.carrier:
                rejected.append(_rejection(reg.number, ErrorCode.NOT_REGISTERED_WITH_CARRIER, str(old)))
            elif reg.stopped_at is not None:
                rejected.append(_rejection(reg.number, ErrorCode.CHANGE_CARRIER_OF_STOPPED))
            elif carrier == reg.carrier:
                rejected.append(_rejection(reg.number, ErrorCode.SAME_CARRIER))
            elif reg.carrier_changes >= MAX_CARRIER_CHANGES:
                rejected.append(_rejection(reg.number, ErrorCode.CARRIER_CHANGE_LIMIT))
            else:
                reg.carrier = carrier
                reg.carrier_changes += 1
                reg.origin = 3
                accepted.append({"number": reg.number})
        return accepted, rejected

    def change_info(self, items: Iterable[Mapping[str, Any]]) -> Outcome:
        """Set the tag (and, from v2.4, the order number) of registered numbers; fields an item
        does not name are kept."""
        accepted: list[Item] = []
        rejected: list[Item] = []
        for item, reg in self._registered(items, rejected):
            if "tag" in item:
                reg.tag = item["tag"]
            if "order_no" in item:
                reg.order_no = item["order_no"]
            reg.sent.update(item)
            accepted.append({"number": reg.number})
        return accepted, rejected

    def push(
        self, items: Iterable[Mapping[str, Any]], *, webhook_set: bool
    ) -> tuple[Outcome, list[Registration]]:
        """Queue a re-delivery of the current track; returns the registrations to push."""
        accepted: list[Item] = []
        rejected: list[Item] = []
        to_push = []
        for _, reg in self._registered(items, rejected):
            if not webhook_set:
                rejected.append(_rejection(reg.number, ErrorCode.WEBHOOK_URL_NOT_SET))
                continue
            to_push.append(reg)
            accepted.append({"number": reg.number})
        return (accepted, rejected), to_push

    def track_list(
        self,
        *,
        status: int | None = None,
        stopped: bool | None = None,
        numbers: set[str] | None = None,
        carrier: int | None = None,
    ) -> list[Registration]:
        """Registered numbers in registration order, filtered by main status, stopped or not,
        number and carrier (None: any)."""
        return [
            reg
            for reg in self.registrations.values()
            if (status is None or reg.status(self.now) == status)
            and (stopped is None or (reg.stopped_at is not None) == stopped)
            and (numbers is None or reg.number in numbers)
            and (carrier is None or reg.carrier == carrier)
        ]
