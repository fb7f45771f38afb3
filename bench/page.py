"""Figure 18: the sandbox's web page with 10,000 numbers registered: the first page in a real
browser, the server's share of it, and how soon a number registered through the API shows on a
page already open.

The browser is Chromium driven by Playwright (the system's ``chromium``, or ``TRACK17_CHROMIUM``);
without either, the browser rows say so and only the server's time is measured.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import httpx

from bench._browser import FLAGS, chromium_path
from bench._shared import fresh_key, numbers
from bench.report import record
from track17_facade import Track17Client
from track17_facade.ratelimit import SlidingWindowLimiter
from track17_facade.sandbox import Sandbox

COUNT = 10_000


def figure_page(smoke: bool) -> None:
    runs = 5 if smoke else 15
    key = fresh_key()
    with Sandbox(api_keys=(key,), rate=1000) as box:
        limiter = SlidingWindowLimiter(1000, 1.0, assume_used=False)
        with Track17Client(key, base_url=box.base_url, rate_limiter=limiter) as client:
            assert client.register(numbers(COUNT)).ok
            server = []
            with httpx.Client() as http:
                for _ in range(runs):
                    started = time.perf_counter()
                    http.get(box.page_url).raise_for_status()
                    server.append(time.perf_counter() - started)
            rendered = statistics.median(server)
            record(
                f"18. the page of a {COUNT:,}-number sandbox: the server's answer",
                rendered,
                "s",
                "<= 0.2",
                rendered <= 0.2,
                f"median of {runs} GET / over loopback (the first 50 numbers, the newest 200 requests)",
            )
            _in_browser(box, client, runs)


def _in_browser(box: Sandbox, client: Track17Client, runs: int) -> None:
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        path = None
    if path is None:
        record(
            f"18. the page of a {COUNT:,}-number sandbox in Chromium",
            0,
            "s",
            "<= 1",
            None,
            "no Chromium here",
        )
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=FLAGS)
        try:
            loads = []
            for _ in range(runs):
                page = browser.new_page()
                started = time.perf_counter()
                page.goto(box.page_url, wait_until="load")
                loads.append(time.perf_counter() - started)
                page.close()
            load = statistics.median(loads)
            record(
                f"18. the page of a {COUNT:,}-number sandbox: first page loaded in Chromium",
                load,
                "s",
                "<= 1",
                load <= 1,
                f"median of {runs} navigations to the load event, each in a new tab",
            )
            shown = _live(browser.new_page(), box, client, runs)
            record(
                "18. a number registered through the API, shown on the open page",
                shown,
                "s",
                "<= 1",
                shown <= 1,
                f"median of {runs}: from the register call's return to its row on the page",
            )
        finally:
            browser.close()


def _live(page: Any, box: Sandbox, client: Track17Client, runs: int) -> float:
    page.goto(box.page_url, wait_until="load")
    waits = []
    for index in range(runs):
        number = f"LV{index:09d}CN"
        assert client.register([number]).ok
        started = time.perf_counter()
        page.wait_for_selector(f'tr[data-number="{number}"]', timeout=10_000)
        waits.append(time.perf_counter() - started)
    return statistics.median(waits)
