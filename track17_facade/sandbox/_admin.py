"""The admin routes under ``/_sandbox/``: the sandbox's Python control surface over HTTP, for a
sandbox in another process (``SandboxProcess``) or driven from a shell."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from track17_facade.sandbox._faults import RawAnswer

if TYPE_CHECKING:
    from track17_facade.sandbox._records import SandboxStats
    from track17_facade.sandbox._server import Sandbox

Json = dict[str, Any]
MAX_ADVANCE = 10 * 365 * 86400.0
"""The longest step ``advance`` takes, in seconds."""
Answer = tuple[int, Json, list[tuple[bytes, bytes]]]


def stats_json(stats: SandboxStats) -> Json:
    """The stats as JSON (status codes as string keys)."""
    fields = attrs.asdict(stats)
    fields["responses_by_status"] = {str(k): v for k, v in stats.responses_by_status.items()}
    return fields


def admin(sandbox: Sandbox, action: str, raw: bytes) -> Answer:
    """The answer to ``/_sandbox/<action>`` with body ``raw``; a 400 for a bad body, never a crash.

    Actions: ``advance {"seconds": N}``, ``stats``, ``faults {"enqueue": [...], "rate": R}``,
    ``webhook {"url": ..., "format": "v1" | "v2", "drop"/"repeat"/"reorder": shares}``,
    ``v1-shape {"shape": "contract" | "17track"}``, ``requests``, ``deliveries``,
    ``rotate-key {"overlap_seconds": N}`` (answers the new key), ``quota {"total": N | null}``.
    """
    try:
        body = json.loads(raw) if raw else {}
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        if action == "advance":
            seconds = body.get("seconds", 0)
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                raise ValueError(f"'seconds' must be a number, got {type(seconds).__name__}")
            if not 0 <= seconds <= MAX_ADVANCE:
                raise ValueError(f"'seconds' must be from 0 to {MAX_ADVANCE:.0f} (ten years), got {seconds}")
            pushes = sandbox.advance(timedelta(seconds=seconds))
            return 200, {"code": 0, "now": sandbox.now.isoformat(), "pushes": pushes}, []
        if action == "stats":
            return 200, {"code": 0, **stats_json(sandbox.stats())}, []
        if action == "faults":
            queued = body.get("enqueue", [])
            sandbox.faults.enqueue(*[RawAnswer.from_json(f) if isinstance(f, dict) else f for f in queued])
            if "rate" in body:
                sandbox.faults.configure(rate=float(body["rate"]))
            return 200, {"code": 0}, []
        if action == "webhook":
            sandbox.set_webhook(
                body.get("url"),
                body.get("format"),
                drop=body.get("drop"),
                repeat=body.get("repeat"),
                reorder=body.get("reorder"),
            )
            return 200, {"code": 0}, []
        if action == "rotate-key":
            overlap = body.get("overlap_seconds", 300)
            if (
                isinstance(overlap, bool)
                or not isinstance(overlap, int | float)
                or not 0 <= overlap <= MAX_ADVANCE
            ):
                raise ValueError(
                    f"'overlap_seconds' must be a number from 0 to {MAX_ADVANCE:.0f}, got {overlap!r}"
                )
            return 200, {"code": 0, "key": sandbox.rotate_key(timedelta(seconds=overlap))}, []
        if action == "quota":
            sandbox.set_quota(body.get("total"))
            return 200, {"code": 0}, []
        if action == "v1-shape":
            sandbox.set_v1_shape(str(body.get("shape")))
            return 200, {"code": 0}, []
        if action == "requests":
            return 200, {"code": 0, "requests": [attrs.asdict(record) for record in sandbox.requests()]}, []
        if action == "deliveries":
            return 200, {"code": 0, "deliveries": [record.to_json() for record in sandbox.deliveries()]}, []
    except (ValueError, TypeError, KeyError, RecursionError, OverflowError) as exc:
        message = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        return 400, {"code": 400, "message": f"bad admin request: {message[:300]}"}, []
    return 404, {"code": 404, "message": f"no such sandbox action: {action}"}, []
