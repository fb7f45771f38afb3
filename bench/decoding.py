"""Figures 5 and 6: decoding tracking answers, and verifying and parsing pushes."""

from __future__ import annotations

import datetime
import hashlib
import json
from functools import partial
from typing import Any

from bench._shared import numbers
from bench.report import best, record


def figure_decode(smoke: bool) -> None:
    from track17_client.models import TrackInfoResponse

    from track17_facade._batching import ItemKind, plan
    from track17_facade._operations import API_VERSIONS, batch_outcomes

    get_track_info = API_VERSIONS["v1"].get_track_info

    def event(i: int) -> dict[str, Any]:
        return {
            "z": 2,
            "s": 203,
            "a": "Leipzig, DE",
            "c": f"Departed from sorting centre {i}",
            "d": f"2026-01-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}",
        }

    items = [
        {"number": number, "carrier": 3011, "track": {"z0": event(29), "z1": [event(i) for i in range(30)]}}
        for number in numbers(40)
    ]
    body = json.dumps({"code": 0, "data": {"accepted": items, "rejected": []}}).encode()
    prepared = plan(ItemKind.NUMBER, [item["number"] for item in items]).items
    loads = best(lambda: json.loads(body), 20 if smoke else 100)
    generated = best(lambda: TrackInfoResponse.from_dict(json.loads(body)), 10 if smoke else 50)
    full = best(lambda: batch_outcomes(get_track_info, prepared, json.loads(body)), 10 if smoke else 50)
    record(
        "5. decode 40 x 30 events to TrackInfo",
        full / loads,
        "x loads",
        "<= 4",
        full / loads <= 4,
        f"{full * 1e3:.2f} ms; json.loads {loads * 1e3:.2f} ms; the generated models alone (which "
        f"the facade no longer builds for tracking answers) {generated / loads:.2f}x",
    )


def _loads_and_hash(body: bytes, key: str) -> object:
    return json.loads(body), hashlib.sha256(body + b"/" + key.encode()).hexdigest()


def figure_webhooks(smoke: bool) -> None:
    from track17_facade.sandbox._engine import Registration
    from track17_facade.sandbox._simulation import PlannedEvent
    from track17_facade.sandbox._webhooks import build_push
    from track17_facade.status import SubStatus
    from track17_facade.webhooks import compute_signature, parse_webhook

    start = datetime.datetime(2026, 1, 5, 8, 0)
    plan = tuple(
        PlannedEvent(
            start + datetime.timedelta(hours=3 * i),
            SubStatus.IN_TRANSIT_ARRIVAL,
            "Frankfurt, DE",
            f"Arrived at facility {i}",
        )
        for i in range(30)
    )
    registration = Registration("RR123456789CN", 3011, start, plan, tag="ORDER-1")
    now = start + datetime.timedelta(days=30)
    key = "bench-key"
    for fmt in ("v1", "v2"):
        body = build_push("TRACKING_UPDATED", registration, now, fmt)  # type: ignore[arg-type]
        sign = compute_signature(body, key)
        event = parse_webhook(body, sign=sign, api_key=key)
        assert event.track is not None and len(event.track.events) == 30
        number = 200 if smoke else 2000
        parse = best(partial(parse_webhook, body, sign=sign, api_key=key), number)
        base = best(partial(_loads_and_hash, body, key), number)
        record(
            f"6. webhook verify+parse, 30 events, {fmt}",
            1 / parse,
            "per second",
            ">= 5000",
            1 / parse >= 5000,
            f"{parse * 1e6:.0f} us",
        )
        record(
            f"6. webhook cost vs loads+sha256, {fmt}",
            parse / base,
            "x base",
            "<= 5",
            parse / base <= 5,
            f"base {base * 1e6:.0f} us",
        )
