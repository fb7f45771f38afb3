"""The clients' options as a user meets them: the constructor, proxies, headers, per-call timeouts,
argument checks, and the promise that the sync and async clients are the same API."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import FAST, ClientFactory, unique_key
from tests.forward_proxy import ForwardProxy
from track17_facade import (
    AsyncTrack17Client,
    InvalidInputError,
    MainStatus,
    RequestTimeoutError,
    Track17Client,
    __version__,
)
from track17_facade.sandbox import FaultKind, Sandbox

NUMBERS = [f"RR{i:09d}CN" for i in range(100)]
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with ForwardProxy() as running:
        yield running


# -- the constructor ------------------------------------------------------------------------------


@pytest.mark.parametrize("client_class", [Track17Client, AsyncTrack17Client])
def test_every_option_is_a_named_keyword(client_class: type[Any]) -> None:
    """So that IDEs show them and a misspelt option is an error, not silently ignored."""
    parameters = inspect.signature(client_class).parameters
    assert not [p for p in parameters.values() if p.kind is inspect.Parameter.VAR_KEYWORD]
    assert list(parameters) == [
        "api_key",
        "api_version",
        "base_url",
        "timeout",
        "max_retries",
        "requests_per_second",
        "rate_limiter",
        "max_concurrency",
        "proxy",
        "trust_env",
        "headers",
        "pacing_ledger",
        "quota_warning",
    ]
    documented = client_class.__doc__ or ""
    assert all(f"{name}:" in documented for name in parameters)
    with pytest.raises(TypeError, match="max_retry"):
        client_class(unique_key(), max_retry=3)


@pytest.mark.parametrize("client_class", [Track17Client, AsyncTrack17Client])
def test_a_rate_limiter_without_reserve_is_refused_at_construction(client_class: type[Any]) -> None:
    class Almost:
        def reserve(self) -> float:
            return 0.0

    with pytest.raises(TypeError, match="Almost lacks reserve_async"):
        client_class(unique_key(), rate_limiter=Almost())
    with pytest.raises(TypeError, match="object lacks reserve and reserve_async"):
        client_class(unique_key(), rate_limiter=object())


def test_bad_arguments_raise_typed_errors(client: Any) -> None:
    with pytest.raises(InvalidInputError, match="single string"):
        client.register("RR123456789CN")
    with pytest.raises(InvalidInputError, match="page_size"):
        client.iter_track_list(page_size=41)
    with pytest.raises(InvalidInputError, match="max_retries"):
        client.register(NUMBERS[:1], max_retries=-1)
    with pytest.raises(InvalidInputError):
        Track17Client("")


@pytest.mark.parametrize("status", [99, -1, "Bogus", True, 7.0])
def test_a_list_filter_that_is_no_status_is_refused(sandbox: Sandbox, client: Any, status: object) -> None:
    with pytest.raises(InvalidInputError, match="status must be one of NotFound, InfoReceived"):
        client.iter_track_list(status=status)
    assert sandbox.stats().requests == 0


@pytest.mark.parametrize("spelling", ["Delivered", "delivered", "DELIVERED", "7", MainStatus.DELIVERED])
def test_a_status_is_spelt_as_17track_or_the_enum_does(
    sandbox: Sandbox, client: Any, spelling: object
) -> None:
    """The client reads a status as the command line and the store do (``MainStatus.parse``)."""
    assert client.register(NUMBERS[:3]).ok
    sandbox.advance(days=30)
    delivered = sorted(entry.number for entry in client.iter_track_list(status=MainStatus.DELIVERED))
    assert sorted(entry.number for entry in client.iter_track_list(status=spelling)) == delivered
    assert MainStatus.parse("in transit") is MainStatus.parse("InTransit") is MainStatus.IN_TRANSIT


def test_a_list_filter_may_be_the_statuss_integer(sandbox: Sandbox, client: Any) -> None:
    assert client.register(NUMBERS[:3]).ok
    sandbox.advance(days=30)
    delivered = sorted(entry.number for entry in client.iter_track_list(status=MainStatus.DELIVERED))
    assert sorted(entry.number for entry in client.iter_track_list(status=7)) == delivered


# -- proxies and headers --------------------------------------------------------------------------


def test_requests_go_through_an_explicit_proxy_with_user_agent_and_headers(
    sandbox: Sandbox, make_client: ClientFactory, proxy: ForwardProxy
) -> None:
    client = make_client(proxy=proxy.url, headers={"X-Shop": "north"})
    result = client.register(NUMBERS[:45])
    assert result.ok and sandbox.stats().registered == 45
    assert len(proxy.relayed) == 2
    relayed = proxy.relayed[0]
    assert relayed.method == "POST" and relayed.url == f"{client.base_url}/register"
    assert relayed.headers["user-agent"] == f"track17/{__version__}"
    assert relayed.headers["x-shop"] == "north"


def test_the_proxy_environment_variables_are_honoured(
    sandbox: Sandbox, make_client: ClientFactory, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    through = make_client()
    assert through.register(NUMBERS[:2]).ok
    assert [r.url for r in proxy.relayed] == [f"{through.base_url}/register"]
    assert make_client(trust_env=False).register(NUMBERS[2:4]).ok
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert make_client().register(NUMBERS[4:6]).ok
    assert len(proxy.relayed) == 1  # neither of the last two went through it
    assert sandbox.stats().registered == 6


def test_all_proxy_and_a_value_without_scheme(
    sandbox: Sandbox, make_client: ClientFactory, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("all_proxy", proxy.url.removeprefix("http://"))
    assert make_client().get_track_info(NUMBERS[:1]).rejected  # answered (not registered)
    assert len(proxy.relayed) == 1


def test_a_user_agent_given_in_headers_wins(
    sandbox: Sandbox, make_client: ClientFactory, proxy: ForwardProxy
) -> None:
    client = make_client(proxy=proxy.url, headers={"User-Agent": "shop-sync/2.1"})
    client.register(NUMBERS[:1])
    assert proxy.relayed[0].headers["user-agent"] == "shop-sync/2.1"


# -- per-call timeouts ----------------------------------------------------------------------------


def test_a_per_call_timeout_applies_to_that_call_only(sandbox: Sandbox, make_client: ClientFactory) -> None:
    """A 3 s answer: a call with timeout=0.5 fails on it; the next call, with the client's 20 s,
    waits for it. The margins are six times either way."""
    sandbox.config.slow_seconds = 3.0
    client = make_client(max_retries=0)
    sandbox.faults.enqueue(FaultKind.SLOW)
    error = client.register(NUMBERS[:5], timeout=0.5).failed[0].error
    assert isinstance(error, RequestTimeoutError)
    sandbox.faults.enqueue(FaultKind.SLOW)
    assert client.register(NUMBERS[5:10]).ok
    inner: Any = getattr(client, "client", client)
    assert inner.generated.get_httpx_client().timeout == httpx.Timeout(20.0, connect=5.0)


# -- the twins ------------------------------------------------------------------------------------


def _public(cls: type[Any]) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and callable(member) and name not in ("close", "aclose")
    }


def test_sync_and_async_clients_have_the_same_methods_parameters_and_docs() -> None:
    sync, asynchronous = _public(Track17Client), _public(AsyncTrack17Client)
    assert sorted(sync) == sorted(asynchronous)
    for name, method in sync.items():
        twin = asynchronous[name]
        parameters = inspect.signature(method).parameters
        assert list(parameters.values()) == list(inspect.signature(twin).parameters.values()), name
        assert inspect.getdoc(method) == inspect.getdoc(twin), name
        assert inspect.getdoc(method), f"{name} has no docstring"
        if name not in ("iter_track_list", "stream"):  # iterators, checked at the call
            assert inspect.iscoroutinefunction(twin) and not inspect.iscoroutinefunction(method), name


def _documented_arguments(cls: type[Any]) -> dict[str, str]:
    """The ``Args:`` section of a class's docstring: each argument and its text."""
    doc = inspect.getdoc(cls) or ""
    section = doc.split("Args:\n", 1)[1].split("\n\n", 1)[0]
    arguments: dict[str, str] = {}
    name = ""
    for line in section.splitlines():
        if line.startswith("    ") and not line.startswith("        "):
            name, _, text = line.strip().partition(": ")
            arguments[name] = text
        else:
            arguments[name] += " " + line.strip()
    return arguments


def test_both_clients_document_the_same_constructor_arguments() -> None:
    """What a user reads in help(): every constructor argument documented, in order, with the same
    words on both clients (they share one constructor, so only their docs can drift)."""
    sync, asynchronous = _documented_arguments(Track17Client), _documented_arguments(AsyncTrack17Client)
    assert list(sync) == list(inspect.signature(Track17Client).parameters)
    assert sync == asynchronous


def test_the_default_base_url_is_the_contracts_server() -> None:
    with Track17Client(unique_key(), requests_per_second=FAST) as client:
        assert client.base_url == "https://api.17track.net/track/v1"
