"""Arrival stamps for the sandbox's rate window, and how far the sandbox can vouch for each.

The sandbox runs on the same machine as the client it serves. A busy host (a virtual machine whose
virtual CPU is descheduled, an in-thread sandbox waiting for the GIL, a thread encoding a big
answer) can hold the sandbox's event loop for milliseconds, or tens or hundreds of them, while the
client goes on; a request that arrived meanwhile is read, and stamped, only after it. Its true
arrival lies between the loop's last look at its sockets and the stamp: the sandbox cannot know
where. It still stamps requests when it reads them, strictly, and refuses what that strict count
refuses; but it keeps each stamp's *uncertainty* (how much earlier the request may have arrived),
so that a 429 the client certainly caused (its arrivals were within one window whatever their
true times in those bounds) can be told apart from one that the sandbox's own delays may have
made (``SandboxStats.rate_limited_certain``).

A ticker on the server's event loop notes the time every ``TICK`` seconds. Between two of its notes
the loop looked at its sockets at least once. A request is stamped in the loop's next turns after
the look that found it, which may come after one more note (the loop runs the ticker and the
request's first step in the turns after a stall); so a request stamped now arrived no earlier than
the third-last note: the time since it is the stamp's uncertainty (2 to 3 ``TICK``s on a quiet
loop). A gap between two notes longer than ``PAUSE`` is counted as a pause (``SandboxStats.pauses``).
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
        now = time.monotonic()
        self._ticks = [now, now, now]
        """The last three notes, oldest first."""
        self.pauses = 0
        """Pauses seen so far."""

    async def run(self) -> None:
        """Note the time every TICK seconds until cancelled."""
        while True:
            await asyncio.sleep(TICK)
            now = time.monotonic()
            if now - self._ticks[-1] > PAUSE:
                self.pauses += 1
            self._ticks = [*self._ticks[1:], now]

    def stamp(self) -> tuple[float, float]:
        """``(now, uncertainty)`` for a request being read now: it arrived at the earliest
        ``uncertainty`` seconds before ``now`` (see the module docstring)."""
        now = time.monotonic()
        return now, now - self._ticks[0]
