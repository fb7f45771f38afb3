"""The retry policy: which failures are retried, how long to wait, and which may have taken effect."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from track17_facade import ErrorCode
from track17_facade.errors import (
    APIError,
    AuthenticationError,
    HTTPStatusError,
    InvalidResponseError,
    RateLimitError,
    ServerError,
)
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
