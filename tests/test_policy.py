"""Pure logic, no network: statuses, codes, carriers, batching, retry delays, the limiter's maths."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from track17_facade import Carrier, ErrorCode, MainStatus, SubStatus
from track17_facade._batching import ItemKind, Prepared, chunks, merge, plan
from track17_facade.errors import (
    APIError,
    AuthenticationError,
    HTTPStatusError,
    InvalidResponseError,
    RateLimitError,
    ServerError,
)
from track17_facade.models import Accepted, Failure, Rejection
from track17_facade.ratelimit import Margin, SlidingWindowLimiter, window_for_rate
from track17_facade.retry import (
    Abort,
    Answered,
    GiveUp,
    Retry,
    Sleep,
    attempts,
    backoff_delay,
    classify_answer_error,
    classify_exception,
    classify_status,
    decide,
    parse_retry_after,
    retry_delay,
)

# -- statuses and codes ---------------------------------------------------------------------------


def test_main_statuses_follow_17tracks_order() -> None:
    names = [status.name_17track for status in MainStatus]
    assert names == [
        "NotFound",
        "InfoReceived",
        "InTransit",
        "Expired",
        "AvailableForPickup",
        "OutForDelivery",
        "DeliveryFailure",
        "Delivered",
        "Exception",
    ]
    assert [int(status) for status in MainStatus] == list(range(9))


def test_all_thirty_sub_statuses_know_their_main_status_and_name() -> None:
    assert len(SubStatus) == 30
    assert SubStatus.IN_TRANSIT_PICKED_UP.name_17track == "InTransit_PickedUp"
    assert SubStatus.IN_TRANSIT_PICKED_UP.main_status is MainStatus.IN_TRANSIT
    assert SubStatus.EXCEPTION_CANCEL.name_17track == "Exception_Cancel"
    assert SubStatus.INFO_RECEIVED.name_17track == "InfoReceived"
    assert SubStatus.from_name("DeliveryFailure_InvalidAddress") is SubStatus.DELIVERY_FAILURE_INVALID_ADDRESS
    for sub in SubStatus:
        assert SubStatus.from_name(sub.name_17track) is sub
        assert sub.name_17track.split("_")[0] == sub.main_status.name_17track


@pytest.mark.parametrize("enum", [MainStatus, SubStatus, ErrorCode, Carrier])
def test_unknown_values_never_raise_and_keep_the_raw_value(enum: type[MainStatus]) -> None:
    member = enum(987654)
    assert isinstance(member, enum)
    assert member.name == "UNKNOWN"
    assert member.raw == 987654 == member
    assert not member.is_known
    assert "987654" in repr(member)


def test_unknown_status_names_keep_the_name() -> None:
    sub = SubStatus.from_name("InTransit_Teleported")
    assert not sub.is_known and sub.raw == "InTransit_Teleported"
    assert MainStatus.from_name("Vanished").raw == "Vanished"


def test_error_codes_carry_17tracks_meaning() -> None:
    assert ErrorCode(-18019901) is ErrorCode.ALREADY_REGISTERED
    assert "already registered" in ErrorCode.ALREADY_REGISTERED.meaning
    assert ErrorCode.TOO_MANY_NUMBERS.meaning == "more than 40 tracking numbers in one request"
    assert all(code.meaning for code in ErrorCode)
    assert "undocumented" in ErrorCode(-1).meaning


def test_carrier_ids_are_17tracks_keys() -> None:
    assert (Carrier.UPS, Carrier.FEDEX, Carrier.DHL_EXPRESS, Carrier.USPS) == (
        100002,
        100003,
        100001,
        21051,
    )
    assert (Carrier.CHINA_POST, Carrier.ROYAL_MAIL) == (3011, 11031)


def test_track_info_helpers() -> None:
    from track17_facade import TrackInfo

    def info(status: MainStatus) -> TrackInfo:
        return TrackInfo("RR123456789CN", Carrier.CHINA_POST, status, SubStatus.DELIVERED_OTHER, None, ())

    assert info(MainStatus.DELIVERED).is_delivered and info(MainStatus.DELIVERED).is_final
    assert info(MainStatus.EXCEPTION).is_exception and info(MainStatus.EXPIRED).is_final
    assert not info(MainStatus.IN_TRANSIT).is_final
    assert "<0 events>" in repr(info(MainStatus.IN_TRANSIT))


# -- batching -------------------------------------------------------------------------------------


def test_plan_rejects_bad_rows_and_keeps_the_rest_in_order() -> None:
    result = plan(
        ItemKind.REGISTER,
        [
            "RR123456789CN",
            "bad!",
            ("1Z999AA10123456784", Carrier.UPS),
            "RR123456789CN",
            ("RR000000001CN", 3.5),
            None,
        ],
    )
    assert [item.number for item in result.items] == ["RR123456789CN", "1Z999AA10123456784"]
    assert result.items[1].carrier == 100002
    rejected = [entry for entry in result.order if isinstance(entry, Rejection)]
    assert [r.code for r in rejected] == [
        ErrorCode.FIELD_FORMAT_INVALID,
        ErrorCode.FIELD_VALUE_INVALID,
        ErrorCode.FIELD_FORMAT_INVALID,
    ]
    assert "bad!" in rejected[0].message
    assert "carrier 3.5 is invalid" in rejected[1].message


def test_surrounding_whitespace_is_stripped_before_checking_and_deduplicating() -> None:
    result = plan(ItemKind.REGISTER, [" RR333333333CN ", "RR333333333CN\n", ("\tRR444444444CN", Carrier.UPS)])
    assert [item.number for item in result.items] == ["RR333333333CN", "RR444444444CN"]
    assert result.order == ("RR333333333CN", "RR444444444CN")


def test_a_huge_bad_value_is_cut_in_the_rejection() -> None:
    huge = "X" * 10_000
    rejection = plan(ItemKind.NUMBER, [huge]).order[0]
    assert isinstance(rejection, Rejection)
    assert len(rejection.number) <= 60 and len(rejection.message) < 200
    assert len(repr(rejection)) < 400
    assert rejection.number.startswith("XXXX") and rejection.index == 0


@pytest.mark.parametrize(
    ("item", "named"),
    [(None, "got NoneType None"), (123, "got int 123"), (b"RR123456789CN", "got bytes")],
)
def test_a_non_string_item_names_its_type_and_is_told_apart_from_a_string(item: object, named: str) -> None:
    result = plan(ItemKind.REGISTER, ["RR123456789CN", item, "None"])
    wrong_type, wrong_string = (entry for entry in result.order if isinstance(entry, Rejection))
    assert wrong_type.number == "" and wrong_type.index == 1
    assert named in wrong_type.message and wrong_type.message.startswith("item 1: expected")
    assert wrong_string.number == "None" and wrong_string.index == 2
    assert "tracking number 'None' is invalid" in wrong_string.message


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (ItemKind.REGISTER, "a tracking number string, a (number, carrier) pair or a Registration"),
        (ItemKind.LOOKUP, "a tracking number string or a (number, carrier) pair"),
        (ItemKind.CARRIER, "a (number, carrier) pair or a (number, old carrier, new carrier) triple"),
        (ItemKind.TAG, "a (number, tag) pair"),
    ],
)
def test_a_wrong_sized_tuple_names_the_pair_of_its_operation(kind: ItemKind, expected: str) -> None:
    rejection = plan(kind, [("RR123456789CN", 1, 2, 3)]).order[0]
    assert isinstance(rejection, Rejection)
    assert rejection.message == f"item 0: expected {expected}, got a 4-tuple ('RR123456789CN', 1, 2, 3)"
    assert rejection.code is ErrorCode.FIELD_VALUE_INVALID


def test_a_carrier_change_may_name_the_old_carrier() -> None:
    (item,) = plan(ItemKind.CARRIER, [("RR123456789CN", 3011, 3013)]).items
    assert (item.carrier_old, item.carrier) == (3011, 3013)
    (pair,) = plan(ItemKind.CARRIER, [("RR123456789CN", 3013)]).items
    assert (pair.carrier_old, pair.carrier) == (None, 3013)


def test_a_bare_number_where_a_pair_is_needed_names_the_pair() -> None:
    rejection = plan(ItemKind.TAG, ["RR123456789CN"]).order[0]
    assert isinstance(rejection, Rejection) and rejection.number == "RR123456789CN"
    assert "expected a (number, tag) pair, got str" in rejection.message


def test_plan_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError, match="not a single string"):
        plan(ItemKind.NUMBER, "RR123456789CN")


@given(st.lists(st.from_regex(r"[A-Z0-9]{5,12}", fullmatch=True), max_size=300))
def test_chunks_hold_at_most_40_and_cover_everything_once(numbers: list[str]) -> None:
    items = plan(ItemKind.NUMBER, numbers).items
    pieces = list(chunks(items))
    assert all(1 <= len(piece) <= 40 for piece in pieces)
    assert [item for piece in pieces for item in piece] == list(items)
    assert len(items) == len(set(numbers))


def test_merge_keeps_input_order_and_reports_unmentioned_numbers() -> None:
    planned = plan(ItemKind.NUMBER, ["AAAAA1", "bad", "BBBBB2", "CCCCC3"])
    error = InvalidResponseError("boom")
    outcomes = {"CCCCC3": Accepted("CCCCC3"), "AAAAA1": Failure("AAAAA1", error)}
    result = merge(planned, outcomes)  # type: ignore[arg-type]
    assert [a.number for a in result.accepted] == ["CCCCC3"]
    assert [r.number for r in result.rejected] == ["bad"]
    assert [f.number for f in result.failed] == ["AAAAA1", "BBBBB2"]
    assert "did not mention BBBBB2" in str(result.failed[1].error)


def test_prepared_items_are_values() -> None:
    assert Prepared("ABCDE") == Prepared("ABCDE")


# -- retries --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "retry", "effect"),
    [
        (401, AuthenticationError, False, False),
        (403, HTTPStatusError, False, False),
        (404, HTTPStatusError, False, False),
        (429, RateLimitError, True, False),
        (500, ServerError, True, True),
        (502, ServerError, True, True),
        (503, ServerError, True, True),
        (520, ServerError, True, True),
    ],
)
def test_the_status_alone_decides(status: int, error: type[Exception], retry: bool, effect: bool) -> None:
    failed = classify_status(status, {"retry-after": "3"}, "register", 1)
    assert failed is not None
    assert type(failed.error) is error and failed.retryable is retry
    assert failed.may_have_taken_effect is effect
    assert getattr(failed.error, "status_code", None) == status
    if status == 429:
        assert isinstance(failed.error, RateLimitError) and failed.error.retry_after == 3.0
    assert classify_status(200, {}, "register", 1) is None


def test_decisions_retry_give_up_or_abort() -> None:
    server = classify_status(503, {}, "register", 1)
    throttled = classify_status(429, {"retry-after": "2"}, "register", 1)
    refused = classify_status(401, {}, "register", 1)
    missing = classify_status(404, {}, "register", 1)
    assert server is not None and throttled is not None and refused is not None and missing is not None
    rng = random.Random(0)
    first = decide(server, 1, 4, rng=rng)
    assert isinstance(first, Retry) and 0.125 <= first.delay <= 0.25
    assert decide(throttled, 1, 4) == Retry(2.0)
    assert decide(server, 5, 4) == GiveUp(server.error)
    assert decide(missing, 1, 4) == GiveUp(missing.error)
    assert decide(refused, 1, 4) == Abort(refused.error)


def test_internal_service_error_code_is_retried_like_a_5xx() -> None:
    busy = classify_answer_error(APIError("busy", code=ErrorCode.INTERNAL_SERVICE_ERROR), 2)
    assert busy.retryable and busy.may_have_taken_effect and busy.error.attempts == 2  # type: ignore[attr-defined]
    too_many = classify_answer_error(APIError("no", code=ErrorCode.TOO_MANY_NUMBERS), 1)
    assert not too_many.retryable


def test_the_attempt_loop_yields_typed_steps_and_remembers_ambiguity() -> None:
    """A 503 then a 200: one Sleep between two sends, and the answer is marked ambiguous."""
    from track17_client.types import Response

    loop = attempts("register", lambda parsed: parsed, max_retries=2, items=1)
    assert next(loop) is not None  # SEND
    step = loop.send(Response(503, b"<html>", {}, None))
    assert isinstance(step, Sleep) and step.seconds > 0
    loop.send(None)  # back to SEND
    with pytest.raises(StopIteration) as done:
        loop.send(Response(200, b"{}", {}, "parsed"))
    assert done.value.value == Answered("parsed", ambiguous=True)


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    rng = random.Random(1)
    for retry in range(1, 10):
        step = min(8.0, 0.25 * 2 ** (retry - 1))
        delays = [backoff_delay(retry, rng=rng) for _ in range(50)]
        assert all(step / 2 <= delay <= step for delay in delays)
        assert len(set(delays)) > 1


def test_retry_after_wins_over_backoff() -> None:
    assert retry_delay(1, 2.5) == 2.5
    assert retry_delay(1, None) <= 0.25


def test_retry_after_parses_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=7), usegmt=True), now=now) == 7.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("99999") == 60.0


def test_which_failures_may_have_taken_effect() -> None:
    import httpx

    assert not classify_exception(httpx.ConnectError("refused"), "register", 1).may_have_taken_effect
    assert classify_exception(httpx.ReadTimeout("slow"), "register", 1).may_have_taken_effect
    assert classify_exception(httpx.RemoteProtocolError("dropped"), "register", 1).may_have_taken_effect
    unreadable = classify_exception(ValueError("x" * 5000), "register", 1)
    assert isinstance(unreadable.error, InvalidResponseError) and unreadable.retryable
    assert len(str(unreadable.error)) < 300


# -- the limiter's arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"), [(3.0, (3, 1.0)), (0.5, (1, 2.0)), (50.0, (50, 1.0)), (2.5, (2, 0.8))]
)
def test_rates_become_limit_and_window(rate: float, expected: tuple[int, float]) -> None:
    assert window_for_rate(rate) == expected


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        window_for_rate(0)


@given(
    limit=st.integers(1, 5),
    arrivals=st.lists(st.floats(0, 5, allow_nan=False), min_size=1, max_size=40),
)
def test_reservations_never_put_more_than_limit_in_any_window(limit: int, arrivals: list[float]) -> None:
    """Whatever the callers' timing, the granted starts never exceed the limit in any window."""
    now = [0.0]
    limiter = SlidingWindowLimiter(limit, 1.0, margin=0.0, clock=lambda: now[0], assume_used=False)
    starts = []
    for at in sorted(arrivals):
        now[0] = at
        starts.append(at + limiter.reserve())
    starts.sort()
    for index in range(limit, len(starts)):
        assert starts[index] - starts[index - limit] >= 1.0 - 1e-9
    # and no needless idling: each start is as early as the limit allows
    for index, start in enumerate(starts):
        earliest = (
            sorted(arrivals)[index]
            if index < limit
            else max(sorted(arrivals)[index], starts[index - limit] + 1.0)
        )
        assert start == pytest.approx(earliest)


# -- the exception tree ---------------------------------------------------------------------------


def test_the_errors_docstring_draws_the_real_tree() -> None:
    """Each name in the tree of ``track17_facade.errors``'s docstring sits under its real parent,
    and every exception class of the module is in it."""
    import re

    from track17_facade import errors

    doc = errors.__doc__ or ""
    lines = [line for line in doc.splitlines() if re.match(r"    (Track17Error$|[│ ]*[├└]── )", line)]
    parents: list[str] = []
    drawn = []
    for line in lines:
        name = re.search(r"(\w+Error)\b", line)
        assert name, line
        depth = 0 if line.strip() == "Track17Error" else (line.index("──") - 4) // 4 + 1
        del parents[depth:]
        cls = getattr(errors, name.group(1))
        if parents:
            assert cls.__bases__[0] is getattr(errors, parents[-1]), line
        parents.append(name.group(1))
        drawn.append(name.group(1))
    defined = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.Track17Error)
    }
    assert set(drawn) == defined


# -- late wake-ups --------------------------------------------------------------------------------


class _ScriptedLimiter:
    """Hands out the delays it was given, in order; an exception in the script is raised."""

    def __init__(self, *script: float | Exception) -> None:
        self.script = list(script)
        self.calls = 0

    def reserve(self) -> float:
        self.calls += 1
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    async def reserve_async(self) -> float:
        return self.reserve()


def test_a_request_that_wakes_late_books_again() -> None:
    from track17_facade.ratelimit import _wait_sync

    limiter = _ScriptedLimiter(-1.0, 0.0)  # a slot a second gone: this caller is late for it
    _wait_sync(limiter)
    assert limiter.calls == 2


def test_a_request_that_wakes_late_gives_its_missed_slot_back_first() -> None:
    import asyncio
    import time

    from track17_facade.ratelimit import _wait_async, _wait_sync

    class Releasing(_ScriptedLimiter):
        def __init__(self, *script: float | Exception) -> None:
            super().__init__(*script)
            self.released: list[tuple[float, int]] = []

        def release(self, booked: float) -> None:
            self.released.append((booked, self.calls))

        async def release_async(self, booked: float) -> None:
            self.release(booked)

    for wait in (_wait_sync, lambda limiter: asyncio.run(_wait_async(limiter))):
        limiter = Releasing(-1.0, 0.0)
        before = time.monotonic()
        slot = wait(limiter)
        ((missed, calls_then),) = limiter.released
        assert calls_then == 1 and limiter.calls == 2  # released before the new booking
        assert before - 1.0 <= missed <= time.monotonic() - 1.0  # the slot it missed, a second ago
        assert slot.due >= before  # it leaves on the new one


def test_only_the_first_booking_can_stop_a_request() -> None:
    import asyncio

    from track17_facade.errors import RateLimiterUnavailableError
    from track17_facade.ratelimit import _count_departure, _wait_async, _wait_sync

    gone = RateLimiterUnavailableError("redis is gone")
    late_then_gone = _ScriptedLimiter(-1.0, gone)
    _wait_sync(late_then_gone)  # leaves on the slot it holds
    assert late_then_gone.calls == 2
    asyncio.run(_wait_async(_ScriptedLimiter(-1.0, gone)))
    _count_departure(_ScriptedLimiter(gone), 0.0, 1.0)  # already sent: never fails the request
    with pytest.raises(RateLimiterUnavailableError):
        _wait_sync(_ScriptedLimiter(gone))


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_latest_booking_moves_to_where_its_request_really_left() -> None:
    from track17_facade.ratelimit import SlidingWindowLimiter

    clock = _Clock()
    limiter = SlidingWindowLimiter(3, 1.0, margin=0.025, clock=clock, assume_used=False)
    assert [limiter.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.reserve() == pytest.approx(1.025)  # the fourth waits a window
    assert not limiter.move(0.0, 0.5)  # not the latest booking: a later one counts from it
    clock.now = 1.025
    assert limiter.move(1.025, 1.4)  # the fourth left 375 ms late
    # The fifth and sixth count from the first two (at 0), the seventh from the fourth's real start.
    clock.now = 1.4
    assert [limiter.reserve() for _ in range(2)] == [0.0, 0.0]
    assert limiter.reserve() == pytest.approx(1.025)  # at 2.425: a window after 1.4


def test_a_late_request_with_a_movable_limiter_keeps_its_booking_and_moves_it() -> None:
    import time

    from track17_facade.ratelimit import _count_departure, _wait_sync

    class Movable(_ScriptedLimiter):
        def __init__(self, *script: float | Exception) -> None:
            super().__init__(*script)
            self.moves: list[tuple[float, float]] = []

        def move(self, booked: float, departed: float) -> bool:
            self.moves.append((booked, departed))
            return True

    limiter = Movable(-1.0)  # late for its slot by a second: no new booking, no lost window
    due = _wait_sync(limiter).due
    assert limiter.calls == 1
    _count_departure(limiter, due, time.monotonic())
    assert limiter.calls == 1 and len(limiter.moves) == 1
    booked, departed = limiter.moves[0]
    assert booked == due and departed - due >= 1.0


def test_a_departure_a_few_milliseconds_late_is_counted_where_it_left() -> None:
    """Lateness under the tolerance used to be left for the margin to absorb; a movable limiter
    now gets every departure exactly, so the next request counts from it."""
    from track17_facade.ratelimit import LATE_TOLERANCE, _count_departure

    clock = _Clock()
    limiter = SlidingWindowLimiter(3, 1.0, margin=0.002, clock=clock, assume_used=False)
    for _ in range(3):
        due = limiter.reserve()
    _count_departure(limiter, due, due + LATE_TOLERANCE / 2)  # the third left 10 ms late
    clock.now = 0.5
    assert limiter.reserve() == pytest.approx(0.502)  # counted from the first (at 0)
    assert limiter.reserve() == pytest.approx(0.502)  # and from the second
    assert limiter.reserve() == pytest.approx(0.512)  # the third's real departure, 10 ms on


# -- the fresh window -----------------------------------------------------------------------------


def test_a_new_limiter_counts_the_window_before_it_as_full() -> None:
    """Another process may have used the key just before this one started: the first requests of
    a new limiter wait a window (and the margin) from its creation, and no longer."""
    clock = _Clock()
    clock.now = 100.0
    limiter = SlidingWindowLimiter(3, 1.0, margin=0.025, clock=clock)
    assert [limiter.reserve() for _ in range(4)] == pytest.approx([1.025, 1.025, 1.025, 2.05])
    clock.now = 200.0
    later = SlidingWindowLimiter(3, 1.0, margin=0.025, clock=clock)
    clock.now = 201.5  # first used after its window had passed: nothing to wait for
    assert [later.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    fresh = SlidingWindowLimiter(3, 1.0, margin=0.025, clock=clock, assume_used=False)
    assert [fresh.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]


def test_the_process_wide_limiter_of_a_key_assumes_its_window_used() -> None:
    from track17_facade.ratelimit import shared_limiter

    key = "fresh-window-" + "c" * 20
    assert shared_limiter(key, 3.0).reserve() > 0.9


# -- the margin -----------------------------------------------------------------------------------


def test_a_margin_widens_once_per_disagreement_and_stops_at_its_ceiling() -> None:
    from track17_facade.ratelimit import MARGIN_WIDEN, Margin

    clock = _Clock()
    margin = Margin(0.005, floor=0.002, clock=clock, ceiling=0.1)
    clock.now = 10.0
    margin.refused(booked=9.5)
    assert margin.seconds == pytest.approx(0.005 * MARGIN_WIDEN)
    # Requests booked before that widening used the old margin: their 429s are the same lesson.
    margin.refused(booked=9.8)
    margin.refused(booked=10.0 - 1e-6)
    assert margin.seconds == pytest.approx(0.005 * MARGIN_WIDEN)
    clock.now = 11.0
    margin.refused(booked=10.5)  # booked with the wider margin, and still refused
    assert margin.seconds == pytest.approx(0.005 * MARGIN_WIDEN**2)
    for moment in (12.0, 13.0, 14.0):
        clock.now = moment
        margin.refused(booked=moment - 0.5)
    assert margin.seconds == 0.1


def _clean_windows(margin: Margin, windows: int, per_window: int = 3) -> list[float]:
    """The margin after each of ``windows`` clean windows."""
    seen = []
    for _ in range(windows):
        for _ in range(per_window):
            margin.answered(booked=0.0, paced=True, refused=False, per_window=per_window)
        seen.append(margin.seconds)
    return seen


def test_a_margin_starts_safe_and_never_shrinks_without_evidence() -> None:
    from track17_facade.ratelimit import MARGIN_START, Margin

    margin = Margin()
    assert margin.seconds == MARGIN_START == 0.025
    assert margin.spread is None
    assert _clean_windows(margin, 100)[-1] == MARGIN_START  # clean windows alone prove nothing


def test_a_margin_earns_its_way_down_to_what_the_link_shows() -> None:
    """Round trips that vary by 2 ms (loopback) bring 25 ms down to 1.5 x 2 ms within a few
    clean windows, never below it."""
    from track17_facade.ratelimit import EVIDENCE, SPREAD_FACTOR, Margin

    margin = Margin(floor=0.002)
    for i in range(EVIDENCE):
        margin.observe("/track/v1/register", 0.600 + (i % 3) * 0.001)
    assert margin.spread == pytest.approx(0.002)
    target = SPREAD_FACTOR * 0.002
    seen = _clean_windows(margin, 8)
    assert seen == sorted(seen, reverse=True)
    assert seen[0] < 0.025 and seen[-1] == pytest.approx(target)
    for _ in range(30):  # answers that did not wait for a slot prove nothing about the margin
        margin.answered(booked=0.0, paced=False, refused=False, per_window=3)
    assert margin.seconds == pytest.approx(target)


def test_a_wider_spread_widens_the_margin_at_once() -> None:
    """0-40 ms of jitter on the link shows in the round trips before any 429 does."""
    from track17_facade.ratelimit import EVIDENCE, SPREAD_FACTOR, Margin

    margin = Margin(floor=0.002)
    for _ in range(EVIDENCE):
        margin.observe("/track/v1/register", 0.010)
    _clean_windows(margin, 10)
    assert margin.seconds == pytest.approx(0.002)
    for i in range(20):
        margin.observe("/track/v1/register", 0.010 + (i % 5) * 0.010)
    assert margin.spread == pytest.approx(0.040)  # 10 to 50 ms round trips
    assert margin.seconds == pytest.approx(SPREAD_FACTOR * 0.040)


def test_each_route_has_its_own_round_trips() -> None:
    """An answer that takes longer to build (40 tracking histories) is not link jitter."""
    from track17_facade.ratelimit import EVIDENCE, Margin

    margin = Margin(floor=0.002)
    for _ in range(EVIDENCE):
        margin.observe("/track/v1/register", 0.002)
        margin.observe("/track/v1/gettrackinfo", 0.030)
    assert margin.spread == 0.0
    _clean_windows(margin, 10)
    assert margin.seconds == 0.002


def test_a_refusal_keeps_the_margin_above_the_value_that_failed_until_it_fades() -> None:
    from track17_facade.ratelimit import EVIDENCE, MARGIN_SHRINK, MARGIN_WIDEN, Margin

    clock = _Clock()
    margin = Margin(0.010, floor=0.002, clock=clock)
    for _ in range(EVIDENCE):
        margin.observe("/track/v1/register", 0.002)  # the link looks perfect
    clock.now = 1.0
    margin.refused(booked=0.5)
    assert margin.seconds == pytest.approx(0.010 * MARGIN_WIDEN)
    seen = _clean_windows(margin, 10)
    assert min(seen) >= 0.010 - 10 * MARGIN_SHRINK  # the failed value, fading slowly
    assert _clean_windows(margin, 100)[-1] == pytest.approx(0.002)  # faded away


def test_a_refusal_restarts_the_count_of_clean_answers() -> None:
    from track17_facade.ratelimit import EVIDENCE, MARGIN_WIDEN, Margin

    clock = _Clock()
    margin = Margin(0.010, clock=clock)
    for _ in range(EVIDENCE):
        margin.observe("/track/v1/register", 0.002)
    margin.held(3)
    margin.held(3)
    clock.now = 1.0
    margin.refused(booked=0.5)
    margin.held(3)
    margin.held(3)
    assert margin.seconds == pytest.approx(0.010 * MARGIN_WIDEN)  # two held since: no shrink yet


def test_a_fixed_margin_never_moves() -> None:
    from track17_facade.ratelimit import Margin

    margin = Margin.fixed(0.025)
    assert not margin.learns
    margin.refused(booked=0.0)
    for i in range(30):
        margin.observe("/x", i * 0.01)
        margin.held(3)
    assert margin.seconds == 0.025
    with pytest.raises(ValueError, match="seconds >= 0"):
        Margin.fixed(-1.0)


def test_the_limiter_spaces_windows_by_the_margin_it_has_learnt() -> None:
    from track17_facade.ratelimit import MARGIN_START, MARGIN_WIDEN, Margin

    clock = _Clock()
    limiter = SlidingWindowLimiter(3, 1.0, margin=Margin(clock=clock), clock=clock, assume_used=False)
    assert limiter.margin == MARGIN_START
    assert [limiter.reserve() for _ in range(4)] == pytest.approx([0, 0, 0, 1 + MARGIN_START])
    clock.now = 1.0
    limiter.learn(booked=0.0, paced=False, refused=True)
    wider = MARGIN_START * MARGIN_WIDEN
    assert limiter.margin == pytest.approx(wider)
    assert limiter.reserve() == pytest.approx(wider)  # the fifth: a window and the new margin after 0


def test_every_limiter_of_a_key_in_the_process_shares_its_margin() -> None:
    from track17_facade.ratelimit import shared_limiter, shared_margin

    key, other = "margin-key-" + "a" * 20, "margin-key-" + "b" * 20
    assert shared_margin(key) is shared_margin(key) and shared_margin(key) is not shared_margin(other)
    three, fifty = shared_limiter(key, 3.0), shared_limiter(key, 50.0)
    three.learn(booked=0.0, paced=False, refused=True)
    assert three.margin == fifty.margin == shared_margin(key).seconds > shared_margin(other).seconds


def test_to_dict_names_unknown_values_and_errors() -> None:
    from track17_facade import MainStatus, SubStatus
    from track17_facade.errors import ServerError
    from track17_facade.models import BatchResult, Failure, TrackEvent

    event = TrackEvent(MainStatus(99), SubStatus(9999), None, None, None)
    assert event.to_dict()["status"] == "UNKNOWN:99" and event.to_dict()["sub_status"] == "UNKNOWN:9999"
    failed = BatchResult[TrackEvent](
        (), (), (Failure("RR123456789CN", ServerError("HTTP 503", status_code=503)),)
    )
    assert failed.to_dict()["failed"] == [
        {"number": "RR123456789CN", "error": {"type": "ServerError", "message": "HTTP 503"}}
    ]
