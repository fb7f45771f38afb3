"""The sandbox's two wire formats, each a thin adapter over the one ``Engine``.

An adapter checks a request body's shape (a bad body is a refused request with 17TRACK's error
code, never a crash), turns it into the engine's items, and renders the engine's outcome in its
version's answer shape. ``/track/v1/...`` and ``/track/v2.4/...`` therefore share registrations,
quota, clock, faults and each key's rate window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
from attrs import frozen

from track17_facade.codes import ErrorCode
from track17_facade.sandbox._engine import Engine, Registration
from track17_facade.sandbox._webhooks import v1_17track_track, v2_track_info
from track17_facade.status import MainStatus

MAX_ITEMS = 40
PAGE_SIZE_V2 = 40
Json = dict[str, Any]
Event = Literal["TRACKING_UPDATED", "TRACKING_STOPPED"]
Pushes = list[tuple[Event, list[Registration]]]
Handler = Callable[["Engine", Any, bool], tuple[Json, Pushes]]


class BadRequestError(ValueError):
    """A body of the wrong shape: the request is refused with ``code``."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def batch_body(accepted: list[Json], rejected: list[Json]) -> Json:
    """The accepted/rejected envelope of a processed request."""
    return {"code": 0, "data": {"accepted": accepted, "rejected": rejected}}


def refused_body(code: ErrorCode, message: str, *, batch: bool = True) -> Json:
    """The envelope of a request refused as a whole (``batch``: with empty item lists)."""
    error = {"code": int(code), "message": message}
    data: Json = {"accepted": [], "rejected": [], "errors": [error]} if batch else {"errors": [error]}
    return {"code": int(code), "data": data}


BATCHLESS = frozenset({"getquota"})
"""Operations whose answer has no accepted/rejected lists."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _items(body: object) -> list[Json]:
    """A list body of at most 40 objects, each with a string ``number``."""
    if not isinstance(body, list):
        raise BadRequestError(ErrorCode.SUBMITTED_DATA_INVALID, "body must be a JSON array of items")
    if len(body) > MAX_ITEMS:
        raise BadRequestError(
            ErrorCode.TOO_MANY_NUMBERS, f"{len(body)} items in one request; at most {MAX_ITEMS} are allowed"
        )
    for index, item in enumerate(body):
        if not isinstance(item, dict):
            raise BadRequestError(ErrorCode.SUBMITTED_DATA_INVALID, f"item {index} must be an object")
        if not isinstance(item.get("number"), str):
            raise BadRequestError(ErrorCode.FIELD_REQUIRED, f"item {index}: 'number' must be a string")
    return body


def _int_field(item: Mapping[str, Any], index: int, name: str, *, required: bool = False) -> None:
    value = item.get(name)
    if value is None and not required:
        return
    if not _is_int(value):
        code = ErrorCode.NEW_CARRIER_REQUIRED if required else ErrorCode.FIELD_VALUE_INVALID
        raise BadRequestError(code, f"item {index}: '{name}' must be an integer")


def _str_field(item: Mapping[str, Any], index: int, name: str) -> None:
    value = item.get(name)
    if value is not None and not isinstance(value, str):
        raise BadRequestError(ErrorCode.FIELD_VALUE_INVALID, f"item {index}: '{name}' must be a string")


def _bool_field(item: Mapping[str, Any], index: int, name: str) -> None:
    value = item.get(name)
    if value is not None and not isinstance(value, bool):
        raise BadRequestError(ErrorCode.FIELD_VALUE_INVALID, f"item {index}: '{name}' must be a boolean")


def _object_body(body: object) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise BadRequestError(ErrorCode.SUBMITTED_DATA_INVALID, "body must be a JSON object")
    return body


def _page_no(body: Mapping[str, Any], name: str) -> int:
    page = body.get(name, 1)
    if not _is_int(page) or page < 1:
        raise BadRequestError(ErrorCode.FIELD_VALUE_INVALID, f"'{name}' must be an integer >= 1")
    return int(page)


@frozen
class Wire:
    """One API version's paths and shapes over the engine."""

    version: str
    prefix: str
    handlers: Mapping[str, Handler]

    def run(self, engine: Engine, operation: str, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
        """The answer to one operation (the caller holds the sandbox lock), and pushes to send."""
        return self.handlers[operation](engine, body, webhook_set)


# -- v1: the contract in openapi.yaml -------------------------------------------------------------


def _v1_checked(body: object, carrier: str = "absent", tag: bool = False) -> list[Json]:
    items = _items(body)
    for index, item in enumerate(items):
        if carrier != "absent":
            _int_field(item, index, "carrier", required=carrier == "required")
        if tag:
            _str_field(item, index, "tag")
    return items


def _plain(method: Callable[[Engine, list[Json]], tuple[list[Json], list[Json]]], **shape: Any) -> Handler:
    def handle(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
        accepted, rejected = method(engine, _v1_checked(body, **shape))
        return batch_body(accepted, rejected), []

    return handle


def _stop(render: Callable[[list[Json]], list[Json]]) -> Handler:
    def handle(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
        (accepted, rejected), stopped = engine.stop_track(_items(body))
        return batch_body(render(accepted), rejected), [("TRACKING_STOPPED", stopped)]

    return handle


def _push(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    (accepted, rejected), to_push = engine.push(_items(body), webhook_set=webhook_set)
    return batch_body(accepted, rejected), [("TRACKING_UPDATED", to_push)]


def _v1_track_list(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    query = _object_body(body)
    status, size = query.get("status"), query.get("page_size", 40)
    if status is not None and not _is_int(status):
        raise BadRequestError(ErrorCode.FIELD_VALUE_INVALID, "'status' must be an integer")
    page = _page_no(query, "page")
    if not _is_int(size) or not 1 <= size <= MAX_ITEMS:
        raise BadRequestError(
            ErrorCode.FIELD_VALUE_INVALID, f"'page_size' must be an integer from 1 to {MAX_ITEMS}"
        )
    listed = engine.track_list(status=status)
    start = (page - 1) * size
    return batch_body([{"number": reg.number} for reg in listed[start : start + size]], []), []


def _same(items: list[Json]) -> list[Json]:
    return items


V1 = Wire(
    "v1",
    "/track/v1",
    {
        "register": _plain(Engine.register, carrier="optional"),
        "gettrackinfo": _plain(Engine.get_track_info),
        "gettracklist": _v1_track_list,
        "stoptrack": _stop(_same),
        "retrack": _plain(Engine.retrack),
        "deletetrack": _plain(Engine.delete_track),
        "changecarrier": _plain(Engine.change_carrier, carrier="required"),
        "changeinfo": _plain(Engine.change_info, tag=True),
        "push": _push,
    },
)


# -- v1 as 17TRACK's service answers (SandboxConfig.v1_shape = "17track") -------------------------


def _v1_17track_register(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    """17TRACK's register answers echo the carrier used and how it was chosen (``origin``)."""
    accepted, rejected = engine.register(_v1_checked(body, carrier="optional"))
    echoed = []
    for item in accepted:
        reg = engine.registrations[item["number"]]
        echoed.append({"origin": reg.origin, "number": reg.number, "carrier": reg.carrier})
    return batch_body(echoed, rejected), []


def _v1_17track_track_info(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    accepted, rejected = engine.get_track_info(_v1_checked(body))
    rendered = [
        {
            "number": item["number"],
            "track": v1_17track_track(engine.registrations[item["number"]], engine.now),
        }
        for item in accepted
    ]
    return batch_body(rendered, rejected), []


def _v1_17track_track_list(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    """17TRACK's rows name the carrier (``w1``), the package status (``e``), the registration
    time (``rt``) and the tag; ``page`` stands beside ``code`` and ``data``."""
    answer, _ = _v1_track_list(engine, body, webhook_set)
    rows = []
    for listed in answer["data"]["accepted"]:
        reg = engine.registrations[listed["number"]]
        track = v1_17track_track(reg, engine.now)
        rows.append(
            {
                "number": reg.number,
                "w1": reg.carrier,
                "b": track["b"],
                "w2": track["w2"],
                "c": track["c"],
                "e": track["e"],
                "rt": reg.registered_at.strftime("%Y-%m-%d %H:%M:%S"),
                "tag": reg.tag,
            }
        )
    query = _object_body(body)
    size = query.get("page_size", MAX_ITEMS)
    total = len(engine.track_list(status=query.get("status")))
    page = {
        "data_total": total,
        "page_total": (total + size - 1) // size,
        "page_no": _page_no(query, "page"),
        "page_size": size,
    }
    return {"page": page, "code": 0, "data": {"accepted": rows}}, []


V1_17TRACK = attrs.evolve(
    V1,
    handlers={
        **V1.handlers,
        "register": _v1_17track_register,
        "gettrackinfo": _v1_17track_track_info,
        "gettracklist": _v1_17track_track_list,
    },
)
"""v1 as 17TRACK's service answers it: the same paths and rules, 17TRACK's shapes."""


# -- v2.4: the contract in openapi-v2.4.yaml ------------------------------------------------------

_REGISTER_TEXT = (
    "tag",
    "order_no",
    "order_time",
    "lang",
    "param",
    "destination_postal_code",
    "phone_number",
    "ship_date",
    "email",
    "remark",
)


def _v2_accepted(engine: Engine, accepted: list[Json]) -> list[Json]:
    """v2.4 echoes the carrier used (given or detected), how it was chosen, and the tag."""
    rendered = []
    for item in accepted:
        reg = engine.registrations.get(item["number"])
        if reg is None:  # deleted by this very request
            rendered.append({"number": item["number"]})
            continue
        rendered.append({"number": reg.number, "carrier": reg.carrier, "origin": reg.origin, "tag": reg.tag})
    return rendered


def _v2_register(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    items = _items(body)
    for index, item in enumerate(items):
        _int_field(item, index, "carrier")
        _int_field(item, index, "final_carrier")
        _bool_field(item, index, "auto_detection")
        for name in _REGISTER_TEXT:
            _str_field(item, index, name)
    accepted, rejected = engine.register(items, "v2.4")
    for item in rejected:  # v2.4 names the carrier beside a refusal: the registered one, else 0
        registered = engine.registrations.get(item["number"])
        item["carrier"] = 0 if registered is None else registered.carrier
    return batch_body(_v2_accepted(engine, accepted), rejected), []


def _v2_simple(method: Callable[[Engine, list[Json]], tuple[list[Json], list[Json]]]) -> Handler:
    def handle(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
        items = _items(body)
        for index, item in enumerate(items):
            _int_field(item, index, "carrier")
        accepted, rejected = method(engine, items)
        return batch_body(_v2_accepted(engine, accepted), rejected), []

    return handle


def _v2_stop(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    return _stop(lambda accepted: _v2_accepted(engine, accepted))(engine, body, webhook_set)


def _v2_change_carrier(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    items = _items(body)
    for index, item in enumerate(items):
        _int_field(item, index, "carrier_new", required=True)
        _int_field(item, index, "carrier_old")
        _int_field(item, index, "final_carrier_old")
        _int_field(item, index, "final_carrier_new")
    changes = [
        {"number": item["number"], "carrier": item["carrier_new"], "carrier_old": item.get("carrier_old")}
        for item in items
    ]
    accepted, rejected = engine.change_carrier(changes)
    for item in items:  # the last-mile carriers are kept as sent (Registration.sent)
        reg = engine.registrations.get(item["number"])
        if reg is not None and {"number": item["number"]} in accepted:
            reg.sent.update(
                {key: item[key] for key in ("final_carrier_old", "final_carrier_new") if key in item}
            )
    return batch_body(_v2_accepted(engine, accepted), rejected), []


def _v2_change_info(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    items = _items(body)
    changes = []
    for index, item in enumerate(items):
        fields = item.get("items")
        if not isinstance(fields, dict):
            raise BadRequestError(ErrorCode.FIELD_REQUIRED, f"item {index}: 'items' must be an object")
        _int_field(item, index, "carrier")
        for name in _REGISTER_TEXT:
            _str_field(fields, index, name)
        changes.append({"number": item["number"], **fields})
    accepted, rejected = engine.change_info(changes)
    return batch_body(_v2_accepted(engine, accepted), rejected), []


def track_info_item(engine: Engine, reg: Registration) -> Json:
    """One gettrackinfo item: the same ``track_info`` as a v2 push of the number."""
    return {
        "number": reg.number,
        "carrier": reg.carrier,
        "param": reg.param,
        "tag": reg.tag,
        "track_info": v2_track_info(reg, engine.now),
    }


def _v2_track_info(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    items = _items(body)
    accepted, rejected = engine.get_track_info(items)
    rendered = [track_info_item(engine, engine.registrations[item["number"]]) for item in accepted]
    return batch_body(rendered, rejected), []


CACHE_LEVELS: dict[object, str] = {"Standard": "Standard", "Instant": "Instant", 1: "Standard", 2: "Instant"}


def _v2_realtime(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    items = _items(body)
    levels = []
    for index, item in enumerate(items):
        _int_field(item, index, "carrier")
        level = item.get("cacheLevel", "Standard")
        if isinstance(level, bool) or level not in CACHE_LEVELS:
            raise BadRequestError(
                ErrorCode.FIELD_VALUE_INVALID,
                f'item {index}: \'cacheLevel\' must be "Standard" or "Instant" (or 1 or 2)',
            )
        levels.append(CACHE_LEVELS[level])
    found, rejected = engine.realtime(items, levels)
    return batch_body([track_info_item(engine, reg) for reg in found], rejected), []


def _v2_track_list(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    query = _object_body(body)
    for name in ("number", "tracking_status", "package_status", "register_time_from", "register_time_to"):
        _str_field(query, 0, name)
    _int_field(query, 0, "carrier")
    tracking = query.get("tracking_status")
    if tracking not in (None, "Tracking", "Stopped"):
        raise BadRequestError(ErrorCode.FIELD_VALUE_INVALID, "'tracking_status' must be Tracking or Stopped")
    package = query.get("package_status")
    status = None
    if package is not None:
        member = MainStatus.from_name(package)
        if not member.is_known:
            raise BadRequestError(
                ErrorCode.FIELD_VALUE_INVALID, f"'package_status' {package!r} is not a status"
            )
        status = int(member)
    page = _page_no(query, "page_no")
    numbers = (
        None if query.get("number") is None else {n.strip() for n in query["number"].split(",") if n.strip()}
    )
    listed = engine.track_list(
        status=status,
        stopped=None if tracking is None else tracking == "Stopped",
        numbers=numbers,
        carrier=query.get("carrier"),
    )
    start = (page - 1) * PAGE_SIZE_V2
    entries = [
        {
            "number": reg.number,
            "carrier": reg.carrier,
            "param": reg.param,
            "tag": reg.tag,
            "order_no": reg.order_no,
            "tracking_status": "Stopped" if reg.stopped_at is not None else "Tracking",
            "package_status": MainStatus(reg.status(engine.now)).name_17track,
            "register_time": reg.registered_at.isoformat() + "Z",
            "sync_status": True,  # a boolean, as in 17TRACK's examples
            "stop_track_reason": "ByRequest" if reg.stopped_at is not None else None,
            "push_status_code": None,
            "is_retracked": reg.retracked,
        }
        for reg in listed[start : start + PAGE_SIZE_V2]
    ]
    total = len(listed)
    page_info = {
        "data_total": total,
        "page_total": (total + PAGE_SIZE_V2 - 1) // PAGE_SIZE_V2,
        "page_no": page,
        "page_size": PAGE_SIZE_V2,
    }
    return {**batch_body(entries, []), "page": page_info}, []


def _v2_quota(engine: Engine, body: Any, webhook_set: bool) -> tuple[Json, Pushes]:
    if body is not None and not isinstance(body, (dict, list)):
        raise BadRequestError(ErrorCode.SUBMITTED_DATA_INVALID, "body must be an empty JSON object")
    return {"code": 0, "data": engine.quota_balance()}, []


V2_4 = Wire(
    "v2.4",
    "/track/v2.4",
    {
        "register": _v2_register,
        "gettrackinfo": _v2_track_info,
        "getRealTimeTrackInfo": _v2_realtime,
        "gettracklist": _v2_track_list,
        "getquota": _v2_quota,
        "stoptrack": _v2_stop,
        "retrack": _v2_simple(Engine.retrack),
        "deletetrack": _v2_simple(Engine.delete_track),
        "changecarrier": _v2_change_carrier,
        "changeinfo": _v2_change_info,
        "push": _push,
    },
)

WIRES: tuple[Wire, ...] = (V1, V2_4)


def url_for(root: str, api_version: str) -> str:
    """The base URL of one API version under a server root ("http://127.0.0.1:8017")."""
    for wire in WIRES:
        if wire.version == api_version:
            return root + wire.prefix
    raise ValueError(f"the sandbox speaks {', '.join(wire.version for wire in WIRES)}, not {api_version!r}")
