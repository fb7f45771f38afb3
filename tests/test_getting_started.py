"""The getting-started page, step by step as a newcomer runs it: each script as written (only the
real key's step is pointed at the sandbox), printing what the page says it prints."""

from __future__ import annotations

import asyncio
import re
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.readme import ROOT, readme_example, run_example
from track17_facade.sandbox import Sandbox
from track17_facade.webhooks import compute_signature

PAGE = ROOT / "docs" / "getting-started.md"


def _shown_output(name: str) -> list[str]:
    """The lines the page says example ``name`` prints (the text block after its marker)."""
    found = re.search(rf"<!-- output: {name} -->\s*```text\n(.*?)```", PAGE.read_text(), re.S)
    assert found, f"the page shows no output for {name}"
    return found.group(1).splitlines()


@pytest.fixture
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory holding the page's ``app.py``, importable as the page's next script imports it."""
    (tmp_path / "app.py").write_text(readme_example("start-app"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("TRACK17_API_KEY", raising=False)
    yield tmp_path
    sys.modules.pop("app", None)


def test_the_first_status_prints_what_the_page_shows(capsys: pytest.CaptureFixture[str]) -> None:
    run_example("start-first-status")
    assert capsys.readouterr().out.splitlines() == _shown_output("start-first-status")


def test_the_page_is_open_while_the_script_waits() -> None:
    seen: list[str] = []

    def look(prompt: str) -> str:  # the reader opening the printed URL before pressing Enter
        url = re.search(r"http://\S+", prompt)
        assert url, prompt
        with urllib.request.urlopen(url.group(0), timeout=10) as answer:  # noqa: S310 (loopback)
            seen.append(answer.read().decode())
        return ""

    run_example("start-page", input=look)
    assert len(seen) == 1 and "RR123456789CN" in seen[0] and "1Z999AA10123456784" in seen[0]


def test_the_webhook_reaches_the_app(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_example("start-webhook")
    assert capsys.readouterr().out.splitlines() == _shown_output("start-webhook")


def test_the_app_refuses_a_push_signed_with_another_key(app_dir: Path) -> None:
    namespace = run_example("start-app")
    body = b'{"event": "TRACKING_STOPPED", "data": {"number": "RR123456789CN"}}'

    async def post(key: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=namespace["app"])
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            headers = {"sign": compute_signature(body, key)}
            return await http.post("/webhooks/17track", content=body, headers=headers)

    forged, signed = asyncio.run(post("another-key")), asyncio.run(post("sandbox-key"))
    assert forged.status_code == 400 and "sign" in forged.json()["detail"]
    assert signed.status_code == 200 and [event.number for event in namespace["received"]] == [
        "RR123456789CN"
    ]


def test_the_real_key_script_runs(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    original = 'Track17Client(os.environ["TRACK17_API_KEY"])'
    source = readme_example("start-real-key")
    assert original in source
    pointed = f"Track17Client({sandbox.api_key!r}, base_url={sandbox.base_url!r}, requests_per_second=1000)"
    run_example("start-real-key", source.replace(original, pointed))
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "1 registered" and printed[1].startswith("RR123456789CN NOT_FOUND")
