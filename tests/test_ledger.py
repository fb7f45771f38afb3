"""The host pacing ledger: processes of one user on one machine book a key's requests from one log,
so a new process sends at once after an empty window and processes side by side share one limit;
and whatever goes wrong with the file, pacing falls back to the blind wait, never to no wait."""

from __future__ import annotations

import logging
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import unique_key
from track17_facade import Track17Client
from track17_facade.ratelimit import (
    HostLedger,
    HostLimiter,
    SlidingWindowLimiter,
    key_fingerprint,
    shared_limiter,
)
from track17_facade.ratelimit._ledger import _HEAD, _MAGIC, _SIZE, SLOTS, default_directory
from track17_facade.sandbox import Sandbox

MARGIN = 0.025


def _limiter(directory: Path, key: str) -> HostLimiter:
    """What a client of ``key`` in a new process gets: a limiter booking through the ledger."""
    return HostLimiter(3, 1.0, margin=MARGIN, ledger=HostLedger(directory, key_fingerprint(key)))


def _starts(limiter: HostLimiter, count: int) -> list[float]:
    """Book ``count`` requests; their starts on the monotonic clock."""
    return [time.monotonic() + limiter.reserve() for _ in range(count)]


def test_a_new_process_sends_at_once_after_an_empty_window_and_waits_after_a_full_one(
    tmp_path: Path,
) -> None:
    key = unique_key()
    first = _limiter(tmp_path, key)
    assert first.shares_host and first.reserve() == 0.0  # nothing on record: at once
    assert [round(first.reserve(), 3) for _ in range(2)] == [0.0, 0.0]
    second = _limiter(tmp_path, key)  # a process started just after: the window is full
    assert second.reserve() == pytest.approx(1.0 + MARGIN, abs=0.01)
    alone = SlidingWindowLimiter(3, 1.0, margin=MARGIN)  # without a ledger: the blind wait
    assert alone.reserve() == pytest.approx(1.0 + MARGIN, abs=0.01)


def test_limiters_of_one_key_on_one_host_share_one_limit(tmp_path: Path) -> None:
    key, other = unique_key(), unique_key()
    limiters = [_limiter(tmp_path, key) for _ in range(4)]
    starts = sorted(start for index in range(12) for start in _starts(limiters[index % 4], 1))
    for window in zip(starts, starts[3:], strict=False):  # any 4 consecutive starts span a window
        assert window[1] - window[0] >= 1.0 + MARGIN - 0.002
    assert _limiter(tmp_path, other).reserve() == 0.0  # another key has its own log
    assert key not in "".join(path.name for path in tmp_path.iterdir())  # a hash names it, never the key


def _write(path: Path, boot: float, starts: list[float], *, damage: bool = False) -> None:
    import zlib

    body = _HEAD.pack(_MAGIC, 1, boot, len(starts)) + struct.pack(
        f"<{SLOTS}d", *starts, *[0.0] * (SLOTS - len(starts))
    )
    data = body + zlib.crc32(body).to_bytes(4, "little")
    path.write_bytes(data[:100] if damage else data)


@pytest.mark.parametrize("case", ["torn", "another boot", "garbage"])
def test_a_file_that_cannot_be_trusted_costs_one_blind_wait(
    tmp_path: Path, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = unique_key()
    ledger = HostLedger(tmp_path, key_fingerprint(key))
    old = time.monotonic() - 60  # a minute ago: the window would be empty
    boot = time.time() - time.monotonic()
    if case == "torn":
        _write(ledger.path, boot, [old] * 3, damage=True)
    elif case == "another boot":
        _write(ledger.path, boot - 3600, [old] * 3)
    else:
        ledger.path.parent.mkdir(parents=True, exist_ok=True)
        ledger.path.write_bytes(os.urandom(_SIZE))
    with caplog.at_level(logging.DEBUG, "track17"):
        waits = [_limiter(tmp_path, key).reserve() for _ in range(2)]
    assert waits[0] == pytest.approx(1.0 + MARGIN, abs=0.01)  # as if the window were full
    assert "waiting a window" in caplog.text
    assert ledger.path.stat().st_size == _SIZE  # written back whole: the next reader trusts it


def test_no_usable_directory_paces_alone_with_the_blind_wait(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with caplog.at_level(logging.DEBUG, "track17"):
        limiter = _limiter(blocked / "ledgers", unique_key())
        assert limiter.reserve() == pytest.approx(1.0 + MARGIN, abs=0.01)
    assert not limiter.shares_host and caplog.text.count("pacing in this process alone") == 1
    assert limiter.reserve() == pytest.approx(1.0 + MARGIN, abs=0.01)  # still paced, alone


def test_a_writer_killed_holding_the_lock_stops_nobody(tmp_path: Path) -> None:
    key = unique_key()
    ledger = HostLedger(tmp_path, key_fingerprint(key))
    ledger.path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import fcntl, os, sys
                fd = os.open({str(ledger.path)!r}, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
                os.write(fd, b"half a reco")  # torn mid-write, then killed with the lock held
                print("locked", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    assert _limiter(tmp_path, key).reserve() == pytest.approx(1.0 + MARGIN, abs=0.01)  # torn: blind wait


def test_the_ledger_can_be_turned_off_or_moved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRACK17_PACING_LEDGER", "off")
    assert default_directory() is None
    monkeypatch.setenv("TRACK17_PACING_LEDGER", str(tmp_path / "here"))
    assert default_directory() == tmp_path / "here"
    monkeypatch.delenv("TRACK17_PACING_LEDGER")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if sys.platform != "darwin":
        assert default_directory() == tmp_path / "cache" / "track17" / "pacing"
    key = unique_key()
    assert shared_limiter(key, 3.0, ledger=tmp_path / "mine").reserve() == 0.0
    assert shared_limiter(key, 3.0, ledger=False).reserve() > 0.9  # off: the blind wait
    with pytest.raises(TypeError, match="pacing_ledger must be True, False or a directory"):
        shared_limiter(key, 3.0, ledger=3)  # type: ignore[arg-type]


_CHILD = textwrap.dedent(
    """
    import sys
    from track17_facade import Track17Client
    key, url, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    client = Track17Client(key, base_url=url)
    print("ready", flush=True)
    sys.stdin.readline()  # everyone starts at once
    with client:
        for index in range(first, first + count):
            result = client.register([f"RR{index:09d}CN"])
            assert result.ok, result
    """
)


def _processes(
    sandbox: Sandbox, key: str, count: int, requests: int, first: int
) -> list[subprocess.Popen[str]]:
    """``count`` processes, each ready to register ``requests`` numbers of its own, one request
    each; they start on ``_run``."""
    started = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CHILD,
                key,
                sandbox.base_url,
                str(first + index * requests),
                str(requests),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(count)
    ]
    for process in started:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return started


def _run(started: list[subprocess.Popen[str]]) -> None:
    for process in started:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    assert [process.communicate(timeout=60) and process.returncode for process in started] == [0] * len(
        started
    )


@pytest.mark.parametrize(("count", "requests"), [(8, 1), (3, 3)])
def test_processes_started_together_on_one_key_draw_no_429(count: int, requests: int) -> None:
    key = unique_key()
    with Sandbox(api_keys=(key,), rate=3) as sandbox:
        _run(_processes(sandbox, key, count, requests, 0))
        stats = sandbox.stats()
    assert stats.rate_limited_certain == 0 and stats.registered == count * requests, stats


def test_a_process_right_after_another_draws_no_429() -> None:
    key = unique_key()
    with Sandbox(api_keys=(key,), rate=3) as sandbox:
        for round_ in range(2):  # back to back: the second's window is the first's last
            _run(_processes(sandbox, key, 1, 3, 3 * round_))
        stats = sandbox.stats()
    assert stats.rate_limited_certain == 0 and stats.registered == 6, stats


def test_a_client_option_turns_the_ledger_off() -> None:
    key = unique_key()
    with Track17Client(key, pacing_ledger=False) as blind, Track17Client(unique_key()) as shared:
        assert not isinstance(blind.rate_limiter, HostLimiter)
        assert isinstance(shared.rate_limiter, HostLimiter) and shared.rate_limiter.shares_host


def test_a_late_request_moves_to_now_only_where_no_window_overflows(tmp_path: Path) -> None:
    """Other processes book from the log while a request sleeps: one that wakes late may not just
    leave (its window may have been counted from its booking); its booking moves to now where
    that keeps every window within the limit, and is given back and booked again otherwise."""
    key = unique_key()
    first, second = _limiter(tmp_path, key), _limiter(tmp_path, key)
    booked = [first.reserve() + time.monotonic() for _ in range(3)]  # due times, as callers reckon
    later = second.reserve() + time.monotonic()  # the next window's first slot, counted from those three
    assert later == pytest.approx(booked[0] + 1.0 + MARGIN, abs=0.01)
    assert not first.move_to_now(booked[0])  # three others within a window of now: it would overflow
    first.release(booked[0])  # so it gives the slot back...
    again = first.reserve() + time.monotonic()  # ...and books again, a window after the next oldest
    assert again == pytest.approx(booked[1] + 1.0 + MARGIN, abs=0.01)
    assert first.move_to_now(again)  # the latest booking: nobody counted from it yet
    assert not second.move_to_now(later)  # no longer the latest, and its window is full


def test_a_request_ahead_that_left_late_is_counted_where_it_left(tmp_path: Path) -> None:
    """A request of one process leaves 300 ms after its slot, when another process has already
    booked the next window from that slot: the late one is counted where it left, and the request
    it would crowd confirms its slot when it wakes, finds it gone, and books again after it."""
    key = unique_key()
    now = [time.monotonic()]

    def clock() -> float:
        now[0] += 1e-6  # processes read the clock microseconds apart
        return now[0]

    first, second = (
        HostLimiter(3, 1.0, margin=MARGIN, ledger=HostLedger(tmp_path, key_fingerprint(key)), clock=clock)
        for _ in range(2)
    )
    booked = [first.reserve() + now[0] for _ in range(3)]
    following = [second.reserve() + now[0] for _ in range(3)]  # the next window, counted from those
    assert following[0] == pytest.approx(booked[0] + 1.0 + MARGIN, abs=0.001)
    now[0] = booked[2] + 0.3
    assert first.move(booked[2], now[0])  # its headers went out 300 ms late
    now[0] = following[2]  # the next window's requests wake on time
    assert [second.confirm(due) for due in following] == [True, True, False]  # a fourth in a window
    second.release(following[2])
    again = now[0] + second.reserve()
    assert again == pytest.approx(booked[2] + 0.3 + 1.0 + MARGIN, abs=0.001)  # a window after it left
