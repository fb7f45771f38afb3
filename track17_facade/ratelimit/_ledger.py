"""The host's pacing ledger: the last request starts of one API key, shared by every process of
the user on this machine through a small file, so that a new process knows what the last window
held instead of assuming it full, and processes running at once share one limit.

Why a file of its own: the ledger is read and written under a lock on every request, so it must
cost microseconds (a ``flock``, one 280-byte read and one write; SQLite's transaction costs ten
times that); it must survive a writer killed mid-write (a checksum; a lock the kernel releases
with the process); and it must never stop a request. Any failure (no cache directory, a
read-only or full disk, a torn or foreign file, another boot or a stepped clock) makes the
limiter fall back to what it does without a ledger: assume the last window full, and wait it out
once.

Times are ``time.monotonic()``, which every process of one boot shares (CLOCK_MONOTONIC on Linux,
the same on macOS and Windows), and which no wall-clock step moves. Each file holds the wall
time at which the monotonic clock started, as its writer saw it: a reader that sees another
value (a reboot, or a stepped wall clock) cannot trust the times in it, and falls back.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import socket
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from track17_facade._secrets import redacting_logger

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no ledger, the blind wait as before
    fcntl = None  # type: ignore[assignment]

logger = redacting_logger("track17")
T = TypeVar("T")

SLOTS = 32
"""Starts kept per key: enough for any limit up to 32 a window (17TRACK's is 3). A limiter of a
higher rate (a test server's) keeps its pacing in its process."""
LEDGER_ENV = "TRACK17_PACING_LEDGER"
"""The variable that moves the ledger to another directory, or turns it off with ``off``."""
BOOT_TOLERANCE = 1.0
"""Seconds by which two processes' reckonings of when the monotonic clock started may differ and
still be the same boot with the same wall clock (they differ by microseconds, plus any slew)."""
_MAGIC = b"T17L"
_HEAD = struct.Struct("<4sB3xdI")  # magic, version, boot, count
_SIZE = _HEAD.size + 8 * SLOTS + 4  # + the starts, + a CRC-32 of all before it


def default_directory() -> Path | None:
    """Where ledgers live unless told otherwise: the user's cache directory (``$XDG_CACHE_HOME``
    or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS), under ``track17/pacing``; None
    when ``TRACK17_PACING_LEDGER=off``. (Three lines of platform lookup, so no dependency for
    them.)"""
    chosen = os.environ.get(LEDGER_ENV, "").strip()
    if chosen.lower() in ("off", "0", "false", "no", "none"):
        return None
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "track17" / "pacing"


def boot_marker(clock: Callable[[], float] = time.monotonic) -> float:
    """The wall time at which the monotonic clock started, as this process sees it now."""
    return time.time() - clock()


class HostLedger:
    """One key's last ``SLOTS`` request starts on this host, in time order.

    Use ``book`` and ``move`` from one thread at a time (the limiter holds its own lock around
    them); processes exclude each other with ``flock``. Every method returns None (and the
    ledger turns itself off, with one DEBUG line) where the file cannot serve.
    """

    def __init__(self, directory: Path, fingerprint: str) -> None:
        host = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
        self.path = directory / f"{host}-{fingerprint}.ledger"
        """The ledger file, shared by every process of this host that uses the key."""
        self._fd: int | None = None
        self._broken = fcntl is None

    @property
    def working(self) -> bool:
        """Whether the ledger still serves (False after a failure: the limiter paces alone)."""
        return not self._broken

    def book(self, limit: int, window: float, margin: float, now: float) -> float | None:
        """Book the earliest start at or after ``now`` that keeps every process of the key within
        ``limit`` starts a ``window`` (plus ``margin``); return it, or None when the ledger cannot
        serve (the caller paces alone)."""

        def booking(starts: list[float]) -> float:
            start = now
            if len(starts) >= limit:
                start = max(now, starts[-limit] + window + margin)
            bisect.insort(starts, start)  # after a late departure moved, a start may lie beyond it
            return start

        return self._update(booking, now)

    def move(self, booked: float, departed: float, tolerance: float) -> bool | None:
        """Move the booking made at ``booked`` to ``departed``, where its request really left
        (later), keeping the log in time order; whether it was there (None: the ledger cannot
        serve). Requests booked after it may already have been counted from the old start: each
        ``confirm``s its slot against the log when it wakes, and so counts this one where it left.
        """

        def moving(starts: list[float]) -> bool:
            mine = _index(starts, booked, tolerance)
            if mine is None:
                return False
            starts[mine] = max(starts[mine], departed)
            starts.sort()
            return True

        return self._update(moving, None)

    def confirm(
        self, booked: float, now: float, limit: int, window: float, margin: float, tolerance: float
    ) -> bool | None:
        """Whether the request booked at ``booked``, waking ``now``, may leave: fewer than
        ``limit`` starts lie ahead of it in the log within a window (and margin) of now. A start
        ahead may have moved since the booking (``move``: its request left late). False also
        when the booking is gone (the log was reset); None when the ledger cannot serve.

        Every request of the key checks the starts ahead of its own, in one order (the log's), so
        two requests never both leave counting only on each other's absence.
        """

        def confirming(starts: list[float]) -> bool:
            mine = _index(starts, booked, tolerance)
            if mine is None:
                return False
            since = now - window - margin
            return sum(since < start for start in starts[:mine]) < limit

        return self._update(confirming, now)

    def move_to_now(
        self, booked: float, now: float, limit: int, window: float, margin: float, tolerance: float
    ) -> bool | None:
        """Move the booking made at ``booked`` (its request woke late) to ``now``, where that
        cannot put more than ``limit`` starts in any window: it is the latest booking, or fewer
        than ``limit`` others lie within a window (and margin) of now. Whether it moved (None: the
        ledger cannot serve)."""

        def moving(starts: list[float]) -> bool:
            mine = _index(starts, booked, tolerance)
            if mine is None:
                return False
            others = [start for i, start in enumerate(starts) if i != mine]
            if (
                mine != len(starts) - 1
                and sum(abs(start - now) < window + margin for start in others) >= limit
            ):
                return False
            starts[mine] = max(starts[mine], now)
            starts.sort()
            return True

        return self._update(moving, now)

    def release(self, booked: float, tolerance: float) -> bool | None:
        """Give back the booking made at ``booked`` (nobody was sent on it)."""

        def releasing(starts: list[float]) -> bool:
            mine = _index(starts, booked, tolerance)
            if mine is None:
                return False
            del starts[mine]
            return True

        return self._update(releasing, None)

    def close(self) -> None:
        """Let go of the file."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _update(self, change: Callable[[list[float]], T], now: float | None) -> T | None:
        """Read the starts under the lock, ``change`` them, write them back."""
        if self._broken:
            return None
        try:
            fd = self._open()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                starts = self._read(fd, now)
                result = change(starts)
                self._write(fd, starts[-SLOTS:])
                return result
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError as exc:
            self._give_up(f"{type(exc).__name__}: {exc.strerror or exc}")
            return None

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def _read(self, fd: int, now: float | None) -> list[float]:
        """The starts in the file; a window's worth at ``now`` when they cannot be trusted (no
        file yet counts as trusted and empty only when it was never written)."""
        data = os.pread(fd, _SIZE, 0)
        if not data:
            return []  # a new file: no process of this key has written since the cache was made
        if len(data) == _SIZE and zlib.crc32(data[:-4]) == int.from_bytes(data[-4:], "little"):
            magic, version, boot, count = _HEAD.unpack_from(data)
            if magic == _MAGIC and version == 1 and count <= SLOTS:
                if abs(boot - boot_marker()) <= BOOT_TOLERANCE:
                    return list(struct.unpack_from(f"<{count}d", data, _HEAD.size))
                logger.debug("pacing ledger: from another boot or before a clock step; waiting a window")
        else:
            logger.debug("pacing ledger: %s is damaged; waiting a window", self.path.name)
        # Untrusted: as if every slot had just been used, as a limiter without a ledger assumes.
        moment = time.monotonic() if now is None else now
        return [moment] * SLOTS

    def _write(self, fd: int, starts: list[float]) -> None:
        body = _HEAD.pack(_MAGIC, 1, boot_marker(), len(starts)) + struct.pack(
            f"<{SLOTS}d", *starts, *[0.0] * (SLOTS - len(starts))
        )
        written = os.pwrite(fd, body + zlib.crc32(body).to_bytes(4, "little"), 0)
        if written != _SIZE:
            raise OSError(28, "short write")

    def _give_up(self, reason: str) -> None:
        self._broken = True
        self.close()
        logger.debug("pacing ledger %s unusable (%s): pacing in this process alone", self.path, reason)


def _index(starts: list[float], booked: float, tolerance: float) -> int | None:
    """Where the booking made at ``booked`` is: the nearest start within ``tolerance``, one not
    after ``booked`` first (the caller reckons its due time from the booking a few microseconds
    after the ledger did, and other processes' bookings may lie microseconds apart); None when
    it is gone."""
    nearest = min(
        range(len(starts)),
        key=lambda index: (starts[index] > booked, abs(starts[index] - booked)),
        default=None,
    )
    if nearest is None or abs(starts[nearest] - booked) > tolerance:
        return None
    return nearest
