"""The uvicorn server the sandbox runs on, made to stop at once when asked.

uvicorn's ``Server`` looks at ``should_exit`` every 0.1 s and, once it exits, pauses a fixed 0.1 s
after asking the open connections to close, even when none is open: each stop took 0.1-0.2 s,
which a test suite that starts a sandbox per test pays hundreds of times. uvicorn has no setting
for either (``timeout_graceful_shutdown`` only bounds the wait for in-flight requests), so the
two methods are written here by hand: ``main_loop`` sleeps on an event that ``request_exit``
sets, and ``shutdown`` keeps uvicorn's steps (stop listening, ask each connection to close once
its answer is sent, wait for the connections and their tasks up to the graceful timeout, cancel
what is left) with a short poll in place of the fixed pause. They use the attributes uvicorn's own
``shutdown`` uses (``servers``, ``server_state``, ``lifespan``) and nothing else of its inside.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from types import FrameType

import uvicorn

__all__ = ["PromptServer"]

_TICK = 0.1
"""How often uvicorn's per-tick duties run (its own period): the ``Date`` header is refreshed
every tenth tick."""
_POLL = 0.002
"""How often ``shutdown`` looks whether the connections and their tasks are done."""


class PromptServer(uvicorn.Server):
    """A ``uvicorn.Server`` that stops as soon as ``request_exit`` (or a signal) asks it to.

    ``exiting`` is set once the server stops serving: what the app holds back on purpose (a slow
    fault's answer) waits on it, so as to end at once rather than hold the shutdown up.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.exiting = asyncio.Event()
        """Set when the server stops serving (a stop asked, or a signal): from then on it drains."""
        self._loop: asyncio.AbstractEventLoop | None = None

    def request_exit(self) -> None:
        """Ask the server to stop, from any thread; it wakes at once rather than at its next tick."""
        self.should_exit = True
        # ``main_loop`` notes its loop before it first reads ``should_exit``: a stop asked before
        # that finds no loop to wake, and is seen at that first read.
        loop = self._loop
        if loop is not None:
            # The loop may have closed meanwhile (the server ended on its own): nothing to wake.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.exiting.set)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """uvicorn's Ctrl-C and SIGTERM handling (a second Ctrl-C forces the exit), waking the loop."""
        super().handle_exit(sig, frame)
        self.request_exit()

    async def main_loop(self) -> None:
        """uvicorn's main loop (its ``on_tick`` every 0.1 s), which also ends as soon as
        ``exiting`` is set."""
        self._loop = asyncio.get_running_loop()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(_TICK):
                    await self.exiting.wait()
            should_exit = await self.on_tick(counter)
        self.exiting.set()

    def _draining(self) -> bool:
        """Whether connections or their answers are still open (and no second Ctrl-C forced the exit)."""
        return bool(self.server_state.connections or self.server_state.tasks) and not self.force_exit

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's graceful shutdown, without its fixed 0.1 s pause."""
        self.exiting.set()
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                # Polled: uvicorn signals neither a connection's end nor a task's.
                while self._draining():  # noqa: ASYNC110
                    await asyncio.sleep(_POLL)
        except TimeoutError:
            tasks = list(self.server_state.tasks)
            logging.getLogger("uvicorn.error").error(
                "Cancel %s running task(s), timeout graceful shutdown exceeded", len(tasks)
            )
            for task in tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
            # Let the cancelled answers end and close their connections before the loop does.
            await asyncio.gather(*tasks, return_exceptions=True)
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()
