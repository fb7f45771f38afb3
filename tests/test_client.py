"""Both clients against the sandbox over loopback HTTP: what a user checks."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import threading
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import ClientFactory, assert_paced, unique_key
from track17_facade import (
    Accepted,
    AsyncTrack17Client,
    AuthenticationError,
    BatchFailedError,
    Carrier,
    ErrorCode,
    MainStatus,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    SubStatus,
    Track17Client,
    TrackInfo,
    TransportError,
)
from track17_facade.ratelimit import MARGIN_START, MARGIN_WIDEN
from track17_facade.sandbox import FaultKind, Sandbox, SandboxProcess

NUMBERS = [f"RR{i:09d}CN" for i in range(100)]


def test_register_then_track(sandbox: Sandbox, client: Any) -> None:
    result = client.register(["RR123456789CN", ("1Z999AA10123456784", Carrier.UPS)])
    assert result.ok
    # v2.4 and 17TRACK's v1 echo the carrier it detected; the v1 contract answers with the number only.
    contract = client.api_version == "v1" and sandbox.config.v1_shape == "contract"
    detected = None if contract else Carrier.CHINA_POST
    assert result.accepted == (
        Accepted("RR123456789CN", detected),
        Accepted("1Z999AA10123456784", Carrier.UPS),
    )
    sandbox.advance(days=3)
    infos = client.get_track_info(["RR123456789CN", "1Z999AA10123456784"])
    first = infos.accepted[0]
    assert isinstance(first, TrackInfo)
    assert first.number == "RR123456789CN" and first.carrier is Carrier.CHINA_POST
    assert first.events and first.latest_event == first.events[-1]
    assert first.status is first.latest_event.status
    if client.api_version == "v2.4" or contract:
        assert first.sub_status.main_status is first.status
    else:  # 17TRACK's v1 names the main status only: its one sub-status where it has one
        assert first.sub_status.is_known is (first.status is MainStatus.DELIVERED)
    assert first.latest_event.time is not None
    assert first.latest_event.time_raw == first.latest_event.time.strftime("%Y-%m-%d %H:%M")
    assert infos.accepted[1].carrier is Carrier.UPS


def test_bulk_calls_split_into_40s_and_keep_input_order(sandbox: Sandbox, client: Any) -> None:
    progress: list[tuple[int, int]] = []
    numbers = list(reversed(NUMBERS))
    result = client.register(numbers, on_progress=lambda done, total: progress.append((done, total)))
    assert [item.number for item in result.accepted] == numbers
    stats = sandbox.stats()
    assert stats.requests == 3 and stats.max_items_in_request == 40
    done = [d for d, _ in progress]
    assert done == sorted(done) and done[-1] == 100 and {t for _, t in progress} == {100}
    assert sorted(b - a for a, b in zip([0, *done], done, strict=False)) == [20, 40, 40]
    infos = client.get_track_info(numbers)
    assert [info.number for info in infos.accepted] == numbers


def test_duplicates_are_sent_once_and_bad_rows_never_sink_the_batch(sandbox: Sandbox, client: Any) -> None:
    result = client.register(
        [
            "RR000000001CN",
            "no!",
            "RR000000001CN",
            ("RR000000002CN", "no such carrier"),
            "RR000000003CN",
            "ABCDEFGHIJ",
        ]
    )
    assert [a.number for a in result.accepted] == ["RR000000001CN", "RR000000003CN"]
    assert [(r.number, r.code) for r in result.rejected] == [
        ("no!", ErrorCode.FIELD_FORMAT_INVALID),
        ("RR000000002CN", ErrorCode.FIELD_VALUE_INVALID),
        ("ABCDEFGHIJ", ErrorCode.CARRIER_NOT_DETECTED),
    ]
    assert "carrier cannot be detected" in result.rejected[2].message
    assert sandbox.stats().max_items_in_request == 3  # the two invalid rows were never sent


def test_every_operation(sandbox: Sandbox, client: Any) -> None:
    sandbox.set_webhook("http://127.0.0.1:9/never")
    numbers = NUMBERS[:45]
    assert client.register(numbers).ok
    sandbox.advance(days=20)
    delivered = [entry.number for entry in client.iter_track_list(status=MainStatus.DELIVERED)]
    infos = client.get_track_info(numbers).accepted
    assert sorted(delivered) == sorted(i.number for i in infos if i.is_delivered)
    page_size = 7 if client.api_version == "v1" else 40  # v2.4's pages hold 40
    listed = [entry.number for entry in client.iter_track_list(page_size=page_size)]
    assert sorted(listed) == sorted(numbers)
    assert client.change_info([(numbers[0], "ORDER-1"), (numbers[1], None)]).ok
    changed = client.change_carrier([(numbers[0], Carrier.CHINA_EMS), (numbers[1], Carrier.CHINA_POST)])
    assert [a.number for a in changed.accepted] == [numbers[0]]
    assert changed.rejected[0].code is ErrorCode.SAME_CARRIER
    assert client.push(numbers[:2]).ok
    assert client.stop_track(numbers[:3]).ok
    assert client.stop_track(numbers[:1]).rejected[0].code is ErrorCode.STOP_ONLY_TRACKING
    assert client.retrack(numbers[:1]).ok
    assert client.retrack(numbers[:1]).rejected[0].code is ErrorCode.RETRACK_ONLY_STOPPED
    assert client.delete_track(numbers[:2]).ok
    assert client.get_track_info(numbers[:2]).rejected[0].code is ErrorCode.NOT_REGISTERED
    assert len(list(client.iter_track_list())) == 43


def test_every_rejection_names_its_items_place_in_the_input(client: Any) -> None:
    """The SDK's refusals and 17TRACK's alike carry ``index``, in a call and in a stream."""
    known, unknown = NUMBERS[0], NUMBERS[1]
    assert client.register([known]).ok
    items = ["bad!", unknown, known, unknown.lower()]
    result = client.get_track_info(items)
    assert [info.number for info in result.accepted] == [known]
    assert {(r.number, r.code, r.index) for r in result.rejected} == {
        ("bad!", ErrorCode.FIELD_FORMAT_INVALID, 0),
        (unknown, ErrorCode.NOT_REGISTERED, 1),
    }
    batches = client.stream("get_track_info", [known, "bad!", unknown])
    streamed = [rejection for batch in batches for rejection in batch.rejected]
    assert {(r.number, r.index) for r in streamed} == {("bad!", 1), (unknown, 2)}


@pytest.mark.parametrize(
    "kind",
    [
        FaultKind.HTTP_500,
        FaultKind.HTTP_503,
        FaultKind.HTTP_520,
        FaultKind.HTTP_429,
        FaultKind.DROP,
        FaultKind.SLOW,
        FaultKind.TRUNCATED,
        FaultKind.DROP_AFTER_EFFECT,
        FaultKind.ERROR_AFTER_EFFECT,
    ],
)
def test_each_fault_is_retried_and_nothing_is_charged_twice(
    sandbox: Sandbox, make_client: ClientFactory, kind: FaultKind
) -> None:
    # A slow answer takes 6 s, three times the timeout. The other kinds get a timeout no loaded
    # host reaches, so that their retry is never in doubt and never "recovered".
    sandbox.config.slow_seconds = 6.0
    client = make_client(timeout=2.0 if kind is FaultKind.SLOW else 30.0)
    sandbox.faults.enqueue(kind)
    result = client.register(NUMBERS[:30])
    assert result.ok and len(result.accepted) == 30
    recovered = {a.recovered for a in result.accepted}
    assert recovered == (
        {True}
        if kind in (FaultKind.TRUNCATED, FaultKind.DROP_AFTER_EFFECT, FaultKind.ERROR_AFTER_EFFECT)
        else {False}
    )
    stats = sandbox.stats()
    assert stats.quota_used == 30 and stats.faults_injected == {kind.value: 1}


def test_a_failed_chunk_says_whether_17track_may_have_carried_it_out(
    sandbox: Sandbox, make_client: ClientFactory
) -> None:
    """A chunk whose first attempt was carried out before its answer failed is registered and
    charged although it failed: its failures say so, and sending the numbers again as in doubt
    recovers them without a second charge. A chunk refused with 429s was never carried out."""
    client = make_client(max_concurrency=1)
    sandbox.faults.enqueue(FaultKind.ERROR_AFTER_EFFECT, FaultKind.HTTP_503, FaultKind.HTTP_503)
    sandbox.faults.enqueue(FaultKind.HTTP_429, FaultKind.HTTP_429, FaultKind.HTTP_429)
    result = client.register(NUMBERS[:80], max_retries=2)
    assert [f.number for f in result.failed] == NUMBERS[:80]
    assert [f.may_have_taken_effect for f in result.failed] == [True] * 40 + [False] * 40
    assert sandbox.stats().quota_used == 40
    in_doubt = {f.number for f in result.failed if f.may_have_taken_effect}
    again = list(client.stream("register", sorted(in_doubt), in_doubt=in_doubt))
    assert sum(len(batch.accepted) for batch in again) == 40
    assert all(a.recovered for batch in again for a in batch.accepted)
    assert sandbox.stats().quota_used == 40


@pytest.mark.parametrize(
    ("faults", "error"),
    [
        ((FaultKind.HTTP_503,) * 3, ServerError),
        ((FaultKind.HTTP_520,) * 3, ServerError),
        ((FaultKind.DROP,) * 3, TransportError),
        ((FaultKind.SLOW,) * 3, RequestTimeoutError),
    ],
)
def test_a_chunk_that_keeps_failing_loses_nothing(
    sandbox: Sandbox,
    make_client: ClientFactory,
    faults: tuple[FaultKind, ...],
    error: type[Exception],
) -> None:
    sandbox.config.slow_seconds = 6.0
    client = make_client(timeout=2.0, max_concurrency=1)
    sandbox.faults.enqueue(*faults)
    result = client.register(NUMBERS[:100], max_retries=2)
    assert len(result.accepted) == 60
    assert [f.number for f in result.failed] == NUMBERS[:40]
    for failure in result.failed:
        assert isinstance(failure.error, error)
        assert getattr(failure.error, "attempts", None) == 3
    with pytest.raises(BatchFailedError) as raised:
        result.raise_for_failures()
    assert len(raised.value.failures) == 40


def test_a_429_widens_the_margin_of_every_client_of_the_key(
    sandbox: Sandbox, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """The sandbox's 429 comes where the limiter saw room: the key's margin widens, for both clients
    of the key, and the DEBUG log says by how much (and never names the key)."""
    client, other = make_client(), make_client()
    assert client.rate_limit_margin == MARGIN_START
    sandbox.faults.enqueue(FaultKind.HTTP_429)
    with caplog.at_level(logging.DEBUG, logger="track17"):
        assert client.register(NUMBERS[:40]).ok
    wider = MARGIN_START * MARGIN_WIDEN
    assert client.rate_limit_margin == other.rate_limit_margin == pytest.approx(wider)
    assert f"margin {MARGIN_START * 1000:.1f} ms -> {wider * 1000:.1f} ms" in caplog.text
    assert sandbox.api_key not in caplog.text


def test_max_retries_per_client_and_per_call(sandbox: Sandbox, make_client: ClientFactory) -> None:
    client = make_client(max_retries=0)
    sandbox.faults.enqueue(FaultKind.HTTP_500)
    assert isinstance(client.register(NUMBERS[:1]).failed[0].error, ServerError)
    sandbox.faults.enqueue(FaultKind.HTTP_500)
    assert client.register(NUMBERS[:1], max_retries=1).accepted[0].number == NUMBERS[0]


def test_rate_limited_to_the_end_raises_typed_error(sandbox: Sandbox, make_client: ClientFactory) -> None:
    client = make_client(max_retries=1)
    sandbox.faults.enqueue(FaultKind.HTTP_429, FaultKind.HTTP_429)
    failure = client.register(NUMBERS[:1]).failed[0]
    assert isinstance(failure.error, RateLimitError) and failure.error.retry_after == 1.0


def test_an_exhausted_quota_comes_back_per_item(sandbox: Sandbox, client: Any) -> None:
    sandbox.engine.quota = 1
    result = client.register(NUMBERS[:3])
    assert [a.number for a in result.accepted] == NUMBERS[:1]
    assert [(r.number, r.code) for r in result.rejected] == [
        (NUMBERS[1], ErrorCode.QUOTA_EXHAUSTED),
        (NUMBERS[2], ErrorCode.QUOTA_EXHAUSTED),
    ]


@pytest.mark.parametrize("version", ["v1", "v2.4"])
def test_a_whole_request_refusal_carries_the_17track_code(version: str) -> None:
    from track17_client.models import BatchResponse
    from track17_client_v2.models import BatchResponse as BatchResponseV2

    from track17_facade import APIError
    from track17_facade._batching import ItemKind, plan
    from track17_facade._operations import API_VERSIONS, batch_outcomes

    answer = BatchResponse if version == "v1" else BatchResponseV2
    register = API_VERSIONS[version].register
    refused = answer.from_dict(
        {
            "code": -18010014,
            "data": {
                "accepted": [],
                "rejected": [],
                "errors": [{"code": -18010014, "message": "too many numbers in one go"}],
            },
        }
    )
    with pytest.raises(APIError, match="TOO_MANY_NUMBERS") as raised:
        batch_outcomes(register, plan(ItemKind.NUMBER, ["RR123456789CN"]).items, refused)
    assert raised.value.code is ErrorCode.TOO_MANY_NUMBERS
    assert "too many numbers in one go" in str(raised.value)
    locked = answer.from_dict({"code": -18010002, "data": {}})
    with pytest.raises(AuthenticationError):
        batch_outcomes(register, (), locked)


def test_nothing_sent_for_an_empty_call(sandbox: Sandbox, client: Any) -> None:
    assert client.register([]).accepted == ()
    assert sandbox.stats().requests == 0


def test_the_key_never_shows_in_reprs_errors_or_logs(
    sandbox: Sandbox, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    secret = sandbox.api_key
    client = make_client()
    caplog.set_level(logging.DEBUG)
    sandbox.faults.enqueue(FaultKind.HTTP_503, FaultKind.DROP)
    result = client.register(NUMBERS[:5])
    bad = make_client(api_key=secret + "-wrong")
    with pytest.raises(AuthenticationError) as raised:
        bad.get_track_info(NUMBERS[:1])
    inner: Any = getattr(client, "client", client)
    shown = [repr(client), repr(inner), str(raised.value), repr(raised.value), repr(result)]
    shown.append(repr(inner.generated))
    shown += [record.getMessage() for record in caplog.records]
    assert not [text for text in shown if secret in text]
    operations = [r.getMessage() for r in caplog.records if r.name == "track17"]
    assert any("register: 5 items, attempt 1: HTTP 503; retrying in" in m for m in operations)


# The pace checks below run the sandbox in its own process, as a real server would be: in the
# test's process its event loop would compete with the clients for the GIL, and under load it
# would stamp arrivals late by more than the limiter's safety margin.


def test_sync_client_keeps_the_limits_pace_when_answers_are_slow() -> None:
    """0.6 s answers at 3 requests per sliding second: overlap, never 429."""
    key = unique_key()
    with SandboxProcess(api_keys=(key,), rate=3, latency=0.6) as box:
        with Track17Client(key, base_url=box.base_url) as client:
            result = client.register([f"RR{i:09d}US" for i in range(40 * 7)])
        stats = box.stats()
    assert result.ok and len(result.accepted) == 280
    assert_paced(stats, requests=7)


def test_async_client_keeps_the_limits_pace_when_answers_are_slow() -> None:
    key = unique_key()

    async def run(base_url: str) -> Any:
        async with AsyncTrack17Client(key, base_url=base_url) as client:
            return await client.register([f"RR{i:09d}US" for i in range(40 * 7)])

    with SandboxProcess(api_keys=(key,), rate=3, latency=0.6) as box:
        result = asyncio.run(run(box.base_url))
        stats = box.stats()
    assert result.ok and len(result.accepted) == 280
    assert_paced(stats, requests=7)


def test_clients_of_one_key_share_the_limit() -> None:
    """Two clients in two threads, one key: the process-wide limiter keeps the server happy."""
    key = unique_key()
    results = []
    with SandboxProcess(api_keys=(key,), rate=3) as box:

        def work(prefix: str) -> None:
            with Track17Client(key, base_url=box.base_url) as client:
                results.append(client.register([f"{prefix}{i:09d}CN" for i in range(120)]))

        threads = [threading.Thread(target=work, args=(p,)) for p in ("RR", "RB")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats = box.stats()
    assert len(results) == 2 and all(r.ok for r in results)
    assert stats.registered == 240
    assert_paced(stats, requests=6)


def test_unknown_statuses_from_the_server_do_not_break_parsing(sandbox: Sandbox, client: Any) -> None:
    client.register(NUMBERS[:1])
    sandbox.advance(days=5)
    registration = sandbox.engine.registrations[NUMBERS[0]]
    registration.plan = tuple(
        type(event)(event.at, SubStatus(9999), event.location, event.description) if index == 0 else event
        for index, event in enumerate(registration.plan)
    )
    info = client.get_track_info(NUMBERS[:1]).accepted[0]
    if client.api_version == "v1" and sandbox.config.v1_shape == "17track":
        # 17TRACK's v1 gives a status for the whole track only: make the latest one unknown.
        last = len(registration.plan) - 1
        registration.plan = tuple(
            type(event)(event.at, SubStatus(9999), event.location, event.description)
            if index == last
            else event
            for index, event in enumerate(registration.plan)
        )
        sandbox.advance(days=30)
        info = client.get_track_info(NUMBERS[:1]).accepted[0]
        assert info.status.raw == 9999 and not info.status.is_known
        assert len(info.events) == len(registration.plan)  # every event is read as ever
        return
    # v1 sends the integer, v2.4 a name ("9999" here): either is kept as it came.
    sent = 9999 if client.api_version == "v1" else "9999"
    assert info.events[0].sub_status.raw == sent and not info.events[0].sub_status.is_known
    assert len(info.events) > 1  # the other events are read as ever
    assert all(event.sub_status.is_known and event.status.is_known for event in info.events[1:])


def test_results_and_models_export_as_json(sandbox: Sandbox, client: Any) -> None:
    result = client.register([*NUMBERS[:3], "bad!"])
    exported = json.loads(json.dumps(result.to_dict()))
    assert [item["number"] for item in exported["accepted"]] == NUMBERS[:3]
    assert exported["rejected"] == [
        {
            "number": "bad!",
            "code": "FIELD_FORMAT_INVALID",
            "message": result.rejected[0].message,
            "index": 3,
            "carrier": None,
        }
    ]
    sandbox.advance(days=5)
    info = next(info for info in client.get_track_info(NUMBERS[:3]).accepted if info.events)
    data = json.loads(json.dumps(info.to_dict()))
    assert data["number"] == info.number and data["status"] == info.status.name
    assert data["carrier"] == "CHINA_POST" and data["sub_status"] == info.sub_status.name
    assert len(data["events"]) == len(info.events)
    assert data["latest_event"]["time"] == info.latest_event.time.isoformat()
    assert datetime.fromisoformat(data["events"][0]["time"]) == info.events[0].time
    if client.api_version == "v2.4":
        assert data["milestones"][0]["stage"] == "InfoReceived"
        assert data["latest_event"]["address"]["country"] == "CN"


_SECOND_PROCESS = """
import sys
from track17_facade import Track17Client
sys.stdin.readline()  # go: the first process has just sent its last request
with Track17Client(sys.argv[1], base_url=sys.argv[2]) as client:
    result = client.register([f"RZ{i:09d}CN" for i in range(120)])
print(len(result.accepted))
"""


def test_a_second_process_right_after_the_first_draws_no_429() -> None:
    """The README demo's case: a script's last requests, then at once another process with the
    same key (the command line). The new process cannot know what the key just did, so its
    limiter counts the window before it as full; before, its first three requests reached the
    server within a second of the first process's last three."""
    key = unique_key()
    with SandboxProcess(api_keys=(key,), rate=3) as box:
        second = subprocess.Popen(
            [sys.executable, "-c", _SECOND_PROCESS, key, box.base_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        with Track17Client(key, base_url=box.base_url) as client:
            assert client.register([f"RY{i:09d}CN" for i in range(120)]).ok
        out, _ = second.communicate("go\n", timeout=60)
        stats = box.stats()
    assert out.strip() == "120"
    assert_paced(stats, requests=6)
