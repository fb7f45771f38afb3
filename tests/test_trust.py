"""Trust in the store and the command line: a store that answered 200 has the push on disk, read
commands never create or change a database, nothing hangs, errors say what to do, and every input
is read the way the client reads it."""

from __future__ import annotations

import io
import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import fast_limiter, unique_key
from tests.receiver import AsgiServer
from track17_facade import Carrier, InvalidInputError, MainStatus, Track17Client
from track17_facade.cli._app import cli
from track17_facade.cli._output import Output
from track17_facade.errors import StoreSetupError
from track17_facade.sandbox import Sandbox
from track17_facade.shipments import ShipmentStore, webhook_app
from track17_facade.webhooks import compute_signature

KEY = "trust-test-key"


def invoke(*args: str, key: str = KEY) -> Any:
    return CliRunner().invoke(cli, ["--api-key", key, *args])


@pytest.fixture
def sandboxed() -> Iterator[tuple[Sandbox, Track17Client]]:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=10_000) as box,
        Track17Client(
            key, base_url=box.base_url, requests_per_second=1000, rate_limiter=fast_limiter(key)
        ) as client,
    ):
        yield box, client


# -- data -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_serve_refuses_a_store_that_would_forget_what_it_answered_200_to(url: str) -> None:
    result = invoke("shipments", "serve", "--store", url, "--port", "0")
    assert result.exit_code == 2 and "forget" in result.stderr and "sqlite:///shipments.db" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["list", "changes"])
def test_read_commands_never_create_a_database(tmp_path: Path, command: str) -> None:
    typo = tmp_path / "shipmnets.db"
    result = invoke("shipments", command, "--store", f"sqlite:///{typo}")
    assert result.exit_code == 2 and f"no shipment store at {typo}" in result.stderr
    assert not typo.exists()


def test_read_commands_leave_another_applications_database_as_it_was(tmp_path: Path) -> None:
    other = tmp_path / "app.db"
    with closing(sqlite3.connect(other)) as connection, connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    before = other.read_bytes()
    result = invoke("shipments", "list", "--store", f"sqlite:///{other}")
    assert result.exit_code == 2 and "holds no shipment store" in result.stderr
    assert other.read_bytes() == before  # no table added, journal mode unchanged
    with ShipmentStore(f"sqlite:///{other}") as store:  # opened to write: its tables, not its mode
        assert list(store.shipments()) == []
    with closing(sqlite3.connect(other)) as connection, connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "orders" in tables and "track17_shipments" in tables


def test_a_file_the_store_creates_is_switched_to_wal(tmp_path: Path) -> None:
    with ShipmentStore(f"sqlite:///{tmp_path / 'own.db'}"):
        pass
    with closing(sqlite3.connect(tmp_path / "own.db")) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("number", ["RR 123", "X" * 100_000, "RR123456785CN!"])
def test_the_receiver_refuses_a_number_the_client_would_refuse(tmp_path: Path, number: str) -> None:
    body = json.dumps({"event": "TRACKING_STOPPED", "data": {"number": number, "carrier": 3011}}).encode()
    with (
        ShipmentStore(f"sqlite:///{tmp_path / 's.db'}") as store,
        AsgiServer(webhook_app(store, KEY)) as web,
        httpx.Client(base_url=web.url) as http,
    ):
        answer = http.post("/", content=body, headers={"sign": compute_signature(body, KEY)})
        assert answer.status_code == 400 and "letters and digits" in answer.text
        assert store.inbox_count() == 0 and list(store.shipments()) == []


def test_sync_names_every_failed_number_with_its_reason(tmp_path: Path) -> None:
    key = unique_key()
    url = f"sqlite:///{tmp_path / 's.db'}"
    with Sandbox(api_keys=(key,), rate=10_000) as box:
        with (
            ShipmentStore(url) as store,
            Track17Client(key, base_url=box.base_url, requests_per_second=1000) as client,
        ):
            assert store.track(client, ["RR123456785CN", "RR000000001CN"]).ok
            client.delete_track(["RR000000001CN"])  # 17TRACK no longer knows it
            report = store.sync(client, stale_after=timedelta(0))
        assert report.failed == 1 and [failure.number for failure in report.failures] == ["RR000000001CN"]
        fast_limiter(key)
        shown = CliRunner().invoke(
            cli,
            [
                "--api-key",
                key,
                "--base-url",
                box.base_url,
                "--rate",
                "1000",
                "shipments",
                "sync",
                "--store",
                url,
                "--stale-after",
                "0s",
            ],
        )
    assert shown.exit_code == 1
    assert "RR000000001CN: refused by 17TRACK: NOT_REGISTERED" in shown.stderr


# -- hangs ------------------------------------------------------------------------------------------


class Silent:
    """A server that accepts connections and never answers."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/track/v1"
        self.held: list[socket.socket] = []
        self.accepted = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)
            self.accepted.set()

    def __enter__(self) -> Silent:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


def test_timeout_bounds_a_request_to_a_server_that_never_answers(tmp_path: Path) -> None:
    with Silent() as server:
        result = CliRunner().invoke(
            cli,
            [
                "--api-key",
                KEY,
                "--base-url",
                server.url,
                "--timeout",
                "0.2",
                "--max-retries",
                "0",
                "status",
                "RR123456785CN",
                "--format",
                "json",
            ],
        )
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["outcome"] == "failed"
    assert "RequestTimeoutError" in result.stdout


@pytest.fixture
def ctrl_c_reaches_children() -> Iterator[None]:
    """Commands started here take Ctrl-C as from a terminal, even when this suite itself runs in
    the background (a shell starts background jobs with SIGINT ignored, and children inherit
    that, so Python never turns it into KeyboardInterrupt)."""
    inherited = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if inherited is not None:
            signal.signal(signal.SIGINT, inherited)


@pytest.mark.usefixtures("ctrl_c_reaches_children")
def test_ctrl_c_ends_a_command_whatever_is_in_flight(tmp_path: Path) -> None:
    """The request has a minute to go; the command ends at Ctrl-C without waiting for it."""
    with Silent() as server:
        command = [sys.executable, "-m", "track17_facade.cli", "--api-key", KEY, "--base-url", server.url]
        command += ["--timeout", "60", "register", "RR123456785CN", "--journal", str(tmp_path / "j.db")]
        job = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert server.accepted.wait(30), "the request never reached the server"
        job.send_signal(signal.SIGINT)
        _, err = job.communicate(timeout=15)  # far below the request's 60 s: it was not waited for
    assert job.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert "the same command resumes" in err  # it has a journal


@pytest.mark.usefixtures("ctrl_c_reaches_children")
def test_ctrl_c_on_sync_says_nothing_of_a_journal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with Sandbox(api_keys=(KEY,), rate=10_000) as box:
        command = [sys.executable, "-m", "track17_facade.cli", "--api-key", KEY, "--base-url", box.base_url]
        command += ["shipments", "sync", "--store", url, "--every", "10s"]
        job = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert job.stderr is not None
        first = job.stderr.readline()  # the first run's report: now it sleeps
        assert first.startswith("asked 0")
        job.send_signal(signal.SIGINT)
        _, err = job.communicate(timeout=15)
    assert job.returncode == 130 and "interrupted" in err and "journal" not in err


def test_sync_every_has_a_sane_minimum(tmp_path: Path) -> None:
    result = invoke("shipments", "sync", "--store", f"sqlite:///{tmp_path / 's.db'}", "--every", "0s")
    assert result.exit_code == 2 and "at least 10s" in result.stderr
    assert not (tmp_path / "s.db").exists()


# -- messages ---------------------------------------------------------------------------------------


def test_setup_errors_say_what_is_wrong_and_exit_2(tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("shopping list\n" * 100)
    cases = {
        f"sqlite:///{not_a_database}": "not SQLite",
        f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}": "directory does not exist",
    }
    for url, said in cases.items():
        result = invoke("shipments", "sync", "--store", url)
        assert result.exit_code == 2, result.output
        assert (
            said in result.stderr and "unavailable" not in result.stderr and "Traceback" not in result.output
        )
        with pytest.raises(StoreSetupError, match=said):
            ShipmentStore(url)


def test_a_read_only_store_reads_and_refuses_to_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with ShipmentStore(url) as store:
        body = b'{"event":"TRACKING_STOPPED","data":{"number":"RR123456785CN","carrier":3011}}'
        store.receive(body, compute_signature(body, KEY), KEY)
    with ShipmentStore(url, read_only=True) as reader:
        assert reader.read_only and reader.get("RR123456785CN") is not None
        with pytest.raises(StoreSetupError, match="read-only"):
            reader.receive(body, compute_signature(body, KEY), KEY)


def test_a_failed_command_writes_no_header(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with ShipmentStore(url):
        pass
    out = tmp_path / "out.csv"
    result = invoke("shipments", "list", "--store", url, "--status", "Bogus", "-o", str(out))
    assert result.exit_code == 2 and "status must be one of" in result.stderr
    assert not out.exists() or out.read_text() == ""
    as_json = invoke("shipments", "list", "--store", url, "--status", "Bogus", "--format", "json")
    assert as_json.stdout == ""


def test_a_misspelt_client_option_names_the_client_and_the_option_meant() -> None:
    with pytest.raises(
        TypeError,
        match=r"Track17Client\(\) got an unexpected keyword argument 'time_out'; did you mean 'timeout'",
    ):
        Track17Client("key", time_out=5)  # type: ignore[call-arg]


@pytest.mark.parametrize("spelling", ["InTransit", "in_transit", "IN TRANSIT", "2"])
def test_statuses_are_spelt_the_same_everywhere(
    sandboxed: tuple[Sandbox, Track17Client], tmp_path: Path, spelling: str
) -> None:
    box, client = sandboxed
    numbers = [f"RR{i:09d}CN" for i in range(12)]
    with ShipmentStore(f"sqlite:///{tmp_path / 's.db'}") as store:
        store.track(client, numbers)
        box.advance(days=1)
        store.sync(client, stale_after=timedelta(0))
        moving = sorted(s.number for s in store.shipments(status=MainStatus.IN_TRANSIT))
        assert moving and sorted(s.number for s in store.shipments(status=spelling)) == moving
    listed = sorted(entry.number for entry in client.iter_track_list(status=spelling))
    assert listed == sorted(entry.number for entry in client.iter_track_list(status=MainStatus.IN_TRANSIT))
    fast_limiter(box.api_key)
    result = CliRunner().invoke(
        cli,
        [
            "--api-key",
            box.api_key,
            "--base-url",
            box.base_url,
            "--rate",
            "1000",
            "list",
            "--status",
            spelling,
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0 and sorted(row["number"] for row in json.loads(result.stdout)) == listed


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_table_on_80_columns_breaks_no_word_and_drops_empty_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    screen = _Terminal()
    out = Output(
        "table",
        ("number", "outcome", "carrier", "carrier_name", "recovered", "suspect", "code", "message"),
        screen,
    )
    out.write(
        {
            "number": "RR123456785CN",
            "outcome": "accepted",
            "carrier": "CHINA_POST",
            "carrier_name": "China Post",
        }
    )
    out.write(
        {
            "number": "1Z999AA10123456784",
            "outcome": "rejected",
            "code": "ALREADY_REGISTERED",
            "message": "The tracking number has been registered, there is no need to register it again.",
        }
    )
    out.close()
    drawn = re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue())  # without the terminal's colours
    assert max(len(line) for line in drawn.splitlines()) <= 80
    for whole in (
        "accepted",
        "rejected",
        "CHINA_POST",
        "ALREADY_REGISTERED",
        "RR123456785CN",
        "1Z999AA10123456784",
    ):
        assert whole in drawn, drawn
    assert "suspect" not in drawn and "recovered" not in drawn


def test_the_sandbox_command_takes_a_webhook_url() -> None:
    shown = CliRunner().invoke(cli, ["sandbox", "--help"])
    assert "--webhook-url" in shown.stdout and "/_sandbox/webhook" in shown.stdout


# -- the command line takes numbers ----------------------------------------------------------------


def test_commands_take_numbers_as_arguments(sandboxed: tuple[Sandbox, Track17Client]) -> None:
    box, _ = sandboxed
    base = ["--api-key", box.api_key, "--base-url", box.base_url, "--rate", "1000"]
    registered = CliRunner().invoke(
        cli, [*base, "register", "RR123456785CN", "1Z999AA10123456784", "--format", "json"]
    )
    assert registered.exit_code == 0, registered.output
    assert [row["number"] for row in json.loads(registered.stdout)] == ["RR123456785CN", "1Z999AA10123456784"]
    assert "2 numbers" in registered.stderr
    status = CliRunner().invoke(cli, [*base, "status", "RR123456785CN", "--format", "json"])
    assert status.exit_code == 0 and json.loads(status.stdout)[0]["number"] == "RR123456785CN"


# -- Python inputs, read as the client reads them -----------------------------------------------------


def test_the_store_reads_numbers_and_cursors_as_the_client_does(
    sandboxed: tuple[Sandbox, Track17Client], tmp_path: Path
) -> None:
    box, client = sandboxed
    with ShipmentStore(f"sqlite:///{tmp_path / 's.db'}") as store:
        with pytest.raises(InvalidInputError, match="not a single string"):
            store.track(client, "RR111111111CN")
        assert box.stats().registered == 0
        assert store.track(client, ["rr135791357cn"]).ok
        for spelling in ("rr135791357cn", " RR135791357CN ", "RR135791357CN"):
            found = store.get(spelling)
            assert found is not None and found.number == "RR135791357CN"
        with pytest.raises(InvalidInputError, match="letters and digits"):
            store.get("RR 135")
        box.advance(days=2)
        store.sync(client, stale_after=timedelta(0))
        assert [change.id for change in store.changes(after="0")] == [change.id for change in store.changes()]
        with pytest.raises(InvalidInputError, match="change id"):
            list(store.changes(after="five"))


def test_a_mapping_is_numbers_with_their_carriers_and_keys_are_positive(
    sandboxed: tuple[Sandbox, Track17Client],
) -> None:
    box, client = sandboxed
    result = client.register({"RR123456785CN": "UPS", "RR000000002CN": -5})
    assert [(a.number, a.carrier) for a in result.accepted] == [("RR123456785CN", Carrier.UPS)]
    (rejected,) = result.rejected
    assert rejected.number == "RR000000002CN" and "keys are positive" in rejected.message
    assert box.engine.registrations["RR123456785CN"].carrier == Carrier.UPS


def test_a_v1_registration_with_metadata_is_one_rejected_row(
    sandboxed: tuple[Sandbox, Track17Client],
) -> None:
    from track17_facade import Registration

    _, client = sandboxed
    result = client.register(["RR123456785CN", Registration("RR000000002CN", tag="order-1"), "RR000000003CN"])
    assert [a.number for a in result.accepted] == ["RR123456785CN", "RR000000003CN"]
    (rejected,) = result.rejected
    assert rejected.number == "RR000000002CN" and rejected.index == 1 and "v2.4" in rejected.message
