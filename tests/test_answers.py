"""Every kind of answer a client can meet, over loopback HTTP, classified by its HTTP status first.

Proxies, load balancers and CDNs answer errors with HTML, plain text or nothing at all; the
sandbox's ``RawAnswer`` fault sends exactly that, and each test checks what a user sees (the typed
error, the status code, how often the request was sent, how long the client waited).
"""

from __future__ import annotations

import itertools
import json

import pytest

from tests.conftest import ClientFactory
from track17_facade import (
    APIError,
    AuthenticationError,
    ErrorCode,
    HTTPStatusError,
    InvalidResponseError,
    RateLimitError,
    ServerError,
)
from track17_facade.sandbox import FaultKind, RawAnswer, RequestRecord, Sandbox

NUMBERS = [f"RR{i:09d}CN" for i in range(100)]
BODIES = {
    "html": ("text/html; charset=utf-8", b"<html><body><h1>Bad Gateway</h1>nginx</body></html>"),
    "text": ("text/plain", b"upstream connect error or disconnect/reset before headers"),
    "empty": ("text/plain", b""),
}


def api_requests(sandbox: Sandbox) -> list[RequestRecord]:
    """The API requests the sandbox received (not its admin routes), in order."""
    return [record for record in sandbox.requests() if record.path.startswith("/track/")]


def raw(status: int, body: str, headers: dict[str, str] | None = None) -> RawAnswer:
    content_type, content = BODIES[body]
    return RawAnswer(status, content, content_type, headers or {})


@pytest.mark.parametrize("body", sorted(BODIES))
def test_a_401_that_is_not_json_raises_at_once(
    sandbox: Sandbox, make_client: ClientFactory, body: str
) -> None:
    client = make_client(max_retries=2)
    sandbox.faults.enqueue(raw(401, body))
    with pytest.raises(AuthenticationError, match="HTTP 401") as raised:
        client.register(NUMBERS[:5])
    assert raised.value.status_code == 401 and raised.value.attempts == 1
    assert [r.status for r in api_requests(sandbox)] == [401]  # never retried


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("status", [403, 404])
def test_other_4xx_fail_their_items_without_a_retry(
    sandbox: Sandbox, make_client: ClientFactory, status: int, body: str
) -> None:
    client = make_client(max_retries=3)
    sandbox.faults.enqueue(raw(status, body))
    result = client.register(NUMBERS[:5])
    assert [f.number for f in result.failed] == NUMBERS[:5]
    error = result.failed[0].error
    assert type(error) is HTTPStatusError and error.status_code == status
    assert [r.status for r in api_requests(sandbox)] == [status]


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("status", [500, 502, 503, 520])
def test_5xx_that_is_not_json_is_a_server_error_with_its_status(
    sandbox: Sandbox, make_client: ClientFactory, status: int, body: str
) -> None:
    client = make_client(max_retries=2)
    sandbox.faults.enqueue(*[raw(status, body)] * 3)
    result = client.register(NUMBERS[:5])
    error = result.failed[0].error
    assert isinstance(error, ServerError) and error.status_code == status and error.attempts == 3
    assert [r.status for r in api_requests(sandbox)] == [status] * 3
    sandbox.faults.enqueue(raw(status, body))
    assert client.register(NUMBERS[:5]).ok  # and one such answer is retried into success
    assert sandbox.stats().quota_used == 5


def _waited_after_each_429(sandbox: Sandbox) -> list[float]:
    """Seconds from each 429 answer to the arrival of the request after it."""
    records = api_requests(sandbox)
    return [
        after.arrived - before.answered
        for before, after in itertools.pairwise(records)
        if before.status == 429
    ]


@pytest.mark.parametrize("body", sorted(BODIES))
def test_a_429_that_is_not_json_honours_retry_after(
    sandbox: Sandbox, make_client: ClientFactory, body: str
) -> None:
    client = make_client(max_retries=2)
    sandbox.faults.enqueue(raw(429, body, {"Retry-After": "1"}))
    assert client.register(NUMBERS[:5]).ok
    assert [r.status for r in api_requests(sandbox)] == [429, 200]
    # Without the header the first retry would come after 0.125-0.25 s of backoff.
    assert _waited_after_each_429(sandbox)[0] >= 1.0


def test_a_json_429_honours_retry_after(sandbox: Sandbox, make_client: ClientFactory) -> None:
    client = make_client()
    sandbox.faults.enqueue(FaultKind.HTTP_429)  # the contract's body, with Retry-After: 1
    assert client.register(NUMBERS[:1]).ok
    assert [r.status for r in api_requests(sandbox)] == [429, 200]
    assert _waited_after_each_429(sandbox)[0] >= 1.0


def test_a_429_to_the_end_carries_the_servers_hint(sandbox: Sandbox, make_client: ClientFactory) -> None:
    client = make_client(max_retries=1)
    sandbox.faults.enqueue(raw(429, "html", {"Retry-After": "1"}), raw(429, "html", {"Retry-After": "1"}))
    failure = client.register(NUMBERS[:1]).failed[0]
    assert isinstance(failure.error, RateLimitError) and failure.error.retry_after == 1.0


@pytest.mark.parametrize("body", sorted(BODIES))
def test_only_a_2xx_that_cannot_be_read_is_an_invalid_response(
    sandbox: Sandbox, make_client: ClientFactory, body: str
) -> None:
    client = make_client(max_retries=1)
    sandbox.faults.enqueue(raw(200, body), raw(200, body))
    error = client.register(NUMBERS[:5]).failed[0].error
    assert isinstance(error, InvalidResponseError) and error.attempts == 2
    assert [r.status for r in api_requests(sandbox)] == [200, 200]


def _internal_error_answer() -> RawAnswer:
    refusal = {
        "code": int(ErrorCode.INTERNAL_SERVICE_ERROR),
        "data": {"errors": [{"code": -18010003, "message": "Internal service error, retry later"}]},
    }
    return RawAnswer(200, json.dumps(refusal).encode(), "application/json")


def test_17tracks_internal_service_error_is_retried_like_a_5xx(
    sandbox: Sandbox, make_client: ClientFactory
) -> None:
    client = make_client(max_retries=2)
    sandbox.faults.enqueue(_internal_error_answer())
    assert client.register(NUMBERS[:5]).ok
    assert len(api_requests(sandbox)) == 2
    sandbox.faults.enqueue(*[_internal_error_answer()] * 3)
    error = client.register(NUMBERS[5:10]).failed[0].error
    assert isinstance(error, APIError) and error.code is ErrorCode.INTERNAL_SERVICE_ERROR
    assert error.attempts == 3


def test_a_whole_request_refusal_is_not_retried(sandbox: Sandbox, make_client: ClientFactory) -> None:
    refusal = {"code": -18010013, "data": {"errors": [{"code": -18010013, "message": "invalid"}]}}
    client = make_client(max_retries=3)
    sandbox.faults.enqueue(RawAnswer(200, json.dumps(refusal).encode(), "application/json"))
    error = client.register(NUMBERS[:5]).failed[0].error
    assert isinstance(error, APIError) and error.code is ErrorCode.SUBMITTED_DATA_INVALID
    assert len(api_requests(sandbox)) == 1


def test_a_wrong_key_stops_the_call_at_once(sandbox: Sandbox, make_client: ClientFactory) -> None:
    """Three chunks, one at a time: the first 401 stops the call; nothing else is sent."""
    client = make_client(api_key="not-the-key", max_concurrency=1, max_retries=4)
    with pytest.raises(AuthenticationError, match="401") as raised:
        client.register(NUMBERS)
    assert raised.value.attempts == 1
    assert [r.status for r in api_requests(sandbox)] == [401]
