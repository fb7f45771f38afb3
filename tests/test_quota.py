"""When the quota runs out, a bulk call stops sending: the numbers it had not sent come back
rejected with QUOTA_EXHAUSTED, saying they were not sent (none failed, none charged), every
number reported once, and the requests already in flight finish."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ClientFactory
from track17_facade import ErrorCode
from track17_facade.ratelimit import shared_limiter
from track17_facade.sandbox import Sandbox

NUMBERS = [f"RR{i:09d}CN" for i in range(800)]


def _paced(make_client: ClientFactory, sandbox: Sandbox, **options: Any) -> Any:
    """A client at 17TRACK's real pace (3 requests per second), as the quota meets it in
    production: its first three requests leave at once, the fourth a second later."""
    limiter = shared_limiter(sandbox.api_key, 3, assume_used=False)
    return make_client(requests_per_second=3, rate_limiter=limiter, **options)


@pytest.fixture
def sandbox(api_key: str) -> Any:
    with Sandbox(api_keys=(api_key,), rate=10_000, quota=100) as running:
        yield running


def test_a_call_stops_sending_once_the_quota_is_exhausted(
    make_client: ClientFactory, sandbox: Sandbox
) -> None:
    """800 numbers with 100 quota left: three requests (40 + 40 + 20 accepted, 20 refused by
    17TRACK), not twenty; the 680 numbers never sent say so. (Three requests in flight at once,
    so that the test takes one window, not the two that requests already queued for their slots
    take.)"""
    client = _paced(make_client, sandbox, max_concurrency=3)
    result = client.register(NUMBERS)
    stats = sandbox.stats()
    assert len(result.accepted) == 100 and stats.quota_used == 100
    assert result.failed == ()
    reported = [item.number for item in (*result.accepted, *result.rejected)]
    assert sorted(reported) == sorted(NUMBERS)  # every number once
    assert all(rejection.code is ErrorCode.QUOTA_EXHAUSTED for rejection in result.rejected)
    not_sent = [rejection for rejection in result.rejected if "not sent" in rejection.message]
    assert 3 <= stats.requests <= 4, stats  # the fourth only if its slot came before the third answer
    assert len(not_sent) == len(NUMBERS) - 40 * stats.requests
    assert "not charged" in not_sent[0].message and "not failed" in not_sent[0].message


@pytest.mark.parametrize("make_client", ["async-v2.4"], indirect=True)
def test_streaming_stops_too_and_a_later_call_sends_again(
    make_client: ClientFactory, sandbox: Sandbox
) -> None:
    """``stream`` (what the command line sends through) stops the same way, with the default
    concurrency (requests queued for their slots are not sent either); the flag belongs to one
    call, so the next call asks 17TRACK again (the quota may have been topped up)."""
    client = _paced(make_client, sandbox)
    results = list(client.stream("register", NUMBERS))
    rejected = [item for result in results for item in result.rejected]
    assert sandbox.stats().requests <= 4
    assert sum(len(result.accepted) for result in results) == 100
    assert len(rejected) == 700 and all(item.code is ErrorCode.QUOTA_EXHAUSTED for item in rejected)
    again = client.register(NUMBERS[-80:])
    assert sandbox.stats().requests <= 6  # two more: sent, refused by 17TRACK, stopped
    assert [item.number for item in again.rejected] == NUMBERS[-80:]
