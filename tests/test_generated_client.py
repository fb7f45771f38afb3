"""A generated endpoint called through a facade client (``call_generated``): over loopback HTTP
against the sandbox, it carries the key in ``17token``, is paced with the client's other requests,
and is retried like them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from track17_client.api.tracking import get_track_info as v1_get_track_info
from track17_client_v2 import AuthenticatedClient
from track17_client_v2.api.tracking import get_quota, get_track_info
from track17_client_v2.models import NumberItem, QuotaResponse

from tests.conftest import assert_paced, unique_key
from tests.readme import readme_example, run_example
from track17_facade import AsyncTrack17Client, AuthenticationError, InvalidInputError, Track17Client
from track17_facade.sandbox import FaultKind, Sandbox, SandboxProcess


def test_a_generated_endpoint_goes_with_the_key_and_the_clients_pace() -> None:
    """Five quota reads at 3 requests per sliding second: all answered, none refused for the key or
    for the rate; the sandbox answers only a request whose ``17token`` header holds its key."""
    key = unique_key()
    with SandboxProcess(api_keys=(key,), rate=3) as box:
        with Track17Client(key, api_version="v2.4", base_url=box.base_url_for("v2.4")) as client:
            answers = [client.call_generated(get_quota.sync_detailed, body=[]) for _ in range(5)]
        stats = box.stats()
    assert [answer.status_code for answer in answers] == [200] * 5
    assert all(isinstance(answer.parsed, QuotaResponse) and answer.parsed.code == 0 for answer in answers)
    assert_paced(stats, requests=5)


def test_the_generators_own_defaults_are_refused_by_17track(sandbox: Sandbox) -> None:
    """What ``call_generated`` spares a user: the generated client alone sends
    ``Authorization: Bearer``, which 17TRACK (and the sandbox) refuse."""
    with AuthenticatedClient(base_url=sandbox.base_url_for("v2.4"), token=sandbox.api_key) as plain:
        answer = get_quota.sync_detailed(client=plain, body=[])
    assert answer.status_code == 401 or getattr(answer.parsed, "code", 0) != 0
    with Track17Client(sandbox.api_key, api_version="v2.4", base_url=sandbox.base_url_for("v2.4")) as client:
        assert client.call_generated(get_quota.sync_detailed, body=[]).status_code == 200


def test_a_generated_call_is_retried_and_a_refused_key_raises(sandbox: Sandbox) -> None:
    sandbox.faults.enqueue(FaultKind.HTTP_500)

    async def run(key: str) -> Any:
        root = sandbox.base_url_for("v2.4")
        async with AsyncTrack17Client(key, api_version="v2.4", base_url=root) as client:
            return await client.call_generated(
                get_track_info.asyncio_json, body=[NumberItem(number="RR123456789CN")], timeout=10
            )

    answer = asyncio.run(run(sandbox.api_key))
    assert answer.status_code == 200 and answer.parsed["code"] == 0
    tries = [record.status for record in sandbox.requests() if record.path.endswith("/gettrackinfo")]
    assert tries == [500, 200]
    with pytest.raises(AuthenticationError):
        asyncio.run(run(unique_key()))


def test_an_endpoint_of_the_other_version_is_refused_before_sending(sandbox: Sandbox) -> None:
    root = sandbox.base_url_for("v2.4")
    refused = pytest.raises(InvalidInputError, match=r"track17_client_v2\.api .*v2\.4")
    with Track17Client(sandbox.api_key, api_version="v2.4", base_url=root) as client, refused:
        client.call_generated(v1_get_track_info.sync_detailed, body=[])
    assert sandbox.requests() == []


def test_the_guides_example_reads_the_quota_through_the_client(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    original = 'Track17Client("YOUR-17TRACK-KEY", api_version="v2.4")'
    source = readme_example("generated-call")
    assert original in source
    pointed = (
        f"Track17Client({sandbox.api_key!r}, api_version='v2.4', base_url={sandbox.base_url_for('v2.4')!r})"
    )
    run_example("generated-call", source.replace(original, pointed))
    status, remaining = capsys.readouterr().out.split()
    assert status == "200" and int(remaining) >= 0
    assert [record.path for record in sandbox.requests()] == ["/track/v2.4/getquota"]
