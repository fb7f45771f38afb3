"""A wrong setup fails loudly when the client is built, naming the class the user built and what
to change; the command line reads its setup from the environment and infers the API version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import fast_limiter, unique_key
from track17_facade import AsyncTrack17Client, InvalidInputError, SlidingWindowLimiter, Track17Client
from track17_facade.cli._app import cli
from track17_facade.sandbox import Sandbox

CLIENTS = [Track17Client, AsyncTrack17Client]


@pytest.mark.parametrize("client_class", CLIENTS)
@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"base_url": "api.17track.net/track/v1"}, InvalidInputError, "http:// or https:// URL"),
        ({"base_url": "ftp://api.17track.net/track/v1"}, InvalidInputError, "http:// or https:// URL"),
        ({"base_url": 17}, TypeError, "base_url must be a string"),
        (
            {"base_url": "https://api.17track.net/track/v2.4"},
            InvalidInputError,
            "root of API v2.4, but this client speaks v1: pass api_version='v2.4'",
        ),
        (
            {"api_version": "v2.4", "base_url": "http://127.0.0.1:8017/track/v1/"},
            InvalidInputError,
            "root of API v1, but this client speaks v2.4: pass api_version='v1'",
        ),
        (
            {"api_version": "v2.4", "base_url": "https://api.17track.net/track/v2.2"},
            InvalidInputError,
            "root of API v2.2, but this client speaks v2.4",
        ),
        ({"timeout": -1}, InvalidInputError, "timeout must be a number of seconds >= 0"),
        ({"timeout": float("nan")}, InvalidInputError, "timeout must be"),
        ({"timeout": "5"}, TypeError, "timeout must be seconds, an httpx.Timeout or None"),
        ({"max_retries": -1}, InvalidInputError, "max_retries must be >= 0"),
        ({"max_retries": 2.5}, TypeError, "max_retries must be an integer"),
        ({"requests_per_second": 0}, InvalidInputError, "requests_per_second must be a positive number"),
        ({"requests_per_second": "3"}, TypeError, "requests_per_second must be a number"),
        ({"max_concurrency": 0}, InvalidInputError, "max_concurrency must be an integer >= 1"),
        ({"rate_limiter": SlidingWindowLimiter}, TypeError, "got the class SlidingWindowLimiter"),
        ({"headers": {"X-Shop": 1}}, TypeError, "headers must be a mapping of str to str"),
        ({"api_version": "v2"}, InvalidInputError, "api_version must be one of 'v1', 'v2.4'"),
    ],
)
def test_a_wrong_setup_fails_at_construction_naming_the_class(
    client_class: type[Any], options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{client_class.__name__}: ") as raised:
        client_class(unique_key(), **options)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("api_version", "base_url"),
    [
        ("v1", "https://api.17track.net/track/v1"),
        ("v2.4", "https://api.17track.net/track/v2.4/"),
        ("v1", "https://proxy.example.com/17track"),  # no version in the path: the user's choice
        ("v2.4", httpx.URL("http://127.0.0.1:8017/track/v2.4")),
    ],
)
def test_a_right_setup_is_accepted(api_version: str, base_url: Any) -> None:
    with Track17Client(unique_key(), api_version=api_version, base_url=base_url) as client:  # type: ignore[arg-type]
        assert client.base_url == str(base_url).rstrip("/")


def test_a_client_built_for_one_version_never_reads_the_others_answers(sandbox: Sandbox) -> None:
    """Before the check, a v1 client pointed at the v2.4 root answered NOT_FOUND with no events."""
    with pytest.raises(InvalidInputError, match=r"api_version='v2\.4'"):
        Track17Client(sandbox.api_key, base_url=sandbox.base_url_for("v2.4"))
    assert sandbox.stats().requests == 0


# -- the command line's setup ---------------------------------------------------------------------


def _numbers(tmp_path: Path, count: int = 3) -> str:
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"RR{i:09d}CN\n" for i in range(count)))
    return str(path)


def test_the_command_line_reads_its_base_url_and_version_from_the_environment(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    fast_limiter(sandbox.api_key)
    env = {
        "TRACK17_API_KEY": sandbox.api_key,
        "TRACK17_BASE_URL": sandbox.base_url_for("v2.4"),
        "TRACK17_API_VERSION": "v2.4",
    }
    registered = CliRunner().invoke(cli, ["--rate", "1000", "register", _numbers(tmp_path)], env=env)
    assert registered.exit_code == 0, registered.output
    assert sandbox.stats().registered == 3
    quota = CliRunner().invoke(cli, ["quota", "--format", "json"], env=env)
    assert quota.exit_code == 0, quota.output
    assert json.loads(quota.stdout)[0]["used"] == 3


def test_the_command_line_infers_the_version_from_the_base_url(sandbox: Sandbox, tmp_path: Path) -> None:
    fast_limiter(sandbox.api_key)
    args = ["--api-key", sandbox.api_key, "--base-url", sandbox.base_url_for("v2.4"), "--rate", "1000"]
    registered = CliRunner().invoke(cli, [*args, "register", _numbers(tmp_path), "--format", "json"])
    assert registered.exit_code == 0, registered.output
    assert {row["carrier"] for row in json.loads(registered.stdout)} == {"CHINA_POST"}  # v2.4 names it
    assert [r.path for r in sandbox.requests()] == ["/track/v2.4/register"]


def test_the_command_line_refuses_a_base_url_of_another_version(sandbox: Sandbox, tmp_path: Path) -> None:
    args = ["--api-key", sandbox.api_key, "--base-url", sandbox.base_url_for("v2.4"), "--api-version", "v1"]
    result = CliRunner().invoke(cli, [*args, "register", _numbers(tmp_path)])
    assert result.exit_code == 2
    assert "root of API v2.4, but --api-version is v1" in result.stderr
    assert "Traceback" not in result.output
    assert sandbox.stats().requests == 0
