"""The Redis-backed limiter against a real redis-server: many processes, one key, zero 429s."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from typing import Any

import pytest
import redis

from tests.conftest import RedisServer, assert_paced, unique_key
from track17_facade import AsyncTrack17Client, RateLimiterUnavailableError, Track17Client
from track17_facade.ratelimit import MARGIN_START, MARGIN_WIDEN, shared_margin
from track17_facade.redis_limiter import RedisRateLimiter
from track17_facade.sandbox import Sandbox, SandboxProcess

pytestmark = pytest.mark.redis


def register_in_worker(
    url: str, key: str, base_url: str, prefix: str, count: int, barrier: Any
) -> tuple[int, int, int]:
    """One worker process: its own client, the shared Redis limiter; all start together."""
    with (
        RedisRateLimiter.from_url(url) as limiter,
        Track17Client(key, base_url=base_url, rate_limiter=limiter) as client,
    ):
        barrier.wait()
        result = client.register([f"{prefix}{i:09d}CN" for i in range(count)])
    return len(result.accepted), len(result.rejected), len(result.failed)


def test_four_processes_share_one_limit(redis_server: RedisServer, record_property: Any) -> None:
    key = unique_key()
    prefixes = ["RA", "RB", "RC", "RD"]
    # The sandbox runs in its own process, as a real server would: in this process its thread would
    # be starved while four interpreters start on a small machine, and it would stamp arrivals late.
    with SandboxProcess(api_keys=(key,), rate=3, window=1.0) as box:
        context = multiprocessing.get_context("spawn")
        with context.Manager() as manager, context.Pool(len(prefixes)) as pool:
            barrier = manager.Barrier(len(prefixes))
            started = time.monotonic()
            outcomes = pool.starmap(
                register_in_worker,
                [(redis_server.url, key, box.base_url, prefix, 120, barrier) for prefix in prefixes],
            )
            elapsed = time.monotonic() - started
        stats = box.stats()
    assert outcomes == [(120, 0, 0)] * 4
    assert stats.registered == 480
    assert_paced(stats, requests=12)
    throughput = 480 / elapsed
    record_property("numbers_per_second", round(throughput, 1))
    print(f"4 processes, one key: 480 numbers in {elapsed:.2f}s ({throughput:.0f}/s; ceiling 120/s)")


def test_async_clients_use_it_too(redis_server: RedisServer) -> None:
    key = unique_key()

    async def run(base_url: str) -> Any:
        async with (
            RedisRateLimiter.from_url(redis_server.url) as limiter,
            AsyncTrack17Client(key, base_url=base_url, rate_limiter=limiter) as first,
            AsyncTrack17Client(key, base_url=base_url, rate_limiter=limiter) as second,
        ):
            return await asyncio.gather(
                first.register([f"RA{i:09d}CN" for i in range(120)]),
                second.register([f"RB{i:09d}CN" for i in range(120)]),
            )

    with SandboxProcess(api_keys=(key,), rate=3) as box:
        results = asyncio.run(run(box.base_url))
        stats = box.stats()
    assert all(result.ok for result in results)
    assert_paced(stats, requests=6)


def test_keys_are_hashed_and_expire(redis_server: RedisServer) -> None:
    key = unique_key()
    with RedisRateLimiter.from_url(redis_server.url, requests_per_second=100) as shared:
        limiter = shared.for_key(key)
        for _ in range(5):
            limiter.reserve()
    store = redis.Redis.from_url(redis_server.url, decode_responses=True)
    names = [str(name) for name in store.keys("*")]
    assert len(names) == 1 and key not in names[0] and names[0].startswith("track17:ratelimit:")
    assert 0 < store.pttl(names[0]) <= 2100
    assert store.zcard(names[0]) == 5
    store.close()


def test_bookings_from_the_redis_clock_space_requests_exactly(redis_server: RedisServer) -> None:
    store = redis.Redis.from_url(redis_server.url, decode_responses=True)
    with RedisRateLimiter.from_url(redis_server.url, requests_per_second=2) as shared:
        limiter = shared.for_key(unique_key())
        for _ in range(6):
            limiter.reserve()
    (name,) = list(store.keys("*"))
    booked: list[tuple[str, float]] = list(store.zrange(name, 0, -1, withscores=True))  # type: ignore[arg-type]
    starts = sorted(score for _, score in booked)
    assert all(later - earlier >= 1_000_000 for earlier, later in zip(starts, starts[2:], strict=False))
    store.close()


def _scores(store: redis.Redis, name: str | bytes) -> list[float]:
    """The booked start times in a limiter's sorted set, in order (microseconds)."""
    booked: list[tuple[Any, float]] = list(store.zrange(name, 0, -1, withscores=True))  # type: ignore[arg-type]
    return sorted(score for _, score in booked)


def test_the_redis_limiter_spaces_by_this_processs_learnt_margin(redis_server: RedisServer) -> None:
    """The margin is a property of this process's link: the key's in-process margin, widened by a
    429, spaces the Redis bookings too; a fixed margin stays put."""
    key = unique_key()
    store = redis.Redis.from_url(redis_server.url, decode_responses=True)
    with RedisRateLimiter.from_url(redis_server.url) as shared:
        limiter = shared.for_key(key)
        assert limiter.margin == shared_margin(key, 3.0).seconds == MARGIN_START
        limiter.learn(booked=time.monotonic(), paced=True, refused=True)
        with Track17Client(key) as client:  # a client of the key without Redis sees the same
            assert client.rate_limit_margin == limiter.margin == pytest.approx(MARGIN_START * MARGIN_WIDEN)
        for _ in range(4):
            limiter.reserve()
        fixed = RedisRateLimiter(redis_server.url, margin=0.1).for_key(unique_key())
        fixed.learn(booked=time.monotonic(), paced=True, refused=True)
        assert fixed.margin == 0.1
    (name,) = list(store.keys("*"))
    starts = _scores(store, name)
    assert starts[3] - starts[0] >= round((1 + MARGIN_START * MARGIN_WIDEN) * 1_000_000)
    store.close()


def _due(delay: float) -> float:
    """A booking's due time, reckoned as a paced transport does: once the booking is made."""
    return time.monotonic() + delay


def test_a_missed_slot_is_given_back(redis_server: RedisServer) -> None:
    """A request that woke too late releases the slot it missed: it stops counting, so the next
    booking gets the room at once; an unknown slot releases nothing."""
    store = redis.Redis.from_url(redis_server.url)
    with RedisRateLimiter.from_url(redis_server.url) as shared:
        limiter = shared.for_key(unique_key())
        dues = [_due(limiter.reserve()) for _ in range(3)]
        limiter.release(dues[2] + 10.0)  # no such booking
        assert store.zcard(limiter.redis_key) == 3
        limiter.release(dues[2])
        assert store.zcard(limiter.redis_key) == 2
        assert limiter.reserve() == 0.0  # the window has room again
        assert limiter.reserve() > 0  # and is full once more: the next slot is a window on
        starts = _scores(store, limiter.redis_key)
        assert starts[3] - starts[0] >= 1_000_000

        async def release_async() -> None:
            other = shared.for_key(unique_key())
            due = _due(await other.reserve_async())
            await other.release_async(due)
            assert await other.reserve_async() == 0.0 and store.zcard(other.redis_key) == 1
            await shared.aclose()

        asyncio.run(release_async())
    store.close()


def test_a_missed_slot_moves_to_now_only_where_no_window_gets_crowded(redis_server: RedisServer) -> None:
    """A late request's booking moves to now when that keeps every window within the limit; not
    when a later booking already counts from it (the request then books again)."""
    store = redis.Redis.from_url(redis_server.url)
    with RedisRateLimiter.from_url(redis_server.url) as shared:
        limiter = shared.for_key(unique_key())
        dues = [_due(limiter.reserve()) for _ in range(4)]  # three now, the fourth a window after
        assert not limiter.move_to_now(dues[0])  # the fourth counts from the first
        before = _scores(store, limiter.redis_key)
        assert limiter.move_to_now(dues[2])  # nothing counts from the third
        after = _scores(store, limiter.redis_key)
        assert len(after) == 4 and after[2] > before[2] and after[3] == before[3]
        assert not limiter.move_to_now(dues[2] + 10.0)  # no such booking
        limiter.release(dues[0])  # the unmoved booking is still known, and can be given back
        assert store.zcard(limiter.redis_key) == 3
    store.close()


class _FirstAnswerLate(RedisRateLimiter):
    """A Redis limiter whose first booking reaches its caller 0.2 s after Redis made it: what a
    busy process sees when the thread reading the reply waits for the GIL behind threads that
    decode big answers."""

    def __init__(self, url: str) -> None:
        super().__init__(url, margin=0.005)
        self.stalls = [0.2]  # shared by the copies ``for_key`` makes

    def reserve(self) -> float:
        delay = super().reserve()
        if self.stalls:
            time.sleep(self.stalls.pop())  # the stall under test, not a synchronisation
        return delay


def test_a_booking_that_answers_late_counts_where_its_request_left(redis_server: RedisServer) -> None:
    """The first request leaves 0.2 s after the slot Redis booked for it; the fourth, booked a
    window after that slot, would reach 17TRACK 0.8 s after the first. It is counted where it
    left instead, and the fourth waits a window from there."""
    key = unique_key()
    with (
        _FirstAnswerLate(redis_server.url) as limiter,
        SandboxProcess(api_keys=(key,), rate=3) as box,
        Track17Client(key, base_url=box.base_url, rate_limiter=limiter) as client,
    ):
        for number in range(4):
            assert client.register([f"RL{number:09d}CN"]).ok
        stats = box.stats()
    assert not limiter.stalls
    assert_paced(stats, requests=4)


def _stop_redis_after_first_chunk(redis_server: RedisServer) -> Any:
    def on_progress(done: int, total: int) -> None:
        if done == 40:
            redis_server.stop()

    return on_progress


# In these two tests the client's limiter allows one request per second: the second chunk books
# its slot at once (before the outage) and leaves a second later; every chunk after it books only
# after Redis has gone. The sandbox itself is generous: the tests are about the outage.
OUTAGE_NUMBERS = [f"RR{i:09d}CN" for i in range(160)]


def test_redis_gone_for_good_fails_the_rest_once_retries_run_out_and_loses_nothing(
    redis_server: RedisServer,
) -> None:
    key = unique_key()
    with Sandbox(api_keys=(key,), rate=100) as box:
        with (
            RedisRateLimiter.from_url(redis_server.url, requests_per_second=1) as limiter,
            Track17Client(
                key, base_url=box.base_url, rate_limiter=limiter, max_concurrency=1, max_retries=1
            ) as client,
        ):
            result = client.register(OUTAGE_NUMBERS, on_progress=_stop_redis_after_first_chunk(redis_server))
        stats = box.stats()
    assert [a.number for a in result.accepted] == OUTAGE_NUMBERS[:80]
    assert [f.number for f in result.failed] == OUTAGE_NUMBERS[80:]
    assert all(isinstance(f.error, RateLimiterUnavailableError) for f in result.failed)
    assert "unreachable" in str(result.failed[0].error)
    assert stats.registered == 80 and stats.requests == 2  # nothing was sent unthrottled


def test_a_redis_blip_shorter_than_the_retries_costs_time_not_numbers(redis_server: RedisServer) -> None:
    """Redis stopped while a job runs and started again 1.5 s later: the requests that could not
    book a slot meanwhile are retried with backoff, like any transient failure, and every number
    is registered; the pace still holds (the sandbox counts strictly at 3 per second)."""
    key = unique_key()
    numbers = [f"RB{i:09d}CN" for i in range(40 * 12)]
    with SandboxProcess(api_keys=(key,), rate=3) as box:

        def outage(done: int, total: int) -> None:
            if done == 80:  # two requests answered: stop Redis, and bring it back 1.5 s later
                redis_server.stop()
                threading.Timer(1.5, redis_server.restart).start()

        with (
            RedisRateLimiter.from_url(redis_server.url) as limiter,
            Track17Client(key, base_url=box.base_url, rate_limiter=limiter, max_retries=10) as client,
        ):
            result = client.register(numbers, on_progress=outage)
        stats = box.stats()
    assert result.ok and len(result.accepted) == len(numbers)
    assert_paced(stats, requests=12)


def test_redis_stopped_mid_run_can_fall_back_to_the_process_limiter(
    redis_server: RedisServer,
) -> None:
    key = unique_key()
    with Sandbox(api_keys=(key,), rate=100) as box:
        limiter = RedisRateLimiter.from_url(
            redis_server.url, requests_per_second=1, on_unavailable="fallback"
        )
        with (
            limiter,
            Track17Client(key, base_url=box.base_url, rate_limiter=limiter, max_concurrency=1) as client,
            pytest.warns(RuntimeWarning, match="limiting in this process only"),
        ):
            result = client.register(OUTAGE_NUMBERS, on_progress=_stop_redis_after_first_chunk(redis_server))
        stats = box.stats()
    assert result.ok and [a.number for a in result.accepted] == OUTAGE_NUMBERS
    assert stats.registered == 160 and stats.requests == 4


def test_an_unreachable_redis_is_a_clear_error() -> None:
    from tests.ports import free_port

    with (
        RedisRateLimiter.from_url(f"redis://:hunter2@127.0.0.1:{free_port()}/0") as shared,
        pytest.raises(RateLimiterUnavailableError, match="unreachable") as raised,
    ):
        shared.for_key("k").reserve()
    assert "hunter2" not in str(raised.value)


def test_the_limiter_is_in_ratelimit_and_still_where_it_was() -> None:
    import track17_facade.redis_limiter as moved
    from track17_facade import ratelimit

    assert ratelimit.RedisRateLimiter is moved.RedisRateLimiter is RedisRateLimiter
    assert RedisRateLimiter.__module__ == "track17_facade.ratelimit._redis"
    assert "Moved" in (moved.__doc__ or "")
