"""The sandbox's web page, in a real browser: what a developer sees of their integration (numbers,
requests, pushes), live, the buttons that drive the sandbox, and that nothing from outside runs on
it; and over plain HTTP, what the browser cannot show (cross-origin posts, bad forms, fuzzing)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from tests.browser import browser, tab
from tests.conftest import fast_limiter, unique_key
from tests.receiver import Receiver
from track17_facade import Registration, Track17Client
from track17_facade.sandbox import FaultKind, Sandbox
from track17_facade.sandbox._page import PAGE_SIZE, page
from track17_facade.status import MainStatus

__all__ = ["browser", "tab"]  # the fixtures, imported for pytest


@pytest.fixture
def box() -> Iterator[Sandbox]:
    with Sandbox(api_keys=(unique_key(),), rate=1000, webhook_retry_delays=(0.01,)) as sandbox:
        yield sandbox


def _client(sandbox: Sandbox, api_version: Literal["v1", "v2.4"] = "v1") -> Track17Client:
    return Track17Client(
        sandbox.api_key,
        api_version=api_version,
        base_url=sandbox.base_url_for(api_version),
        rate_limiter=fast_limiter(sandbox.api_key),
    )


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def test_numbers_registered_through_the_client_appear_without_a_reload(box: Sandbox, tab: Any) -> None:
    tab.goto(box.page_url)
    expect = _expect()
    expect(tab.locator("#shipment-count")).to_have_text("0 of 0 numbers")
    with _client(box) as client:
        assert client.register(["RR123456785CN", ("1Z999AA10123456784", "UPS")]).ok
    rows = tab.locator("#shipments tbody tr[data-number]")
    expect(rows).to_have_count(2)  # the page polls: no reload, no click
    ups = tab.locator('tr[data-number="1Z999AA10123456784"]')
    expect(ups.locator("td").nth(1)).to_have_text("UPS (100002)")  # the directory's name
    expect(ups.locator("td.status")).to_have_text("Not found")
    expect(tab.locator("#quota-used")).to_have_text("2")
    expect(tab.locator("#requests tbody tr").first).to_contain_text("register")


def test_advance_a_day_moves_the_statuses_shown(box: Sandbox, tab: Any) -> None:
    numbers = [f"RR{index:08d}5CN" for index in range(10)]
    with _client(box) as client:
        assert client.register(numbers).ok
    tab.goto(box.page_url)
    expect = _expect()
    statuses = tab.locator("#shipments td.status")
    expect(statuses).to_have_count(10)
    assert set(statuses.all_inner_texts()) == {"Not found"}
    before = tab.inner_text("#clock")
    tab.get_by_role("button", name="a day").click()
    expect(tab.locator("#clock")).not_to_have_text(before)
    expect(tab.locator(".notice")).to_contain_text("Advanced to 2026-01-06 08:00")
    shown = dict(
        zip(
            tab.locator("#shipments tbody tr").evaluate_all("rows => rows.map(row => row.dataset.number)"),
            statuses.all_inner_texts(),
            strict=True,
        )
    )
    truth = {
        number: MainStatus(box.engine.registrations[number].status(box.now))
        .name.replace("_", " ")
        .capitalize()
        for number in numbers
    }
    assert shown == truth and set(shown.values()) != {"Not found"}


def test_a_receiver_answering_500_shows_as_failed_pushes(box: Sandbox, tab: Any) -> None:
    with Receiver(fail_first=10**6) as receiver, _client(box) as client:
        assert client.register(["RR123456785CN"]).ok
        tab.goto(box.page_url)
        tab.fill("input[name=url]", receiver.url)  # set through the page's own form
        tab.locator("form.webhook button").click()
        expect = _expect()
        expect(tab.locator(".notice")).to_have_text(f"Pushes go to {receiver.url}.")
        assert box.config.webhook_url == receiver.url
        tab.get_by_role("button", name="a day").click()
        failed = tab.locator("#pushes tbody tr.failed")
        expect(failed.first).to_be_visible()
        expect(failed.first.locator("td.answer")).to_have_text("500")
        expect(failed.first.locator("td.outcome")).to_contain_text("failed")
        expect(failed.first.locator("td.url")).to_have_text(receiver.url)


def test_text_from_outside_is_shown_as_text_and_runs_nothing(box: Sandbox, tab: Any) -> None:
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    with _client(box, "v2.4") as client:  # tags are v2.4's
        assert client.register([Registration("RR123456785CN", tag=hostile)]).ok
    tab.goto(box.page_url)
    expect = _expect()
    expect(tab.locator('tr[data-number="RR123456785CN"] td.tag')).to_have_text(hostile)
    assert tab.locator("#shipments img, #shipments script").count() == 0
    tab.goto(f"{box.page_url}ui/shipment?number=RR123456785CN")
    expect(tab.locator("dd.tag")).to_have_text(hostile)
    # the tab fixture fails the test if any alert() ran


def test_the_api_key_never_appears_on_the_page(box: Sandbox) -> None:
    with _client(box) as client:
        assert client.register(["RR123456785CN"]).ok
    for path in ("", "ui/shipment?number=RR123456785CN", "ui/version"):
        assert box.api_key not in httpx.get(box.page_url + path).text


def test_a_numbers_page_shows_its_timeline_and_delivers_it_on_demand(box: Sandbox, tab: Any) -> None:
    with _client(box) as client:
        assert client.register(["RR123456785CN"]).ok
    registration = box.engine.registrations["RR123456785CN"]
    tab.goto(box.page_url)
    tab.get_by_role("link", name="RR123456785CN").click()
    expect = _expect()
    expect(tab.locator("#number")).to_have_text("RR123456785CN")
    expect(tab.locator("#timeline tbody tr.coming")).to_have_count(len(registration.plan))
    expect(tab.locator("#timeline tr.now")).to_have_count(1)
    delivered = [e for e in registration.plan if e.sub_status.main_status.name == "DELIVERED"]
    if not delivered:
        pytest.fail("the seed's plan for this number should end in a delivery")
    tab.get_by_role("button", name="until delivered").click()
    expect(tab.locator("dd.status")).to_have_text("Delivered")
    expect(tab.locator("#timeline tbody tr.past")).to_have_count(
        sum(event.at <= delivered[0].at for event in registration.plan)
    )
    assert box.now == delivered[0].at


def test_the_filter_box_filters_as_you_type(box: Sandbox, tab: Any) -> None:
    with _client(box, "v2.4") as client:
        assert client.register(
            [Registration(f"RR{index:08d}5CN", tag="blue" if index % 3 else "red") for index in range(9)]
        ).ok
    tab.goto(box.page_url)
    expect = _expect()
    expect(tab.locator("#shipments tbody tr[data-number]")).to_have_count(9)
    tab.fill("#filter", "red")
    expect(tab.locator("#shipments tbody tr[data-number]")).to_have_count(3)
    expect(tab.locator("#shipment-count")).to_have_text("3 of 9 numbers")
    assert "q=red" in tab.url


def test_shipments_come_in_pages_newest_first(box: Sandbox) -> None:
    numbers = [f"RR{index:08d}5CN" for index in range(PAGE_SIZE * 2 + 5)]
    with _client(box) as client:
        assert client.register(numbers).ok
    newest = list(box.engine.registrations)[::-1]  # batches may land in any order
    assert sorted(newest) == numbers
    first = httpx.get(box.page_url).text
    shown = re.findall(r'<tr data-number="([^"]+)"', first)
    assert shown == newest[:PAGE_SIZE] and "page 1 of 3" in first
    last = httpx.get(box.page_url + "?page=3").text
    assert re.findall(r'<tr data-number="([^"]+)"', last) == newest[PAGE_SIZE * 2 :]
    assert 'rel="next"' not in last and 'rel="prev"' in last


def _table(html: str, table: str) -> list[list[str]]:
    """The cells of a table's body rows, as the page shows them."""
    body = html.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr.*?</tr>", body, re.S)]


def test_requests_show_their_items_answers_and_faults(box: Sandbox) -> None:
    with _client(box) as client:
        assert client.register(["RR123456785CN"]).ok
        box.faults.enqueue(FaultKind.HTTP_503)
        assert client.register(["RR123456785CN", "RR223456780CN"]).ok  # one already registered
    rows = [cells[1:] for cells in _table(httpx.get(box.page_url).text, "requests")]
    assert rows == [  # newest first: the retry, the injected 503, the first registration
        ["v1", "register", "2", "1", "1", "200", ""],
        ["v1", "register", "", "", "", "503", "503"],
        ["v1", "register", "1", "1", "0", "200", ""],
    ]


def test_actions_refuse_posts_from_other_origins_and_change_nothing(box: Sandbox) -> None:
    before = box.now
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {}):
        answer = httpx.post(box.page_url + "ui/action/advance", data={"seconds": "86400"}, headers=headers)
        assert answer.status_code == 403
    assert box.now == before
    same = {"Origin": box.page_url.rstrip("/")}
    answer = httpx.post(box.page_url + "ui/action/advance", data={"seconds": "86400"}, headers=same)
    assert answer.status_code == 303 and box.now > before


@pytest.mark.parametrize(
    ("action", "form", "says"),
    [
        ("advance", {"seconds": "-5"}, "advance by 1 second to a year"),
        ("advance", {"until": "delivered", "number": "NOPE"}, "no registered number 'NOPE'"),
        ("webhook", {"url": "ftp://x", "drop": "0"}, "http:// or https://"),
        ("webhook", {"url": "", "drop": "2"}, "drop must be from 0 to 1"),
        ("faults", {"rate": "lots"}, "rate must be a number from 0 to 1"),
        ("push", {"number": "NOPE"}, "no registered number"),
    ],
)
def test_a_bad_form_says_what_is_wrong_and_changes_nothing(
    box: Sandbox, action: str, form: dict[str, str], says: str
) -> None:
    before = (box.now, box.config.webhook_url, box.config.webhook_drop, box.faults.rate)
    same = {"Origin": box.page_url.rstrip("/")}
    answer = httpx.post(f"{box.page_url}ui/action/{action}", data=form, headers=same)
    assert answer.status_code == 303
    shown = httpx.get(box.page_url.rstrip("/") + answer.headers["location"]).text
    assert "Not done: " in shown and says in shown.replace("&#39;", "'")
    assert (box.now, box.config.webhook_url, box.config.webhook_drop, box.faults.rate) == before


def test_every_sandbox_serves_the_page_without_a_key(box: Sandbox) -> None:
    answer = httpx.get(box.page_url)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert httpx.get(box.page_url + "ui/nothing").status_code == 404
    assert httpx.post(box.base_url + "/register", json=[]).status_code == 401  # the API still asks


_text = st.text(st.characters(codec="utf-8"), max_size=60)


_ORIGIN = {b"host": b"127.0.0.1:1", b"origin": b"http://127.0.0.1:1"}


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    path=st.sampled_from(
        ["/", "/ui/shipment", "/ui/version", "/ui/action/advance", "/ui/action/webhook", "/ui/x"]
    ),
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT"]),
    query=_text,
    body=st.binary(max_size=300) | _text.map(str.encode),
)
def test_no_request_to_the_page_fails_it(
    fuzzed: Sandbox, path: str, method: str, query: str, body: bytes
) -> None:
    status, _, headers = page(fuzzed, method, path, quote(query, safe="=&").encode(), _ORIGIN, body)
    assert status in (200, 303, 403, 404, 405)
    assert (b"content-security-policy", dict(headers)[b"content-security-policy"]) in headers


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(tag=_text.filter(str.strip))
def test_any_tag_is_shown_escaped_on_both_pages(fuzzed: Sandbox, tag: str) -> None:
    fuzzed.engine.registrations["RR123456785CN"].tag = tag
    for path, query, shown in (
        ("/", b"", f'<td class="tag">{escape(tag)}</td>'),
        ("/ui/shipment", b"number=RR123456785CN", f'<dd class="tag">{escape(tag)}</dd>'),
    ):
        status, answer, _ = page(fuzzed, "GET", path, query, _ORIGIN, b"")
        assert status == 200 and shown in answer.decode()


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[Sandbox]:
    with Sandbox(api_keys=(unique_key(),), rate=1000) as sandbox:
        with _client(sandbox) as client:
            assert client.register(["RR123456785CN"]).ok
        yield sandbox
