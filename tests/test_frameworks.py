"""A shop's own app as the sandbox's webhook target, in process: ASGI or WSGI, told apart at
``set_webhook``; the request each push carries; and the same seed giving the same deliveries
however the clock is stepped and however fast the app answers."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from flask import Flask, request
from starlette.applications import Starlette

from tests.conftest import fast_limiter, unique_key
from tests.readme import readme_example, run_example
from track17_facade import Track17Client
from track17_facade.sandbox import DeliveryRecord, Sandbox
from track17_facade.sandbox._delivery import app_kind
from track17_facade.shipments import webhook_app

NUMBERS = [f"RR{i:09d}CN" for i in range(30)]
Environ = dict[str, Any]
StartResponse = Callable[..., Any]


def _django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(ALLOWED_HOSTS=["*"], USE_TZ=True)
        django.setup()


class WsgiRecorder:
    """A bare WSGI app that keeps each request's host, path, headers and body, and answers 200
    (after ``delay`` seconds: a slow receiver)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.delay = delay

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        self.requests.append(
            {
                "path": environ["PATH_INFO"],
                "content_type": environ.get("CONTENT_TYPE"),
                "headers": headers,
                "body": body,
            }
        )
        if self.delay:
            time.sleep(self.delay)  # a slow receiver, not a synchronisation
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]


def _wsgi_function(environ: Environ, start_response: StartResponse) -> list[bytes]:
    start_response("200 OK", [])
    return [b""]


async def _asgi_function(scope: Any, receive: Any, send: Any) -> None:
    pass


def test_asgi_and_wsgi_apps_are_told_apart() -> None:
    _django()
    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler

    asgi = [FastAPI(), Starlette(), ASGIHandler(), _asgi_function, partial(_asgi_function)]
    wsgi = [Flask(__name__), Flask(__name__).wsgi_app, WSGIHandler(), _wsgi_function, WsgiRecorder()]
    from track17_facade.shipments import ShipmentStore

    with ShipmentStore("sqlite://") as store:
        asgi.append(webhook_app(store, "k" * 16))
        assert [app_kind(app) for app in asgi] == ["asgi"] * len(asgi)
    assert [app_kind(app) for app in wsgi] == ["wsgi"] * len(wsgi)


@pytest.mark.parametrize(
    "app",
    [lambda request: None, lambda a, b, c: None, WsgiRecorder, "app", None.__class__, object()],
    ids=["one-argument", "sync-three", "a-class", "a-string", "NoneType", "an-object"],
)
def test_an_app_that_is_neither_asgi_nor_wsgi_is_refused_at_set_webhook(app: Any) -> None:
    sandbox = Sandbox()
    with pytest.raises(TypeError, match=r"ASGI application \(async, called with scope, receive, send\)"):
        sandbox.set_webhook(app=app, path="/hook")
    assert sandbox.config.webhook_url is None  # nothing changed


@pytest.mark.parametrize("host", ["", "https://shop.example", "shop.example/x", "a b"])
def test_a_host_that_is_not_a_host_is_refused(host: str) -> None:
    with pytest.raises(ValueError, match="host"):
        Sandbox().set_webhook(app=WsgiRecorder(), path="/hook", host=host)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(api_keys=(unique_key(),), rate=10_000, webhook_retry_delays=(0.01,)) as box:
        yield box


def _client(sandbox: Sandbox) -> Track17Client:
    return Track17Client(
        sandbox.api_key,
        api_version="v2.4",
        base_url=sandbox.base_url_for("v2.4"),
        rate_limiter=fast_limiter(sandbox.api_key),
    )


def test_a_wsgi_app_receives_the_pushes_with_testserver_as_host_by_default(sandbox: Sandbox) -> None:
    app = WsgiRecorder()
    sandbox.set_webhook(app=app, path="/webhooks/17track")
    with _client(sandbox) as client:
        assert client.register(NUMBERS[:3]).ok
        sent = sandbox.advance(days=3)
        records = sandbox.wait_for_deliveries()
    assert sent == len(records) == len(app.requests) > 0 and all(r.delivered for r in records)
    assert {r.url for r in records} == {"in-process app /webhooks/17track"}
    first = app.requests[0]
    assert first["path"] == "/webhooks/17track" and first["headers"]["host"] == "testserver"
    assert first["content_type"] == "application/json"
    signature = hashlib.sha256(first["body"] + b"/" + sandbox.api_key.encode()).hexdigest()
    assert first["headers"]["sign"] == signature


def test_a_flask_app_in_process_gets_the_host_and_headers_asked_for(sandbox: Sandbox) -> None:
    flask = Flask(__name__)
    seen: list[tuple[str, str | None, str]] = []

    @flask.post("/hooks")
    def hooks() -> dict[str, str]:
        seen.append((request.host, request.headers.get("X-Forwarded-Proto"), request.get_json()["event"]))
        return {}

    sandbox.set_webhook(
        app=flask, path="/hooks", host="shop.example:8000", headers={"X-Forwarded-Proto": "https"}
    )
    with _client(sandbox) as client:
        assert client.register(NUMBERS[:2]).ok
        sandbox.advance(days=3)
        records = sandbox.wait_for_deliveries()
    assert all(r.delivered for r in records) and records
    assert set(seen) == {("shop.example:8000", "https", "TRACKING_UPDATED")}


def test_a_wsgi_app_may_call_the_sandbox_back_while_it_answers_a_push(sandbox: Sandbox) -> None:
    answers: list[int] = []

    def app(environ: Environ, start_response: StartResponse) -> list[bytes]:
        number = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))["data"]["number"]
        with _client(sandbox) as client:
            answers.append(len(client.get_track_info([number]).accepted))
        start_response("200 OK", [])
        return [b""]

    sandbox.set_webhook(app=app, path="/hook")
    with _client(sandbox) as client:
        assert client.register(NUMBERS[:2]).ok
        sandbox.advance(days=3)
        assert all(r.delivered for r in sandbox.wait_for_deliveries())
    assert answers == [1, 1]


# -- the same seed, the same run ----------------------------------------------------------------


def _run(steps: int, app: Any) -> list[DeliveryRecord]:
    """Seed 5, a third of pushes dropped, repeated and reordered, 20 days in ``steps`` steps."""
    with (
        Sandbox(api_keys=(unique_key(),), rate=10_000, seed=5) as box,
        _client(box) as client,
    ):
        box.set_webhook(app=app, path="/hook", drop=0.3, repeat=0.3, reorder=0.3)
        assert client.register(NUMBERS[:16]).ok
        for _ in range(steps):
            box.advance(days=20 / steps)
            box.wait_for_deliveries()
        return box.deliveries()


def _fingerprint(records: list[DeliveryRecord]) -> list[tuple[object, ...]]:
    return [(r.number, r.event, r.body, r.copies, r.reordered, r.error, r.delivered) for r in records]


def _last_fates(records: list[DeliveryRecord]) -> dict[str, int]:
    """How many copies of each number's last push (the one showing all its events) arrived."""
    return {r.number: r.copies for r in records}


def test_the_same_seed_gives_the_same_deliveries_however_stepped_and_however_fast_the_receiver() -> None:
    daily_fast = _run(20, WsgiRecorder())
    daily_slow = _run(20, WsgiRecorder(delay=0.002))
    assert _fingerprint(daily_slow) == _fingerprint(daily_fast)
    assert _fingerprint(_run(20, WsgiRecorder())) == _fingerprint(daily_fast)  # run after run
    assert {r.copies for r in daily_fast} == {0, 1, 2} and any(r.reordered for r in daily_fast)
    once_fast = _run(1, WsgiRecorder())
    assert _fingerprint(_run(1, WsgiRecorder(delay=0.002))) == _fingerprint(once_fast)
    # Stepped daily, a number is pushed at each change; at once, only its last state: that push
    # (its last, either way) meets the same fate.
    assert len(daily_fast) > len(once_fast)
    assert _last_fates(daily_fast) == _last_fates(once_fast)


def test_the_package_and_its_store_import_no_django() -> None:
    """Django is optional: only ``track17_facade.contrib.django`` imports it."""
    code = (
        "import sys, track17_facade, track17_facade.shipments, track17_facade.sandbox, "
        "track17_facade.contrib; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


@pytest.mark.parametrize("recipe", ["shipments-fastapi", "shipments-flask"])
def test_the_guides_fastapi_and_flask_recipes_in_process_end_equal_to_the_truth(
    recipe: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each recipe as written, the sandbox pushing to it in process (ASGI, WSGI) with a third of
    pushes dropped, repeated and reordered; ``sync`` then recovers what the drops missed."""
    numbers = NUMBERS[:12]
    with Sandbox(api_keys=(unique_key(),), rate=10_000, webhook_retry_delays=(0.01,)) as box:
        monkeypatch.setenv("TRACK17_API_KEY", box.api_key)
        monkeypatch.setenv("TRACK17_STORE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
        namespace = run_example(recipe)
        store = namespace["store"]
        box.set_webhook(app=namespace["app"], path="/17track/webhook", drop=0.3, repeat=0.3, reorder=0.3)
        try:
            with _client(box) as client:
                assert store.track(client, numbers).ok
                for _ in range(10):
                    box.advance(days=2)
                    box.wait_for_deliveries()
                records = box.deliveries()
                assert {r.copies for r in records} == {0, 1, 2} and any(r.reordered for r in records)
                assert all(r.delivered for r in records if r.copies), records
                truth = {info.number: info for info in client.get_track_info(numbers).accepted}
                store.sync(client, stale_after=timedelta(0))
            for number in numbers:
                shipment = store.get(number)
                assert shipment is not None and shipment.events == truth[number].events
                assert shipment.status == truth[number].status
        finally:
            store.close()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("django-settings", "shop/settings.py"),
        ("django-urls", "shop/urls.py"),
        ("django-tracking", "shop/tracking.py"),
    ],
)
def test_the_django_guides_code_is_the_example_shops_which_its_tests_run(name: str, path: str) -> None:
    """The guide shows the example shop's code, statement for statement; the shop's own suite
    (``pytest -c examples/django_shop/pytest.ini examples/django_shop``) runs it."""
    shop = (Path(__file__).resolve().parent.parent / "examples" / "django_shop" / path).read_text()
    block = readme_example(name)
    statements = [ast.get_source_segment(block, node) for node in ast.parse(block).body]
    assert statements and all(statement and statement in shop for statement in statements)


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_an_app_that_raises_is_recorded_and_the_next_push_still_goes(sandbox: Sandbox, kind: str) -> None:
    calls: list[str] = []

    def wsgi(environ: Environ, start_response: StartResponse) -> list[bytes]:
        calls.append(environ["PATH_INFO"])
        if len(calls) == 1:
            raise RuntimeError("the app is broken")
        start_response("200 OK", [])
        return [b""]

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        calls.append(scope["path"])
        if len(calls) == 1:
            raise RuntimeError("the app is broken")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sandbox.config.webhook_retry_delays = ()
    sandbox.set_webhook(app=wsgi if kind == "wsgi" else asgi, path="/hook")
    with _client(sandbox) as client:
        assert client.register(NUMBERS[:2]).ok
        sandbox.advance(days=3)
        first, second = sandbox.wait_for_deliveries()
    assert not first.delivered and first.error == "the app raised RuntimeError: the app is broken"
    assert second.delivered
