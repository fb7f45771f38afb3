"""Turning a user's bulk input into requests of at most 40, and the answers back into one result.

Pure functions: validation, de-duplication, chunking and merging in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Literal, TypeAlias, TypeVar

from track17_facade import models
from track17_facade._records import Record
from track17_facade._secrets import redacting_logger
from track17_facade._text import shorten, shown
from track17_facade.carriers import Carrier, CarrierInfo, CarrierNotFoundError, default_directory
from track17_facade.codes import ErrorCode
from track17_facade.errors import InvalidInputError, InvalidResponseError
from track17_facade.models import (
    INFO_CHANGE_TEXT,
    REGISTRATION_TEXT,
    Accepted,
    BatchResult,
    Failure,
    Rejection,
)
from track17_facade.numbers import bulk_items, tracking_number

if TYPE_CHECKING:
    from track17_facade.models import CarrierChange, InfoChange, Registration, TrackInfo

logger = redacting_logger("track17")

MAX_ITEMS_PER_REQUEST = 40

T = TypeVar("T", Accepted, "TrackInfo")


class ItemKind(Enum):
    """What one input item of an operation looks like."""

    NUMBER = "number"  # "RR123456789CN"
    REGISTER = "register"  # "RR123456789CN", ("RR123456789CN", Carrier.CHINA_POST) or a Registration
    LOOKUP = "lookup"  # "RR123456789CN" or ("RR123456789CN", Carrier.CHINA_POST)
    CARRIER = "carrier"  # ("RR123456789CN", new carrier) or ("RR123456789CN", old carrier, new carrier)
    TAG = "tag"  # ("RR123456789CN", "ORDER-1"), or None to clear

    @property
    def expected(self) -> str:
        """The item shape, as error messages name it."""
        return _EXPECTED[self]


_EXPECTED = {
    ItemKind.NUMBER: "a tracking number string",
    ItemKind.REGISTER: "a tracking number string, a (number, carrier) pair or a Registration",
    ItemKind.LOOKUP: "a tracking number string or a (number, carrier) pair",
    ItemKind.CARRIER: "a (number, carrier) pair or a (number, old carrier, new carrier) triple",
    ItemKind.TAG: "a (number, tag) pair",
}


class Prepared(Record):
    """A valid item ready to send: the number and its carrier or tag, if the operation has one."""

    __slots__ = (
        "carrier",
        "carrier_old",
        "change",
        "final_carrier",
        "final_carrier_old",
        "index",
        "number",
        "registration",
        "suspect",
        "tag",
    )
    number: str
    carrier: int | None
    tag: str | None
    registration: Registration | None
    """The Registration the item came as, for the metadata beyond number and carrier."""
    carrier_old: int | None
    """change_carrier: the carrier the number is registered with, when the caller named it."""
    final_carrier: int | None
    """register: ``Registration.final_carrier``'s key; change_carrier: ``final_carrier_new``'s."""
    final_carrier_old: int | None
    """change_carrier: ``CarrierChange.final_carrier_old``'s key, when given."""
    change: CarrierChange | InfoChange | None
    """The CarrierChange or InfoChange the item came as, for the fields beyond the pair's."""
    suspect: bool
    """register(check_digits="warn"): the number's check digit is wrong; it is sent anyway."""
    index: int | None
    """The item's position in the caller's input, which 17TRACK's refusal of it carries too."""

    def __init__(
        self,
        number: str,
        carrier: int | None = None,
        tag: str | None = None,
        registration: Registration | None = None,
        carrier_old: int | None = None,
        final_carrier: int | None = None,
        final_carrier_old: int | None = None,
        change: CarrierChange | InfoChange | None = None,
        suspect: bool = False,
        index: int | None = None,
    ) -> None:
        self._assign(locals())


class Plan(Record):
    """A bulk call after validation: what to send, and every input row's place in the result."""

    __slots__ = ("items", "order")
    items: tuple[Prepared, ...]
    order: tuple[str | Rejection, ...]
    """One entry per distinct input row: its number, or the rejection made before sending."""

    def __init__(self, items: tuple[Prepared, ...], order: tuple[str | Rejection, ...]) -> None:
        self._assign(locals())


def _invalid(number: str, code: ErrorCode, message: str, index: int) -> Rejection:
    return Rejection(number=shorten(number), code=code, message=f"item {index}: {message}", index=index)


def _check(kind: ItemKind, item: object, index: int) -> Prepared | Rejection:
    """One input row, validated; a number's surrounding whitespace is removed."""
    registration = None
    number: object
    extra: object
    old: object = None
    if kind is ItemKind.REGISTER and models.is_registration(item):
        registration = item
        number, extra = item.number, item.carrier
        for name in REGISTRATION_TEXT:
            value = getattr(item, name)
            if value is not None and not isinstance(value, str):
                return _invalid(
                    number.strip() if isinstance(number, str) else "",
                    ErrorCode.FIELD_VALUE_INVALID,
                    f"Registration.{name} must be a string or None, "
                    f"got {type(value).__name__} {shown(value)}",
                    index,
                )
        detect: object = item.auto_detection  # typed bool | None, but a caller may pass anything
        if detect is not None and not isinstance(detect, bool):
            return _invalid(
                number.strip() if isinstance(number, str) else "",
                ErrorCode.FIELD_VALUE_INVALID,
                f"Registration.auto_detection must be True, False or None, got {shown(detect)}",
                index,
            )
    elif kind is ItemKind.CARRIER and isinstance(item, models.CarrierChange):
        number, old, extra = item.number, item.carrier_old, item.carrier_new
    elif kind is ItemKind.TAG and isinstance(item, models.InfoChange):
        number, extra = item.number, item.tag
        for name in INFO_CHANGE_TEXT[1:]:
            value = getattr(item, name)
            if value is not None and not isinstance(value, str):
                return _invalid(
                    number.strip() if isinstance(number, str) else "",
                    ErrorCode.FIELD_VALUE_INVALID,
                    f"InfoChange.{name} must be a string or None, got {type(value).__name__} {shown(value)}",
                    index,
                )
    elif kind is ItemKind.NUMBER or (
        kind in (ItemKind.REGISTER, ItemKind.LOOKUP) and not isinstance(item, tuple)
    ):
        number, extra = item, None
    elif isinstance(item, tuple) and len(item) == 2:
        number, extra = item
    elif kind is ItemKind.CARRIER and isinstance(item, tuple) and len(item) == 3:
        number, old, extra = item
    else:
        got = f"a {len(item)}-tuple" if isinstance(item, tuple) else type(item).__name__
        return _invalid(
            item.strip() if isinstance(item, str) else "",
            ErrorCode.FIELD_VALUE_INVALID,
            f"expected {kind.expected}, got {got} {shown(item)}",
            index,
        )
    if not isinstance(number, str):
        expected = kind.expected if number is item else "the number to be a string"
        return _invalid(
            "",
            ErrorCode.FIELD_FORMAT_INVALID,
            f"expected {expected}, got {type(number).__name__} {shown(number)}",
            index,
        )
    try:
        number = tracking_number(number)
    except InvalidInputError as exc:
        return _invalid(number.strip(), ErrorCode.FIELD_FORMAT_INVALID, str(exc), index)
    if kind is ItemKind.TAG:
        if extra is not None and not isinstance(extra, str):
            return _invalid(
                number,
                ErrorCode.FIELD_VALUE_INVALID,
                f"a tag must be a string or None, got {type(extra).__name__} {shown(extra)}",
                index,
            )
        if not isinstance(item, models.InfoChange):
            return Prepared(number, tag=extra, index=index)
        which = carrier_key(item.carrier)
        if isinstance(which, str):
            return _invalid(number, ErrorCode.FIELD_VALUE_INVALID, which, index)
        return Prepared(number, carrier=which, tag=extra, change=item, index=index)
    if extra is None and kind is ItemKind.CARRIER:
        return _invalid(number, ErrorCode.NEW_CARRIER_REQUIRED, "a new carrier must be given", index)
    carrier = carrier_key(extra)
    if isinstance(carrier, str):
        return _invalid(number, ErrorCode.FIELD_VALUE_INVALID, carrier, index)
    carrier_old = carrier_key(old)
    if isinstance(carrier_old, str):
        return _invalid(number, ErrorCode.FIELD_VALUE_INVALID, f"the old carrier: {carrier_old}", index)
    change = item if kind is ItemKind.CARRIER and isinstance(item, models.CarrierChange) else None
    finals = (
        (registration.final_carrier, None)
        if registration is not None
        else (change.final_carrier_new, change.final_carrier_old)
        if change is not None
        else (None, None)
    )
    final_carrier, final_old = (carrier_key(given) for given in finals)
    for which, said in ((final_carrier, "the final carrier"), (final_old, "the old final carrier")):
        if isinstance(which, str):
            return _invalid(number, ErrorCode.FIELD_VALUE_INVALID, f"{said}: {which}", index)
    return Prepared(
        number,
        carrier=carrier,
        tag=None if registration is None else registration.tag,
        registration=registration,
        carrier_old=carrier_old,
        index=index,
        final_carrier=final_carrier if not isinstance(final_carrier, str) else None,
        final_carrier_old=final_old if not isinstance(final_old, str) else None,
        change=change,
    )


def carrier_key(carrier: object) -> int | str | None:
    """The integer key a caller's carrier stands for, or why it cannot be sent (a message).

    A key (an int or a ``Carrier``) or digits ("100002") go as they are, known to the carrier
    list or not (17TRACK adds carriers); a ``CarrierInfo`` gives its key; any other text is a
    name, resolved by ``CarrierDirectory.load()``: exactly, or as the one carrier it fits.
    """
    if carrier is None:
        return None
    if isinstance(carrier, int) and not isinstance(carrier, bool):
        if carrier <= 0:
            return f"carrier {int(carrier)} is invalid: 17TRACK's carrier keys are positive"
        return int(carrier)
    if isinstance(carrier, CarrierInfo):
        return carrier.key
    if isinstance(carrier, str):
        text = carrier.strip()
        if text.isascii() and text.isdigit():
            return carrier_key(int(text))
        try:
            return default_directory().resolve(text).key
        except CarrierNotFoundError as exc:
            return str(exc)
    return (
        f"carrier {shown(carrier)} is invalid: expected a carrier key such as Carrier.UPS or 100002, "
        "a CarrierInfo, or a carrier name"
    )


Screen = Callable[[Prepared, int], "Prepared | Rejection"]
"""A last look at a valid item before it is sent: the item (perhaps marked), or its rejection."""


def _checked(
    kind: ItemKind,
    items: Iterable[object],
    refuse: Callable[[Prepared], str | None],
    screen: Screen | None,
) -> Iterator[Prepared | Rejection]:
    """Each input row read by ``bulk_items`` and validated, then ``refuse``'s and ``screen``'s
    verdicts on the valid ones: what ``plan`` and ``stream_batches`` both go through."""
    for index, item in enumerate(bulk_items(items)):
        checked = _check(kind, item, index)
        if isinstance(checked, Prepared) and (reason := refuse(checked)) is not None:
            checked = _invalid(checked.number, ErrorCode.FIELD_VALUE_INVALID, reason, index)
        if screen is not None and isinstance(checked, Prepared):
            checked = screen(checked, index)
        yield checked


def plan(
    kind: ItemKind,
    items: Iterable[object],
    screen: Screen | None = None,
    refuse: Callable[[Prepared], str | None] = lambda _: None,
) -> Plan:
    """Validate and de-duplicate a bulk call's items (the first of duplicate numbers wins).

    Numbers are stripped of surrounding whitespace first, so " RR123456789CN " is RR123456789CN,
    and compared without regard to letter case, as 17TRACK does: "rr123456789cn" repeats
    "RR123456789CN" (sent once, charged once, in the spelling that came first).
    Items are read by ``bulk_items``: a bare string is refused, a mapping is its pairs.
    ``refuse`` may turn a valid item into a rejection (its message), as in ``stream_batches``.
    """
    prepared: list[Prepared] = []
    order: list[str | Rejection] = []
    seen: set[str] = set()
    for checked in _checked(kind, items, refuse, screen):
        if isinstance(checked, Rejection):
            order.append(checked)
        elif checked.number.upper() not in seen:
            seen.add(checked.number.upper())
            prepared.append(checked)
            order.append(checked.number)
    return Plan(tuple(prepared), tuple(order))


class StreamBatch(Record):
    """One step of a streamed bulk call: rows refused before sending, and the next request's items."""

    __slots__ = ("chunk", "rejected")
    rejected: tuple[Rejection, ...]
    chunk: tuple[Prepared, ...]

    def __init__(self, rejected: tuple[Rejection, ...], chunk: tuple[Prepared, ...]) -> None:
        self._assign(locals())


def stream_batches(
    kind: ItemKind,
    items: Iterable[object],
    refuse: Callable[[Prepared], str | None] = lambda _: None,
    size: int = MAX_ITEMS_PER_REQUEST,
    screen: Screen | None = None,
) -> Iterator[StreamBatch]:
    """Validate ``items`` lazily and group them into requests of at most ``size``.

    Holds one request's worth at a time, so memory does not grow with the input. Duplicates are
    removed within a request only (removing them across the whole input would hold every number);
    ``refuse`` may turn a valid item into a rejection (its message) before anything is sent,
    and ``screen`` then has the last look, as in ``plan``.
    """
    rejected: list[Rejection] = []
    chunk: dict[str, Prepared] = {}
    for checked in _checked(kind, items, refuse, screen):
        if isinstance(checked, Rejection):
            rejected.append(checked)
        else:
            chunk.setdefault(checked.number.upper(), checked)
        if len(chunk) == size or len(rejected) == size:
            yield StreamBatch(tuple(rejected), tuple(chunk.values()))
            rejected, chunk = [], {}
    if rejected or chunk:
        yield StreamBatch(tuple(rejected), tuple(chunk.values()))


def chunks(items: Sequence[Prepared], size: int = MAX_ITEMS_PER_REQUEST) -> Iterator[Sequence[Prepared]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


Outcome: TypeAlias = "Accepted | TrackInfo | Rejection | Failure"


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


CheckDigits = Literal["off", "warn", "reject"]
CHECK_DIGIT_MODES: tuple[CheckDigits, ...] = ("off", "warn", "reject")


def check_digit_screen(mode: CheckDigits) -> Screen | None:
    """register's ``check_digits``: nothing ("off"), a warning and a mark on the item ("warn"),
    or a rejection with ``ErrorCode.CHECK_DIGIT_FAILED`` ("reject") for a number whose check
    digit is wrong for every reading (``check_number``, with the item's carrier when it names one)."""
    if mode == "off":
        return None
    from track17_facade.numbers import check_number  # noqa: PLC0415 (the formats load on first use)

    def screen(item: Prepared, index: int) -> Prepared | Rejection:
        check = check_number(item.number, item.carrier)
        if not check.suspect:
            return item
        what = f"tracking number {item.number}: {check.verdict}, so it is almost surely mistyped"
        if mode == "reject":
            return _invalid(item.number, ErrorCode.CHECK_DIGIT_FAILED, f"{what}; not sent", index)
        logger.warning("item %d: %s; registering it anyway (check_digits='warn')", index, what)
        return item.evolve(suspect=True)

    return screen
