"""Screenshots of the sandbox's web page, for the docs: ``nox -s screenshots`` (or ``python -m
docs.screenshots`` from the repository's root) writes ``docs/images/sandbox-*.png`` from a real
Chromium.

The scene: a shop registers two dozen orders' numbers through API v2.4 and asks about some of
them at the limit's pace, one request meets an injected 503, a burst from a script that ignores
the limit draws 429s, two sandbox days pass, and the shop's receiver fails every push about two
of the orders.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from bench._browser import FLAGS, chromium_path
from track17_facade import Registration, Track17Client
from track17_facade.sandbox import FaultKind, Sandbox

IMAGES = Path(__file__).parent / "images"


class _BuggyReceiver(BaseHTTPRequestHandler):
    """A receiver with a bug: it answers 500 to every push about two of the orders."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(
            500 if b"RR000000035CN" in body or b"1Z999AA10123456784" in body else 200
        )
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _scene(sandbox: Sandbox, receiver: str) -> None:
    sandbox.set_webhook(receiver)
    orders = [
        Registration(f"RR{index:08d}5CN", tag=f"order-{1040 + index}")
        for index in range(20)
    ]
    orders += [Registration("1Z999AA10123456784", "UPS", tag="order-1060")]
    orders += [
        Registration(f"{index}00123456789", "FedEx", tag=f"order-{1061 + index}")
        for index in range(3)
    ]
    with Track17Client(
        sandbox.api_key, api_version="v2.4", base_url=sandbox.base_url_for("v2.4")
    ) as client:
        sandbox.faults.enqueue(FaultKind.HTTP_503)
        client.register(orders)
        for order in orders[:9]:  # three a second, as the client paces them
            client.get_track_info([order.number])
    with httpx.Client(
        base_url=sandbox.base_url_for("v2.4"), headers={"17token": sandbox.api_key}
    ) as raw:
        for _ in range(6):  # a script that ignores the limit
            raw.post("/gettracklist", json={})
    for _ in range(2):
        sandbox.advance(days=1)
    sandbox.wait_for_deliveries(timeout=30)


def main() -> int:
    chromium = chromium_path()
    if chromium is None:
        print(
            "no Chromium found: apt install chromium, or set TRACK17_CHROMIUM",
            file=sys.stderr,
        )
        return 1
    IMAGES.mkdir(exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BuggyReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver = f"http://127.0.0.1:{server.server_address[1]}/webhooks/17track"
    with (
        Sandbox(webhook_retry_delays=(0.05,)) as sandbox,
        sync_playwright() as playwright,
    ):
        _scene(sandbox, receiver)
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(
            viewport={"width": 1360, "height": 860}, device_scale_factor=1
        )
        page.goto(sandbox.page_url)
        page.screenshot(path=IMAGES / "sandbox-shipments.png")
        page.locator("h2", has_text="Requests").evaluate(
            "heading => heading.scrollIntoView()"
        )
        page.screenshot(path=IMAGES / "sandbox-requests.png")
        page.locator("h2", has_text="Pushes").evaluate(
            "heading => heading.scrollIntoView()"
        )
        page.screenshot(path=IMAGES / "sandbox-pushes.png")
        page.goto(f"{sandbox.page_url}ui/shipment?number=RR000000035CN")
        page.screenshot(path=IMAGES / "sandbox-shipment.png")
        browser.close()
    server.shutdown()
    for image in sorted(IMAGES.glob("sandbox-*.png")):
        print(
            f"written {image.relative_to(Path.cwd()) if image.is_relative_to(Path.cwd()) else image}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
