"""Key rotation without a lost push: receivers take the current and the previous key, clients
take a key callable, and the sandbox rotates its key as 17TRACK does (both keys work, and pushes
stay signed with the old one, for an overlap on the sandbox clock; then the old key is refused)."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import AsyncTwin, unique_key
from tests.readme import readme_example, run_example
from track17_facade import (
    ApiKeyUnavailableError,
    ApiVersion,
    AsyncTrack17Client,
    AuthenticationError,
    InvalidInputError,
    Track17Client,
)
from track17_facade.cli._app import cli
from track17_facade.ratelimit import shared_limiter
from track17_facade.sandbox import Sandbox, SandboxProcess
from track17_facade.shipments import ShipmentStore, webhook_app
from track17_facade.webhooks import SignatureError, compute_signature, parse_webhook, verify_signature

NUMBERS = [f"RR{i:09d}CN" for i in range(12)]
BODY = b'{"event":"TRACKING_STOPPED","data":{"number":"RR000000001CN"}}'
RATE = 30.0
"""Fast enough for tests not about pacing, and within the host ledger's reach (32 a window), so a
fresh key's limiter sends at once instead of waiting a window for what the key might have done."""


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(api_keys=(unique_key(),), rate=10_000) as running:
        yield running


def _client(sandbox: Sandbox, api_key: Any, version: ApiVersion = "v2.4") -> Track17Client:
    return Track17Client(
        api_key, api_version=version, base_url=sandbox.base_url_for(version), requests_per_second=RATE
    )


# -- receivers take a key or a sequence of keys ----------------------------------------------------


def test_a_push_verifies_against_any_key_of_a_sequence() -> None:
    current, previous = unique_key(), unique_key()
    for signer in (current, previous):
        sign = compute_signature(BODY, signer)
        assert parse_webhook(BODY, sign=sign, api_key=[current, previous]).number == "RR000000001CN"
        assert parse_webhook(BODY, sign=sign, api_key=(current, previous)).number == "RR000000001CN"
    with pytest.raises(SignatureError, match="does not match"):
        parse_webhook(BODY, sign=compute_signature(BODY, unique_key()), api_key=[current, previous])
    with pytest.raises(SignatureError):
        verify_signature(BODY, compute_signature(BODY, previous), [current])


@pytest.mark.parametrize(
    ("api_key", "error", "message"),
    [
        ([], InvalidInputError, "empty sequence"),
        ((), InvalidInputError, "empty sequence"),
        (b"bytes-key-1234", TypeError, "got bytes"),
        (1234, TypeError, "got int"),
        (["good-key-1234", b"bytes"], TypeError, r"api_key\[1\] must be a string, got bytes"),
        (["good-key-1234", " \n"], InvalidInputError, "non-empty"),
    ],
)
def test_a_key_sequence_that_cannot_verify_fails_closed(api_key: Any, error: type, message: str) -> None:
    sign = compute_signature(BODY, "good-key-1234")
    with pytest.raises(error, match=message) as raised:
        parse_webhook(BODY, sign=sign, api_key=api_key)
    assert "good-key-1234" not in str(raised.value)
    with ShipmentStore("sqlite://") as store, pytest.raises(error, match=message):
        webhook_app(store, api_key)
    with ShipmentStore("sqlite://") as store, pytest.raises(error, match=message):
        store.receive(BODY, sign, api_key)


# -- the sandbox rotates -----------------------------------------------------------------------------


def test_during_the_overlap_both_keys_work_then_the_old_one_gets_401(sandbox: Sandbox) -> None:
    old = sandbox.api_key
    new = sandbox.rotate_key(overlap=timedelta(minutes=5))
    assert new != old and sandbox.api_key == new and sandbox.signing_key() == old
    versions: tuple[ApiVersion, ...] = ("v1", "v2.4")
    clients = {(key, version): _client(sandbox, key, version) for key in (old, new) for version in versions}
    try:
        assert clients[old, "v1"].register([NUMBERS[0]]).ok
        for client in clients.values():
            assert client.get_track_info([NUMBERS[0]]).ok
        sandbox.advance(minutes=4)
        assert clients[old, "v2.4"].get_track_info([NUMBERS[0]]).ok and sandbox.signing_key() == old
        sandbox.advance(minutes=1)
        assert sandbox.signing_key() == new
        for version in versions:
            with pytest.raises(AuthenticationError) as raised:
                clients[old, version].get_track_info([NUMBERS[0]])
            assert old not in str(raised.value)
            assert clients[new, version].get_track_info([NUMBERS[0]]).ok
    finally:
        for client in clients.values():
            client.close()


def test_a_store_receiving_through_a_rotation_loses_no_push(sandbox: Sandbox) -> None:
    """The runbook's steps: the receiver takes [new, old] as soon as the new key exists, and the
    new key alone once the overlap is over. Every push before, during and after is stored; a
    receiver left on the old key alone refuses every push signed with the new one."""
    old = sandbox.api_key
    with ShipmentStore("sqlite://", clock=sandbox.clock) as store:
        sandbox.set_webhook(app=webhook_app(store, old), path="/hook")
        with _client(sandbox, old) as client:
            assert client.register(NUMBERS).ok
        sandbox.advance(days=1)
        new = sandbox.rotate_key(overlap=timedelta(minutes=5))
        sandbox.set_webhook(app=webhook_app(store, [new, old]), path="/hook")
        sandbox.advance(minutes=4)  # within the overlap: pushes signed with the old key
        sandbox.push_now(NUMBERS[0])
        during = sandbox.wait_for_deliveries()
        assert during[-1].sign == compute_signature(during[-1].body, old) and during[-1].delivered
        sandbox.advance(days=2)  # past it: pushes signed with the new key
        sandbox.push_now(NUMBERS[1])
        after = sandbox.wait_for_deliveries()
        assert after[-1].sign == compute_signature(after[-1].body, new) and after[-1].delivered
        sandbox.set_webhook(app=webhook_app(store, new), path="/hook")
        sandbox.advance(days=3)
        records = sandbox.wait_for_deliveries()
        assert len(records) > len(after) > len(during)
        assert [record for record in records if not record.delivered] == []
        with _client(sandbox, new) as client:
            truth = {info.number: info.status for info in client.get_track_info(NUMBERS).accepted}
        assert {number: store.get(number).status for number in NUMBERS} == truth  # type: ignore[union-attr]
        stale = webhook_app(store, old)
        sandbox.set_webhook(app=stale, path="/hook")
        sandbox.push_now(NUMBERS[0])
        assert sandbox.wait_for_deliveries()[-1].status_code == 401


# -- clients take a key callable -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_client_whose_key_callable_switches_keys_keeps_working(
    sandbox: Sandbox, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A long-running worker reads its key from where the operator puts it; each request carries
    the key the callable gives then, and is paced with that key's other requests."""
    caplog.set_level(logging.DEBUG)
    keys = [sandbox.api_key]
    asked: list[str] = []

    def current() -> str:
        asked.append(keys[0])
        return keys[0]

    base_url = sandbox.base_url_for("v2.4")
    options: dict[str, Any] = {"api_version": "v2.4", "base_url": base_url, "requests_per_second": RATE}
    client: Any
    if kind == "sync":
        client = Track17Client(current, **options)
    else:
        client = AsyncTwin(AsyncTrack17Client(current, **options))
    texts = [repr(client.client if kind == "async" else client)]

    assert client.register(NUMBERS).ok
    first_limiter = client.rate_limiter
    assert first_limiter is shared_limiter(keys[0], RATE, ledger=True)
    keys[0] = sandbox.rotate_key(overlap=timedelta(minutes=5))
    sandbox.advance(minutes=10)  # the old key is refused from now on
    asked.clear()
    result = client.get_track_info(NUMBERS)
    assert result.ok and len(result.accepted) == len(NUMBERS)
    assert asked and set(asked) == {keys[0]}  # asked before each request
    assert client.rate_limiter is not first_limiter
    assert client.rate_limiter is shared_limiter(keys[0], RATE, ledger=True)
    texts += [repr(result)] + [record.getMessage() for record in caplog.records]
    assert [text for text in texts if keys[0] in text or sandbox.signing_key() in text] == []
    client.close()


def test_a_key_callable_that_fails_stops_the_call_with_a_typed_error(sandbox: Sandbox) -> None:
    """A callable that raises is a setup error: the call stops at once (nothing sent, no retry
    loop); its message names the problem, never a key."""
    secret = sandbox.api_key
    calls = [0]

    def flaky() -> str:
        calls[0] += 1
        if calls[0] > 1:
            raise OSError(f"vault unreachable (last key {secret})")
        return secret

    with _client(sandbox, flaky) as client:
        before = sandbox.stats().requests
        with pytest.raises(ApiKeyUnavailableError, match="the api_key callable raised OSError") as raised:
            client.register(NUMBERS * 1)
        assert sandbox.stats().requests == before
        assert calls[0] == 2  # asked once at construction, once for the first request: no retries
        assert secret not in str(raised.value) and secret not in repr(raised.value)
    with pytest.raises(ApiKeyUnavailableError, match="must return a string, got bytes"):
        _client(sandbox, secret.encode)
    with pytest.raises(ApiKeyUnavailableError, match="non-empty"):
        _client(sandbox, lambda: "  ")
    with pytest.raises(TypeError, match="a zero-argument callable"):
        _client(sandbox, secret.encode())


# -- the command line ----------------------------------------------------------------------------


def test_shipments_sync_falls_back_to_the_previous_key_while_the_new_one_is_refused(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A new key entered before 17TRACK takes it up: the run goes through with the previous key
    (and says so, naming neither key); without a previous key, the refusal ends the run (3)."""
    old, new = sandbox.api_key, unique_key()
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with _client(sandbox, old) as client, ShipmentStore(url, clock=sandbox.clock) as store:
        store.track(client, NUMBERS)
    sandbox.advance(days=2)
    base = ["--base-url", sandbox.base_url_for("v2.4"), "--rate", "30"]
    args = [*base, "shipments", "sync", "--store", url, "--stale-after", "0s"]
    env = {"TRACK17_API_KEY": new, "TRACK17_PREVIOUS_API_KEY": old}
    synced = CliRunner().invoke(cli, args, env=env)
    assert synced.exit_code == 0, synced.output
    assert "uses the previous key" in synced.stderr and f"asked {len(NUMBERS)}:" in synced.stderr
    assert old not in synced.output and new not in synced.output
    alone = CliRunner().invoke(cli, args, env={"TRACK17_API_KEY": new, "TRACK17_PREVIOUS_API_KEY": ""})
    assert alone.exit_code == 3 and new not in alone.output and "Traceback" not in alone.output
    shown = CliRunner().invoke(cli, ["--help"], env=env)
    assert "--previous-api-key" in shown.stdout and old not in shown.stdout and new not in shown.stdout


def test_shipments_serve_takes_pushes_signed_with_either_key(tmp_path: Path) -> None:
    """A real receiver process given both keys by its environment (never on its command line,
    where ``ps`` shows it): each key's pushes are stored, a third key's refused."""
    current, previous = unique_key(), unique_key()
    url = f"sqlite:///{tmp_path / 'served.db'}"
    command = [
        sys.executable,
        "-m",
        "track17_facade.cli",
        "shipments",
        "serve",
        "--store",
        url,
        "--port",
        "0",
    ]
    env = {**os.environ, "TRACK17_API_KEY": current, "TRACK17_PREVIOUS_API_KEY": previous}
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"http://[\d.]+:\d+/", line)
        assert found, line
        bodies = [
            f'{{"event":"TRACKING_STOPPED","data":{{"number":"{number}"}}}}'.encode()
            for number in NUMBERS[:3]
        ]
        with httpx.Client(timeout=30) as http:
            answers = [
                http.post(found.group(0), content=body, headers={"sign": compute_signature(body, key)})
                for body, key in zip(bodies, (current, previous, unique_key()), strict=True)
            ]
        assert [answer.status_code for answer in answers] == [200, 200, 401]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        rest = process.stderr.read() if process.stderr else ""
        if process.stderr:
            process.stderr.close()
    assert current not in line + rest and previous not in line + rest
    with ShipmentStore(url) as store:
        assert store.inbox_count() == 2


# -- the guide's examples --------------------------------------------------------------------------


def test_the_rotation_guide_s_examples_run(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = unique_key(), unique_key()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACK17_API_KEY", current)
    monkeypatch.setenv("TRACK17_PREVIOUS_API_KEY", previous)
    receiver = run_example("rotation-receiver")
    assert receiver["keys"] == [current, previous]
    with receiver["store"] as store:
        assert (
            store.receive(BODY, compute_signature(BODY, previous), receiver["keys"]).number == "RR000000001CN"
        )
    key_file = tmp_path / "track17-key"
    key_file.write_text(sandbox.api_key + "\n")
    source = readme_example("rotation-client").replace(
        'api_version="v2.4")', f'api_version="v2.4", base_url={sandbox.base_url_for("v2.4")!r})'
    )
    client = run_example("rotation-client", source, KEY_FILE=str(key_file), numbers=NUMBERS[:2])
    assert client["result"].ok
    key_file.write_text(sandbox.rotate_key(overlap=timedelta(0)))  # the old key is refused at once
    assert client["client"].get_track_info(NUMBERS[:2]).ok
    client["client"].close()
    run_example("rotation-sandbox")
    assert capsys.readouterr().out.splitlines() == ["True", "the old key is refused"]


def test_a_sandbox_in_another_process_rotates_and_tops_up_through_its_admin_routes() -> None:
    with SandboxProcess(api_keys=(unique_key(),), rate=1000, quota=1) as box:
        old = box.api_key
        new = box.rotate_key(timedelta(minutes=5))
        assert box.api_key == new != old
        with (
            Track17Client(old, base_url=box.base_url, requests_per_second=RATE) as before,
            Track17Client(new, base_url=box.base_url, requests_per_second=RATE) as after,
        ):
            assert before.register(NUMBERS[:1]).ok
            box.advance(timedelta(minutes=5))  # the admin call carries the new key
            with pytest.raises(AuthenticationError):
                before.get_track_info(NUMBERS[:1])
            assert after.register(NUMBERS[1:2]).rejected[0].code.name == "QUOTA_EXHAUSTED"
            box.set_quota(2)
            assert after.register(NUMBERS[1:2]).ok


def test_webhook_verify_takes_the_previous_key_too(tmp_path: Path) -> None:
    current, previous = unique_key(), unique_key()
    body = tmp_path / "push.json"
    body.write_bytes(BODY)
    env = {"TRACK17_API_KEY": current, "TRACK17_PREVIOUS_API_KEY": previous}
    for key, code in ((current, 0), (previous, 0), (unique_key(), 1)):
        checked = CliRunner().invoke(
            cli, ["webhook", "verify", "--sign", compute_signature(BODY, key), str(body)], env=env
        )
        assert checked.exit_code == code, checked.output
        assert current not in checked.output and previous not in checked.output
