"""Arrival stamps for the sandbox's rate window, and which of them the sandbox can vouch for.

The sandbox runs on the same machine as the client it serves. A busy host (a virtual machine whose
virtual CPU is descheduled, an in-thread sandbox waiting for the GIL) can pause the sandbox for
tens or hundreds of milliseconds while the client goes on; requests that arrived during the pause
are read, and stamped, only after it. Their true arrival is somewhere in the pause: the sandbox
cannot know where. It still stamps them when it reads them, strictly, and refuses what that strict
count refuses; but it marks those stamps *uncertain*, so that a 429 whose window holds one can be
told apart from a 429 that the client certainly caused (``SandboxStats.rate_limited_certain``).

A ticker on the server's event loop notes the time every ``TICK`` seconds; a gap longer than
``PAUSE`` between two notes is a pause.
"""

from __future__ import annotations

import asyncio
import time

TICK = 0.002
"""Seconds between the ticker's notes of the time."""
PAUSE = 0.02
"""A gap between notes longer than this is a pause (the ticker itself wakes a few ms late at times)."""


class ArrivalClock:
    """``stamp()`` for each arriving request; ``run()`` as a task on the serving event loop."""

    def __init__(self) -> None:
        self._last_tick = time.monotonic()
        self._pause_ended = float("-inf")
        self.pauses = 0
        """Pauses seen so far."""

    async def run(self) -> None:
        """Note the time every TICK seconds until cancelled."""
        while True:
            await asyncio.sleep(TICK)
            now = time.monotonic()
            if now - self._last_tick > PAUSE:
                self._pause_ended = now
                self.pauses += 1
            self._last_tick = now

    def stamp(self) -> tuple[float, bool]:
        """``(now, certain)`` for a request being read now: ``certain`` is False when the sandbox is
        in a pause, or has just come out of one, so the request may have arrived earlier."""
        now = time.monotonic()
        paused = now - self._last_tick > PAUSE or now - self._pause_ended <= PAUSE
        return now, not paused
