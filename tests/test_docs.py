"""The documentation: every Python example in the README and the guides runs as written (only a
key, a URL, or what the text around it says the reader already has, is supplied), none goes
unrun, and the README stays a short front page that leads to every guide.

The README's older examples (the guides' quickstarts, the receivers, the sandbox) are run by
``test_readme``, ``test_webhooks``, ``test_shipments`` and ``test_integration``."""

from __future__ import annotations

import gc
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RedisServer
from tests.readme import GUIDES, README, ROOT, documents, examples, readme_example, run_example
from tests.receiver import AsgiServer
from track17_facade import Track17Client
from track17_facade.sandbox import Sandbox, SandboxConfig
from track17_facade.shipments import ShipmentStore

NUMBER = "RR123456789CN"


def _pointed(source: str, original: str, sandbox: Sandbox, api_version: str = "v1") -> str:
    """``source`` with its client built against ``sandbox`` (the only change made to it)."""
    assert original in source, f"the example no longer builds its client as {original}"
    pointed = original.replace('"YOUR-17TRACK-KEY"', repr(sandbox.api_key))
    pointed = pointed[:-1] + f", base_url={sandbox.base_url_for(api_version)!r}, requests_per_second=1000)"
    return source.replace(original, pointed)


async def _ok(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A receiver that reads each push and answers 200."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def pushed(sandbox: Sandbox) -> tuple[bytes, str]:
    """A real signed push about ``NUMBER`` from the sandbox: its body and ``sign`` header."""
    sandbox.set_webhook(app=_ok, path="/hook", fmt="v2")
    with Track17Client(sandbox.api_key, base_url=sandbox.base_url, requests_per_second=1000) as client:
        assert client.register([NUMBER]).ok
    sandbox.advance(days=3)
    record = next(r for r in sandbox.wait_for_deliveries() if r.number == NUMBER)
    return record.body, record.sign


def test_every_python_block_is_a_named_example_that_a_test_runs() -> None:
    unnamed = []
    for path in documents():
        text = path.read_text()
        for match in re.finditer(r"^```python\n", text, re.M):
            before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
            if not before.startswith("<!-- example: "):
                unnamed.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert unnamed == [], "Python blocks that no test runs (mark them <!-- example: NAME -->)"
    tests = "".join(path.read_text() for path in (ROOT / "tests").glob("test_*.py"))
    unrun = [name for name in examples() if f'"{name}"' not in tests]
    assert unrun == [], "examples no test names"


def test_the_readme_is_a_short_front_page_that_leads_to_every_guide() -> None:
    text = README.read_text()
    assert len(text.splitlines()) <= 250
    linked = set(re.findall(r"\]\(docs/guides/([\w-]+)\.md", text))
    assert linked == {path.stem for path in GUIDES.glob("*.md")}
    for claim in ("no 429 and nothing lost", "Every number reported once"):  # each states its figure
        paragraph = text.split(claim, 1)[1].split("\n- ", 1)[0]
        assert "[figure " in paragraph, claim


def test_every_code_line_fits_88_columns() -> None:
    """Wider lines scroll sideways in a code block at 1280 px, and on GitHub."""
    wide = []
    for path in documents():
        fence = ""
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.lstrip()
            if stripped.startswith("```"):
                fence = "" if fence else stripped
            elif fence and len(line) > 88:
                wide.append(f"{path.relative_to(ROOT)}:{number}: {len(line)} columns")
    assert wide == [], "code lines over 88 columns:\n" + "\n".join(wide)


def test_the_site_names_the_package_to_import() -> None:
    assert run_example("site-import")["Track17Client"] is Track17Client


def test_the_readme_quickstart_runs(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    source = _pointed(readme_example("readme-quickstart"), 'Track17Client("YOUR-17TRACK-KEY")', sandbox)
    run_example("readme-quickstart", source)
    assert "2 registered" in capsys.readouterr().out and sandbox.stats().registered == 2


def test_the_readme_sandbox_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    pages: list[str] = []

    def look(prompt: str) -> str:  # the reader opens the page before pressing Enter: it is live
        url = re.search(r"http://127\.0\.0\.1:\d+/", prompt)
        assert url, prompt
        with urllib.request.urlopen(url.group(0), timeout=10) as answer:  # noqa: S310 (loopback)
            pages.append(answer.read().decode())
        return ""

    run_example("readme-sandbox", input=look)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] in {"IN_TRANSIT", "INFO_RECEIVED", "OUT_FOR_DELIVERY", "DELIVERED", "NOT_FOUND"}
    assert len(pages) == 1 and "RR123456789CN" in pages[0]


def test_the_sandbox_guide_opens_with_a_status(capsys: pytest.CaptureFixture[str]) -> None:
    run_example("sandbox-basics")
    status, requests = capsys.readouterr().out.splitlines()
    assert status in {"INFO_RECEIVED", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"}  # it moved
    assert requests == "2 requests"


def test_the_redis_example_paces_through_redis(redis_server: RedisServer, sandbox: Sandbox) -> None:
    source = readme_example("pacing-redis").replace("redis://localhost:6379/0", redis_server.url)
    source = _pointed(source, "Track17Client(api_key, rate_limiter=limiter)", sandbox)
    numbers = [f"RR{index:08d}5CN" for index in range(5)]
    namespace = run_example("pacing-redis", source, api_key=sandbox.api_key, numbers=numbers)
    assert sandbox.stats().registered == 5 and type(namespace["limiter"]).__name__ == "RedisRateLimiter"


def test_the_store_examples_open_keep_and_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pushed: tuple[bytes, str], sandbox: Sandbox
) -> None:
    monkeypatch.chdir(tmp_path)
    with run_example("shipments-open")["store"] as opened:
        assert (tmp_path / "shipments.db").exists() and opened.get(NUMBER) is None
    body, sign = pushed
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    with ShipmentStore(url) as store:
        store.receive(body, sign, sandbox.api_key)
    kept = run_example("shipments-retention", url=url)
    kept["store"].close()
    assert kept["push"].body == body  # the loop met the push the store received
    saved: list[int] = []
    emails: list[str] = []
    with ShipmentStore(url) as store:
        namespace = run_example(
            "shipments-reading",
            store=store,
            last_number_shown="AA000000000AA",  # before any number
            load_saved_cursor=lambda: 0,
            save_cursor=saved.append,
            send_out_for_delivery_email=lambda number, event: emails.append(number),
        )
        assert namespace["shipment"] is not None and namespace["page"][0].number == NUMBER
        assert saved and saved == sorted(saved)
        del namespace
        gc.collect()  # the example's half-read page of shipments gives its connection back


def test_the_polling_example_syncs_the_store(sandbox: Sandbox, tmp_path: Path) -> None:
    source = _pointed(
        readme_example("shipments-polling"), 'Track17Client(API_KEY, api_version="v2.4")', sandbox, "v2.4"
    )
    with ShipmentStore(f"sqlite:///{tmp_path / 'polled.db'}") as store:
        namespace = run_example(
            "shipments-polling", source, API_KEY=sandbox.api_key, store=store, registrations=[NUMBER]
        )
        assert store.get(NUMBER) is not None and namespace["report"].failed == 0


def test_the_fixture_options_example_is_a_valid_configuration() -> None:
    options = run_example("testing-options")["track17_sandbox_options"].__wrapped__()
    SandboxConfig(**options)  # every key is a field


def test_the_webhook_example_verifies_and_parses_a_real_push(
    pushed: tuple[bytes, str], sandbox: Sandbox
) -> None:
    body, sign = pushed
    event = run_example("webhooks-parse", raw_body=body, sign_header=sign, API_KEY=sandbox.api_key)["event"]
    assert event.number == NUMBER and event.track is not None


def test_the_sandbox_delivers_to_the_guides_fastapi_app_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRACK17_API_KEY", "sandbox-key")  # the recipe reads its key from there
    recipe = run_example("fastapi")
    run_example("webhooks-sandbox-app", app=recipe["app"], received=recipe["received"])
    assert capsys.readouterr().out.splitlines() == ["['RR123456789CN']"]


def test_the_sandbox_delivers_to_the_guides_fastapi_app_over_http(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRACK17_API_KEY", "sandbox-key")
    recipe = run_example("fastapi")
    source = readme_example("webhooks-sandbox-http")
    with AsgiServer(recipe["app"]) as web:
        run_example("webhooks-sandbox-http", source.replace("http://127.0.0.1:8000", web.url))
    assert capsys.readouterr().out.splitlines() == ["RR123456789CN 200 None"]
    assert [event.number for event in recipe["received"]] == ["RR123456789CN"]
