"""A sandbox in its own process, controlled over its admin routes.

An in-thread ``Sandbox`` shares the interpreter (and its GIL) with the code under test; under load
its answers and its arrival times then jitter by tens of milliseconds, which a real server on the
other side of a network would not. For rate-limit precision, run it out of process.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from datetime import timedelta
from types import TracebackType
from typing import Self

import httpx

from track17_facade.sandbox._faults import FaultKind, RawAnswer
from track17_facade.sandbox._records import DEFAULT_API_KEY, RequestRecord, SandboxStats
from track17_facade.sandbox._wire import V1, url_for


class SandboxProcess:
    """``python -m track17_facade.sandbox`` as a context manager:

    ```python
    with SandboxProcess(rate=3, latency=0.6) as sandbox:
        client = Track17Client(sandbox.api_key, base_url=sandbox.base_url)
        ...
        assert sandbox.stats().rate_limited == 0
    ```

    Takes the command line's options as keyword arguments.
    """

    def __init__(
        self,
        *,
        api_keys: Sequence[str] = (DEFAULT_API_KEY,),
        rate: int = 3,
        window: float = 1.0,
        latency: float = 0.0,
        arrival_jitter: float = 0.0,
        seed: int = 17,
        quota: int | None = None,
        fault_rate: float = 0.0,
        fault_kinds: Sequence[FaultKind] = tuple(FaultKind),
    ) -> None:
        self.api_key = api_keys[0]
        """The sandbox's first API key: what a client sends as `17token`."""
        self._args = [
            "--port",
            "0",
            "--rate",
            str(rate),
            "--window",
            str(window),
            "--latency",
            str(latency),
            "--arrival-jitter",
            str(arrival_jitter),
            "--seed",
            str(seed),
            "--fault-rate",
            str(fault_rate),
            "--fault-kinds",
            ",".join(kind.value for kind in fault_kinds),
        ]
        for key in api_keys:
            self._args += ["--api-key", key]
        if quota is not None:
            self._args += ["--quota", str(quota)]
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""
        """The v1 API root to pass a client as `base_url` (empty until the process has started)."""
        self.admin_url = ""
        """The root of the sandbox's control endpoints (`/_sandbox`), which the methods call."""
        self.page_url = ""
        """The sandbox's web page (see ``Sandbox.page_url``)."""
        self._http: httpx.Client | None = None

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "track17_facade.sandbox", *self._args], stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        announced = self._process.stdout.readline().strip()
        if not announced.startswith("track17 sandbox on "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the sandbox process did not start: {announced!r}")
        self.base_url = announced.rsplit(" ", 1)[-1]
        self.admin_url = self.base_url.removesuffix(V1.prefix) + "/_sandbox"
        self.page_url = self.base_url.removesuffix(V1.prefix) + "/"
        # A fresh connection per admin call: a kept-alive one can be closed by the server's
        # keep-alive timeout just as the next call reuses it (a "connection reset" in a test).
        self._http = httpx.Client(
            headers={"17token": self.api_key}, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)
        )
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._http is not None:
            self._http.close()
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()

    def base_url_for(self, api_version: str) -> str:
        """The ``base_url`` of one API version: "v1" or "v2.4" (both share all state)."""
        return url_for(self.base_url.removesuffix(V1.prefix), api_version)

    def _admin(self, action: str, body: dict[str, object] | None = None) -> dict[str, object]:
        assert self._http is not None, "use SandboxProcess as a context manager"
        url = f"{self.admin_url}/{action}"
        response = self._http.post(url, json=body) if body is not None else self._http.get(url)
        response.raise_for_status()
        answer: dict[str, object] = response.json()
        return answer

    def stats(self) -> SandboxStats:
        """The sandbox's counters."""
        raw = self._admin("stats")
        raw.pop("code", None)
        by_status = raw.pop("responses_by_status")
        assert isinstance(by_status, dict)
        return SandboxStats(**raw, responses_by_status={int(k): int(v) for k, v in by_status.items()})  # type: ignore[arg-type]

    def advance(self, delta: timedelta) -> int:
        """Move the sandbox clock forward; returns the pushes queued."""
        return int(str(self._admin("advance", {"seconds": delta.total_seconds()})["pushes"]))

    def rotate_key(self, overlap: timedelta = timedelta(minutes=5)) -> str:
        """Rotate the key as ``Sandbox.rotate_key`` does; ``api_key`` becomes the new key."""
        key = str(self._admin("rotate-key", {"overlap_seconds": overlap.total_seconds()})["key"])
        self.api_key = key
        assert self._http is not None
        self._http.headers["17token"] = key
        return key

    def set_quota(self, total: int | None) -> None:
        """Set the quota in all, as ``Sandbox.set_quota`` does."""
        self._admin("quota", {"total": total})

    def enqueue_faults(self, *faults: FaultKind | RawAnswer) -> None:
        """Make the next requests fail in these ways."""
        queued = [fault.to_json() if isinstance(fault, RawAnswer) else fault.value for fault in faults]
        self._admin("faults", {"enqueue": queued})

    def requests(self) -> list[RequestRecord]:
        """Every request the sandbox received so far, with its arrival and answer stamps."""
        listed = self._admin("requests")["requests"]
        assert isinstance(listed, list)
        return [RequestRecord(**record) for record in listed]
