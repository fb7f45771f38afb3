"""The README's client examples run as written, against the sandbox instead of 17TRACK.

Only the key (and the base URL that goes with it) is replaced; everything else is the README's
text. The webhook receivers are run by ``test_webhooks``.
"""

from __future__ import annotations

import pytest

from tests.readme import readme_example, run_example
from track17_facade.sandbox import Sandbox


def _pointed_at(name: str, client_class: str, sandbox: Sandbox, api_version: str = "v1") -> str:
    source = readme_example(name)
    version = "" if api_version == "v1" else f', api_version="{api_version}"'
    original = f'{client_class}("YOUR-17TRACK-KEY"{version})'
    assert original in source, f"the {name} example no longer builds its client as {original}"
    replacement = (
        f"{client_class}({sandbox.api_key!r}{version}, base_url={sandbox.base_url_for(api_version)!r}, "
        "requests_per_second=1000)"
    )
    return source.replace(original, replacement)


def test_the_quickstart_runs(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    run_example("quickstart", _pointed_at("quickstart", "Track17Client", sandbox))
    assert "2 registered" in capsys.readouterr().out
    assert sandbox.stats().registered == 2


def test_the_v2_4_quickstart_runs(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    run_example("quickstart-v2", _pointed_at("quickstart-v2", "Track17Client", sandbox, "v2.4"))
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "quota left: 1000000" and printed[-1] == "quota left: 999999"
    assert "1 registered as CHINA_POST" in printed
    assert "   InfoReceived not yet" in printed
    assert printed[2].startswith("RR123456789CN order-1001 NOT_FOUND")  # no events before time moves
    assert sandbox.stats().registered == 1


def test_the_async_example_runs(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    run_example("async", _pointed_at("async", "AsyncTrack17Client", sandbox))
    printed = capsys.readouterr().out.splitlines()
    assert "100 registered" in printed and "100 / 100" in printed
    assert sum(line.startswith("RR") for line in printed) == 100  # iter_track_list listed them all


def test_the_sandbox_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    run_example("sandbox")
    assert "SandboxStats(requests=" in capsys.readouterr().out


def test_the_carrier_examples_run(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    run_example("carrier-names", _pointed_at("carrier-names", "Track17Client", sandbox, "v2.4"))
    assert capsys.readouterr().out.splitlines() == ["['China Post', 'Royal Mail']"]
    assert sandbox.engine.registrations["RR123456785CN"].carrier == 3013  # China EMS now
    run_example("carrier-directory")
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == ["11031", "7041"] and int(printed[2]) > 30 and printed[3:] == ["UPS", "True"]
