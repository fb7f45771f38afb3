"""The shop against the sandbox: pushes reach the view over a live server (WSGI, over HTTP) and in
process (ASGI and WSGI), some dropped, repeated and reordered; ``track17_sync`` recovers what the
drops missed; the orders end equal to the sandbox's truth."""

from typing import Any

import pytest
from django.core.asgi import get_asgi_application
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.wsgi import get_wsgi_application
from django.test import Client
from shop.models import Order
from shop.tracking import update_orders

from track17_facade import Track17Client
from track17_facade.contrib.django import apply_changes, get_client, get_store
from track17_facade.sandbox import DeliveryRecord, Sandbox
from track17_facade.webhooks import compute_signature

pytestmark = pytest.mark.django_db(transaction=True)  # pushes arrive on other threads' connections


def _numbers(prefix: str, count: int = 12) -> list[str]:
    return [f"{prefix}{i:09d}CN" for i in range(count)]


def _order_and_register(numbers: list[str]) -> None:
    Order.objects.bulk_create([Order(tracking_number=number) for number in numbers])
    call_command("track17_register", *numbers)


def _truth(numbers: list[str]) -> dict[str, str]:
    """Each order's status as the sandbox knows it."""
    with get_client() as client:
        known = client.get_track_info(numbers).accepted
    return {info.number: info.status.name_17track for info in known}


def _orders(numbers: list[str]) -> dict[str, str]:
    return dict(Order.objects.filter(tracking_number__in=numbers).values_list("tracking_number", "status"))


def _run(sandbox: Sandbox, numbers: list[str], **target: Any) -> list[DeliveryRecord]:
    """Twenty days two at a time, pushes to ``target``, a third of them dropped, repeated or
    reordered; then the sync command, and the orders equal to the truth."""
    sandbox.set_webhook(**target, drop=0.3, repeat=0.3, reorder=0.3)
    _order_and_register(numbers)
    for _ in range(10):
        sandbox.advance(days=2)
        sandbox.wait_for_deliveries(timeout=30)
    records = sandbox.deliveries()
    assert all(record.delivered for record in records if record.error != "dropped"), records
    assert {record.copies for record in records} == {0, 1, 2}
    assert any(r.reordered for r in records)
    truth = _truth(numbers)
    # (A number its carrier never found is never pushed: sync hears of it first.)
    behind = {n for n, status in _orders(numbers).items() if status != truth[n] and truth[n] != "NotFound"}
    assert behind, "the drops left some orders behind"
    call_command("track17_sync", stale_after=0)
    assert _orders(numbers) == truth
    print(
        f"{len(records)} pushes, {sum(r.error == 'dropped' for r in records)} dropped, "
        f"{sum(r.copies == 2 for r in records)} repeated, {sum(r.reordered for r in records)} reordered; "
        f"{len(behind)} orders behind before track17_sync, 0 after"
    )
    return records


def test_pushes_to_the_live_server_over_http_keep_the_orders_equal_to_the_truth(
    live_server: Any, sandbox: Sandbox
) -> None:
    records = _run(sandbox, _numbers("LS"), url=f"{live_server.url}/webhooks/17track")
    assert {record.url for record in records if record.copies} == {f"{live_server.url}/webhooks/17track"}


@pytest.mark.parametrize(
    ("kind", "path"),
    [("wsgi", "/webhooks/17track"), ("asgi", "/webhooks/17track"), ("asgi", "/webhooks/17track/async")],
)
def test_pushes_to_the_app_in_process_keep_the_orders_equal_to_the_truth(
    sandbox: Sandbox, kind: str, path: str
) -> None:
    app = get_wsgi_application() if kind == "wsgi" else get_asgi_application()
    prefix = {"wsgi": "WS", "asgi": "AS"}[kind] if not path.endswith("async") else "AA"
    # Host: testserver, which the test runner allows
    records = _run(sandbox, _numbers(prefix), app=app, path=path)
    assert {record.status_code for record in records if record.copies} == {200}


@pytest.mark.parametrize("view", ["/webhooks/17track", "/webhooks/17track/async"])
def test_the_view_answers_as_webhook_app(sandbox: Sandbox, settings: Any, view: str) -> None:
    web = Client()
    body = b'{"event":"TRACKING_STOPPED","data":{"number":"VW000000001CN","carrier":3011,"tag":null}}'
    key = settings.TRACK17["API_KEY"]
    sign = compute_signature(body, key)
    ok = web.post(view, body, content_type="application/json", headers={"sign": sign})
    assert (ok.status_code, ok.json()) == (200, {"outcome": "stopped", "number": "VW000000001CN"})
    again = web.post(view, body, content_type="application/json", headers={"sign": sign})
    assert again.json()["outcome"] == "duplicate"
    forged = web.post(view, body, content_type="application/json", headers={"sign": "0" * 64})
    assert forged.status_code == 401
    bad = b'{"event":"TRACKING_UPDATED"}'
    unparsed = web.post(
        view,
        bad,
        content_type="application/json",
        headers={"sign": compute_signature(bad, key)},
    )
    assert unparsed.status_code == 400
    assert "data" in unparsed.json()["error"]
    assert web.get(view).status_code == 405
    settings.TRACK17 = {**settings.TRACK17, "MAX_BODY": 64}
    assert web.post(view, body, content_type="application/json").status_code == 413
    # During a key rotation both keys verify pushes; the first is the one the client sends.
    settings.TRACK17 = {**settings.TRACK17, "MAX_BODY": 4096, "API_KEY": ["new-key-0123456789", key]}
    rotated = web.post(view, body, content_type="application/json", headers={"sign": sign})
    assert rotated.json()["outcome"] == "duplicate"
    settings.TRACK17 = {**settings.TRACK17, "STORE_URL": "postgresql+psycopg://shop@127.0.0.1:1/nothing"}
    down = web.post(view, body, content_type="application/json", headers={"sign": sign})
    assert down.status_code == 503
    assert down["Retry-After"] == "30"


def test_a_failed_write_of_the_shop_loses_nothing_and_an_older_change_never_lands_over_a_newer(
    sandbox: Sandbox, settings: Any
) -> None:
    """The store commits each push; the shop's own write after it fails; 17TRACK delivers the
    pushes again and the store says DUPLICATE: yet the orders catch up, because they follow the
    store's change feed, whose cursor moves only with them."""
    numbers = _numbers("TX", 4)
    _order_and_register(numbers)
    failures: list[int] = []

    def failing(changes: Any) -> None:
        update_orders(changes)  # rolled back with the cursor when the transaction fails
        failures.append(len(changes))
        raise RuntimeError("the shop's database write failed")

    settings.TRACK17 = {**settings.TRACK17, "APPLY_CHANGES": failing}
    sandbox.set_webhook(app=get_wsgi_application(), path="/webhooks/17track")
    sandbox.advance(days=20)
    assert all(record.delivered for record in sandbox.wait_for_deliveries())  # stored: 200
    truth = _truth(numbers)
    assert failures
    assert set(_orders(numbers).values()) == {""}
    settings.TRACK17 = {**settings.TRACK17, "APPLY_CHANGES": update_orders}
    pushed = [number for number in numbers if truth[number] != "NotFound"]
    for number in pushed:
        sandbox.push_now(number)  # 17TRACK's redelivery
    again = sandbox.wait_for_deliveries()[-len(pushed) :]
    assert {record.status_code for record in again} == {200}
    assert all(get_store().get(number) is not None for number in pushed)
    assert {n: s for n, s in _orders(numbers).items() if n in pushed} == {n: truth[n] for n in pushed}
    # Every change again, newest first: the guard keeps each order at its newest.
    update_orders(list(reversed(list(get_store().changes()))))
    assert {n: s for n, s in _orders(numbers).items() if n in pushed} == {n: truth[n] for n in pushed}
    assert apply_changes() == 0  # the cursor is at the end of the feed


def test_the_register_command_refuses_a_bad_number_and_says_so(sandbox: Sandbox) -> None:
    with pytest.raises(CommandError, match="1 numbers not registered"):
        call_command("track17_register", "RG000000001CN", "no!")
    with Track17Client(sandbox.api_key, api_version="v2.4", base_url=sandbox.base_url_for("v2.4")) as client:
        assert [entry.number for entry in client.iter_track_list()] == ["RG000000001CN"]
    assert get_store().get("RG000000001CN") is not None
