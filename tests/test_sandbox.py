"""The sandbox over real loopback HTTP: the contract, state, limits, simulation, faults, webhooks."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import contracts
from tests.conftest import unique_key
from tests.ports import free_port
from tests.receiver import Receiver
from track17_facade import Carrier, ErrorCode
from track17_facade.sandbox import FaultKind, RawAnswer, Sandbox, SandboxProcess, detect_carrier, sign

OPERATIONS = contracts.v1().operations
# A connection closed mid-answer: an incomplete body, or a reset if the close outruns the read.
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError)


def assert_contract(sandbox: Sandbox) -> int:
    """Every answer the sandbox sent on a v1 operation path matches openapi.yaml."""
    return contracts.v1().check(sandbox)


@pytest.fixture
def box() -> Iterator[Sandbox]:
    """A sandbox writing v1 as the contract names it: these tests check its answers against
    ``openapi.yaml``."""
    with Sandbox(
        api_keys=(unique_key(),), rate=10_000, record_responses=True, v1_shape="contract"
    ) as sandbox:
        yield sandbox


@pytest.fixture
def http(box: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=box.base_url, headers={"17token": box.api_key}, timeout=10) as client:
        yield client


def numbers_of(body: dict[str, Any], plane: str) -> list[str]:
    return [item["number"] for item in body["data"][plane]]


def codes_of(body: dict[str, Any]) -> dict[str, int]:
    return {item["number"]: item["error"]["code"] for item in body["data"]["rejected"]}


def test_the_nine_operations_keep_state_and_answer_in_the_contracts_shapes(
    box: Sandbox, http: httpx.Client
) -> None:
    box.set_webhook("http://127.0.0.1:9/unused")
    reg = http.post(
        "/register",
        json=[{"number": "RR123456789CN"}, {"number": "1Z999AA10123456784", "carrier": 100002}],
    ).json()
    assert reg["code"] == 0 and numbers_of(reg, "accepted") == [
        "RR123456789CN",
        "1Z999AA10123456784",
    ]
    box.advance(days=3)
    info = http.post("/gettrackinfo", json=[{"number": "RR123456789CN"}, {"number": "NOTREGD1"}]).json()
    tracked = info["data"]["accepted"][0]
    assert tracked["carrier"] == Carrier.CHINA_POST
    assert tracked["track"]["z1"] and tracked["track"]["z0"] == tracked["track"]["z1"][-1]
    assert codes_of(info) == {"NOTREGD1": ErrorCode.NOT_REGISTERED}
    listed = http.post("/gettracklist", json={"page": 1, "page_size": 40}).json()
    assert sorted(numbers_of(listed, "accepted")) == ["1Z999AA10123456784", "RR123456789CN"]
    assert (
        http.post("/changeinfo", json=[{"number": "RR123456789CN", "tag": "ORDER-1"}]).json()["data"][
            "rejected"
        ]
        == []
    )
    changed = http.post(
        "/changecarrier",
        json=[
            {"number": "RR123456789CN", "carrier": 11031},
            {"number": "1Z999AA10123456784", "carrier": 100002},
        ],
    ).json()
    assert codes_of(changed) == {"1Z999AA10123456784": ErrorCode.SAME_CARRIER}
    assert numbers_of(http.post("/push", json=[{"number": "RR123456789CN"}]).json(), "accepted") == [
        "RR123456789CN"
    ]
    assert numbers_of(http.post("/stoptrack", json=[{"number": "RR123456789CN"}]).json(), "accepted")
    assert numbers_of(http.post("/retrack", json=[{"number": "RR123456789CN"}]).json(), "accepted")
    assert numbers_of(http.post("/deletetrack", json=[{"number": "RR123456789CN"}]).json(), "accepted")
    gone = http.post("/gettrackinfo", json=[{"number": "RR123456789CN"}]).json()
    assert codes_of(gone) == {"RR123456789CN": ErrorCode.NOT_REGISTERED}
    assert assert_contract(box) == 10


def test_each_rule_answers_with_17tracks_code(http: httpx.Client, box: Sandbox) -> None:
    def post(path: str, items: list[dict[str, Any]]) -> dict[str, int]:
        return codes_of(http.post(path, json=items).json())

    assert post("/register", [{"number": "bad-number!"}]) == {"bad-number!": ErrorCode.FIELD_FORMAT_INVALID}
    assert post("/register", [{"number": "ABCDEFGH"}]) == {"ABCDEFGH": ErrorCode.CARRIER_NOT_DETECTED}
    assert post("/register", [{"number": "RR111111111CN"}]) == {}
    assert post("/register", [{"number": "RR111111111CN"}]) == {"RR111111111CN": ErrorCode.ALREADY_REGISTERED}
    assert post("/stoptrack", [{"number": "RR999999999CN"}]) == {"RR999999999CN": ErrorCode.NOT_REGISTERED}
    assert post("/retrack", [{"number": "RR111111111CN"}]) == {
        "RR111111111CN": ErrorCode.RETRACK_ONLY_STOPPED
    }
    assert post("/stoptrack", [{"number": "RR111111111CN"}]) == {}
    assert post("/stoptrack", [{"number": "RR111111111CN"}]) == {
        "RR111111111CN": ErrorCode.STOP_ONLY_TRACKING
    }
    assert post("/changecarrier", [{"number": "RR111111111CN", "carrier": 3013}]) == {
        "RR111111111CN": ErrorCode.CHANGE_CARRIER_OF_STOPPED
    }
    assert post("/retrack", [{"number": "RR111111111CN"}]) == {}
    assert post("/stoptrack", [{"number": "RR111111111CN"}]) == {}
    assert post("/retrack", [{"number": "RR111111111CN"}]) == {"RR111111111CN": ErrorCode.RETRACK_ONLY_ONCE}
    assert post("/push", [{"number": "RR111111111CN"}]) == {"RR111111111CN": ErrorCode.WEBHOOK_URL_NOT_SET}
    assert post("/register", [{"number": "RR222222222CN"}]) == {}
    for carrier in (3013, 3011, 3013, 3011, 3013):
        assert post("/changecarrier", [{"number": "RR222222222CN", "carrier": carrier}]) == {}
    assert post("/changecarrier", [{"number": "RR222222222CN", "carrier": 3011}]) == {
        "RR222222222CN": ErrorCode.CARRIER_CHANGE_LIMIT
    }
    assert assert_contract(box) > 0


def test_quota_and_daily_limit_are_enforced_per_registration() -> None:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=1000, quota=2) as box,
        httpx.Client(base_url=box.base_url, headers={"17token": key}) as http,
    ):
        body = http.post("/register", json=[{"number": f"RR00000000{i}CN"} for i in range(3)]).json()
        assert codes_of(body) == {"RR000000002CN": ErrorCode.QUOTA_EXHAUSTED}
        assert box.stats().quota_used == 2
    with (
        Sandbox(api_keys=(key,), rate=1000, daily_limit=1) as box,
        httpx.Client(base_url=box.base_url, headers={"17token": key}) as http,
    ):
        assert codes_of(http.post("/register", json=[{"number": "RR000000001CN"}]).json()) == {}
        body = http.post("/register", json=[{"number": "RR000000002CN"}]).json()
        assert codes_of(body) == {"RR000000002CN": ErrorCode.DAILY_LIMIT_EXCEEDED}
        box.advance(days=1)
        assert codes_of(http.post("/register", json=[{"number": "RR000000002CN"}]).json()) == {}


def test_more_than_40_items_are_refused_as_a_whole(http: httpx.Client, box: Sandbox) -> None:
    body = http.post("/register", json=[{"number": f"RR{i:09d}CN"} for i in range(41)]).json()
    assert body["code"] == ErrorCode.TOO_MANY_NUMBERS
    assert body["data"]["accepted"] == [] and box.stats().registered == 0
    assert assert_contract(box) == 1


@pytest.mark.parametrize("headers", [{}, {"17token": "wrong-key"}])
def test_requests_without_a_configured_key_get_401(box: Sandbox, headers: dict[str, str]) -> None:
    response = httpx.post(f"{box.base_url}/register", json=[], headers=headers)
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "Unauthorized"}


def test_a_fourth_request_within_a_second_gets_429_with_retry_after() -> None:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=3, window=1.0) as box,
        httpx.Client(base_url=box.base_url, headers={"17token": key}) as http,
    ):
        statuses = [http.post("/gettracklist", json={}).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = http.post("/gettracklist", json={})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.json() == {"code": 429, "message": "Too Many Requests"}
        stats = box.stats()
        assert (stats.rate_limited, stats.max_requests_in_window, stats.requests) == (2, 5, 5)


def test_a_burst_is_held_against_the_client_but_requests_the_sandbox_read_late_are_not() -> None:
    """The sandbox stamps a request when its event loop reads it. Four requests sent at once are
    certainly four in a second; four sent 0.4 s apart while the sandbox's own loop was stalled are
    read together, refused by the strict count, and not held against the client."""
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=3, window=1.0) as box,
        httpx.Client(base_url=box.base_url, headers={"17token": key}) as http,
    ):
        assert [http.post("/gettracklist", json={}).status_code for _ in range(4)] == [200, 200, 200, 429]
        stats = box.stats()
        assert (stats.rate_limited_certain, stats.max_requests_in_window_certain) == (1, 4)
        assert all(0 < r.uncertainty < 0.5 for r in box.requests())
    key = unique_key()
    with Sandbox(api_keys=(key,), rate=3, window=1.0) as box:
        stalled = threading.Event()

        def stall() -> None:  # a busy host, on purpose: the loop reads nothing for 3 s
            stalled.set()
            time.sleep(3.0)

        assert box._loop is not None
        box._loop.call_soon_threadsafe(stall)
        assert stalled.wait(10)

        def send(index: int) -> int:
            time.sleep(0.4 * index)  # the requests' spacing, the thing measured: legal pacing
            with httpx.Client(base_url=box.base_url, headers={"17token": key}, timeout=30) as http:
                return http.post("/gettracklist", json={}).status_code

        with ThreadPoolExecutor(4) as pool:
            statuses = sorted(pool.map(send, range(4)))
        stats = box.stats()
    assert statuses == [200, 200, 200, 429]
    assert (stats.rate_limited, stats.rate_limited_certain) == (1, 0)
    assert stats.max_requests_in_window_certain <= 3


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("1Z999AA10123456784", Carrier.UPS),
        ("RR123456789CN", Carrier.CHINA_POST),
        ("RB123456789GB", Carrier.ROYAL_MAIL),
        ("EA123456789US", Carrier.USPS),
        ("9400111899223197428490", Carrier.USPS),
        ("123456789012", Carrier.FEDEX),
        ("1234567890", Carrier.DHL_EXPRESS),
        ("RR123456789ZZ", None),
        ("HELLOWORLD", None),
        ("RR123456785DE", Carrier.DHL_PAKET),  # Germany's post, as the carrier list keys it
        ("RR123456785JP", 10021),  # Japan Post
    ],
)
def test_carrier_detection(number: str, carrier: Carrier | None) -> None:
    assert detect_carrier(number) == carrier


def test_the_sandbox_detects_the_carriers_check_number_names() -> None:
    """The sandbox and the SDK read numbers with the same formats and directory."""
    from track17_facade import check_number
    from track17_facade.numbers import number_formats

    samples = ["RR123456785DE", "RR123456785JP", "405548424886", "C11031500001879", "9611020987654312345672"]
    for number in samples:
        check = check_number(number)
        assert check.check_digit_ok is True and detect_carrier(number) in check.likely_carriers, number
    assert len(number_formats()) > 40


def test_shipments_are_deterministic_for_a_seed_and_move_with_the_clock() -> None:
    def history(seed: int) -> list[Any]:
        key = unique_key()
        with (
            Sandbox(api_keys=(key,), rate=1000, seed=seed, v1_shape="contract") as box,
            httpx.Client(base_url=box.base_url, headers={"17token": key}) as http,
        ):
            numbers = [{"number": f"RR{i:09d}CN"} for i in range(30)]
            http.post("/register", json=numbers)
            before = http.post("/gettrackinfo", json=numbers).json()["data"]["accepted"]
            assert all(item["track"]["z0"]["z"] == 0 for item in before)
            moved = http.post(f"{box.admin_url}/advance", json={"seconds": 10 * 86400}).json()
            assert moved["pushes"] == 0  # no webhook configured
            accepted: list[Any] = http.post("/gettrackinfo", json=numbers).json()["data"]["accepted"]
            return accepted

    first, again, other = history(7), history(7), history(8)
    assert first == again
    assert first != other
    statuses = {item["track"]["z0"]["z"] for item in first}
    assert {0, 7} <= statuses and len(statuses) >= 3  # not found, delivered, and more
    for item in first:
        times = [event["d"] for event in item["track"]["z1"]]
        assert times == sorted(times)


def test_a_shipment_moves_along_one_route_and_ends_where_it_is_delivered() -> None:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=1000, seed=3) as box,
        httpx.Client(base_url=box.base_url_for("v2.4"), headers={"17token": key}) as http,
    ):
        numbers = [{"number": f"RR{i:09d}{country}"} for i in range(20) for country in ("CN", "GB", "US")]
        for start in range(0, len(numbers), 40):
            assert http.post("/register", json=numbers[start : start + 40]).json()["code"] == 0
        box.advance(days=20)
        items = [
            item
            for start in range(0, len(numbers), 40)
            for item in http.post("/gettrackinfo", json=numbers[start : start + 40]).json()["data"][
                "accepted"
            ]
        ]
    checked = 0
    for item in items:
        events = [
            event
            for provider in item["track_info"]["tracking"]["providers"]
            for event in provider["events"] or ()
        ]
        events.sort(key=lambda event: event["time_utc"])
        places = [event["location"] for event in events]
        if not places:
            continue  # never found by its carrier
        visited = [place for index, place in enumerate(places) if index == 0 or places[index - 1] != place]
        assert len(visited) == len(set(visited)), f"{item['number']} went back: {visited}"
        last_mile = [
            event["location"] for event in events if event["stage"] in ("OutForDelivery", "Delivered")
        ]
        assert len(set(last_mile)) <= 1, f"{item['number']} delivered elsewhere: {places}"
        checked += 1
    assert checked > 40  # most shipments were found and moved


def test_status_changes_push_signed_webhooks_with_retries(box: Sandbox, http: httpx.Client) -> None:
    with Receiver(fail_first=2) as receiver:
        box.set_webhook(receiver.url)
        http.post("/register", json=[{"number": f"RR{i:09d}CN"} for i in range(5)])
        pushes = box.advance(days=2)
        assert pushes >= 3
        deliveries = box.wait_for_deliveries(pushes)
    assert all(d.delivered for d in deliveries)
    assert sum(d.attempts - 1 for d in deliveries) == 2
    assert len(receiver.received) == pushes
    for push in receiver.received:
        assert push.sign == sign(push.body, box.api_key)
        assert json.loads(push.body)["event"] == "TRACKING_UPDATED"


def test_undeliverable_webhooks_are_logged_as_failed() -> None:
    key = unique_key()
    with (
        Sandbox(
            api_keys=(key,),
            rate=1000,
            webhook_url=f"http://127.0.0.1:{free_port()}/x",
            webhook_retry_delays=(0.01, 0.01),
        ) as box,
        httpx.Client(base_url=box.base_url, headers={"17token": key}) as http,
    ):
        http.post("/register", json=[{"number": "RR000000001CN"}])
        http.post("/push", json=[{"number": "RR000000001CN"}])
        (record,) = box.wait_for_deliveries(1)
    assert not record.delivered and record.attempts == 3 and record.error


@pytest.mark.parametrize(
    "kind", [FaultKind.HTTP_500, FaultKind.HTTP_503, FaultKind.HTTP_520, FaultKind.HTTP_429]
)
def test_status_faults_answer_in_the_error_shape_and_change_nothing(
    box: Sandbox, http: httpx.Client, kind: FaultKind
) -> None:
    box.faults.enqueue(kind)
    response = http.post("/register", json=[{"number": "RR000000001CN"}])
    assert response.status_code == int(kind.value)
    assert set(response.json()) == {"code", "message"}
    assert box.stats().registered == 0
    assert box.stats().faults_injected == {kind.value: 1}
    assert http.post("/register", json=[{"number": "RR000000001CN"}]).status_code == 200
    assert assert_contract(box) == 2


def test_a_dropped_connection_takes_no_effect(box: Sandbox, http: httpx.Client) -> None:
    box.faults.enqueue(FaultKind.DROP)
    with pytest.raises(DROPPED):
        http.post("/register", json=[{"number": "RR000000001CN"}])
    assert box.stats().registered == 0


@pytest.mark.parametrize(
    "kind", [FaultKind.TRUNCATED, FaultKind.DROP_AFTER_EFFECT, FaultKind.ERROR_AFTER_EFFECT]
)
def test_failures_after_the_effect_leave_the_number_registered(
    box: Sandbox, http: httpx.Client, kind: FaultKind
) -> None:
    box.faults.enqueue(kind)
    try:
        response = http.post("/register", json=[{"number": "RR000000001CN"}])
        assert response.status_code == 500 or response.content.startswith(b'{"code":0')
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.content) if response.status_code == 200 else json.loads(b"{")
    except DROPPED:
        assert kind is FaultKind.DROP_AFTER_EFFECT
    again = http.post("/register", json=[{"number": "RR000000001CN"}]).json()
    assert codes_of(again) == {"RR000000001CN": ErrorCode.ALREADY_REGISTERED}
    assert box.stats().quota_used == 1


def test_slow_answers_outlast_a_client_timeout() -> None:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=1000, slow_seconds=1.0) as box,
        httpx.Client(base_url=box.base_url, headers={"17token": key}, timeout=0.2) as http,
    ):
        box.faults.enqueue(FaultKind.SLOW)
        with pytest.raises(httpx.ReadTimeout):
            http.post("/gettracklist", json={})


def test_a_slow_answer_still_held_back_when_the_sandbox_stops_is_answered_503() -> None:
    key = unique_key()
    box = Sandbox(api_keys=(key,), rate=1000, slow_seconds=600.0).start()
    try:
        with httpx.Client(base_url=box.base_url, headers={"17token": key}, timeout=0.2) as http:
            box.faults.enqueue(FaultKind.SLOW)
            with pytest.raises(httpx.ReadTimeout):  # the sandbox holds the request
                http.post("/register", json=[{"number": "RR000000001CN"}])
    finally:
        box.stop()
    assert [(r.path, r.status) for r in box.requests()] == [("/track/v1/register", 503)]
    assert box.stats().quota_used == 0


def test_latency_holds_every_answer() -> None:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=1000, latency=0.3) as box,
        httpx.Client(base_url=box.base_url, headers={"17token": key}) as http,
    ):
        response = http.post("/gettracklist", json={})
        assert response.elapsed.total_seconds() >= 0.3


def test_random_faults_are_reproducible_from_the_seed() -> None:
    def run() -> list[int]:
        key = unique_key()
        with (
            Sandbox(
                api_keys=(key,),
                rate=1000,
                fault_rate=0.5,
                seed=3,
                fault_kinds=(FaultKind.HTTP_500, FaultKind.HTTP_503),
            ) as box,
            httpx.Client(base_url=box.base_url, headers={"17token": key}) as http,
        ):
            return [http.post("/gettracklist", json={}).status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert {200, 500, 503} <= set(first)


def test_statistics_count_requests_items_and_faults(box: Sandbox, http: httpx.Client) -> None:
    http.post("/register", json=[{"number": f"RR{i:09d}CN"} for i in range(17)])
    box.faults.enqueue(FaultKind.HTTP_503)
    http.post("/gettracklist", json={})
    stats = box.stats()
    assert stats.requests == 2 and stats.max_items_in_request == 17
    assert stats.faults_injected == {"503": 1} and stats.responses_by_status == {200: 1, 503: 1}
    admin = http.get(f"{box.admin_url}/stats").json()
    assert admin["requests"] == 2


@pytest.mark.parametrize(
    ("path", "method", "content", "content_type", "status", "code"),
    [
        (
            "/register",
            "POST",
            b"{not json",
            "application/json",
            200,
            ErrorCode.SUBMITTED_DATA_INVALID,
        ),
        (
            "/register",
            "POST",
            b'{"number": "RR1"}',
            "application/json",
            200,
            ErrorCode.SUBMITTED_DATA_INVALID,
        ),
        (
            "/register",
            "POST",
            b'[{"carrier": 1}]',
            "application/json",
            200,
            ErrorCode.FIELD_REQUIRED,
        ),
        (
            "/register",
            "POST",
            b'[{"number": "RR123456789CN", "carrier": "ups"}]',
            "application/json",
            200,
            ErrorCode.FIELD_VALUE_INVALID,
        ),
        (
            "/gettracklist",
            "POST",
            b'{"page_size": 41}',
            "application/json",
            200,
            ErrorCode.FIELD_VALUE_INVALID,
        ),
        ("/register", "POST", b"[]", "text/plain", 415, 415),
        ("/register", "GET", b"", "application/json", 405, 405),
        ("/nope", "POST", b"[]", "application/json", 404, 404),
        (
            "/register",
            "POST",
            b"\xff\xfe\x00",
            "application/json",
            200,
            ErrorCode.SUBMITTED_DATA_INVALID,
        ),
    ],
)
def test_bad_requests_get_a_clear_answer_in_the_error_shape(
    http: httpx.Client,
    path: str,
    method: str,
    content: bytes,
    content_type: str,
    status: int,
    code: int,
) -> None:
    response = http.request(method, path, content=content, headers={"content-type": content_type})
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body.get("message") or body["data"]["errors"][0]["message"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)
_ITEMS = st.lists(
    st.dictionaries(
        st.sampled_from(["number", "carrier", "tag", "x", "carrier_new", "items", "cacheLevel", "lang"]),
        _JSON,
        max_size=4,
    ),
    max_size=45,
)


_PATHS = sorted(
    f"{contract.prefix}/{operation}"
    for contract in (contracts.v1(), contracts.v2_4())
    for operation in contract.operations
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(_PATHS),
    body=st.one_of(
        st.binary(max_size=200),
        _JSON.map(lambda v: json.dumps(v).encode()),
        _ITEMS.map(lambda v: json.dumps(v).encode()),
    ),
)
def test_the_server_never_crashes_on_any_body(
    box: Sandbox, http: httpx.Client, path: str, body: bytes
) -> None:
    """Both wire formats: always a JSON answer of the contract's shape, never a crash."""
    url = f"http://{box.host}:{box.port}{path}"
    response = http.post(url, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert isinstance(response.json()["code"], int)
    contract = contracts.v1() if path.startswith("/track/v1/") else contracts.v2_4()
    operation = path.rsplit("/", 1)[1]
    errors = list(contract.validator(operation, 200).iter_errors(response.json()))
    assert not errors, f"{path}: {errors[0].message}"


def test_the_command_line_serves_until_interrupted() -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "track17_facade.sandbox",
            "--port",
            str(port),
            "--api-key",
            "cli-key",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first, second, third = (process.stdout.readline() for _ in range(3))
        assert first.strip() == f"track17 sandbox on http://127.0.0.1:{port}/track/v1"
        assert second.strip() == f"API v2.4 on http://127.0.0.1:{port}/track/v2.4"
        assert third.strip() == "API key: cli-key"
        response = httpx.post(
            f"http://127.0.0.1:{port}/track/v1/register",
            json=[{"number": "RR123456789CN"}],
            headers={"17token": "cli-key"},
        )
        (accepted,) = response.json()["data"]["accepted"]  # v1 as 17TRACK writes it, by default
        assert (accepted["number"], accepted["carrier"]) == ("RR123456789CN", 3011)
        quota = httpx.post(
            f"http://127.0.0.1:{port}/track/v2.4/getquota", json={}, headers={"17token": "cli-key"}
        )
        assert quota.json()["data"]["quota_used"] == 1
    finally:
        process.terminate()
        assert process.wait(timeout=10) in (0, -15)
        if process.stdout:
            process.stdout.close()


def test_the_command_line_ends_at_ctrl_c_even_with_a_slow_answer_held_back() -> None:
    # The command takes Ctrl-C as from a terminal even when this suite runs in the background (a
    # shell starts background jobs with SIGINT ignored, and children inherit that).
    inherited = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "track17_facade.sandbox", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, inherited)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip().rsplit(" ", 1)[-1]
        with httpx.Client(headers={"17token": "sandbox-key"}, timeout=0.3) as http:
            admin = base_url.removesuffix("/track/v1") + "/_sandbox"
            http.post(f"{admin}/faults", json={"enqueue": ["slow"]}).raise_for_status()
            with pytest.raises(httpx.ReadTimeout):  # the answer is held back (3 s)
                http.post(f"{base_url}/gettracklist", json={})
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:  # the test failed before it ended
            process.kill()
            process.communicate()
    assert process.returncode == 0 and err == ""


def test_the_pytest_fixture_gives_a_running_sandbox(track17_sandbox: Sandbox) -> None:
    response = httpx.post(
        f"{track17_sandbox.base_url}/gettracklist",
        json={},
        headers={"17token": track17_sandbox.api_key},
    )
    answer = response.json()  # v1 as 17TRACK's service writes it: the sandbox's default
    assert answer["code"] == 0 and answer["data"]["accepted"] == [] and answer["page"]["data_total"] == 0


def test_raw_answers_and_the_request_log_work_out_of_process_too() -> None:
    """A proxy-style answer queued over the admin route is sent byte for byte, before any effect,
    and the request log shows each request with its status and stamps."""
    key = unique_key()
    page = RawAnswer(502, b"<html>Bad Gateway</html>", "text/html", {"Retry-After": "7"})
    with SandboxProcess(api_keys=(key,), rate=100) as box:
        box.enqueue_faults(page, FaultKind.HTTP_503)
        with httpx.Client(base_url=box.base_url, headers={"17token": key}) as http:
            answers = [http.post("/register", json=[{"number": "RR123456789CN"}]) for _ in range(3)]
        records = [r for r in box.requests() if r.path == "/track/v1/register"]
        stats = box.stats()
    first = answers[0]
    assert (first.status_code, first.content, first.headers["content-type"]) == (
        502,
        b"<html>Bad Gateway</html>",
        "text/html",
    )
    assert first.headers["retry-after"] == "7"
    assert [a.status_code for a in answers] == [502, 503, 200]
    assert [r.status for r in records] == [502, 503, 200]
    assert all(r.arrived <= r.answered for r in records)
    assert records[0].answered <= records[1].arrived
    assert stats.registered == 1 and stats.faults_injected == {"raw_502": 1, "503": 1}


def test_a_bad_raw_answer_over_the_admin_route_is_refused(box: Sandbox, http: httpx.Client) -> None:
    admin = box.admin_url
    refused = http.post(f"{admin}/faults", json={"enqueue": [{"status": "soon"}]})
    assert refused.status_code == 400 and "status must be an integer" in refused.json()["message"]
    missing = http.post(f"{admin}/faults", json={"enqueue": [{"body": "x"}]})
    assert missing.status_code == 400


@pytest.mark.parametrize("in_process", [True, False])
def test_arrival_jitter_delays_each_stamp_by_up_to_its_setting(in_process: bool) -> None:
    """Each arrival is stamped after a random delay of at most ``arrival_jitter`` (the rate window
    counts the stamps), and the delays differ: a network, not a fixed latency."""
    key = unique_key()
    box: Any = (
        Sandbox(api_keys=(key,), rate=1000, arrival_jitter=0.2)
        if in_process
        else SandboxProcess(api_keys=(key,), rate=1000, arrival_jitter=0.2)
    )
    delays = []
    with box, httpx.Client(headers={"17token": key}, timeout=10) as http:
        for _ in range(20):
            sent = time.monotonic()  # one clock for every process on the host (CLOCK_MONOTONIC)
            http.post(f"{box.base_url}/gettrackinfo", json=[{"number": "RR123456789CN"}]).raise_for_status()
            delays.append(sent)
        arrivals = [r.arrived for r in box.requests() if r.path.endswith("/gettrackinfo")]
    waited = [arrived - sent for arrived, sent in zip(arrivals, delays, strict=True)]
    assert min(waited) >= 0.0
    # Uniform on [0, 0.2]: all 20 below 0.05 has probability 0.25**20; all above 0.15 likewise.
    assert max(waited) > 0.05 and min(waited) < 0.15
    assert len({round(w, 3) for w in waited}) > 10


# -- hostile requests -----------------------------------------------------------------------------


def test_a_body_nested_too_deeply_is_a_400_not_a_crash(box: Sandbox, http: httpx.Client) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    for path in ("/register", "/gettrackinfo"):
        answer = http.post(path, content=deep, headers={"content-type": "application/json"})
        assert answer.status_code == 200 and answer.json()["code"] != 0, path  # the contract's refusal
        assert "nested too deeply" in json.dumps(answer.json())
    admin = http.post(f"{box.admin_url}/advance", content=deep)
    assert admin.status_code == 400 and "nested too deeply" in admin.json()["message"]
    assert 500 not in box.stats().responses_by_status


def test_admin_values_out_of_range_are_400s(box: Sandbox, http: httpx.Client) -> None:
    for body in (b'{"seconds": 1e400}', b'{"seconds": -5}', b'{"seconds": "soon"}', b'{"seconds": 1e12}'):
        answer = http.post(f"{box.admin_url}/advance", content=body)
        assert answer.status_code == 400, body
        assert "'seconds' must" in answer.json()["message"]
    for hook in (
        {"url": "file:///etc/passwd"},
        {"url": "127.0.0.1:9/x"},
        {"url": "http://x/", "format": "v9"},
    ):
        answer = http.post(f"{box.admin_url}/webhook", json=hook)
        assert answer.status_code == 400, hook
    assert box.config.webhook_url is None
    assert box.stats().responses_by_status.get(400) == 7


def test_a_body_over_the_limit_is_413_unread(box: Sandbox, http: httpx.Client) -> None:
    from track17_facade.sandbox._http import MAX_BODY

    big = b"[" + b" " * (MAX_BODY + 10) + b"]"
    answer = http.post("/register", content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and str(MAX_BODY) in answer.json()["message"]
    stranger = httpx.post(f"{box.base_url}/register", content=big, headers={"17token": "nobody"}, timeout=10)
    assert stranger.status_code == 401  # a key is checked before any body is read
    assert box.stats().responses_by_status[413] == 1 and box.stats().quota_used == 0


_HEADER_NAMES = st.sampled_from(
    [b"content-type", b"content-length", b"17token", b"x-any", b"transfer-encoding"]
)


@settings(max_examples=150, deadline=None)
@given(
    method=st.sampled_from(["POST", "GET", "PUT", "DELETE"]),
    path=st.one_of(
        st.sampled_from(
            [*_PATHS, "/_sandbox/advance", "/_sandbox/faults", "/_sandbox/webhook", "/_sandbox/x"]
        ),
        st.text(max_size=40).map(lambda text: "/" + text),
    ),
    headers=st.lists(st.tuples(_HEADER_NAMES, st.binary(max_size=20)), max_size=4),
    body=st.binary(max_size=300),
    authenticated=st.booleans(),
)
def test_no_request_makes_the_sandbox_answer_500(
    method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes, authenticated: bool
) -> None:
    """Arbitrary methods, paths, headers and bytes, straight into the ASGI app: an answer in the
    contract's error shape, never a 500 or a traceback."""
    import asyncio

    sandbox = Sandbox(api_keys=("fuzz-key",), rate=10_000)
    sent: list[dict[str, Any]] = []
    scope_headers = [(name, value) for name, value in headers if name != b"17token"]
    if authenticated:
        scope_headers.append((b"17token", b"fuzz-key"))
    scope = {"type": "http", "method": method, "path": path, "headers": scope_headers}
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    from track17_facade.sandbox._http import _ConnectionDroppedError
    from track17_facade.sandbox._page import is_page

    try:
        asyncio.run(sandbox(scope, receive, send))
    except _ConnectionDroppedError:  # the client went away mid-request: nobody to answer
        return
    start = sent[0]
    assert start["type"] == "http.response.start" and start["status"] != 500
    if is_page(path):  # the web page answers HTML or text (see tests/test_page.py)
        return
    answer = json.loads(b"".join(message.get("body", b"") for message in sent[1:]))
    assert isinstance(answer["code"], int)


def test_v1_speaks_17tracks_own_shape_on_request_over_the_admin_route(
    box: Sandbox, http: httpx.Client
) -> None:
    assert http.post("/register", json=[{"number": "RR123456789CN"}]).json()["data"]["accepted"] == [
        {"number": "RR123456789CN"}  # the contract's register echoes the number only
    ]
    assert http.post(f"{box.admin_url}/v1-shape", json={"shape": "17track"}).status_code == 200
    box.advance(hours=28)  # picked up and under way, not yet delivered
    item = http.post("/gettrackinfo", json=[{"number": "RR123456789CN"}]).json()["data"]["accepted"][0]
    track = item["track"]
    assert track["w1"] == 3011 and track["e"] == 10 and track["b"] == 301  # China Post, in transit, CN
    newest = track["z1"][0]
    assert set(newest) == {"a", "b", "c", "d", "z"} and isinstance(newest["z"], str)  # z: description
    assert newest == track["z0"]
    bad = http.post(f"{box.admin_url}/v1-shape", json={"shape": "xml"})
    assert bad.status_code == 400 and "contract, 17track" in bad.json()["message"]
    assert box.config.v1_shape == "17track"
