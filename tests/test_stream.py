"""``stream``: bulk calls over lazily read input, one result per request, with resumption hooks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import FAST, ClientFactory, fast_limiter
from track17_facade import AuthenticationError, ErrorCode, InvalidInputError, Registration
from track17_facade.sandbox import Sandbox

NUMBERS = [f"RR{i:09d}CN" for i in range(205)]


def _accepted(results: list[Any]) -> list[str]:
    return [item.number for result in results for item in result.accepted]


def test_every_row_is_accounted_for_once_with_bad_rows_reported(sandbox: Sandbox, client: Any) -> None:
    rows: list[object] = [*NUMBERS[:100], "bad number!", None, *NUMBERS[100:], NUMBERS[3]]
    results = list(client.stream("register", iter(rows)))
    assert sorted(_accepted(results)) == sorted(NUMBERS)
    rejected = [r for result in results for r in result.rejected]
    # The repeat of NUMBERS[3] is 105 rows later, in another request: the server says it is done.
    # Each rejection names its row, the SDK's and the server's alike.
    assert sorted((r.index, r.number, r.code) for r in rejected) == [
        (100, "bad number!", ErrorCode.FIELD_FORMAT_INVALID),
        (101, "", ErrorCode.FIELD_FORMAT_INVALID),
        (len(rows) - 1, NUMBERS[3], ErrorCode.ALREADY_REGISTERED),
    ]
    assert all(len(result.accepted) + len(result.rejected) <= 40 for result in results)
    assert set(sandbox.engine.registrations) == set(NUMBERS)


def test_input_is_read_only_as_requests_are_built(sandbox: Sandbox) -> None:
    from track17_facade import Track17Client

    read = 0

    def numbers() -> Iterator[str]:
        nonlocal read
        for number in NUMBERS * 5:
            read += 1
            yield number

    # Unpaced (the bound is the window of requests in flight, not the pace): 26 requests at the
    # default 3/s would wait 8 s for nothing this test reads.
    with Track17Client(
        sandbox.api_key,
        base_url=sandbox.base_url,
        max_concurrency=2,
        requests_per_second=FAST,
        rate_limiter=fast_limiter(sandbox.api_key),
    ) as client:
        stream = client.stream("get_track_info", numbers())
        assert read == 0  # nothing is read at the call
        first = next(stream)
        assert len(first.accepted) + len(first.rejected) == 40
        # At most max_concurrency requests in flight plus the one being built.
        assert read <= 3 * 40
        rest = list(stream)
    assert read == len(NUMBERS) * 5
    assert sum(len(r.accepted) + len(r.rejected) for r in [first, *rest]) == len(NUMBERS) * 5


def test_before_send_sees_each_request_before_the_server_does(sandbox: Sandbox, client: Any) -> None:
    seen: list[list[str]] = []
    registered_then: list[int] = []
    lock = threading.Lock()

    def before_send(numbers: Any) -> None:
        with lock:
            seen.append(list(numbers))
            registered_then.append(len(set(numbers) & set(sandbox.engine.registrations)))

    results = list(client.stream("register", NUMBERS[:120], before_send=before_send))
    assert sorted(n for request in seen for n in request) == sorted(NUMBERS[:120])
    assert sorted(len(request) for request in seen) == [40, 40, 40]
    assert registered_then == [0, 0, 0]
    assert sorted(_accepted(results)) == sorted(NUMBERS[:120])


def test_numbers_in_doubt_from_an_earlier_run_are_recovered_not_rejected(
    sandbox: Sandbox, client: Any
) -> None:
    assert client.register(NUMBERS[:40]).ok  # an earlier run that died before recording this
    results = list(client.stream("register", NUMBERS[:80], in_doubt=set(NUMBERS[:20])))
    accepted = {item.number: item for result in results for item in result.accepted}
    rejected = {r.number: r.code for result in results for r in result.rejected}
    assert sorted(accepted) == sorted(NUMBERS[:20] + NUMBERS[40:80])
    assert all(accepted[n].recovered for n in NUMBERS[:20])
    assert not any(accepted[n].recovered for n in NUMBERS[40:80])
    assert rejected == dict.fromkeys(NUMBERS[20:40], ErrorCode.ALREADY_REGISTERED)
    assert sandbox.stats().quota_used == 80


def test_a_registration_v1_cannot_send_is_a_rejected_row(
    sandbox: Sandbox, make_client: ClientFactory
) -> None:
    client = make_client(api_version="v1", base_url=sandbox.base_url)
    rows = [NUMBERS[0], Registration(NUMBERS[1], tag="T"), NUMBERS[2]]
    results = list(client.stream("register", rows))
    assert sorted(_accepted(results)) == [NUMBERS[0], NUMBERS[2]]
    (refused,) = [r for result in results for r in result.rejected]
    assert refused.index == 1 and refused.code is ErrorCode.FIELD_VALUE_INVALID
    assert "cannot send Registration.tag" in refused.message


def test_bad_arguments_are_refused_at_the_call(sandbox: Sandbox, client: Any) -> None:
    with pytest.raises(InvalidInputError, match="method must be one of"):
        client.stream("get_quota", NUMBERS)
    with pytest.raises(InvalidInputError, match="single string"):
        client.stream("register", NUMBERS[0])
    with pytest.raises(InvalidInputError, match="max_retries"):
        client.stream("register", NUMBERS, max_retries=-1)
    assert sandbox.stats().requests == 0


def test_a_refused_key_stops_the_stream(sandbox: Sandbox, make_client: ClientFactory) -> None:
    client = make_client(api_key="wrong-key", max_concurrency=1)
    with pytest.raises(AuthenticationError):
        list(client.stream("register", NUMBERS))
    assert [r.status for r in sandbox.requests()] == [401]


def test_a_failing_before_send_sends_nothing_and_fails_its_rows(sandbox: Sandbox, client: Any) -> None:
    def before_send(numbers: Any) -> None:
        raise OSError("disk full")

    results = list(client.stream("register", NUMBERS[:80], before_send=before_send))
    failed = [f for result in results for f in result.failed]
    assert sorted(f.number for f in failed) == sorted(NUMBERS[:80])
    assert "not sent" in str(failed[0].error) and "disk full" in str(failed[0].error)
    assert sandbox.stats().requests == 0 and not sandbox.engine.registrations
