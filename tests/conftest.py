"""Fixtures: a real sandbox over loopback HTTP, sync/async client twins, a real redis-server."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ports import free_port
from track17_facade import AsyncTrack17Client, SlidingWindowLimiter, Track17Client
from track17_facade.ratelimit import LEDGER_ENV, shared_limiter
from track17_facade.sandbox import Sandbox, SandboxStats

FAST = 1000.0
"""A rate for tests that are not about rate limiting, so they do not wait on the limiter."""
IN_CI = bool(os.environ.get("CI"))

# The clients' host pacing ledgers live in a directory of this run (inherited by every process it
# starts), never in the user's cache: tests make thousands of keys.
LEDGERS = tempfile.mkdtemp(prefix="track17-test-ledgers-")
os.environ[LEDGER_ENV] = LEDGERS
atexit.register(shutil.rmtree, LEDGERS, ignore_errors=True)


def missing(reason: str) -> None:
    """A real part a test needs is absent: fail in CI, skip (with the reason) elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def fast_limiter(api_key: str) -> SlidingWindowLimiter:
    """The process-wide limiter of a test's fresh key at the ``FAST`` rate, without the window a
    new limiter assumes its key used before it (nothing used a fresh key), so that tests which are
    not about pacing do not wait a second for it."""
    return shared_limiter(api_key, FAST, assume_used=False)


def unique_key() -> str:
    """A fresh API key, so that tests never share the process-wide limiter of a key."""
    return f"test-{uuid.uuid4().hex}"


def assert_paced(stats: SandboxStats, *, requests: int, limit: int = 3) -> None:
    """The client never put more than ``limit`` requests in a sliding window, as far as the sandbox
    can vouch: a 429 whose window holds only by an arrival the sandbox read late (a busy host stops
    processes for tens or hundreds of milliseconds; each stamp carries how much earlier it may
    have arrived) may be the sandbox's doing, and is only required to have been retried.
    ``requests`` is how many the job needs."""
    assert stats.rate_limited_certain == 0, stats
    assert stats.max_requests_in_window_certain <= limit, stats
    assert stats.requests == requests + stats.rate_limited, stats


@pytest.fixture
def api_key() -> str:
    return unique_key()


@pytest.fixture
def sandbox(api_key: str) -> Iterator[Sandbox]:
    """A running sandbox with a generous rate limit."""
    with Sandbox(api_keys=(api_key,), rate=10_000) as running:
        yield running


class AsyncTwin:
    """Presents an AsyncTrack17Client with the sync client's calling convention.

    Every call runs on one event loop kept for the client's lifetime, so the same tests exercise
    both clients through their public methods.
    """

    def __init__(self, client: AsyncTrack17Client) -> None:
        self.client = client
        self.loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.client, name)
        if name in ("iter_track_list", "stream"):
            return lambda *args, **kwargs: self.loop.run_until_complete(_collect(attribute(*args, **kwargs)))
        if not callable(attribute):
            return attribute
        return lambda *args, **kwargs: self.loop.run_until_complete(attribute(*args, **kwargs))

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


async def _collect(iterator: Any) -> list[Any]:
    return [entry async for entry in iterator]


ClientFactory = Callable[..., Any]


API_VERSIONS = ("v1", "v2.4")
CLIENT_KINDS = [
    *(f"{kind}-{version}" for version in API_VERSIONS for kind in ("sync", "async")),
    "sync-v1-contract",
]
"""Each client test runs on both clients and both API versions (v1 as 17TRACK's service writes
it, the sandbox's default), and once more on v1 as ``openapi.yaml`` names its fields
(``SandboxConfig.v1_shape``): each shape is read by code both clients share."""


def _factories(kind: str, version: str, sandbox: Sandbox) -> tuple[ClientFactory, list[Any]]:
    made: list[Any] = []

    def factory(**options: Any) -> Any:
        options.setdefault("requests_per_second", FAST)
        options.setdefault("api_version", version)
        options.setdefault("base_url", sandbox.base_url_for(options["api_version"]))
        key = options.pop("api_key", sandbox.api_key)
        if options["requests_per_second"] == FAST and "rate_limiter" not in options:
            options["rate_limiter"] = fast_limiter(key)
        if kind == "sync":
            client: Any = Track17Client(key, **options)
        else:
            client = AsyncTwin(AsyncTrack17Client(key, **options))
        made.append(client)
        return client

    return factory, made


@pytest.fixture(params=CLIENT_KINDS)
def make_client(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[ClientFactory]:
    """Build a client of the parametrized kind (sync or async) and API version, pointed at the
    sandbox's root of that version; closed after the test."""
    kind, version, *shape = request.param.split("-")
    if shape:
        sandbox.set_v1_shape(shape[0])
    factory, made = _factories(kind, version, sandbox)
    yield factory
    for client in made:
        client.close()


@pytest.fixture(params=["sync", "async"])
def v2_client(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[Any]:
    """A v2.4 client of the parametrized kind, for what only v2.4 has."""
    factory, made = _factories(request.param, "v2.4", sandbox)
    yield factory()
    for client in made:
        client.close()


@pytest.fixture(params=["sync", "async"])
def v1_client(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[Any]:
    """A v1 client of the parametrized kind, for what only v1 has."""
    factory, made = _factories(request.param, "v1", sandbox)
    yield factory()
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> Any:
    return make_client()


# -- redis -------------------------------------------------------------------------------------


class RedisServer:
    """A real redis-server on a loopback port, owned by one test."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._binary, self._directory = binary, directory
        self.process = self._start()

    def restart(self) -> None:
        """Start the server again on the same port, after ``stop``."""
        self.process = self._start()

    def _start(self) -> subprocess.Popen[str]:
        binary, directory = self._binary, self._directory
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(directory),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            if "eady to accept connections" in line:
                return process
        raise RuntimeError(f"redis-server exited before it was ready (code {process.wait()})")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server is not installed (Debian: apt-get install redis-server)")
        raise AssertionError("unreachable")
    server = RedisServer(binary, tmp_path)
    yield server
    server.stop()


# -- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """One real PostgreSQL cluster for the session (each test takes its own database in it)."""
    from tests.postgres import PostgresServer, find_binaries

    binaries = find_binaries()
    if binaries is None:
        missing("PostgreSQL is not installed (Debian: apt-get install postgresql)")
        raise AssertionError("unreachable")
    server = PostgresServer(binaries)
    yield server
    server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store's URL, on SQLite (a file) and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shipments.db'}"
    server = request.getfixturevalue("postgres_server")
    url: str = server.database()
    return url
