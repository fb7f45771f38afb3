"""The sandbox's web page: what the sandbox holds and received, live, and buttons to drive it.

Served by the sandbox's own ASGI app at ``/`` (and ``/ui/...``), beside the API (under its
version roots) and the admin routes (``/_sandbox/``). Server-rendered HTML from Jinja2
templates with autoescaping on, so every text from outside (tags, event descriptions, URLs,
carrier names) is shown as text; the Content-Security-Policy allows only the page's own script
and stylesheet, so even a text that escaped would run nothing. A small script of our own
(``static/page.js``) keeps the page current: four times a second it asks ``/ui/version``, and
when anything changed it fetches the page again and swaps in the parts that show state. Nothing
is loaded from elsewhere: the page works offline and needs no build step.

The page needs no API key (it is a local tool, bound to 127.0.0.1 by default) and never shows
one. Its actions are POSTs accepted only from the page's own origin.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jinja2

from track17_facade.carriers import default_directory
from track17_facade.sandbox._records import RequestRecord
from track17_facade.sandbox._wire import WIRES
from track17_facade.status import MainStatus, SubStatus

if TYPE_CHECKING:
    from track17_facade.sandbox._delivery import DeliveryRecord
    from track17_facade.sandbox._engine import Registration
    from track17_facade.sandbox._server import Sandbox

__all__ = ["PAGE_PATH", "PAGE_SIZE", "PageAnswer", "is_page", "page"]

PAGE_PATH = "/ui"
"""Where the page's parts live (the page itself is ``/``)."""
PAGE_SIZE = 50
"""Shipments shown per page of the shipments table."""
SHOWN_RECORDS = 200
"""The newest requests and pushes the page lists (every one stays in ``requests()`` and
``deliveries()``)."""
CHART_SECONDS = 60
"""Seconds of requests the chart shows, up to now."""
MAX_FORM = 16 * 1024
"""The largest action form the page reads, in bytes."""

PageAnswer = tuple[int, bytes, list[tuple[bytes, bytes]]]
_HERE = Path(__file__).parent
_STATIC = {
    "page.js": "text/javascript; charset=utf-8",
    "page.css": "text/css; charset=utf-8",
}
_SECURITY = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
_VERSIONS = {wire.prefix: wire.version for wire in WIRES}
_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_HERE / "templates"),
    autoescape=True,  # every {{ value }} is escaped: tags, descriptions, URLs, carrier names
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def is_page(path: str) -> bool:
    """Whether ``path`` belongs to the page (no API key asked)."""
    return path == "/" or path.startswith(PAGE_PATH + "/")


def page(
    sandbox: Sandbox, method: str, path: str, query: bytes, headers: dict[bytes, bytes], body: bytes
) -> PageAnswer:
    """The answer to a request for the page, its parts or one of its actions."""
    params = {key: values[-1] for key, values in parse_qs(query.decode("latin-1")).items()}
    if method == "POST" and path.startswith(PAGE_PATH + "/action/"):
        return _act(sandbox, path.removeprefix(PAGE_PATH + "/action/"), headers, body)
    if method not in ("GET", "HEAD"):
        return _text(405, f"{path} takes GET")
    if path == "/":
        return _html(_environment.get_template("index.html").render(**_overview(sandbox, params)))
    if path == PAGE_PATH + "/shipment":
        view = _shipment(sandbox, params.get("number", ""), params.get("notice", ""))
        if view is None:
            return _text(404, f"no registered number {params.get('number', '')!r}")
        return _html(_environment.get_template("shipment.html").render(**view))
    if path == PAGE_PATH + "/version":
        return 200, _version(sandbox).encode(), [(b"content-type", b"text/plain"), *_SECURITY]
    name = path.removeprefix(PAGE_PATH + "/static/")
    if name in _STATIC:
        return (
            200,
            (_HERE / "static" / name).read_bytes(),
            [(b"content-type", _STATIC[name].encode()), *_SECURITY],
        )
    return _text(404, f"no such page: {path}")


# -- what the page shows ----------------------------------------------------------------------


def _version(sandbox: Sandbox) -> str:
    """Changes whenever anything the page shows changes (the script compares it)."""
    config = sandbox.config
    return "|".join(
        str(part)
        for part in (
            len(sandbox.requests()),
            len(sandbox.deliveries()),
            sandbox.now.isoformat(),
            len(sandbox.engine.registrations),
            sandbox.engine.quota_used,
            config.webhook_url,
            config.webhook_drop,
            config.webhook_repeat,
            config.webhook_reorder,
            sandbox.faults.rate,
        )
    )


def _status_name(value: int) -> str:
    """``2`` -> "In transit"."""
    return MainStatus(value).name.replace("_", " ").capitalize()


def _sub_status_name(value: int) -> str:
    """``SubStatus.IN_TRANSIT_PICKED_UP`` -> "Picked up" (its main status has a column of its own)."""
    sub_status = SubStatus(value)
    name = sub_status.name.removeprefix(sub_status.main_status.name + "_")
    return name.replace("_", " ").capitalize()


def _carrier_name(key: int) -> str:
    info = default_directory().get(key)
    return f"{info} ({key})" if info is not None else str(key)


def _row(registration: Registration, now: datetime) -> dict[str, Any]:
    events = registration.visible_events(now)
    latest = events[-1] if events else None
    return {
        "number": registration.number,
        "carrier": _carrier_name(registration.carrier),
        "tag": registration.tag or "",
        "status": _status_name(registration.status(now)),
        "sub_status": _sub_status_name(int(latest.sub_status)) if latest else "",
        "latest": f"{latest.at:%Y-%m-%d %H:%M} {latest.location}: {latest.description}" if latest else "",
        "tracked": registration.stopped_at is None,
        "api_version": registration.api_version,
        "link": f"{PAGE_PATH}/shipment?{urlencode({'number': registration.number})}",
    }


def _matches(registration: Registration, needle: str) -> bool:
    if not needle:
        return True
    texts = (registration.number, registration.tag or "", _carrier_name(registration.carrier))
    return any(needle in text.casefold() for text in texts)


def _overview(sandbox: Sandbox, params: dict[str, str]) -> dict[str, Any]:
    """Everything the main page shows."""
    needle = params.get("q", "").strip()
    with sandbox._lock:  # the engine is read under the sandbox's lock, as the API reads it
        now = sandbox.engine.now
        registrations = list(sandbox.engine.registrations.values())
        quota = sandbox.engine.quota_balance()
    found = [reg for reg in reversed(registrations) if _matches(reg, needle.casefold())]
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    number = min(max(1, _int(params.get("page"), 1)), pages)
    shown = found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]

    received = sandbox.requests()

    def link(page_number: int) -> str:
        return "/?" + urlencode({"q": needle, "page": page_number} if needle else {"page": page_number})

    return {
        **_header(sandbox, now, quota),
        "q": needle,
        "shipments": [_row(reg, now) for reg in shown],
        "found": len(found),
        "total": len(registrations),
        "page": number,
        "pages": pages,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < pages else None,
        "requests": _requests(received),
        "chart": _chart(received, sandbox.config.rate, sandbox.config.window),
        "pushes": _pushes(sandbox.deliveries()),
        "notice": params.get("notice", ""),
        "delivery": None,  # a number's own page offers "until delivered"
        "here": "/" + ("?" + urlencode({"q": needle, "page": number}) if needle or number > 1 else ""),
    }


def _header(sandbox: Sandbox, now: datetime, quota: dict[str, int]) -> dict[str, Any]:
    config = sandbox.config
    return {
        "clock": f"{now:%Y-%m-%d %H:%M}",
        "quota_used": quota["quota_used"],
        "quota_left": "no limit" if config.quota is None else f"{quota['quota_remain']:,}",
        "rate": f"{config.rate} per {config.window:g} s",
        "webhook": config.webhook_url or "",
        "webhook_format": config.webhook_format or "the version each number came through",
        "drop": config.webhook_drop,
        "repeat": config.webhook_repeat,
        "reorder": config.webhook_reorder,
        "fault_rate": sandbox.faults.rate,
        "version": _version(sandbox),
    }


def _wall(stamp: float) -> str:
    """A ``time.monotonic()`` stamp as the wall clock's time of day (UTC, milliseconds)."""
    moment = datetime.now(UTC) - timedelta(seconds=time.monotonic() - stamp)
    return f"{moment:%H:%M:%S}.{moment.microsecond // 1000:03d}"


def _requests(records: Sequence[RequestRecord]) -> list[dict[str, Any]]:
    api = [record for record in records if record.path.rpartition("/")[0] in _VERSIONS]
    return [
        {
            "time": _wall(record.arrived),
            "version": _VERSIONS[record.path.rpartition("/")[0]],
            "operation": record.path.rpartition("/")[2],
            "sent": "" if record.items is None else record.items,
            "accepted": "" if record.accepted is None else record.accepted,
            "rejected": "" if record.rejected is None else record.rejected,
            "status": record.status or "dropped",
            "fault": record.fault or "",
            "failed": record.status != 200,
        }
        for record in reversed(api[-SHOWN_RECORDS:])
    ]


def _chart(records: Iterable[RequestRecord], rate: int, window: float) -> dict[str, Any]:
    """Requests per second over the last ``CHART_SECONDS``, admitted and refused, as SVG bars
    against the limit's line."""
    now = time.monotonic()
    admitted: Counter[int] = Counter()
    refused: Counter[int] = Counter()
    for record in records:
        if record.path.rpartition("/")[0] not in _VERSIONS:
            continue
        ago = int(now - record.arrived)
        if 0 <= ago < CHART_SECONDS:
            (refused if record.status == 429 else admitted)[ago] += 1
    limit = rate / window
    top = max([limit * 1.5, *(admitted[s] + refused[s] for s in range(CHART_SECONDS))])
    width, height, bar = 600, 120, 600 / CHART_SECONDS
    bars = []
    for ago in range(CHART_SECONDS):
        x = width - (ago + 1) * bar
        ok, no = admitted[ago], refused[ago]
        if ok:
            bars.append(
                {"x": x, "y": height - ok / top * height, "h": ok / top * height, "w": bar - 1, "kind": "ok"}
            )
        if no:
            y = height - (ok + no) / top * height
            bars.append({"x": x, "y": y, "h": no / top * height, "w": bar - 1, "kind": "refused"})
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "limit_y": height - limit / top * height,
        "limit": f"{limit:g}",
        "total": sum(admitted.values()) + sum(refused.values()),
        "refused": sum(refused.values()),
    }


def _pushes(records: Sequence[DeliveryRecord]) -> list[dict[str, Any]]:
    rows = []
    for record in reversed(records[-SHOWN_RECORDS:]):
        if record.error == "dropped":
            outcome = "dropped"
        elif record.delivered:
            outcome = "delivered"
        else:
            outcome = "failed"
        rows.append(
            {
                "time": f"{record.finished_at:%H:%M:%S}" if record.finished_at else "",
                "number": record.number,
                "event": record.event,
                "url": record.url,
                "status": record.status_code if record.status_code is not None else "",
                "latency": f"{record.latency * 1000:.0f} ms" if record.latency is not None else "",
                "attempts": record.attempts,
                "copies": record.copies,
                "outcome": outcome,
                "reordered": record.reordered,
                "error": (record.redirect and f"redirected to {record.redirect}") or record.error or "",
            }
        )
    return rows


def _shipment(sandbox: Sandbox, number: str, notice: str) -> dict[str, Any] | None:
    """Everything a number's own page shows; None for a number not registered."""
    with sandbox._lock:
        now = sandbox.engine.now
        registration = sandbox.engine.registrations.get(number)
        quota = sandbox.engine.quota_balance()
    if registration is None:
        return None
    horizon = registration.stopped_at or now
    events = [
        {
            "at": f"{event.at:%Y-%m-%d %H:%M}",
            "status": _status_name(int(event.sub_status.main_status)),
            "sub_status": _sub_status_name(int(event.sub_status)),
            "location": event.location,
            "description": event.description,
            "past": event.at <= horizon,
        }
        for event in registration.plan
    ]
    marker = sum(event.at <= horizon for event in registration.plan)  # where "now" falls
    return {
        **_header(sandbox, now, quota),
        "shipment": _row(registration, now),
        "registered_at": f"{registration.registered_at:%Y-%m-%d %H:%M}",
        "stopped_at": f"{registration.stopped_at:%Y-%m-%d %H:%M}" if registration.stopped_at else "",
        "events": events,
        "marker": marker,
        "delivery": _delivery_time(registration, now),
        "pushes": _pushes([record for record in sandbox.deliveries() if record.number == number]),
        "notice": notice,
        "here": f"{PAGE_PATH}/shipment?{urlencode({'number': number})}",
    }


def _delivery_time(registration: Registration, now: datetime) -> datetime | None:
    """When the shipment's simulation delivers it, if that is still to come."""
    for event in registration.plan:
        if event.at > now and event.sub_status.main_status is MainStatus.DELIVERED:
            return event.at
    return None


# -- actions ----------------------------------------------------------------------------------


class _ActionError(ValueError):
    """An action's input was wrong: shown on the page, nothing changed."""


def _same_origin(headers: dict[bytes, bytes]) -> bool:
    """Whether a POST comes from the page itself: its ``Origin`` is this host (browsers send one
    with every POST), or, without one, the browser says so in ``Sec-Fetch-Site``."""
    host = headers.get(b"host", b"").decode("latin-1")
    origin = headers.get(b"origin")
    if origin is not None:
        parts = urlsplit(origin.decode("latin-1"))
        return parts.scheme == "http" and bool(host) and parts.netloc == host
    return headers.get(b"sec-fetch-site") == b"same-origin"


def _act(sandbox: Sandbox, action: str, headers: dict[bytes, bytes], body: bytes) -> PageAnswer:
    if not _same_origin(headers):
        return _text(403, "the page's actions take POSTs from the page itself only")
    if len(body) > MAX_FORM:
        return _text(413, f"a form over {MAX_FORM} bytes")
    form = {key: values[-1] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
    back = form.get("back", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    actions: dict[str, Callable[[Sandbox, dict[str, str]], str]] = {
        "advance": _advance,
        "push": _push,
        "webhook": _webhook,
        "faults": _faults,
    }
    act = actions.get(action)
    if act is None:
        return _text(404, f"no such action: {action}")
    try:
        notice = act(sandbox, form)
    except _ActionError as exc:
        notice = f"Not done: {exc}"
    location = f"{back}{'&' if '?' in back else '?'}{urlencode({'notice': notice})}"
    return 303, b"", [(b"location", location.encode("utf-8")), *_SECURITY]


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _share(form: dict[str, str], name: str) -> float:
    text = form.get(name, "").strip() or "0"
    try:
        share = float(text)
    except ValueError:
        raise _ActionError(f"{name} must be a number from 0 to 1, got {text!r}") from None
    if not 0 <= share <= 1:
        raise _ActionError(f"{name} must be from 0 to 1, got {text}")
    return share


def _advance(sandbox: Sandbox, form: dict[str, str]) -> str:
    if form.get("until") == "delivered":
        number = form.get("number", "")
        registration = sandbox.engine.registrations.get(number)
        if registration is None:
            raise _ActionError(f"no registered number {number!r}")
        when = _delivery_time(registration, sandbox.now)
        if when is None:
            raise _ActionError(f"{number} has no delivery to come in its simulation")
        pushes = sandbox.advance(when - sandbox.now)
        return f"Advanced to {when:%Y-%m-%d %H:%M}, when {number} is delivered; {pushes} pushes queued."
    seconds = _int(form.get("seconds"), -1)
    if not 0 < seconds <= 365 * 86400:
        raise _ActionError("advance by 1 second to a year")
    pushes = sandbox.advance(timedelta(seconds=seconds))
    return f"Advanced to {sandbox.now:%Y-%m-%d %H:%M}; {pushes} pushes queued."


def _push(sandbox: Sandbox, form: dict[str, str]) -> str:
    number = form.get("number", "")
    try:
        sandbox.push_now(number)
    except (KeyError, ValueError) as exc:
        raise _ActionError(str(exc.args[0]) if exc.args else str(exc)) from None
    return f"Pushed {number}."


def _webhook(sandbox: Sandbox, form: dict[str, str]) -> str:
    url = form.get("url", "").strip() or None
    drop, repeat, reorder = (_share(form, name) for name in ("drop", "repeat", "reorder"))
    try:
        sandbox.set_webhook(url, drop=drop, repeat=repeat, reorder=reorder)
    except ValueError as exc:
        raise _ActionError(str(exc)) from None
    return f"Pushes go to {url}." if url else "Pushes go nowhere."


def _faults(sandbox: Sandbox, form: dict[str, str]) -> str:
    rate = _share(form, "rate")
    sandbox.faults.configure(rate=rate)
    return f"{rate:.0%} of API requests fail at random."


# -- answers ----------------------------------------------------------------------------------


def _html(text: str) -> PageAnswer:
    return 200, text.encode("utf-8"), [(b"content-type", b"text/html; charset=utf-8"), *_SECURITY]


def _text(status: int, message: str) -> PageAnswer:
    return status, message.encode("utf-8"), [(b"content-type", b"text/plain; charset=utf-8"), *_SECURITY]
