"""The documentation site as a reader sees it, in a real Chromium: built once (``mkdocs build``
into a temporary directory), served over loopback, and no page scrolls sideways on a phone
(390 px) or a laptop (1280 px). A code block or a table too wide scrolls inside its own box;
the page itself must not."""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.browser import browser
from tests.conftest import missing
from tests.readme import ROOT

__all__ = ["browser"]

WIDTHS = (390, 1280)
WIDE = 1280  # where both sidebars show: every code block holds its 88 columns without scrolling
# Every kind of page: the path to a webhook, the guides with the widest tables and code, and the
# reference pages with the longest signatures and docstring examples. On a busy 2-core machine
# the build takes 9 s, these 12 pages at both widths 18 s, all 27 pages 35 s.
PAGES = (
    "",
    "getting-started/",
    "guides/webhooks/",
    "guides/clients/",
    "guides/testing/",
    "guides/performance/",
    "guides/shipments/",
    "guides/cli/",
    "reference/clients/",
    "reference/models/",
    "reference/pacing/",
    "reference/shipments/",
)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The site, built strictly once for the module, at a loopback URL, and its pages."""
    if importlib.util.find_spec("mkdocs") is None:
        missing("mkdocs is not installed (the docs dependency group)")
    built = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(built)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        pages = sorted(
            f"{page.parent.relative_to(built).as_posix()}/".removeprefix("./")
            for page in built.rglob("index.html")
        )
        yield f"http://127.0.0.1:{server.server_address[1]}/", pages
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(browser: Any, site: tuple[str, list[str]], width: int) -> None:
    url, pages = site
    assert set(PAGES) <= set(pages), "a page to check is no longer built"
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    wide = []
    try:
        for path in PAGES:
            answer = page.goto(url + path, wait_until="domcontentloaded")
            assert answer is not None and answer.status == 200, path
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide.append(f"/{path}: {overflow} px too wide")
            if width == WIDE:
                scrolled = page.evaluate(
                    "[...document.querySelectorAll('.md-content pre > code')]"
                    ".filter(code => code.scrollWidth > code.clientWidth).length"
                )
                if scrolled:
                    wide.append(f"/{path}: {scrolled} code blocks scroll sideways")
    finally:
        context.close()
    assert wide == [], f"at {width} px"
