"""A real Chromium for the page's tests, driven by Playwright: Debian's ``chromium`` package (what
``.ci/run`` installs), or the browser named by ``TRACK17_CHROMIUM``. Absent: the tests fail in CI
and are skipped elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bench._browser import FLAGS, chromium_path
from tests.conftest import missing


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a module's page tests (Playwright's loop ends with the module)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install playwright)")
    path = chromium_path()
    if path is None:
        missing("no Chromium found (apt install chromium, or set TRACK17_CHROMIUM)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A fresh page in a fresh context; any script dialog (an ``alert``) fails the test."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
    assert not dialogs, f"the page ran a script it was given: {dialogs}"
