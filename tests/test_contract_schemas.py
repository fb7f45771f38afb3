"""The facade against the contracts themselves, not only against our sandbox.

Answers are generated from the contracts' own response schemas (a small strategy below:
hypothesis-jsonschema 0.23.1 no longer runs with this Hypothesis) and read by the facade's real
readers; a table says where each field the contract defines lands (a ``TrackInfo`` attribute, or
``raw`` only), and every generated example is checked against it. A field the contract adds, and
the table does not place, fails naming its path; so does a field that does not land where the
table says. The request side: every request field of both contracts is sent by the facade's body
builders, or listed in ``contract-exposure.yaml`` with why.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import contracts
from tests.contracts import ROOT
from track17_facade import CarrierChange, InfoChange, Registration, _fields
from track17_facade._batching import ItemKind, Prepared, plan
from track17_facade._decoders import same_name
from track17_facade._operations import API_VERSIONS, TrackListQuery
from track17_facade.carriers import Carrier
from track17_facade.models import INFO_CHANGE_TEXT, TrackEvent, TrackInfo
from track17_facade.status import MainStatus, SubStatus, TrackingStatus

EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
WORDS = [
    *(status.name_17track for status in MainStatus),
    *(sub.name_17track for sub in SubStatus),
    "2026-01-05T08:00:00+01:00",
    "2026-01-05 08:00",
    "-46.633309",
    "",
]
"""Strings a schema's text may take besides random ones, so statuses and times are read too."""


def strategy(schema: Any) -> st.SearchStrategy[Any]:
    """Values valid under a resolved (``$ref``-free) schema of the contracts' kind."""
    if "oneOf" in schema or "anyOf" in schema:
        return _mostly_not_null(
            [(strategy(option), option) for option in schema.get("oneOf", schema.get("anyOf"))]
        )
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return _mostly_not_null([(strategy({**schema, "type": kind}), {"type": kind}) for kind in kinds])
    if kinds == "object" or "properties" in schema:
        fields = {name: strategy(sub) for name, sub in schema.get("properties", {}).items()}
        required = set(schema.get("required", ()))
        some = st.fixed_dictionaries(
            {name: fields[name] for name in required},
            optional={name: value for name, value in fields.items() if name not in required},
        )
        # Every field most of the time: a deep field (an event's address) then comes often.
        return st.one_of(*[st.fixed_dictionaries(fields)] * 3, some)
    if kinds == "array":
        most = min(2, schema.get("maxItems", 2))
        entries = strategy(schema.get("items", {}))
        return st.one_of(st.lists(entries, min_size=min(1, most), max_size=most), st.just([]))
    if kinds == "string":  # short: a whole answer must fit Hypothesis's budget of random bytes
        return st.one_of(st.sampled_from(WORDS), st.text(alphabet="aZ9 ,é", max_size=4))
    if kinds == "integer":
        return st.integers(min_value=schema.get("minimum", -(2**31)), max_value=2**31)
    if kinds == "number":
        return st.floats(min_value=-1e6, max_value=1e6)
    if kinds == "boolean":
        return st.booleans()
    return st.none()


def _mostly_not_null(options: list[tuple[st.SearchStrategy[Any], Any]]) -> st.SearchStrategy[Any]:
    """One of the options, ``null`` (the last option, where the schema allows it) a quarter of
    the time or less, so that nested objects come often enough to be read."""
    null = [option for option, schema in options if schema.get("type") == "null"]
    others = [option for option, schema in options if schema.get("type") != "null"]
    return st.one_of([*(others * 3), *null])


def component(contract: contracts.Contract, name: str) -> Any:
    return contract.resolve(contract.spec["components"]["schemas"][name])


# -- where each field lands ---------------------------------------------------------------------

Check = Callable[[Any, TrackInfo], str | None]
"""(the generated item, what the facade read) -> None, or what went wrong."""
RAW: Check | None = None
"""A field the facade keeps in ``TrackInfo.raw`` only (nothing to check beyond that)."""


def gather(node: Any, path: str) -> Iterator[Any]:
    """The values at ``path`` ("a.b[].c"), None where an object lacks the last key."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(node, dict):
        return
    value = node.get(key)
    if many:
        for entry in value if isinstance(value, list) else ():
            yield from gather(entry, rest) if rest else iter([entry])
    elif rest:
        yield from gather(value, rest)
    else:
        yield value


def _at(node: Any, path: str) -> Any:
    """The value at a dotted path in one object, None where any step is absent or null."""
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _events(info: TrackInfo) -> tuple[TrackEvent, ...]:
    return info.events


def same_events(
    path: str, read: Callable[[TrackEvent], Any], norm: Callable[[Any], Any] = lambda v: v
) -> Check:
    """The multiset of ``path``'s values over every event equals that of ``read`` over
    ``TrackInfo.events`` (each event lands once, whatever its place)."""

    inner = path.removeprefix(f"{EVENTS}.")

    def check(item: Any, info: TrackInfo) -> str | None:
        events = [event for event in gather(item, EVENTS) if isinstance(event, dict)]
        wire = Counter(repr(norm(_at(event, inner))) for event in events)
        got = Counter(repr(norm(read(event))) for event in _events(info))
        return None if wire == got else f"wire {sorted(wire.elements())} read as {sorted(got.elements())}"

    return check


EVENTS = "track_info.tracking.providers[].events[]"


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _address(field: str) -> Callable[[TrackEvent], Any]:
    return lambda event: getattr(event.address, field) if event.address else None


def equals(path: str, read: Callable[[TrackInfo], Any], norm: Callable[[Any], Any] = lambda v: v) -> Check:
    def check(item: Any, info: TrackInfo) -> str | None:
        (wire,) = list(gather(item, path)) or [None]
        got = read(info)
        return None if norm(wire) == got else f"wire {wire!r} read as {got!r}"

    return check


def status_named(path: str, read: Callable[[TrackInfo], MainStatus | SubStatus]) -> Check:
    def check(item: Any, info: TrackInfo) -> str | None:
        (wire,) = list(gather(item, path)) or [None]
        status = read(info)
        if not isinstance(wire, str):
            return None  # the other field decides
        shown = status.name_17track if status.is_known else status.raw
        return None if shown == wire else f"wire {wire!r} read as {status!r}"

    return check


def first_provider_name(item: Any, info: TrackInfo) -> str | None:
    names = [name for name in gather(item, "track_info.tracking.providers[].provider.name") if name]
    providers = [p for p in gather(item, "track_info.tracking.providers[]") if isinstance(p, dict)]
    stated = [
        (p.get("provider") or {}).get("name") for p in providers if isinstance(p.get("provider") or {}, dict)
    ]
    expected = next((name for name in stated if name is not None), None)
    return (
        None if info.provider == expected or (not names and not info.provider) else f"read {info.provider!r}"
    )


def tips(item: Any, info: TrackInfo) -> str | None:
    listed = [
        *gather(item, "track_info.provider_tips[].tip"),
        *gather(item, "track_info.tracking.providers[].provider_tips[].tip"),
    ]
    expected = tuple(tip for tip in listed if tip)
    return None if info.provider_tips == expected else f"wire {expected!r} read as {info.provider_tips!r}"


def milestones(item: Any, info: TrackInfo) -> str | None:
    expected = [stage for stage in gather(item, "track_info.milestone[].key_stage") if stage]
    got = [milestone.stage for milestone in info.milestones]
    return None if got == expected else f"wire {expected!r} read as {got!r}"


def latest_description(item: Any, info: TrackInfo) -> str | None:
    (latest,) = list(gather(item, "track_info.latest_event")) or [None]
    if not isinstance(latest, dict) or not latest.get("description"):
        return None
    got = info.latest_event.description if info.latest_event else None
    return None if got == latest["description"] else f"wire {latest['description']!r} read as {got!r}"


def iso_times(path: str) -> Check:
    """Every time that parses lands as an event's ``time`` (a fallback field may fill others)."""

    def check(item: Any, info: TrackInfo) -> str | None:
        wire = Counter(parsed for value in gather(item, path) if (parsed := _parsed(value)) is not None)
        got = Counter(event.time for event in info.events if event.time is not None)
        missing = wire - got
        return None if not missing else f"times {sorted(map(str, missing))} not read"

    return check


def _parsed(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> Any:
    return value or None


V2_ITEM: dict[str, Check | None] = {
    "number": equals("number", lambda info: info.number, lambda v: v if isinstance(v, str) else SENT),
    "carrier": equals("carrier", lambda info: None if info.carrier is None else int(info.carrier)),
    "tag": equals("tag", lambda info: info.tag),
    "param": RAW,
    "origin_country": RAW,
    "destination_country": RAW,
    "destination_postal_code": RAW,
    "phone_number_last_4": RAW,
    "ship_date": RAW,
    "track_info.latest_status.status": status_named("track_info.latest_status.status", lambda i: i.status),
    "track_info.latest_status.sub_status": status_named(
        "track_info.latest_status.sub_status", lambda i: i.sub_status
    ),
    "track_info.latest_status.sub_status_descr": RAW,
    "track_info.shipping_info.shipper_address.country": equals(
        "track_info.shipping_info.shipper_address.country", lambda i: i.shipping_country
    ),
    "track_info.shipping_info.recipient_address.country": equals(
        "track_info.shipping_info.recipient_address.country", lambda i: i.recipient_country
    ),
    **{
        f"track_info.shipping_info.{side}.{field}": RAW
        for side in ("shipper_address", "recipient_address")
        for field in (
            "state",
            "city",
            "street",
            "postal_code",
            "coordinates.longitude",
            "coordinates.latitude",
        )
    },
    "track_info.latest_event.description": latest_description,
    **{
        f"track_info.latest_event.{field}": RAW  # the latest event also stands in events (see TrackInfo)
        for field in (
            "time_iso",
            "time_utc",
            "time_raw.date",
            "time_raw.time",
            "time_raw.timezone",
            "location",
            "stage",
            "sub_status",
            "address.country",
            "address.state",
            "address.city",
            "address.street",
            "address.postal_code",
            "address.coordinates.longitude",
            "address.coordinates.latitude",
            "description_translation.lang",
            "description_translation.description",
        )
    },
    **{f"track_info.time_metrics.{field}": RAW for field in ("days_after_order", "days_of_transit")},
    "track_info.time_metrics.days_of_transit_done": RAW,
    "track_info.time_metrics.days_after_last_update": RAW,
    **{f"track_info.time_metrics.estimated_delivery_date.{field}": RAW for field in ("source", "from", "to")},
    "track_info.milestone[].key_stage": milestones,
    **{
        f"track_info.milestone[].{field}": RAW
        for field in ("time_iso", "time_utc", "time_raw.date", "time_raw.time", "time_raw.timezone")
    },
    **{
        f"track_info.misc_info.{field}": RAW
        for field in (
            "risk_factor",
            "service_type",
            "weight_raw",
            "weight_kg",
            "pieces",
            "dimensions",
            "customer_number",
            "reference_number",
            "local_number",
            "local_provider",
            "local_key",
        )
    },
    "track_info.tracking.providers_hash": RAW,
    "track_info.tracking.providers[].provider.name": first_provider_name,
    **{
        f"track_info.tracking.providers[].provider.{field}": RAW
        for field in ("key", "alias", "tel", "homepage", "country")
    },
    **{
        f"track_info.tracking.providers[].{field}": RAW
        for field in (
            "service_type",
            "latest_sync_status",
            "latest_sync_time",
            "events_hash",
            "provider_lang",
        )
    },
    "track_info.tracking.providers[].provider_tips[].tip": tips,
    "track_info.tracking.providers[].provider_tips[].time": RAW,
    "track_info.provider_tips[].tip": tips,
    "track_info.provider_tips[].time": RAW,
    f"{EVENTS}.description": same_events(f"{EVENTS}.description", lambda e: e.description),
    f"{EVENTS}.location": same_events(f"{EVENTS}.location", lambda e: e.location),
    f"{EVENTS}.stage": same_events(f"{EVENTS}.stage", lambda e: e.stage),
    f"{EVENTS}.sub_status": same_events(
        f"{EVENTS}.sub_status",
        lambda e: e.sub_status.name_17track if e.sub_status.is_known else e.sub_status.raw,
        lambda v: "NotFound_Other" if v is None else v,
    ),
    f"{EVENTS}.time_iso": iso_times(f"{EVENTS}.time_iso"),
    **{
        f"{EVENTS}.{field}": RAW  # the fallbacks of time (see TrackEvent.time and time_raw)
        for field in ("time_utc", "time_raw.date", "time_raw.time", "time_raw.timezone")
    },
    **{
        f"{EVENTS}.address.{field}": same_events(f"{EVENTS}.address.{field}", _address(field), _text)
        for field in ("country", "state", "city", "street", "postal_code")
    },
    **{
        f"{EVENTS}.address.coordinates.{field}": same_events(
            f"{EVENTS}.address.coordinates.{field}", _address(field), _float
        )
        for field in ("longitude", "latitude")
    },
    f"{EVENTS}.description_translation.description": same_events(
        f"{EVENTS}.description_translation.description", lambda e: e.description_translation, _text
    ),
    f"{EVENTS}.description_translation.lang": RAW,
}
"""Where each field of a v2.4 ``TrackInfoItem`` (gettrackinfo, getRealTimeTrackInfo; a push's
``data`` is the same but for the echoes) lands in the facade's ``TrackInfo``."""
SENT = "RR123456789CN"


def leaves(node: Any, prefix: str = "") -> Iterator[str]:
    """Every path to a scalar in a generated example ("a.b[].c")."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from leaves(value, f"{prefix}[]")
    elif prefix and node is not None:  # null: nothing to land (the schema test places the field)
        yield prefix


def schema_leaves(schema: Any, prefix: str = "") -> Iterator[str]:
    """Every path to a scalar field a (resolved) schema defines."""
    options = schema.get("oneOf") or schema.get("anyOf")
    if options:
        for option in options:
            yield from schema_leaves(option, prefix)
        return
    if "properties" in schema:
        for name, sub in schema["properties"].items():
            yield from schema_leaves(sub, f"{prefix}.{name}" if prefix else name)
    elif "items" in schema and ("array" in schema.get("type", ()) or schema.get("type") == "array"):
        yield from schema_leaves(schema["items"], f"{prefix}[]")
    elif prefix and schema.get("type") not in ("null", None):
        yield prefix


def test_the_table_places_every_field_the_v2_contract_defines() -> None:
    """A field the contract adds (or renames) and the table does not place fails here, by path."""
    defined = set(schema_leaves(component(contracts.v2_4(), "TrackInfoItem")))
    assert sorted(defined - set(V2_ITEM)) == [], "fields of TrackInfoItem the table does not place"
    assert sorted(set(V2_ITEM) - defined) == [], "fields the table places that the contract no longer defines"


@EXAMPLES
@given(strategy(component(contracts.v2_4(), "TrackInfoItem")))
def test_every_field_of_a_generated_v2_answer_lands_where_the_table_says(item: dict[str, Any]) -> None:
    read = API_VERSIONS["v2.4"].get_track_info.read
    info = read(
        item,
        "data.accepted[0]",
        Prepared(number if isinstance(number := item.get("number"), str) else SENT),
    )
    assert isinstance(info, TrackInfo)
    assert info.raw == (item.get("track_info") or {}) or item.get("track_info") is None
    for path in sorted(set(leaves(item))):
        assert path in V2_ITEM, f"{path}: the contract's field is not placed in the table"
        check = V2_ITEM[path]
        problem = None if check is None else check(item, info)
        assert problem is None, f"{path}: {problem}"


# -- v1: the contract's track ------------------------------------------------------------------

V1_EVENT = {"z": "status", "s": "sub_status", "a": "location", "c": "description", "d": "time_raw"}
"""The v1 contract's event fields and the TrackEvent attribute each lands in."""


@EXAMPLES
@given(
    strategy(
        component(contracts.v1(), "TrackInfoResponse")["properties"]["data"]["properties"]["accepted"][
            "items"
        ]
    )
)
def test_every_field_of_a_generated_v1_answer_lands_where_the_table_says(item: dict[str, Any]) -> None:
    defined = set(
        schema_leaves(
            component(contracts.v1(), "TrackInfoResponse")["properties"]["data"]["properties"]["accepted"][
                "items"
            ]
        )
    )
    table = {
        "number",
        "carrier",
        *(f"track.z1[].{f}" for f in V1_EVENT),
        *(f"track.z0.{f}" for f in V1_EVENT),
    }
    assert defined == table, f"fields of the v1 track the table does not place: {sorted(defined ^ table)}"
    info = API_VERSIONS["v1"].get_track_info.read(item, "data.accepted[0]", Prepared(SENT))
    carrier = item.get("carrier")
    assert (None if info.carrier is None else int(info.carrier)) == carrier, "carrier"
    events = [event for event in (item.get("track") or {}).get("z1") or [] if isinstance(event, dict)]
    assert len(info.events) == len(events), "track.z1: every event is kept"
    for index, (wire, event) in enumerate(zip(events, info.events, strict=True)):
        for field, attribute in V1_EVENT.items():
            if field not in wire:
                continue
            got = getattr(event, attribute)
            value = wire[field]
            if attribute in ("status", "sub_status"):
                got = int(got) if got.is_known else got.raw
            assert got == value, f"track.z1[{index}].{field}: wire {value!r} read as {got!r}"


# -- the request side ----------------------------------------------------------------------------


def request_fields(contract: contracts.Contract) -> dict[str, set[tuple[str, str]]]:
    """Each operation's request fields as (schema, field), nested objects included."""
    fields: dict[str, set[tuple[str, str]]] = {}
    schemas = contract.spec["components"]["schemas"]
    for operation, spec in contract.operations.items():
        body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        found: set[tuple[str, str]] = set()
        todo = [body.get("items", body) if body else {}]
        while todo:
            node = todo.pop()
            name = node.get("$ref", "").rpartition("/")[2]
            for field, sub in schemas.get(name, node).get("properties", {}).items():
                found.add((name, field))
                if "$ref" in sub:
                    todo.append(sub)
        fields[operation] = found
    return fields


def sent_fields(version: str) -> dict[str, set[str]]:
    """What the facade's own body builders send, per operation, given every option a caller has."""
    api = API_VERSIONS[version]
    every: dict[str, Any] = (
        {
            "tag": "t",
            "order_no": "1",
            "lang": "en",
            "param": "p",
            "final_carrier": Carrier.DEUTSCHE_POST,
            "auto_detection": True,
            "order_time": "2026-01-05 08:00",
            "destination_postal_code": "10115",
            "phone_number": "1",
            "ship_date": "2026-01-06",
            "email": "a@example.com",
            "remark": "r",
        }
        if version == "v2.4"
        else {}
    )
    full = Registration("RR123456789CN", Carrier.CHINA_POST, **every)
    inputs: dict[ItemKind, list[object]] = {
        ItemKind.REGISTER: [full],
        ItemKind.NUMBER: ["RR123456789CN"],
        ItemKind.LOOKUP: [("RR123456789CN", Carrier.CHINA_POST)],
        ItemKind.CARRIER: [
            ("RR123456789CN", Carrier.CHINA_POST, Carrier.CHINA_EMS),
            CarrierChange("RR223456789CN", 3013, 3011, final_carrier_old=7044, final_carrier_new=7041),
        ],
        ItemKind.TAG: [
            ("RR123456789CN", "t"),
            InfoChange("RR223456789CN", "t", 3011, **dict.fromkeys(INFO_CHANGE_TEXT[1:], "x")),
        ],
    }
    operations = dict(api.bulk)
    if api.realtime is not None:
        operations["realtime"] = api.realtime("Standard", 40)
    sent: dict[str, set[str]] = {}
    for operation in operations.values():
        items = plan(operation.kind, inputs[operation.kind]).items
        sent[operation.name] = set(_keys([body.to_dict() for body in operation.body(items)]))
    query = TrackListQuery(MainStatus.IN_TRANSIT, TrackingStatus.TRACKING if api.list_filters else None, 40)
    sent["gettracklist"] = set(_keys(api.list_body(query, 1).to_dict()))
    sent["getquota"] = set()
    return sent


def _keys(node: Any, nested: str = "") -> Iterator[str]:
    if isinstance(node, list):
        for entry in node:
            yield from _keys(entry, nested)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            if isinstance(value, dict):
                yield from _keys(value, key)


def test_every_request_field_of_both_contracts_is_sent_or_listed_as_not_exposed() -> None:
    # "v2 request Schema.field: why" (the form `python3 run.py -s contract` reads)
    listed: dict[str, str] = yaml.safe_load((ROOT / "contract-exposure.yaml").read_text())
    files = {"v1": "openapi.yaml", "v2": "openapi-v2.4.yaml"}
    exposure = set()
    for key in listed:
        tag, kind, element = key.split(" ", 2)
        if kind == "request" and "." in element:
            exposure.add((files[tag], *element.split(".", 1)))
    assert all(listed.values()), "every element not exposed says why"
    missing = []
    for version, contract in (("v1", contracts.v1()), ("v2.4", contracts.v2_4())):
        sent = sent_fields(version)
        for operation, fields in request_fields(contract).items():
            for schema, field in sorted(fields):
                file = contract_file(contract)
                known = (file, schema, field) in exposure
                if field not in sent.get(operation, set()) and not known:
                    missing.append(f"{file}: {operation} {schema}.{field}")
                if field in sent.get(operation, set()) and known:
                    missing.append(f"{file}: {schema}.{field} is listed as not exposed but is sent")
    assert missing == [], "request fields neither sent by the facade nor in contract-exposure.yaml"


def contract_file(contract: contracts.Contract) -> str:
    return "openapi-v2.4.yaml" if contract.prefix.endswith("v2.4") else "openapi.yaml"


# -- the field table ---------------------------------------------------------------------------


def test_the_field_table_holds_every_generated_model_and_its_wire_names() -> None:
    """``_fields`` (written by generator/contract_fields.py) has one class per generated model,
    whose values are the names the model itself reads from and writes to the wire."""
    for prefix, package in (("V1", "track17_client"), ("V2", "track17_client_v2")):
        models = importlib.import_module(f"{package}.models")
        for module in pkgutil.iter_modules(models.__path__):
            for name, model in vars(importlib.import_module(f"{package}.models.{module.name}")).items():
                if not (isinstance(model, type) and hasattr(model, "from_dict")) or model.__module__ != (
                    f"{package}.models.{module.name}"
                ):
                    continue
                table = getattr(_fields, f"{prefix}{name}", None)
                assert table is not None, f"{package}.models.{name} has no {prefix}{name} in _fields"
                names = {key: value for key, value in vars(table).items() if not key.startswith("_")}
                fields = [f.name for f in attrs.fields(model) if f.name != "additional_properties"]
                assert sorted(names) == sorted(fields), f"{prefix}{name}: Python names"
                source = inspect.getsource(model)
                unread = [wire for wire in names.values() if f'_remaining.pop("{wire}"' not in source]
                assert unread == [], f"{prefix}{name}: the model does not read {unread} from the wire"


def test_a_field_two_contracts_name_differently_fails_at_import() -> None:
    assert same_name("accepted", "accepted") == "accepted"
    with pytest.raises(
        ImportError, match="the contracts name one field differently: accepted, accepted_items"
    ):
        same_name("accepted", "accepted_items")
