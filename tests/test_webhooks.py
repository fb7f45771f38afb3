"""Webhook verification and parsing: both shapes, fuzzing, real framework receivers, end to end."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import unique_key
from tests.readme import run_example
from tests.receiver import AsgiServer
from track17_facade import Carrier, MainStatus, SubStatus, Track17Client, TrackInfo
from track17_facade.errors import InvalidInputError, WebhookError
from track17_facade.sandbox import Sandbox
from track17_facade.sandbox._engine import Engine
from track17_facade.sandbox._webhooks import build_push
from track17_facade.webhooks import (
    SignatureError,
    WebhookEvent,
    WebhookEventType,
    WebhookParseError,
    compute_signature,
    parse_webhook,
    verify_signature,
)

KEY = "webhook-test-key"


def _registration(days: int = 6) -> tuple[Engine, Any]:
    """A shipment with at least five events by now (the first seed that gives one)."""
    for seed in range(100):
        engine = Engine(seed=seed, now=datetime(2026, 1, 5, 8, 0))
        engine.register([{"number": "RR123456789CN"}])
        engine.advance(timedelta(days=days))
        registration = engine.registrations["RR123456789CN"]
        if len(registration.visible_events(engine.now)) >= 5:
            return engine, registration
    raise AssertionError("no seed below 100 gives a shipment with history")


def push_body(fmt: str, event: str = "TRACKING_UPDATED") -> bytes:
    engine, reg = _registration()
    reg.tag = "ORDER-7"
    return build_push(event, reg, engine.now, fmt)  # type: ignore[arg-type]


V1, V2 = push_body("v1"), push_body("v2")


# -- signature ------------------------------------------------------------------------------------


def test_signature_is_sha256_of_body_slash_key() -> None:
    import hashlib

    assert compute_signature(b'{"a":1}', "k") == hashlib.sha256(b'{"a":1}/k').hexdigest()
    verify_signature(V1, compute_signature(V1, KEY), KEY)


@pytest.mark.parametrize(
    ("body", "sign"),
    [
        (V1, None),
        (V1, ""),
        (V1, "0" * 64),
        (V1, compute_signature(V1, "other-key")),
        (json.dumps(json.loads(V1), indent=1).encode(), compute_signature(V1, KEY)),
    ],
)
def test_wrong_or_missing_signatures_raise(body: bytes, sign: str | None) -> None:
    with pytest.raises(SignatureError):
        parse_webhook(body, sign=sign, api_key=KEY)


def test_the_signature_error_never_shows_the_key() -> None:
    with pytest.raises(SignatureError) as raised:
        verify_signature(V1, "0" * 64, KEY)
    assert KEY not in str(raised.value) and "re-serialised" in str(raised.value)


@pytest.mark.parametrize("sign", ["\u00e9\u00e9\u00e9", "\udcff", b"\xff\xfe", 17, ["x"], "g" * 64, " "])
def test_a_sign_header_of_any_form_is_a_signature_error(sign: Any) -> None:
    with pytest.raises(SignatureError):
        parse_webhook(V1, sign=sign, api_key=KEY)


def test_a_sign_header_as_bytes_verifies() -> None:
    assert parse_webhook(V1, sign=compute_signature(V1, KEY).encode(), api_key=KEY).number  # type: ignore[arg-type]


def test_a_text_body_that_cannot_be_the_signed_bytes() -> None:
    with pytest.raises(SignatureError, match="pass the raw bytes"):
        parse_webhook("\ud800{}", sign="0" * 64, api_key=KEY)
    with pytest.raises(WebhookParseError):
        parse_webhook("\ud800{}", verify=False)
    with pytest.raises(WebhookParseError, match="bytes or str"):
        parse_webhook(17, verify=False)  # type: ignore[arg-type]


def test_a_key_read_from_a_file_verifies_as_the_key() -> None:
    assert parse_webhook(V1, sign=compute_signature(V1, KEY), api_key=KEY + "\n").number


@settings(max_examples=300, deadline=None)
@given(
    sign=st.one_of(st.none(), st.text(max_size=70), st.binary(max_size=70)),
    body=st.one_of(st.text(max_size=100), st.binary(max_size=100)),
)
def test_fuzz_any_sign_and_body_raise_only_webhook_errors(sign: Any, body: Any) -> None:
    with contextlib.suppress(WebhookError):  # anything else fails the test
        parse_webhook(body, sign=sign, api_key=KEY)


# -- shapes ---------------------------------------------------------------------------------------


def test_the_contract_shape_parses_to_the_clients_types() -> None:
    event = parse_webhook(V1, sign=compute_signature(V1, KEY), api_key=KEY)
    assert event.type is WebhookEventType.TRACKING_UPDATED
    assert (event.number, event.carrier, event.tag) == (
        "RR123456789CN",
        Carrier.CHINA_POST,
        "ORDER-7",
    )
    assert isinstance(event.track, TrackInfo)
    raw = json.loads(V1)
    assert event.raw == raw
    assert len(event.track.events) == len(raw["data"]["track"]["z1"])
    assert event.track.latest_event is not None
    assert int(event.track.status) == raw["data"]["track"]["z0"]["z"]
    assert event.track.latest_event.description == raw["data"]["track"]["z0"]["c"]


def test_the_v2_shape_parses_to_the_same_result() -> None:
    v1 = parse_webhook(V1, verify=False)
    v2 = parse_webhook(V2, sign=compute_signature(V2, KEY), api_key=KEY)
    assert v2.track is not None and v1.track is not None
    assert (v2.track.status, v2.track.sub_status) == (v1.track.status, v1.track.sub_status)
    assert [e.description for e in v2.track.events] == [e.description for e in v1.track.events]
    assert [e.sub_status for e in v2.track.events] == [e.sub_status for e in v1.track.events]
    assert [e.time.replace(tzinfo=None) for e in v2.track.events if e.time] == [
        e.time for e in v1.track.events
    ]
    assert v2.track.latest_event is not None and v2.track.latest_event.time is not None
    assert v2.track.latest_event.time.utcoffset() == timedelta(0)


def test_a_v2_push_as_17track_documents_it() -> None:
    body = json.dumps(
        {
            "event": "TRACKING_UPDATED",
            "data": {
                "number": "1Z999AA10123456784",
                "carrier": 100002,
                "param": None,
                "tag": None,
                "track_info": {
                    "latest_status": {
                        "status": "InTransit",
                        "sub_status": "InTransit_PickedUp",
                        "sub_status_descr": None,
                    },
                    "latest_event": {
                        "time_iso": "2026-03-01T09:30:00-05:00",
                        "time_utc": "2026-03-01T14:30:00Z",
                        "time_raw": {"date": "2026-03-01", "time": "09:30", "timezone": "-05:00"},
                        "description": "Picked up",
                        "location": "Atlanta, GA, US",
                        "stage": "PickedUp",
                        "sub_status": "InTransit_PickedUp",
                        "address": {"country": "US"},
                    },
                    "time_metrics": {},
                    "milestone": [],
                    "misc_info": {},
                    "tracking": {
                        "providers_hash": 1,
                        "providers": [
                            {
                                "provider": {"key": 100002, "name": "UPS"},
                                "events": [
                                    {
                                        "time_iso": "2026-03-01T09:30:00-05:00",
                                        "description": "Picked up",
                                        "location": "Atlanta, GA, US",
                                        "sub_status": "InTransit_PickedUp",
                                    },
                                    {
                                        "time_iso": "2026-02-28T18:00:00-05:00",
                                        "description": "Label created",
                                        "location": None,
                                        "sub_status": "InfoReceived",
                                    },
                                ],
                            }
                        ],
                    },
                    "brand_new_field": {"anything": 1},
                },
            },
        }
    ).encode()
    event = parse_webhook(body, verify=False)
    assert event.carrier is Carrier.UPS and event.track is not None
    assert event.track.status is MainStatus.IN_TRANSIT
    assert event.track.sub_status is SubStatus.IN_TRANSIT_PICKED_UP
    assert [e.description for e in event.track.events] == ["Label created", "Picked up"]
    assert event.track.events[0].status is MainStatus.INFO_RECEIVED
    assert event.track.latest_event is not None
    assert event.track.latest_event.time.isoformat() == "2026-03-01T09:30:00-05:00"  # type: ignore[union-attr]


def test_unknown_status_names_keep_their_raw_value() -> None:
    raw = json.loads(V2)
    raw["data"]["track_info"]["latest_status"] = {
        "status": "Teleported",
        "sub_status": "Teleported_Beam",
    }
    event = parse_webhook(json.dumps(raw), verify=False)
    assert event.track is not None
    assert event.track.status.raw == "Teleported" and event.track.sub_status.raw == "Teleported_Beam"


def test_tracking_stopped_has_no_track() -> None:
    body = push_body("v2", "TRACKING_STOPPED")
    event = parse_webhook(body, sign=compute_signature(body, KEY), api_key=KEY)
    assert event.type is WebhookEventType.TRACKING_STOPPED and event.track is None
    assert event.number == "RR123456789CN" and event.tag == "ORDER-7"


def test_unknown_event_types_are_kept_verbatim() -> None:
    event = parse_webhook(
        b'{"event": "TRACKING_ARCHIVED", "data": {"number": "RR123456789CN"}}', verify=False
    )
    assert event.type == "TRACKING_ARCHIVED" and event.carrier is None


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "body"),
        (b'{"data": {}}', "event"),
        (b'{"event": "TRACKING_UPDATED"}', "data"),
        (b'{"event": "TRACKING_UPDATED", "data": {"carrier": 1}}', "data.number"),
        (b'{"event": "TRACKING_UPDATED", "data": {"number": 17}}', "data.number"),
        (b'{"event": "TRACKING_UPDATED", "data": {"number": "RR000000001"}}', "data.track"),
    ],
)
def test_bad_pushes_say_what_and_where(body: bytes, where: str) -> None:
    """Only what makes a push a push can fail it: the envelope, the event, the number."""
    with pytest.raises(WebhookParseError, match=re.escape(where)):
        parse_webhook(body, verify=False)


def test_odd_fields_of_a_push_are_read_tolerantly(caplog: pytest.LogCaptureFixture) -> None:
    """A field of another type is read where it can be (a status as text, a number where text
    belongs) and is absent where it cannot, with the path in the DEBUG log: never a lost push."""
    with caplog.at_level(logging.DEBUG, logger="track17"):
        odd_carrier = parse_webhook(
            b'{"event": "TRACKING_UPDATED", "data": {"number": "RR000000001", "carrier": "ups", '
            b'"track": {}}}',
            verify=False,
        )
    assert odd_carrier.carrier is None and "data.carrier: expected an integer carrier key" in caplog.text
    text_status = parse_webhook(
        b'{"event": "TRACKING_UPDATED", "data": {"number": "RR000000001", "carrier": "3011", '
        b'"track": {"z1": [{"z": "2", "s": null}]}}}',
        verify=False,
    )
    assert text_status.carrier is Carrier.CHINA_POST
    assert text_status.track is not None and text_status.track.events[0].status is MainStatus.IN_TRANSIT
    numeric_text = parse_webhook(
        b'{"event": "TRACKING_UPDATED", "data": {"number": "RR000000001", "track_info": {"tracking": '
        b'{"providers": [{"events": [{"description": 5, "address": {"coordinates": '
        b'{"longitude": "-46.633309", "latitude": "x"}}}, 7]}, null]}, "milestone": null}}}',
        verify=False,
    )
    assert numeric_text.track is not None
    (event,) = numeric_text.track.events
    assert event.description == "5"
    assert event.address is not None and event.address.longitude == -46.633309
    assert event.address.latitude is None


# -- fuzzing: WebhookParseError, and never anything else --------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


def _parses_or_refuses(body: bytes | str) -> None:
    try:
        event = parse_webhook(body, verify=False)
    except WebhookParseError:
        return
    assert isinstance(event, WebhookEvent) and event.number


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_arbitrary_bytes(body: bytes) -> None:
    _parses_or_refuses(body)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_fuzz_arbitrary_json(value: Any) -> None:
    _parses_or_refuses(json.dumps(value))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), body=st.sampled_from([V1, V2, push_body("v1", "TRACKING_STOPPED")]))
def test_fuzz_mutations_of_valid_pushes(data: st.DataObject, body: bytes) -> None:
    payload = json.loads(body)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [path for path in _paths(payload) if path]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = payload
        for step in path[:-1]:
            parent = parent[step]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_JSON)
    _parses_or_refuses(json.dumps(payload))


# -- receivers from the README, in real frameworks ------------------------------------------------


def load_receiver(name: str, monkeypatch: pytest.MonkeyPatch, key: str) -> dict[str, Any]:
    monkeypatch.setenv("TRACK17_API_KEY", key)
    return run_example(name)


def test_the_flask_receiver_from_the_readme(monkeypatch: pytest.MonkeyPatch) -> None:
    receiver = load_receiver("flask", monkeypatch, KEY)
    web = receiver["app"].test_client()
    ok = web.post(
        "/17track/webhook",
        data=V1,
        headers={"sign": compute_signature(V1, KEY), "Content-Type": "application/json"},
    )
    assert ok.status_code == 200
    assert [event.number for event in receiver["received"]] == ["RR123456789CN"]
    forged = web.post("/17track/webhook", data=V1, headers={"sign": "0" * 64})
    assert forged.status_code == 401
    junk = b'{"event": 1}'
    broken = web.post("/17track/webhook", data=junk, headers={"sign": compute_signature(junk, KEY)})
    assert broken.status_code == 400 and len(receiver["received"]) == 1


@pytest.mark.parametrize("fmt", ["v1", "v1-17track", "v2"])
def test_end_to_end_sandbox_pushes_reach_the_fastapi_receiver_from_the_readme(
    monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    key = unique_key()
    receiver = load_receiver("fastapi", monkeypatch, key)
    numbers = [f"RR{i:09d}CN" for i in range(40)]
    webhook_format, _, shape = fmt.partition("-")
    with (
        Sandbox(
            api_keys=(key,), rate=1000, webhook_format=webhook_format, v1_shape=shape or "contract"
        ) as box,
        AsgiServer(receiver["app"]) as web,
        Track17Client(key, base_url=box.base_url, requests_per_second=1000) as client,
    ):
        box.set_webhook(f"{web.url}/17track/webhook")
        assert client.register(numbers).ok
        pushes = box.advance(days=3)
        assert pushes > 30  # most shipments moved; the never-found ones stay quiet
        deliveries = box.wait_for_deliveries(pushes)
        assert all(d.delivered and d.status_code == 200 for d in deliveries)
        received: list[WebhookEvent] = receiver["received"]
        assert len(received) == pushes
        tracked = {info.number: info for info in client.get_track_info(numbers).accepted}
        for event in received:
            expected = tracked[event.number]
            assert event.track is not None
            assert (event.track.status, event.track.sub_status) == (
                expected.status,
                expected.sub_status,
            )
            assert [e.description for e in event.track.events] == [e.description for e in expected.events]
            if webhook_format == "v1":
                assert event.track == expected
        again = client.push(numbers[:3])
        assert again.ok
        box.wait_for_deliveries(pushes + 3)
        assert [event.number for event in received[-3:]] == numbers[:3] or sorted(
            event.number for event in received[-3:]
        ) == sorted(numbers[:3])


def test_a_forged_push_is_refused_by_the_fastapi_receiver(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    receiver = load_receiver("fastapi", monkeypatch, KEY)
    with AsgiServer(receiver["app"]) as web:
        forged = httpx.post(f"{web.url}/17track/webhook", content=V1, headers={"sign": "f" * 64})
        reserialised = json.dumps(json.loads(V1)).encode()
        moved = httpx.post(
            f"{web.url}/17track/webhook",
            content=reserialised,
            headers={"sign": compute_signature(V1, KEY)},
        )
    assert forged.status_code == 401 and moved.status_code == 401
    assert receiver["received"] == []


def test_webhook_event_repr_is_short() -> None:
    text = repr(parse_webhook(V1, verify=False))
    assert "raw=" not in text and "events>" in text
    assert copy.copy(parse_webhook(V1, verify=False)).number == "RR123456789CN"


@pytest.mark.parametrize("key", [None, ""])
def test_without_a_key_verification_fails_closed(key: str | None) -> None:
    """An unset API key in the receiving app must not mean forged pushes are accepted."""
    with pytest.raises(InvalidInputError, match=r"pass api_key=\.\.\., or verify=False"):
        parse_webhook(V1, sign="0" * 64, api_key=key)
    with pytest.raises(InvalidInputError):
        parse_webhook(V1)
    assert not issubclass(InvalidInputError, WebhookError)  # a receiver's 400 handler won't hide it
    assert parse_webhook(V1, verify=False).number == "RR123456789CN"  # the explicit opt-out


def test_the_webhook_helpers_are_exported_from_the_package() -> None:
    import track17_facade
    from track17_facade import webhooks

    for name in (
        "parse_webhook",
        "verify_signature",
        "compute_signature",
        "WebhookEvent",
        "WebhookEventType",
    ):
        assert getattr(track17_facade, name) is getattr(webhooks, name)
