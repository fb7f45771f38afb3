"""The ``track17`` command line: click's runner in-process, and real subprocesses against the
sandbox (including a job killed with SIGKILL and resumed)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import fast_limiter, unique_key
from tests.test_webhooks import V1 as PUSH_V1
from track17_facade import Carrier, Registration
from track17_facade.cli._app import cli
from track17_facade.cli._group import Track17Group
from track17_facade.cli._input import InputError, Row, rows
from track17_facade.sandbox import FaultKind, Sandbox, SandboxProcess
from track17_facade.webhooks import compute_signature

NUMBERS = [f"RR{i:09d}CN" for i in range(120)]
COMMANDS = (
    "register",
    "status",
    "stop",
    "retrack",
    "delete",
    "push",
    "list",
    "quota",
    "webhook",
    "journal",
    "sandbox",
    "check",
    "carriers",
    "shipments",
)


def run(
    sandbox: Sandbox, *args: str, version: str = "v1", key: str | None = None, stdin: str | None = None
) -> Result:
    fast_limiter(key or sandbox.api_key)  # the in-process command's clients share this one
    base = ["--api-key", key or sandbox.api_key, "--base-url", sandbox.base_url_for(version)]
    return CliRunner().invoke(cli, [*base, "--api-version", version, "--rate", "1000", *args], input=stdin)


def numbers_file(tmp_path: Path, numbers: list[str], extra: str = "") -> str:
    path = tmp_path / "numbers.txt"
    path.write_text("# yesterday's orders\n\n" + "\n".join(numbers) + "\n" + extra)
    return str(path)


def parsed_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- help and usage ------------------------------------------------------------------------------


def test_help_lists_every_command_and_each_command_has_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert f"  {command} " in result.stdout, command
    assert "TRACK17_API_KEY" in result.stdout and "Exit codes" in result.stdout
    for command in ("register", "status", "stop", "list", "quota", "sandbox"):
        sub = CliRunner().invoke(cli, [command, "--help"])
        assert sub.exit_code == 0 and "Usage: " in sub.stdout, command
    assert "--sign" in CliRunner().invoke(cli, ["webhook", "verify", "--help"]).stdout
    assert "PATH" in CliRunner().invoke(cli, ["journal", "show", "--help"]).stdout


def test_usage_errors_exit_2_without_a_traceback(sandbox: Sandbox, tmp_path: Path) -> None:
    missing = run(sandbox, "register", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    no_key = CliRunner().invoke(
        cli, ["register", numbers_file(tmp_path, NUMBERS[:1])], env={"TRACK17_API_KEY": ""}
    )
    assert no_key.exit_code == 2 and "API key is needed" in no_key.stderr
    bad_csv = tmp_path / "orders.csv"
    bad_csv.write_text("order,parcel\n1,RR000000001CN\n")
    result = run(sandbox, "register", str(bad_csv))
    assert result.exit_code == 2 and "needs a 'number' column" in result.stderr
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\xff\xd8\xff\xe0" * 10)
    result = run(sandbox, "register", str(binary))
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
    assert run(sandbox, "quota").exit_code == 2  # v1 has no quota call
    assert "needs API v2.4" in run(sandbox, "quota").stderr
    for result in (missing, no_key):
        assert "Traceback" not in result.output
    assert sandbox.stats().requests == 0


def test_a_refused_key_exits_3_and_is_never_printed(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = "wrong-" + unique_key()
    result = run(sandbox, "register", numbers_file(tmp_path, NUMBERS[:80]), key=secret)
    assert result.exit_code == 3, result.output
    assert "API key was refused" in result.stderr
    assert secret not in result.output and "Traceback" not in result.output


def test_a_server_that_is_down_fails_rows_not_the_program(tmp_path: Path) -> None:
    with Sandbox() as box:
        url = box.base_url
    args = ["--api-key", "k", "--base-url", url, "--max-retries", "0", "register"]
    result = CliRunner().invoke(cli, [*args, numbers_file(tmp_path, NUMBERS[:3]), "--format", "json"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    rows = json.loads(result.stdout)
    assert [(row["number"], row["outcome"]) for row in rows] == [(n, "failed") for n in NUMBERS[:3]]
    assert "failed 3" in result.stderr


# -- commands and formats ------------------------------------------------------------------------


def test_register_reports_every_row_and_exit_code_1_for_a_bad_one(sandbox: Sandbox, tmp_path: Path) -> None:
    path = numbers_file(tmp_path, [*NUMBERS[:50], NUMBERS[0]], extra="not a number!\n")
    result = run(sandbox, "register", path, "--format", "csv")
    assert result.exit_code == 1
    rows = parsed_csv(result.stdout)
    assert sorted(row["number"] for row in rows if row["outcome"] == "accepted") == NUMBERS[:50]
    (bad,) = [row for row in rows if row["outcome"] == "rejected"]
    assert bad["code"] == "FIELD_FORMAT_INVALID" and bad["message"].startswith(
        "line 54: "
    )  # a comment, a blank line, 51 numbers
    assert "accepted 50, rejected 1 (FIELD_FORMAT_INVALID 1), failed 0" in result.stderr
    assert set(sandbox.engine.registrations) == set(NUMBERS[:50])


def test_a_csv_with_carriers_and_tags_registers_them_on_v2(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "\ufeffnumber,carrier,tag,notes\nRR000000001CN,3011,ORDER-1,x\nRR000000002CN,china_ems,,y\n"
    )
    result = run(sandbox, "register", str(path), "--format", "jsonl", version="v2.4")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["number"]: row["carrier"] for row in rows} == {
        "RR000000001CN": "CHINA_POST",
        "RR000000002CN": "CHINA_EMS",
    }
    assert sandbox.engine.registrations["RR000000001CN"].tag == "ORDER-1"
    on_v1 = run(sandbox, "register", str(path), "--format", "json")
    assert on_v1.exit_code == 1
    (refused,) = [row for row in json.loads(on_v1.stdout) if row["code"] == "FIELD_VALUE_INVALID"]
    assert refused["number"] == "RR000000001CN" and "cannot send Registration.tag" in refused["message"]


@pytest.mark.parametrize("shape", ["contract", "17track"])
def test_status_gives_one_row_per_number_in_each_format(sandbox: Sandbox, tmp_path: Path, shape: str) -> None:
    sandbox.set_v1_shape(shape)
    path = numbers_file(tmp_path, NUMBERS[:45])
    assert run(sandbox, "register", path).exit_code == 0
    sandbox.advance(days=10)
    as_csv = parsed_csv(run(sandbox, "status", path, "--format", "csv").stdout)
    as_json = json.loads(run(sandbox, "status", path, "--format", "json").stdout)
    as_jsonl = [
        json.loads(line) for line in run(sandbox, "status", path, "--format", "jsonl").stdout.splitlines()
    ]
    assert sorted(row["number"] for row in as_csv) == NUMBERS[:45]
    assert sorted(as_json, key=lambda row: row["number"]) == sorted(as_jsonl, key=lambda row: row["number"])
    by_number = {row["number"]: row for row in as_json}
    first = by_number[NUMBERS[0]]
    assert set(first) >= {"carrier", "status", "sub_status", "last_event_time", "location", "description"}
    assert first["status"] != "NOT_FOUND" and first["last_event_time"]
    assert first["carrier"] == "CHINA_POST" and first["location"].endswith("CN")
    table = run(sandbox, "status", path, "--format", "table").stdout
    assert NUMBERS[0] in table and "sub_status" in table


def test_stop_retrack_push_list_and_delete(sandbox: Sandbox, tmp_path: Path) -> None:
    path = numbers_file(tmp_path, NUMBERS[:10])
    sandbox.set_webhook("http://127.0.0.1:9/never")  # push needs a webhook address
    assert run(sandbox, "register", path).exit_code == 0
    assert run(sandbox, "stop", path).exit_code == 0
    stopped = run(sandbox, "list", "--tracking-status", "stopped", "--format", "json", version="v2.4")
    assert sorted(row["number"] for row in json.loads(stopped.stdout)) == NUMBERS[:10]
    again = run(sandbox, "stop", path, "--format", "json")
    assert again.exit_code == 1 and {row["code"] for row in json.loads(again.stdout)} == {
        "STOP_ONLY_TRACKING"
    }
    assert run(sandbox, "retrack", path).exit_code == 0
    assert run(sandbox, "push", path).exit_code == 0
    assert run(sandbox, "delete", path).exit_code == 0
    assert sandbox.engine.registrations == {}
    assert json.loads(run(sandbox, "list", "--format", "json").stdout) == []


def test_quota_on_v2(sandbox: Sandbox, tmp_path: Path) -> None:
    assert run(sandbox, "register", numbers_file(tmp_path, NUMBERS[:7]), version="v2.4").exit_code == 0
    (quota,) = json.loads(run(sandbox, "quota", "--format", "json", version="v2.4").stdout)
    assert quota["used"] == 7 and quota["remaining"] == quota["total"] - 7


def test_webhook_verify_reads_the_raw_body(sandbox: Sandbox, tmp_path: Path) -> None:
    body = tmp_path / "push.json"
    body.write_bytes(PUSH_V1)
    good = compute_signature(PUSH_V1, sandbox.api_key)
    result = run(sandbox, "webhook", "verify", "--sign", good, str(body))
    assert result.exit_code == 0 and json.loads(result.stdout)["tag"] == "ORDER-7"
    from_stdin = run(sandbox, "webhook", "verify", "--sign", good, "-", stdin=PUSH_V1.decode())
    assert from_stdin.exit_code == 0 and json.loads(from_stdin.stdout) == json.loads(result.stdout)
    forged = run(sandbox, "webhook", "verify", "--sign", good, str(body), key="another-key")
    assert forged.exit_code == 1 and "does not match" in forged.stderr and forged.stdout == ""


# -- the journal ---------------------------------------------------------------------------------


def test_a_finished_job_run_again_sends_nothing_and_reports_from_the_journal(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    path, journal = numbers_file(tmp_path, NUMBERS[:100], extra="bad!\n"), str(tmp_path / "job.db")
    first = run(sandbox, "register", path, "--journal", journal, "--format", "csv")
    assert first.exit_code == 1
    requests = sandbox.stats().requests
    second = run(sandbox, "register", path, "--journal", journal, "--format", "csv")
    assert sandbox.stats().requests == requests
    assert sorted(map(str, parsed_csv(second.stdout))) == sorted(map(str, parsed_csv(first.stdout)))
    assert "; 101 from the journal" in second.stderr and second.exit_code == 1
    shown = json.loads(CliRunner().invoke(cli, ["journal", "show", journal, "--format", "json"]).stdout)[0]
    assert (shown["command"], shown["runs"], shown["accepted"], shown["rejected"]) == ("register", 2, 100, 1)
    assert shown["rejected_by_code"] == {"FIELD_FORMAT_INVALID": 1}
    other = run(sandbox, "stop", path, "--journal", journal)
    assert other.exit_code == 2 and "journal of a 'register' job" in other.stderr


def test_failed_numbers_are_sent_again_and_their_earlier_effect_is_recovered(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    path, journal = numbers_file(tmp_path, NUMBERS[:40]), str(tmp_path / "job.db")
    sandbox.faults.enqueue(FaultKind.ERROR_AFTER_EFFECT)
    first = run(sandbox, "--max-retries", "0", "register", path, "--journal", journal, "--format", "csv")
    assert first.exit_code == 1 and "failed 40" in first.stderr
    assert len(sandbox.engine.registrations) == 40  # the failed request took effect
    second = run(sandbox, "register", path, "--journal", journal, "--format", "csv")
    assert second.exit_code == 0, second.output
    rows = parsed_csv(second.stdout)
    assert {(row["outcome"], row["recovered"]) for row in rows} == {("accepted", "yes")}
    assert sandbox.stats().quota_used == 40


def _cli_process(box: SandboxProcess, key: str, *args: str) -> list[str]:
    base = [
        sys.executable,
        "-m",
        "track17_facade.cli",
        "--api-key",
        key,
        "--base-url",
        box.base_url_for("v1"),
    ]
    return [*base, *args]


def test_a_job_killed_with_sigkill_resumes_to_exactly_once(tmp_path: Path) -> None:
    key, count = unique_key(), 1000
    numbers = [f"RR{i:09d}CN" for i in range(count)]
    path, journal = numbers_file(tmp_path, numbers), tmp_path / "job.db"
    with SandboxProcess(api_keys=(key,), rate=10, latency=0.3) as box:
        command = _cli_process(box, key, "--rate", "10", "register", path, "--journal", str(journal))
        job = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while box.stats().registered < 400:  # a few seconds in, with requests in flight
            assert job.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(job.pid, signal.SIGKILL)
        job.wait()
        assert job.stderr is not None
        job.stderr.close()
        with contextlib.closing(sqlite3.connect(journal)) as db:
            recorded = dict(db.execute("SELECT state, COUNT(*) FROM numbers GROUP BY state").fetchall())
        # Usually a request or two is in flight ("sent", no outcome); the kill may also fall between.
        assert recorded.get("accepted", 0) < count
        resumed = subprocess.run(
            [*command, "--format", "csv"], capture_output=True, text=True, timeout=300, check=False
        )
        assert resumed.returncode == 0, resumed.stderr
        rows = parsed_csv(resumed.stdout)
        assert sorted(row["number"] for row in rows) == numbers
        assert {row["outcome"] for row in rows} == {"accepted"}
        stats = box.stats()
        assert stats.registered == count and stats.quota_used == count  # each number charged once
        # Only numbers whose request was recorded as sent can come back as "already registered".
        recovered = sum(row["recovered"] == "yes" for row in rows)
        assert recovered <= recorded.get("sent", 0)
        if recorded.get("accepted"):
            assert f"; {recorded['accepted']} from the journal" in resumed.stderr


def test_the_console_script_module_runs_and_sandbox_command_prints_its_url(tmp_path: Path) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "track17_facade.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0 and "register" in shown.stdout
    server = subprocess.Popen(
        [sys.executable, "-m", "track17_facade.cli", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("track17 sandbox on http://127.0.0.1:")
        assert "v2.4" in server.stdout.readline() and "API key: " in server.stdout.readline()
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_stdin_input(sandbox: Sandbox, fmt: str) -> None:
    result = run(sandbox, "register", "-", "--format", fmt, stdin="\n".join(NUMBERS[:3]) + "\n")
    assert result.exit_code == 0, result.output
    text = result.stdout
    got: list[Any] = (
        parsed_csv(text)
        if fmt == "csv"
        else json.loads(text)
        if fmt == "json"
        else [json.loads(x) for x in text.splitlines()]
    )
    assert sorted(row["number"] for row in got) == NUMBERS[:3]


# -- the input parser ----------------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from('RN0123456789,#"\n\r \t\ufeffx;'), max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_rows_or_a_clear_input_error(text: str) -> None:
    try:
        found = list(rows(io.StringIO(text, newline=""), "input"))
    except InputError as exc:
        error: InputError | None = exc
        found = []
    else:
        error = None
    assert error is None or str(error).startswith("input")
    for row in found:
        assert row.line >= 1 and not row.number.startswith(("#", " "))
        assert row.number == row.number.strip()


def test_plain_and_csv_files_parse_to_rows() -> None:
    plain = list(rows(io.StringIO("# header\n\n RR000000001CN \r\nRR000000002CN\n"), "f"))
    assert [(row.number, row.line) for row in plain] == [("RR000000001CN", 3), ("RR000000002CN", 4)]
    table = list(
        rows(io.StringIO('Number, Carrier ,tag\nRR000000001CN,china_post,"A,B"\nRR000000002CN\n'), "f")
    )
    assert table[0].number == "RR000000001CN" and table[0].carrier == "china_post"
    assert table[0].metadata == (("tag", "A,B"),) and table[1].carrier is None
    assert table[0].item(with_metadata=True) == Registration("RR000000001CN", Carrier.CHINA_POST, tag="A,B")
    assert table[1].item(with_metadata=True) == "RR000000002CN"
    assert Row("RR1CN", 1, "3011").item(with_metadata=True) == ("RR1CN", Carrier.CHINA_POST)
    assert Row("RR1CN", 1, "3011").item(with_metadata=False) == "RR1CN"
    assert Row("RR1CN", 1, "no such").item(with_metadata=True) == ("RR1CN", "no such")


# -- where people type options ---------------------------------------------------------------------


def test_options_of_track17_itself_may_follow_the_command(sandbox: Sandbox, tmp_path: Path) -> None:
    fast_limiter(sandbox.api_key)
    path = numbers_file(tmp_path, NUMBERS[:3])
    args = ["register", path, "--format", "json", "--api-key", sandbox.api_key, "--rate=1000"]
    result = CliRunner().invoke(
        cli, [*args, "--base-url", sandbox.base_url, "-q"], env={"TRACK17_API_KEY": ""}
    )
    assert result.exit_code == 0, result.output
    assert [row["outcome"] for row in json.loads(result.stdout)] == ["accepted"] * 3
    assert result.stderr == ""  # -q, given after the command, took effect
    group = cli
    assert isinstance(group, Track17Group)
    context = group.make_context("track17", ["--help"], resilient_parsing=True)
    # the sandbox command's own --rate stays the sandbox's
    assert group._hoisted(context, ["sandbox", "--rate", "5"]) == ["sandbox", "--rate", "5"]
    assert group._hoisted(context, ["journal", "show", "j.db", "-q"]) == ["-q", "journal", "show", "j.db"]


# -- the output ------------------------------------------------------------------------------------


def test_rows_come_in_the_order_of_the_file_with_the_same_columns(sandbox: Sandbox, tmp_path: Path) -> None:
    """The first request is held a second: its rows still come first, and every row, accepted or
    rejected, has every column, in every format."""
    lines = [*NUMBERS[:50], "bad!", *NUMBERS[50:120], "x", NUMBERS[3]]
    path = numbers_file(tmp_path, lines)
    expected = list(lines[:-1])  # the repeated number is reported once
    outputs = []
    for fmt in ("json", "jsonl", "csv"):
        sandbox.config.slow_seconds = 1.0
        sandbox.faults.enqueue(FaultKind.SLOW)
        result = run(sandbox, "status", path, "--format", fmt)
        if fmt == "json":
            rows_seen = json.loads(result.stdout)
        elif fmt == "jsonl":
            rows_seen = [json.loads(line) for line in result.stdout.splitlines()]
        else:
            rows_seen = parsed_csv(result.stdout)
        assert [row["number"] for row in rows_seen] == expected, fmt
        assert len({tuple(row) for row in rows_seen}) == 1, fmt  # one set of columns
        outputs.append([row["number"] for row in rows_seen])
    assert outputs[0] == outputs[1] == outputs[2]


def test_output_goes_to_a_file_and_a_failed_command_leaves_no_csv_header(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    result = run(sandbox, "register", numbers_file(tmp_path, NUMBERS[:4]), "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert [row["number"] for row in parsed_csv(target.read_text())] == NUMBERS[:4]
    refused = run(
        sandbox, "register", numbers_file(tmp_path, NUMBERS[:4]), "--format", "csv", key="wrong-key"
    )
    assert refused.exit_code == 3 and refused.stdout == ""  # no header without a result
    assert refused.stderr.count("refused") == 1  # said once


def test_a_table_never_cuts_a_tracking_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from track17_facade.cli._output import OUTCOME_COLUMNS, Output

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "72")
    screen = Terminal()
    output = Output("table", OUTCOME_COLUMNS, screen)
    long_number = "RR" + "1234567890" * 4 + "CN"
    output.write(
        {"number": long_number, "outcome": "rejected", "code": "FIELD_FORMAT_INVALID", "message": "x" * 200}
    )
    output.close()
    assert long_number in screen.getvalue()


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`track17 ... | head -1`: the shell's status for a writer whose reader left, no traceback.
    4,000 rows are far more than a pipe holds, so the reader leaves while the job still writes."""
    key = unique_key()
    many = [f"RP{i:09d}CN" for i in range(4000)]
    with Sandbox(api_keys=(key,), rate=10_000) as box:
        command = [
            sys.executable, "-m", "track17_facade.cli", "--api-key", key, "--base-url", box.base_url,
            "--rate", "1000", "register", numbers_file(tmp_path, many), "--format", "csv",
        ]  # fmt: skip
        job = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert job.stdout is not None and job.stderr is not None
        assert job.stdout.readline().startswith(b"number,")
        job.stdout.close()
        errors = job.stderr.read().decode()
        job.stderr.close()
        code = job.wait(timeout=120)
    assert code == 141, errors
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_completion_scripts(tmp_path: Path) -> None:
    for shell in ("bash", "zsh", "fish"):
        result = CliRunner().invoke(cli, ["completion", shell])
        assert result.exit_code == 0 and "_TRACK17_COMPLETE" in result.stdout, shell
    assert CliRunner().invoke(cli, ["completion", "tcsh"]).exit_code == 2


def test_dry_run_prints_what_stop_and_delete_would_send_and_sends_nothing(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    path = numbers_file(tmp_path, [*NUMBERS[:3], "bad!"])
    for command in ("stop", "delete"):
        result = run(sandbox, command, path, "--dry-run", "--format", "json")
        assert result.exit_code == 1  # the bad row
        rows_seen = json.loads(result.stdout)
        assert [(row["number"], row["outcome"]) for row in rows_seen] == [
            *[(number, "would send") for number in NUMBERS[:3]],
            ("bad!", "rejected"),
        ]
        assert "nothing was sent" in result.stderr
    assert sandbox.stats().requests == 0


def test_list_limit_and_quota_on_v1(sandbox: Sandbox, tmp_path: Path) -> None:
    assert run(sandbox, "register", numbers_file(tmp_path, NUMBERS[:10])).exit_code == 0
    listed = run(sandbox, "list", "--limit", "4", "--format", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 4
    quota = run(sandbox, "quota")
    assert quota.exit_code == 2 and "add --api-version v2.4" in quota.stderr


def test_list_on_v1_as_17track_sends_it_names_carrier_and_status(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.set_v1_shape("17track")
    assert run(sandbox, "register", numbers_file(tmp_path, NUMBERS[:5])).exit_code == 0
    sandbox.advance(days=20)
    listed = json.loads(run(sandbox, "list", "--format", "json").stdout)
    assert sorted(row["number"] for row in listed) == NUMBERS[:5]
    assert all(row["carrier"] == "CHINA_POST" and row["package_status"] for row in listed), listed


def test_numbers_differing_only_in_case_are_one_number(sandbox: Sandbox, tmp_path: Path) -> None:
    path = numbers_file(tmp_path, [NUMBERS[0], NUMBERS[0].lower(), NUMBERS[1]])
    result = run(sandbox, "register", path, "--format", "json")
    assert [row["number"] for row in json.loads(result.stdout)] == NUMBERS[:2]
    assert sandbox.stats().quota_used == 2


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csvs_separated_by_semicolons_tabs_or_bars(delimiter: str, sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(f"number{delimiter}carrier\n{NUMBERS[0]}{delimiter}100002\n{NUMBERS[1]}{delimiter}\n")
    result = run(sandbox, "register", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    # the first as the file names it; the second with none, so as 17TRACK detected it
    assert [row["carrier"] for row in json.loads(result.stdout)] == ["UPS", "CHINA_POST"]
    assert [reg.carrier for reg in sandbox.engine.registrations.values()] == [100002, 3011]


def test_a_csv_without_a_number_column_names_its_delimiter(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order;parcel\n1;RR000000001CN\n")
    result = run(sandbox, "register", str(path))
    assert result.exit_code == 2 and "separated by semicolons" in result.stderr


# -- no traceback anywhere -------------------------------------------------------------------------


def test_odd_values_get_a_message_not_a_traceback(sandbox: Sandbox, tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(f"number,carrier\n{NUMBERS[0]},\u00b2\n")
    carrier = run(sandbox, "register", str(orders), "--format", "json")
    assert carrier.exit_code == 1 and "Traceback" not in carrier.output
    (row,) = json.loads(carrier.stdout)
    assert row["outcome"] == "rejected" and "carrier name '\u00b2' is ambiguous" in row["message"]
    body = tmp_path / "push.json"
    body.write_bytes(b'{"event": "TRACKING_STOPPED", "data": {"number": "RR000000001CN"}}')
    for sign in ("\u00e9\u00e9\u00e9", "zz"):
        verified = run(sandbox, "webhook", "verify", "--sign", sign, str(body))
        assert verified.exit_code == 1 and "SignatureError" in verified.stderr, verified.output
        assert "Traceback" not in verified.output
    for args in (["--port", "99999"], ["--fault-rate", "2"], ["--rate", "0"]):
        started = CliRunner().invoke(cli, ["sandbox", *args])
        assert started.exit_code == 2 and "Traceback" not in started.output, args


def test_the_sandbox_command_says_when_its_port_is_taken() -> None:
    with Sandbox() as box:
        taken = subprocess.run(
            [sys.executable, "-m", "track17_facade.cli", "sandbox", "--port", str(box.port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert taken.returncode == 2
    assert f"cannot listen on 127.0.0.1:{box.port}" in taken.stderr and "Traceback" not in taken.stderr


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_rows_or_a_clear_input_error(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "job.txt"
        path.write_bytes(data)
        from track17_facade.cli._input import opened

        message = ""
        try:
            with opened(str(path)) as handle:
                for row in rows(handle, str(path)):
                    assert isinstance(row.number, str)
                    row.item(with_metadata=True)
        except InputError as exc:
            message = str(exc)
        assert not message or message.startswith(str(path))


# -- the journal never damages other files ----------------------------------------------------------


def _application_database(path: Path) -> bytes:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, parcel TEXT)")
        db.execute("INSERT INTO orders (parcel) VALUES ('RR000000001CN')")
        db.commit()
    return path.read_bytes()


def test_the_journal_refuses_another_applications_database_untouched(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    app = tmp_path / "shop.db"
    before = _application_database(app)
    shown = run(sandbox, "journal", "show", str(app))
    assert shown.exit_code == 2 and "not a track17 journal (it holds: orders)" in shown.stderr
    used = run(sandbox, "register", numbers_file(tmp_path, NUMBERS[:2]), "--journal", str(app))
    assert used.exit_code == 2 and "not a track17 journal" in used.stderr
    assert app.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["numbers.txt", "shop.db"]  # no -wal file
    assert sandbox.stats().requests == 0


def test_journal_messages_say_what_happened(sandbox: Sandbox, tmp_path: Path) -> None:
    path = numbers_file(tmp_path, NUMBERS[:3])
    journal = tmp_path / "job.db"
    assert run(sandbox, "register", path, "--journal", str(journal)).exit_code == 0
    other = run(sandbox, "stop", path, "--journal", str(journal))
    assert other.exit_code == 2
    assert "the journal of a 'register' job, not 'stop'" in other.stderr and "stop_track" not in other.stderr
    nowhere = run(sandbox, "register", path, "--journal", str(tmp_path / "missing" / "job.db"))
    assert nowhere.exit_code == 2 and "cannot create the journal in" in nowhere.stderr
    data = bytearray(journal.read_bytes())
    data[120:4000] = b"\x07" * (4000 - 120)  # the header's page and the schema, overwritten
    journal.write_bytes(bytes(data))
    damaged = run(sandbox, "journal", "show", str(journal))
    assert damaged.exit_code == 2 and "is damaged" in damaged.stderr, damaged.output
    text = tmp_path / "notes.db"
    text.write_text("not a database at all\n" * 100)
    assert "not an SQLite file" in run(sandbox, "journal", "show", str(text)).stderr
