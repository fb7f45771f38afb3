"""Screenshots of the documentation site, as a reader sees it on a laptop (1280 px) and a phone
(390 px): ``nox -s screenshots`` (or ``python -m docs.site_screenshots`` from the repository's
root) builds the site, serves it on loopback and writes ``docs/images/site-*.png`` from a real
Chromium. It also prints how many screens each page is at each width: the length of the
newcomer's path from the home page to a received webhook.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench._browser import FLAGS, chromium_path

IMAGES = Path(__file__).parent / "images"
ROOT = Path(__file__).parent.parent
HEIGHTS = {1280: 800, 390: 844}  # a laptop's viewport, a phone's
SHOTS = {  # the image's name: the page (and the place on it) it shows
    "home": "",
    "getting-started": "getting-started/",
    "webhooks": "guides/webhooks/",
    "reference": "reference/models/#track17_facade.models.TrackInfo",
}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    """Build, serve and photograph the site; print each page's length in screens."""
    path = chromium_path()
    if path is None:
        print(
            "no Chromium found (apt install chromium, or set TRACK17_CHROMIUM)",
            file=sys.stderr,
        )
        return 1
    with tempfile.TemporaryDirectory() as built:
        subprocess.run(  # noqa: S603 (this interpreter's mkdocs, on the project's config)
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "--quiet",
                "--site-dir",
                built,
            ],
            cwd=ROOT,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        handler = functools.partial(_Quiet, directory=built)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=FLAGS)
            for width, height in HEIGHTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name, where in SHOTS.items():
                    page.goto(site + where, wait_until="networkidle")
                    # the header's title slides in after a jump to an anchor: let it settle
                    page.wait_for_timeout(400)
                    image = IMAGES / f"site-{name}-{width}.png"
                    page.screenshot(path=image)
                    screens = page.evaluate(
                        "document.documentElement.scrollHeight / window.innerHeight"
                    )
                    print(
                        f"{image.relative_to(ROOT)}: /{where.split('#')[0]} is {screens:.1f} screens"
                    )
                page.close()
            browser.close()
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
