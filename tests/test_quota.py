"""When the quota runs out, a bulk call stops sending: the numbers it had not sent come back
rejected with QUOTA_EXHAUSTED, saying they were not sent (none failed, none charged), every
number reported once, and the requests already in flight finish."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAST, AsyncTwin, ClientFactory, fast_limiter
from tests.readme import readme_example, run_example
from tests.test_cli import run
from track17_facade import AsyncTrack17Client, ErrorCode, InvalidInputError, Track17Client
from track17_facade.ratelimit import shared_limiter
from track17_facade.sandbox import Sandbox
from track17_facade.shipments import ShipmentStore

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


# -- knowing the quota before it runs out (v2.4's getquota; v1 has no way to ask) -----------------


def test_a_v2_client_warns_once_at_the_end_of_a_call_that_leaves_the_quota_low(
    v2_client: Any, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="track17")
    client = _v2(sandbox, v2_client, quota_warning=70)
    assert client.register(NUMBERS[:20]).ok
    assert [record for record in caplog.records if record.levelno == logging.WARNING] == []
    assert client.last_quota is not None and client.last_quota.remaining == 80
    assert client.register(NUMBERS[20:40]).ok
    (line,) = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert "quota low: 60 left of 100 (quota_warning=70)" in line
    assert client.last_quota.remaining == 60
    assert sandbox.api_key not in caplog.text
    client.close()


def _v2(sandbox: Sandbox, like: Any, **options: Any) -> Any:
    """A v2.4 client of the fixture's kind (sync or async), with ``options``."""
    base = {
        "api_version": "v2.4",
        "base_url": sandbox.base_url_for("v2.4"),
        "requests_per_second": FAST,
        "rate_limiter": fast_limiter(sandbox.api_key),
        **options,
    }
    if isinstance(like, AsyncTwin):
        return AsyncTwin(AsyncTrack17Client(sandbox.api_key, **base))
    return Track17Client(sandbox.api_key, **base)


def test_the_store_s_track_and_sync_end_with_the_check(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="track17")
    with (
        Track17Client(
            sandbox.api_key,
            api_version="v2.4",
            base_url=sandbox.base_url_for("v2.4"),
            requests_per_second=1000,
            rate_limiter=shared_limiter(sandbox.api_key, 1000, assume_used=False),
            quota_warning=1000,
        ) as client,
        ShipmentStore("sqlite://", clock=sandbox.clock) as store,
    ):
        store.track(client, NUMBERS[:5])
        sandbox.advance(days=1)
        store.sync(client, stale_after=timedelta(0))
    lines = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert [line[:32] for line in lines] == ["17TRACK quota low: 95 left of 10"] * 2


def test_v1_cannot_know_its_quota_and_says_so() -> None:
    with pytest.raises(InvalidInputError, match=r"quota_warning needs API v2\.4"):
        Track17Client("some-key-1234", quota_warning=10)
    with pytest.raises(InvalidInputError, match="integer >= 0"):
        Track17Client("some-key-1234", api_version="v2.4", quota_warning=-1)


def test_quota_min_exits_1_below_the_threshold_for_a_cron_alert(sandbox: Sandbox) -> None:
    assert run(sandbox, "register", *NUMBERS[:40], version="v2.4").exit_code == 0
    enough = run(sandbox, "quota", "--min", "60", "--format", "json", version="v2.4")
    assert enough.exit_code == 0, enough.output
    assert json.loads(enough.stdout)[0]["remaining"] == 60
    low = run(sandbox, "quota", "--min", "61", "--format", "json", version="v2.4")
    assert low.exit_code == 1
    assert json.loads(low.stdout)[0]["remaining"] == 60  # the figures are still written
    assert "quota low: 60 left of 100, fewer than --min 61" in low.stderr
    assert "Traceback" not in low.output and sandbox.api_key not in low.output
    v1 = run(sandbox, "quota", "--min", "1")
    assert v1.exit_code == 2 and "needs API v2.4" in v1.stderr


def test_the_quota_guide_s_examples_run(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    with Track17Client(
        sandbox.api_key,
        base_url=sandbox.base_url,
        requests_per_second=FAST,
        rate_limiter=fast_limiter(sandbox.api_key),
    ) as client:
        run_example("quota-not-sent", client=client, numbers=NUMBERS[:200])
    assert capsys.readouterr().out.strip().startswith("100 registered; 100 refused for quota;")
    source = readme_example("quota-warning").replace(
        "quota_warning=500)", f"quota_warning=500, base_url={sandbox.base_url_for('v2.4')!r})"
    )
    namespace = run_example("quota-warning", source, API_KEY=sandbox.api_key, numbers=NUMBERS[:1])
    assert capsys.readouterr().out.strip() == "0 registered; 0 quota left"
    assert namespace["client"].last_quota.remaining == 0


def test_a_journaled_job_sends_what_the_quota_refused_again_once_topped_up(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Numbers refused (or left unsent) for want of quota charged nothing: the job run again, once
    the quota is topped up, sends them and only them."""
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("\n".join(NUMBERS[:200]) + "\n")
    journal = ["--journal", str(tmp_path / "job.db"), "--format", "json"]
    first = run(sandbox, "register", str(numbers), *journal)
    assert first.exit_code == 1 and sandbox.stats().registered == 100
    sent = sandbox.stats().requests
    sandbox.set_quota(250)
    second = run(sandbox, "register", str(numbers), *journal)
    assert second.exit_code == 0, second.output
    rows = json.loads(second.stdout)
    assert len(rows) == 200 and {row["outcome"] for row in rows} == {"accepted"}
    assert sandbox.stats().registered == 200 and sandbox.stats().quota_used == 200
    assert sandbox.stats().requests - sent == 3  # the 100 refused, 40 a request: none of the others
