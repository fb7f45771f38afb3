"""Testing an integration the way a user's own suite does: the sandbox drives the user's ASGI app
in process, pushes what production would push for each number, and the store follows the
sandbox's clock, tells of each change, and works from async code."""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
import logging
import re
from collections.abc import Iterator, MutableMapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import pytest
from fastapi import FastAPI
from starlette.routing import Route

from tests.conftest import unique_key
from tests.readme import guide, readme_example, run_example
from track17_facade import (
    AsyncTrack17Client,
    Carrier,
    InvalidInputError,
    Track17Client,
    check_number,
)
from track17_facade.sandbox import DeliveryRecord, FaultKind, Sandbox, SandboxConfig, SandboxStats
from track17_facade.sandbox._detect import detect_carrier
from track17_facade.shipments import ShipmentStore, StatusChange, webhook_app

NUMBERS = [f"RR{i:09d}CN" for i in range(12)]


class Recorder:
    """A bare ASGI app that keeps every request's path and body and answers 200."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.paths: list[str] = []

    async def __call__(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any
    ) -> None:  # pragma: no cover - lifespan is not sent by httpx
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.paths.append(scope["path"])
        self.bodies.append(json.loads(body))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(api_keys=(unique_key(),), rate=10_000, webhook_retry_delays=(0.01, 0.01)) as box:
        yield box


def _client(sandbox: Sandbox, version: Literal["v1", "v2.4"]) -> Track17Client:
    return Track17Client(
        sandbox.api_key,
        api_version=version,
        base_url=sandbox.base_url_for(version),
        requests_per_second=1000,
    )


def test_each_number_is_pushed_in_the_shape_of_the_version_it_came_through(sandbox: Sandbox) -> None:
    recorder = Recorder()
    sandbox.set_webhook(app=recorder, path="/hooks")
    with _client(sandbox, "v1") as v1, _client(sandbox, "v2.4") as v2:
        assert v1.register(NUMBERS[:1]).ok and v2.register(NUMBERS[1:2]).ok
        sandbox.advance(days=3)
        records = sandbox.wait_for_deliveries()
    assert {record.number for record in records} == set(NUMBERS[:2]) and all(r.delivered for r in records)
    by_number = {body["data"]["number"]: body for body in recorder.bodies}
    v1_push, v2_push = by_number[NUMBERS[0]], by_number[NUMBERS[1]]
    assert "sign" in v1_push and "e" in v1_push["data"]["track"]  # 17TRACK's v1: signed in its body
    assert "sign" not in v2_push and v2_push["data"]["track_info"]["latest_status"]["status"]
    assert recorder.paths == ["/hooks"] * len(records)
    sandbox.set_webhook(app=recorder, path="/hooks", fmt="v2")  # a test may still choose one shape
    with _client(sandbox, "v1") as v1:
        assert v1.push(NUMBERS[:1]).ok
    sandbox.wait_for_deliveries()
    assert "track_info" in recorder.bodies[-1]["data"] and "sign" not in recorder.bodies[-1]


def _shop(store: ShipmentStore, api_key: str) -> FastAPI:
    """A user's application: its own routes, and 17TRACK's pushes into the store."""
    app = FastAPI()
    app.routes.append(Route("/webhooks/17track", webhook_app(store, api_key), methods=["POST"]))

    @app.get("/orders/{number}")
    def order(number: str) -> dict[str, str | None]:
        shipment = store.get(number)
        return {"status": shipment.status.name if shipment and shipment.status else None}

    return app


@pytest.mark.parametrize("version", ["v1", "v2.4"])
def test_a_store_behind_a_fastapi_app_in_process_misses_nothing_drops_included(
    sandbox: Sandbox, version: Literal["v1", "v2.4"]
) -> None:
    """Pushes reach the app without a server, some dropped, repeated and reordered; what the drops
    missed, ``sync`` asks for, because the store's clock is the sandbox's."""
    changes: list[StatusChange] = []
    store = ShipmentStore("sqlite://", clock=sandbox.clock, on_change=changes.append)
    sandbox.set_webhook(
        app=_shop(store, sandbox.api_key), path="/webhooks/17track", drop=0.3, repeat=0.3, reorder=0.3
    )
    with _client(sandbox, version) as client:
        assert store.track(client, NUMBERS).ok
        sandbox.advance(days=20)  # every shipment has ended
        records = sandbox.wait_for_deliveries()
        dropped = [record.number for record in records if record.error == "dropped"]
        assert dropped and any(record.copies == 2 for record in records)
        assert all(record.delivered for record in records if record.error != "dropped")
        report = store.sync(client, stale_after=timedelta(hours=12))
        now = {info.number: info.status for info in client.get_track_info(NUMBERS).accepted}
    assert report.asked >= len(set(dropped)) and report.failed == 0
    held = {number: shipment.status for number in NUMBERS if (shipment := store.get(number))}
    assert held == now and len(set(now.values())) > 1  # as 17TRACK says now, in several statuses
    # on_change saw each committed change once, as changes() lists them
    assert [change.id for change in changes] == [change.id for change in store.changes()]
    assert len({change.id for change in changes}) == len(changes)
    store.close()


def test_on_the_sandbox_clock_sync_asks_about_what_went_quiet_in_sandbox_time(sandbox: Sandbox) -> None:
    """What ``clock=`` is for: on the wall clock, a shipment polled a second ago is fresh however
    far the sandbox moved; on the sandbox's, it went quiet three days ago."""
    with (
        ShipmentStore("sqlite://") as wall,
        ShipmentStore("sqlite://", clock=sandbox.clock) as followed,
        _client(sandbox, "v2.4") as client,
    ):
        wall.track(client, NUMBERS[:3])
        followed.track(client, NUMBERS[3:6])
        sandbox.advance(hours=1)
        assert wall.sync(client).asked == 3 and followed.sync(client).asked == 3  # never heard of
        sandbox.advance(days=3)
        assert wall.sync(client).asked == 0
        assert followed.sync(client).asked == 3
        assert followed.now() == sandbox.clock()


def test_a_mount_that_redirects_is_recorded_and_named(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with ShipmentStore("sqlite://") as store:
        app = FastAPI()
        app.mount("/webhooks/17track", webhook_app(store, sandbox.api_key))  # serves POST .../17track/
        sandbox.set_webhook(app=app, path="/webhooks/17track")
        with caplog.at_level(logging.WARNING, "track17.sandbox"), _client(sandbox, "v2.4") as client:
            client.register(NUMBERS[:1])
            sandbox.advance(days=3)
            (record,) = sandbox.wait_for_deliveries()
        assert (record.status_code, record.delivered) == (307, False)
        assert record.redirect is not None and record.redirect.endswith("/webhooks/17track/")
        assert "did you mean" in caplog.text and "/webhooks/17track/?" in caplog.text
        sandbox.set_webhook(app=app, path="/webhooks/17track/")  # the path it meant
        with _client(sandbox, "v2.4") as client:
            assert client.push(NUMBERS[:1]).ok
        assert sandbox.wait_for_deliveries()[-1].delivered
        assert store.get(NUMBERS[0]) is not None


def test_the_store_works_from_async_code(sandbox: Sandbox) -> None:
    async def main() -> tuple[Any, Any, Any]:
        with ShipmentStore("sqlite://", clock=sandbox.clock) as store:
            return await use(store)

    async def use(store: ShipmentStore) -> tuple[Any, Any, Any]:
        async with AsyncTrack17Client(
            sandbox.api_key,
            api_version="v2.4",
            base_url=sandbox.base_url_for("v2.4"),
            requests_per_second=1000,
        ) as client:
            tracked = await store.track_async(client, NUMBERS[:5])
            sandbox.advance(days=20)
            report = await store.sync_async(client)
            shipment = await store.get_async(NUMBERS[0])
        return tracked, report, shipment

    tracked, report, shipment = asyncio.run(main())
    assert tracked.ok and len(tracked.accepted) == 5
    assert report.asked == 5 and report.refreshed >= 4 and report.failed == 0
    assert shipment is not None and shipment.status is not None
    with (
        ShipmentStore("sqlite://") as idle,
        pytest.raises(InvalidInputError, match="sync_async needs an AsyncTrack17Client"),
    ):
        asyncio.run(idle.sync_async(_client(sandbox, "v1")))  # type: ignore[arg-type]


def test_a_registration_recovered_after_a_lost_answer_keeps_its_carrier(sandbox: Sandbox) -> None:
    with _client(sandbox, "v2.4") as client:
        sandbox.faults.enqueue(FaultKind.DROP_AFTER_EFFECT)  # registered, then the answer is lost
        result = client.register(["RR123456785CN"])
    (accepted,) = result.accepted
    assert accepted.recovered and accepted.carrier is Carrier.CHINA_POST
    assert sandbox.stats().quota_used == 1


@pytest.mark.parametrize("number", ["RR123456785DE", "RR123456785JP", "RR123456785CN", "1Z999AA10123456784"])
def test_the_sandbox_detects_the_carrier_the_number_checks_name(number: str) -> None:
    check = check_number(number)
    assert check.likely_carriers and detect_carrier(number) == check.likely_carriers[0]


def _documented_fields(cls: type) -> dict[str, bool]:
    """Each annotated field of an attrs class, and whether a docstring follows it."""
    (tree,) = ast.parse(inspect.getsource(cls)).body
    assert isinstance(tree, ast.ClassDef)
    found: dict[str, bool] = {}
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            after = tree.body[index + 1] if index + 1 < len(tree.body) else None
            found[node.target.id] = (
                isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            )
    return found


@pytest.mark.parametrize("cls", [SandboxConfig, SandboxStats, DeliveryRecord])
def test_every_knob_and_figure_of_the_sandbox_has_a_docstring(cls: type) -> None:
    fields = _documented_fields(cls)
    assert fields and [name for name, documented in fields.items() if not documented] == []


def test_the_readme_lists_every_option_of_the_fixture() -> None:
    section = guide("testing")
    listed = set(re.findall(r"^\| `(\w+)` \|", section, re.M))
    assert listed == set(_documented_fields(SandboxConfig))


def test_the_readme_recipe_for_testing_a_receiver_runs(sandbox: Sandbox, tmp_path: Path) -> None:
    """The README's receiver test, as a user would copy it into their suite."""
    namespace = run_example("testing-receiver")
    test = namespace["test_pushes_keep_the_shop_current"]
    assert "track17_sandbox" in inspect.signature(test).parameters
    test(sandbox)  # the fixture's sandbox; the user's suite gets it from the plugin
    assert sandbox.deliveries() and all(record.delivered for record in sandbox.deliveries())
    assert "set_webhook(app=" in readme_example("testing-receiver")
