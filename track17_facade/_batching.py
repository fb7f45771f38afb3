"""Turning a user's bulk input into requests of at most 40, and the answers back into one result.

Pure functions: validation, de-duplication, chunking and merging in input order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import TypeVar

from attrs import frozen

from track17_facade.carriers import Carrier
from track17_facade.codes import ErrorCode
from track17_facade.errors import InvalidResponseError
from track17_facade.models import Accepted, BatchResult, Failure, Rejection, TrackInfo

MAX_ITEMS_PER_REQUEST = 40
NUMBER_PATTERN = re.compile(r"^[a-zA-Z0-9]{5,50}$")

T = TypeVar("T", Accepted, TrackInfo)


class ItemKind(Enum):
    """What one input item of an operation looks like."""

    NUMBER = "number"  # "RR123456789CN"
    REGISTER = "register"  # "RR123456789CN" or ("RR123456789CN", Carrier.CHINA_POST)
    CARRIER = "carrier"  # ("RR123456789CN", Carrier.CHINA_POST)
    TAG = "tag"  # ("RR123456789CN", "ORDER-1"), or None to clear


@frozen
class Prepared:
    """A valid item ready to send: the number and its carrier or tag, if the operation has one."""

    number: str
    carrier: int | None = None
    tag: str | None = None


@frozen
class Plan:
    """A bulk call after validation: what to send, and every input row's place in the result."""

    items: tuple[Prepared, ...]
    order: tuple[str | Rejection, ...]
    """One entry per distinct input row: its number, or the rejection made before sending."""


def _invalid(number: str, code: ErrorCode, message: str) -> Rejection:
    return Rejection(number=number, code=code, message=message)


def _check(kind: ItemKind, item: object) -> Prepared | Rejection:
    carrier: object = None
    extra: object = None
    if isinstance(item, tuple):
        if kind is ItemKind.NUMBER or len(item) != 2:
            shape = "a tracking number string" if kind is ItemKind.NUMBER else "(number, value)"
            return _invalid(repr(item), ErrorCode.FIELD_VALUE_INVALID, f"expected {shape}")
        number, extra = item
    elif kind in (ItemKind.CARRIER, ItemKind.TAG):
        what = "carrier" if kind is ItemKind.CARRIER else "tag"
        return _invalid(
            item if isinstance(item, str) else repr(item),
            ErrorCode.FIELD_VALUE_INVALID,
            f"expected a (number, {what}) pair",
        )
    else:
        number = item
    if not isinstance(number, str):
        return _invalid(repr(number), ErrorCode.FIELD_FORMAT_INVALID, "a tracking number must be a string")
    if not NUMBER_PATTERN.match(number):
        return _invalid(
            number,
            ErrorCode.FIELD_FORMAT_INVALID,
            f"tracking number {number!r} is invalid: expected 5 to 50 letters and digits",
        )
    if kind is ItemKind.TAG:
        if extra is not None and not isinstance(extra, str):
            return _invalid(number, ErrorCode.FIELD_VALUE_INVALID, "a tag must be a string or None")
        return Prepared(number, tag=extra)
    carrier = extra
    if carrier is None and kind is ItemKind.CARRIER:
        return _invalid(number, ErrorCode.NEW_CARRIER_REQUIRED, "a new carrier must be given")
    if carrier is not None and (not isinstance(carrier, int) or isinstance(carrier, bool)):
        return _invalid(
            number,
            ErrorCode.FIELD_VALUE_INVALID,
            f"carrier {carrier!r} is invalid: expected an integer carrier key such as Carrier.UPS",
        )
    return Prepared(number, carrier=None if carrier is None else int(carrier))


def plan(kind: ItemKind, items: Iterable[object]) -> Plan:
    """Validate and de-duplicate a bulk call's items (the first of duplicate numbers wins).

    A bare string passed where a list is expected would be split into characters, so it is
    refused outright.
    """
    if isinstance(items, (str, bytes)):
        raise TypeError("expected a list of items, not a single string; wrap it in a list")
    prepared: list[Prepared] = []
    order: list[str | Rejection] = []
    seen: set[str] = set()
    for item in items:
        checked = _check(kind, item)
        if isinstance(checked, Rejection):
            order.append(checked)
        elif checked.number not in seen:
            seen.add(checked.number)
            prepared.append(checked)
            order.append(checked.number)
    return Plan(tuple(prepared), tuple(order))


def chunks(items: Sequence[Prepared], size: int = MAX_ITEMS_PER_REQUEST) -> Iterator[Sequence[Prepared]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


Outcome = Accepted | TrackInfo | Rejection | Failure


def merge(plan: Plan, outcomes: Mapping[str, Outcome]) -> BatchResult[T]:
    """One result in input order from the per-number outcomes of every chunk.

    A number the server never mentioned is reported as failed, so nothing is silently dropped.
    """
    accepted: list[T] = []
    rejected: list[Rejection] = []
    failed: list[Failure] = []
    for entry in plan.order:
        if isinstance(entry, Rejection):
            rejected.append(entry)
            continue
        outcome = outcomes.get(entry)
        if outcome is None:
            error = InvalidResponseError(f"the answer did not mention {entry}")
            failed.append(Failure(entry, error))
        elif isinstance(outcome, Rejection):
            rejected.append(outcome)
        elif isinstance(outcome, Failure):
            failed.append(outcome)
        else:
            accepted.append(outcome)  # type: ignore[arg-type]
    return BatchResult(tuple(accepted), tuple(rejected), tuple(failed))


def known_carrier(key: int | None) -> Carrier | None:
    """The Carrier for a key (UNKNOWN keeps unlisted keys), or None."""
    return None if key is None else Carrier(key)
