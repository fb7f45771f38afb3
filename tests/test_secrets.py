"""The API key never reaches a message, a log line, the command line's output or a file we write,
however it was read (a trailing newline from a key file, a stray space), and a key that cannot be
sent is refused at once with a message that names the problem, never the key."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ClientFactory, unique_key
from tests.ports import free_port
from track17_facade import ApiKeyUnavailableError, InvalidInputError, Track17Client, TransportError
from track17_facade._secrets import REDACTED, redact
from track17_facade.cli._app import cli
from track17_facade.sandbox import FaultKind, Sandbox
from track17_facade.shipments import ShipmentStore, webhook_app
from track17_facade.webhooks import SignatureError, compute_signature, parse_webhook

NUMBERS = [f"RR{i:09d}CN" for i in range(5)]
DIRT = ["\n", "\r\n", "\r", " ", "\t "]


def _texts_of(result: Any) -> list[str]:
    return [repr(result), json.dumps(result.to_dict())]


@pytest.mark.parametrize("dirt", DIRT, ids=repr)
def test_a_key_with_surrounding_whitespace_works_and_never_shows(
    dirt: str, sandbox: Sandbox, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """The key as a file gives it: stripped, accepted by the server, and absent from every text a
    user sees, on every client path (success, faults, a server that is down, a refused key)."""
    secret = sandbox.api_key
    caplog.set_level(logging.DEBUG)
    client = make_client(api_key=dirt + secret + dirt)
    sandbox.faults.enqueue(FaultKind.HTTP_503, FaultKind.DROP)
    registered = client.register(NUMBERS)
    assert len(registered.accepted) == len(NUMBERS)
    texts = _texts_of(registered) + _texts_of(client.get_track_info(NUMBERS))
    closed_port = f"http://127.0.0.1:{free_port()}/track/{client.api_version}"
    down = make_client(api_key=secret + dirt, base_url=closed_port)
    failed = down.register(NUMBERS, max_retries=0)
    assert failed.failed and isinstance(failed.failed[0].error, TransportError)
    texts += [*_texts_of(failed), str(failed.failed[0].error)]
    refused = make_client(api_key=secret + "-wrong" + dirt)
    with pytest.raises(Exception) as raised:  # noqa: PT011 (AuthenticationError; its text is the point)
        refused.get_track_info(NUMBERS)
    texts += [str(raised.value), repr(raised.value), repr(client), repr(getattr(client, "client", client))]
    texts += [record.getMessage() for record in caplog.records]
    assert [text for text in texts if secret in text] == []


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("abc\u00e9-secret-key", "non-ASCII character (U+00E9 at position 4)"),
        ("abc\ndef-secret-key", "control character (U+000A at position 4)"),
        ("abc\x00def-secret-key", "control character (U+0000 at position 4)"),
        ("   \n", "non-empty"),
    ],
)
def test_a_key_that_cannot_be_sent_is_refused_at_construction(key: str, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=r"^Track17Client: api_key ") as raised:
        Track17Client(key)
    assert problem in str(raised.value)
    assert "secret-key" not in str(raised.value)


def test_any_key_the_sdk_was_given_is_scrubbed_from_its_errors_and_log_lines(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The rule is structural: whatever library text an error or a log line wraps, a key the SDK
    knows is replaced."""
    secret = unique_key()
    Track17Client(secret).close()
    error = TransportError(f"LocalProtocolError: Illegal header value b'{secret}\\n'")
    assert secret not in str(error) and REDACTED in str(error)
    with caplog.at_level(logging.DEBUG, logger="track17"):
        logging.getLogger("track17").debug("sent with %s", secret)
    assert secret not in caplog.text and REDACTED in caplog.text
    assert redact(f"x{secret}y") == f"x{REDACTED}y"


@pytest.mark.parametrize("dirt", ["\n", "\r\n", " "], ids=repr)
def test_the_command_line_and_its_journal_never_hold_the_key(dirt: str, tmp_path: Path) -> None:
    """A key from a file (``--api-key "$(cat key)"`` keeps no newline, but ``TRACK17_API_KEY``
    from an env file can): the rows, the messages, ``journal show`` and the journal file itself."""
    secret = unique_key()
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("\n".join(NUMBERS) + "\n")
    journal = tmp_path / "job.db"
    down = f"http://127.0.0.1:{free_port()}/track/v1"
    args = ["--base-url", down, "--max-retries", "0", "register", str(numbers), "--journal", str(journal)]
    result = CliRunner().invoke(cli, [*args, "--format", "json"], env={"TRACK17_API_KEY": secret + dirt})
    assert result.exit_code == 1, result.output
    assert len(json.loads(result.stdout)) == len(NUMBERS)
    shown = CliRunner().invoke(cli, ["journal", "show", str(journal), "--rows", "failed", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert len(json.loads(shown.stdout)) == len(NUMBERS)
    everything = result.output + shown.output
    files = b"".join(path.read_bytes() for path in tmp_path.iterdir() if path.is_file())
    assert secret not in everything and secret.encode() not in files


def test_the_command_line_refuses_a_key_it_cannot_send_without_a_traceback(tmp_path: Path) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("\n".join(NUMBERS) + "\n")
    with Sandbox() as box:
        result = CliRunner().invoke(
            cli, ["--api-key", "caf\u00e9-secret-key", "--base-url", box.base_url, "register", str(numbers)]
        )
        assert box.stats().requests == 0
    assert result.exit_code == 2, result.output
    assert "non-ASCII character" in result.stderr
    assert "secret-key" not in result.output and "Traceback" not in result.output


def test_a_key_callable_and_a_key_sequence_never_show(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """A key asked of a callable (refused by the server, or the callable failing) and the keys of
    a receiver's sequence: absent from reprs, errors and log lines alike."""
    caplog.set_level(logging.DEBUG)
    secret, previous, wrong = sandbox.api_key, unique_key(), unique_key()
    given = [wrong]
    base_url = sandbox.base_url_for("v2.4")
    client = Track17Client(lambda: given[0], api_version="v2.4", base_url=base_url, requests_per_second=30)
    texts = [repr(client)]
    with pytest.raises(Exception) as refused:  # noqa: PT011 (AuthenticationError; its text is the point)
        client.register(NUMBERS)
    given[0] = "\n" + secret + "\n"
    texts += [str(refused.value), repr(refused.value), repr(client.register(NUMBERS)), repr(client)]

    def failing() -> str:
        raise RuntimeError(f"could not read {secret} from the vault")

    with pytest.raises(ApiKeyUnavailableError) as unavailable:
        Track17Client(failing, api_version="v2.4", base_url=base_url)
    texts += [str(unavailable.value), repr(unavailable.value)]
    client.close()
    body = b'{"event":"TRACKING_STOPPED","data":{"number":"RR000000001CN"}}'
    with ShipmentStore(f"sqlite:///{tmp_path / 'store.db'}") as store:
        texts.append(repr(webhook_app(store, [secret, previous])))
        for sign in ("0" * 64, compute_signature(body, wrong)):
            with pytest.raises(SignatureError) as forged:
                store.receive(body, sign, [secret, previous])
            texts += [str(forged.value), repr(forged.value)]
        with pytest.raises(InvalidInputError) as bad:
            parse_webhook(body, sign="0" * 64, api_key=[secret, previous + "\x00"])
        texts += [str(bad.value), repr(bad.value)]
    texts += [record.getMessage() for record in caplog.records]
    keys = (secret, previous, wrong)
    assert [text for text in texts if any(key in text for key in keys)] == []
