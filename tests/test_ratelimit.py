"""The limiter's arithmetic: windows, late wake-ups, the fresh window and the learning margin."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from track17_facade.ratelimit import Margin, SlidingWindowLimiter, window_for_rate

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
    from track17_facade.ratelimit._late import wait_sync

    limiter = _ScriptedLimiter(-1.0, 0.0)  # a slot a second gone: this caller is late for it
    wait_sync(limiter)
    assert limiter.calls == 2


def test_a_request_that_wakes_late_gives_its_missed_slot_back_first() -> None:
    import asyncio
    import time

    from track17_facade.ratelimit._late import wait_async, wait_sync

    class Releasing(_ScriptedLimiter):
        def __init__(self, *script: float | Exception) -> None:
            super().__init__(*script)
            self.released: list[tuple[float, int]] = []

        def release(self, booked: float) -> None:
            self.released.append((booked, self.calls))

        async def release_async(self, booked: float) -> None:
            self.release(booked)

    for wait in (wait_sync, lambda limiter: asyncio.run(wait_async(limiter))):
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
    from track17_facade.ratelimit._late import count_departure, wait_async, wait_sync

    gone = RateLimiterUnavailableError("redis is gone")
    late_then_gone = _ScriptedLimiter(-1.0, gone)
    wait_sync(late_then_gone)  # leaves on the slot it holds
    assert late_then_gone.calls == 2
    asyncio.run(wait_async(_ScriptedLimiter(-1.0, gone)))
    count_departure(_ScriptedLimiter(gone), 0.0, 1.0)  # already sent: never fails the request
    with pytest.raises(RateLimiterUnavailableError):
        wait_sync(_ScriptedLimiter(gone))


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

    from track17_facade.ratelimit._late import count_departure, wait_sync

    class Movable(_ScriptedLimiter):
        def __init__(self, *script: float | Exception) -> None:
            super().__init__(*script)
            self.moves: list[tuple[float, float]] = []

        def move(self, booked: float, departed: float) -> bool:
            self.moves.append((booked, departed))
            return True

    limiter = Movable(-1.0)  # late for its slot by a second: no new booking, no lost window
    due = wait_sync(limiter).due
    assert limiter.calls == 1
    count_departure(limiter, due, time.monotonic())
    assert limiter.calls == 1 and len(limiter.moves) == 1
    booked, departed = limiter.moves[0]
    assert booked == due and departed - due >= 1.0


def test_a_departure_a_few_milliseconds_late_is_counted_where_it_left() -> None:
    """Lateness under the tolerance used to be left for the margin to absorb; a movable limiter
    now gets every departure exactly, so the next request counts from it."""
    from track17_facade.ratelimit._late import LATE_TOLERANCE, count_departure

    clock = _Clock()
    limiter = SlidingWindowLimiter(3, 1.0, margin=0.002, clock=clock, assume_used=False)
    for _ in range(3):
        due = limiter.reserve()
    count_departure(limiter, due, due + LATE_TOLERANCE / 2)  # the third left 10 ms late
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


def test_limiters_of_a_key_share_a_margin_per_rate() -> None:
    """A margin is learnt in one regime: every limiter of a key at one rate shares it, and a
    refusal at 50 requests/s (queued round trips, a busy server) does not slow a 3/s job."""
    from track17_facade.ratelimit import shared_limiter, shared_margin

    key, other = "margin-key-" + "a" * 20, "margin-key-" + "b" * 20
    assert shared_margin(key, 3.0) is shared_margin(key, 3.0) is not shared_margin(other, 3.0)
    three, again, fifty = shared_limiter(key, 3.0), shared_limiter(key, 3.0), shared_limiter(key, 50.0)
    fifty.learn(booked=0.0, paced=False, refused=True)
    assert fifty.margin > three.margin == shared_margin(other, 3.0).seconds
    three.learn(booked=0.0, paced=False, refused=True)
    assert three.margin == again.margin == shared_margin(key, 3.0).seconds > shared_margin(other, 3.0).seconds


def test_a_route_no_longer_answered_stops_holding_the_margin_up() -> None:
    from track17_facade.ratelimit import EVIDENCE, MARGIN_FLOOR, ROUTE_MEMORY, Margin

    clock = _Clock()
    margin = Margin(clock=clock)
    for index in range(EVIDENCE):  # a slow, jittery route: round trips of 0.1 to 0.8 s
        margin.observe("getRealTimeTrackInfo", 0.1 + 0.1 * index)
    assert margin.seconds > 0.05
    clock.now += ROUTE_MEMORY + 1
    for _ in range(3 * EVIDENCE):  # then only a steady one, each answer a clean window
        margin.observe("gettrackinfo", 0.2)
        margin.held(1)
    assert margin.seconds == pytest.approx(MARGIN_FLOOR)
