"""What API v2.4 adds, over loopback HTTP against the sandbox: registration metadata, quota,
real-time lookups, list filters and pages, rich tracking equal to the push, and the contract."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import httpx
import pytest

from tests import contracts
from tests.conftest import FAST, unique_key
from tests.receiver import Receiver
from track17_facade import (
    CacheLevel,
    Carrier,
    CarrierChange,
    ErrorCode,
    InfoChange,
    InvalidInputError,
    MainStatus,
    Registration,
    Track17Client,
    TrackingStatus,
    parse_webhook,
)
from track17_facade._decoders_v1 import V1_PACKAGE_STATUS
from track17_facade.sandbox import Sandbox
from track17_facade.sandbox._webhooks import package_status

NUMBERS = [f"RR{i:09d}CN" for i in range(100)]


def test_registration_metadata_is_kept_and_a_translation_costs_one_more(
    sandbox: Sandbox, v2_client: Any
) -> None:
    before = v2_client.get_quota()
    result = v2_client.register(
        [
            Registration("RR000000001CN", tag="order-1001", order_no="1001"),
            Registration("RR000000002CN", carrier=Carrier.CHINA_EMS, lang="en", param="10115"),
            "RR000000003CN",
            ("1Z999AA10123456784", Carrier.UPS),
        ]
    )
    assert result.ok
    assert [a.carrier for a in result.accepted] == [
        Carrier.CHINA_POST,  # detected, and echoed by v2.4
        Carrier.CHINA_EMS,
        Carrier.CHINA_POST,
        Carrier.UPS,
    ]
    kept = sandbox.engine.registrations
    assert (kept["RR000000001CN"].tag, kept["RR000000001CN"].order_no) == ("order-1001", "1001")
    assert (kept["RR000000002CN"].lang, kept["RR000000002CN"].param) == ("en", "10115")
    after = v2_client.get_quota()
    assert after.used - before.used == 5  # four numbers, one with a translation
    assert after.remaining == before.remaining - 5
    assert after.today_used - before.today_used == 4  # registrations, not quota
    sandbox.advance(days=2)
    info = v2_client.get_track_info(["RR000000001CN"]).accepted[0]
    assert info.tag == "order-1001"


def test_every_field_of_the_contracts_register_item_reaches_the_sandbox(
    sandbox: Sandbox, v2_client: Any
) -> None:
    """Each RegisterItem field the v2.4 contract defines can be given through Registration, and
    arrives under the contract's name; one not given is not sent."""
    given: dict[str, Any] = {
        "tag": "order-7",
        "order_no": "7",
        "order_time": "2026-01-05 08:00",
        "lang": "en",
        "param": "10115",
        "destination_postal_code": "10115",
        "phone_number": "+49 30 1234567",
        "ship_date": "2026-01-06",
        "email": "buyer@example.com",
        "remark": "fragile",
        "auto_detection": False,
    }
    result = v2_client.register(
        [
            Registration("RR000000001CN", Carrier.CHINA_POST, final_carrier=Carrier.DEUTSCHE_POST, **given),
            Registration("RR000000002CN", Carrier.CHINA_POST, remark="only this"),
        ]
    )
    assert result.ok
    sent = sandbox.engine.registrations["RR000000001CN"].sent
    assert sent == {
        "number": "RR000000001CN",
        "carrier": int(Carrier.CHINA_POST),
        "final_carrier": int(Carrier.DEUTSCHE_POST),
        **given,
    }
    contract = set(contracts.v2_4().spec["components"]["schemas"]["RegisterItem"]["properties"])
    assert set(sent) == contract  # every field of today's contract, and nothing else
    assert sandbox.engine.registrations["RR000000002CN"].sent == {
        "number": "RR000000002CN",
        "carrier": int(Carrier.CHINA_POST),
        "remark": "only this",
    }


def test_carrier_and_info_changes_send_every_field_of_their_contract_items(
    sandbox: Sandbox, v2_client: Any, make_client: Any
) -> None:
    assert v2_client.register(
        [("RR000000001CN", Carrier.CHINA_POST), ("RR000000002CN", Carrier.CHINA_POST)]
    ).ok
    changed = v2_client.change_carrier(
        [CarrierChange("RR000000001CN", Carrier.CHINA_EMS, Carrier.CHINA_POST, 7044, Carrier.DEUTSCHE_POST)]
    )
    assert changed.ok
    kept = sandbox.engine.registrations["RR000000001CN"]
    assert kept.carrier == int(Carrier.CHINA_EMS)
    assert (kept.sent["final_carrier_old"], kept.sent["final_carrier_new"]) == (
        7044,
        int(Carrier.DEUTSCHE_POST),
    )
    fields = {"order_no": "9", "order_time": "2026-01-05 08:00", "destination_postal_code": "10115"}
    fields |= {"phone_number": "1", "email": "a@example.com", "remark": "r", "lang": "de"}
    assert v2_client.change_info([InfoChange("RR000000002CN", carrier=Carrier.CHINA_POST, **fields)]).ok
    other = sandbox.engine.registrations["RR000000002CN"]
    assert {name: other.sent[name] for name in fields} == fields
    assert other.tag is None  # an InfoChange without a tag leaves it as it was
    v1 = make_client(api_version="v1")
    (rejection,) = v1.change_info([InfoChange("RR000000002CN", tag="t", remark="r")]).rejected
    assert "API v1 cannot send InfoChange.remark" in rejection.message


def test_the_sandbox_refuses_a_register_field_of_the_wrong_type(sandbox: Sandbox, api_key: str) -> None:
    url = f"{sandbox.base_url_for('v2.4')}/register"
    for field, value in (("auto_detection", "yes"), ("final_carrier", "DHL"), ("ship_date", 20260106)):
        answer = httpx.post(
            url, json=[{"number": "RR000000001CN", field: value}], headers={"17token": api_key}
        )
        assert answer.status_code == 200
        body = answer.json()
        assert body["code"] == ErrorCode.FIELD_VALUE_INVALID.raw, (field, body)
        assert f"'{field}'" in json.dumps(body)
    assert "RR000000001CN" not in sandbox.engine.registrations


def test_a_registration_field_v1_cannot_send_rejects_its_row_before_sending(
    sandbox: Sandbox, make_client: Any
) -> None:
    client = make_client(api_version="v1")
    result = client.register(["RR000000009CN", Registration("RR000000001CN", tag="order-1", lang="en")])
    assert [accepted.number for accepted in result.accepted] == ["RR000000009CN"]  # the other rows go
    (rejection,) = result.rejected
    assert rejection.index == 1 and rejection.code is ErrorCode.FIELD_VALUE_INVALID
    assert "API v1 cannot send Registration.tag, Registration.lang" in rejection.message
    assert "RR000000001CN" not in sandbox.engine.registrations
    # Number and carrier alone are fine on v1.
    assert client.register([Registration("RR000000001CN", carrier=Carrier.CHINA_POST)]).ok


def test_a_registration_field_of_the_wrong_type_rejects_only_its_row(v2_client: Any) -> None:
    result = v2_client.register([Registration("RR000000001CN", tag=7), "RR000000002CN"])  # type: ignore[arg-type]
    assert [a.number for a in result.accepted] == ["RR000000002CN"]
    (rejection,) = result.rejected
    assert rejection.index == 0 and rejection.code is ErrorCode.FIELD_VALUE_INVALID
    assert "Registration.tag must be a string or None, got int 7" in rejection.message


def test_a_final_carrier_or_detection_flag_of_the_wrong_kind_rejects_only_its_row(v2_client: Any) -> None:
    result = v2_client.register(
        [
            Registration("RR000000001CN", auto_detection="yes"),  # type: ignore[arg-type]
            Registration("RR000000002CN", final_carrier="no such carrier at all"),
            "RR000000003CN",
        ]
    )
    assert [a.number for a in result.accepted] == ["RR000000003CN"]
    first, second = result.rejected
    assert first.index == 0 and "Registration.auto_detection must be True, False or None" in first.message
    assert second.index == 1 and "the final carrier" in second.message


def test_v2_only_calls_on_v1_name_the_version_and_send_nothing(sandbox: Sandbox, make_client: Any) -> None:
    client = make_client(api_version="v1")
    with pytest.raises(InvalidInputError, match=r"get_quota needs API v2\.4; this client speaks v1"):
        client.get_quota()
    with pytest.raises(InvalidInputError, match=r"get_realtime_track_info needs API v2\.4"):
        client.get_realtime_track_info(["RR000000001CN"])
    with pytest.raises(InvalidInputError, match=r"tracking_status=\.\.\.\) needs API v2\.4"):
        client.iter_track_list(tracking_status=TrackingStatus.STOPPED)
    assert sandbox.stats().requests == 0


def test_realtime_lookups_charge_quota_by_level_and_register_nothing(
    sandbox: Sandbox, v2_client: Any
) -> None:
    start = v2_client.get_quota().used
    looked = v2_client.get_realtime_track_info(["RR000000001CN", ("1Z999AA10123456784", Carrier.UPS)])
    assert [info.number for info in looked.accepted] == ["RR000000001CN", "1Z999AA10123456784"]
    assert all(info.events for info in looked.accepted)  # a shipment already on its way
    assert sandbox.stats().registered == 0
    standard = v2_client.get_quota().used
    assert standard - start == 2  # the standard level: one per number
    v2_client.get_realtime_track_info(["RR000000001CN"], cache_level=CacheLevel.INSTANT)
    assert v2_client.get_quota().used - standard == 2  # the instant level costs more
    with pytest.raises(InvalidInputError, match="cache_level must be CacheLevel"):
        v2_client.get_realtime_track_info(["RR000000001CN"], cache_level="Instant")
    assert v2_client.get_quota().used - standard == 2


def test_an_exhausted_quota_refuses_realtime_lookups_per_item(api_key: str) -> None:
    with (
        Sandbox(api_keys=(api_key,), rate=10_000, quota=1) as box,
        Track17Client(api_key, api_version="v2.4", base_url=box.base_url_for("v2.4")) as client,
    ):
        looked = client.get_realtime_track_info(["RR000000001CN", "RR000000002CN"])
        # one lookup per request, sent at once: whichever reaches the sandbox first has the quota
        [found], [refused] = looked.accepted, looked.rejected
        assert {found.number, refused.number} == {"RR000000001CN", "RR000000002CN"}
        assert refused.code is ErrorCode.QUOTA_EXHAUSTED
        assert client.get_quota().remaining == 0


def test_the_list_follows_the_page_object_and_filters_on_the_server(sandbox: Sandbox, v2_client: Any) -> None:
    numbers = NUMBERS[:85]
    assert v2_client.register([Registration(n, tag=f"t{i}") for i, n in enumerate(numbers)]).ok
    sandbox.advance(days=30)
    assert v2_client.stop_track(numbers[:5]).ok
    before = sandbox.stats().requests
    entries = list(v2_client.iter_track_list())
    assert sandbox.stats().requests - before == 3  # 85 numbers: pages of 40, 40 and 5
    # Chunks register concurrently, so the server's order (its registration order) is not the input's.
    listed = [e.number for e in entries]
    assert sorted(listed) == numbers  # every number once, across three pages
    by_number = {e.number: e for e in entries}
    first = by_number[numbers[0]]
    assert first.carrier is Carrier.CHINA_POST and first.tag == "t0"
    assert first.register_time is not None and first.register_time.tzinfo is not None
    assert first.tracking_status is TrackingStatus.STOPPED
    assert by_number[numbers[5]].tracking_status is TrackingStatus.TRACKING
    stopped = [e.number for e in v2_client.iter_track_list(tracking_status=TrackingStatus.STOPPED)]
    assert sorted(stopped) == numbers[:5]
    infos = {info.number: info for info in v2_client.get_track_info(numbers).accepted}
    delivered = [e.number for e in v2_client.iter_track_list(status=MainStatus.DELIVERED)]
    assert sorted(delivered) == [n for n in numbers if infos[n].is_delivered] and delivered
    assert all(e.package_status is MainStatus.DELIVERED for e in v2_client.iter_track_list(status=7))
    with pytest.raises(InvalidInputError, match="page_size is fixed at 40"):
        v2_client.iter_track_list(page_size=10)
    with pytest.raises(InvalidInputError, match="tracking_status must be"):
        v2_client.iter_track_list(tracking_status="Stopped")


def test_v1_item_shapes_work_for_carrier_and_info_changes(sandbox: Sandbox, v2_client: Any) -> None:
    assert v2_client.register(NUMBERS[:2]).ok
    changed = v2_client.change_carrier([(NUMBERS[0], Carrier.CHINA_EMS), (NUMBERS[1], Carrier.CHINA_POST)])
    assert changed.accepted[0].carrier is Carrier.CHINA_EMS
    assert changed.rejected[0].code is ErrorCode.SAME_CARRIER
    assert v2_client.change_info([(NUMBERS[0], "ORDER-9"), (NUMBERS[1], None)]).ok
    tags = {e.number: e.tag for e in v2_client.iter_track_list()}
    assert tags == {NUMBERS[0]: "ORDER-9", NUMBERS[1]: ""}
    assert sandbox.engine.registrations[NUMBERS[0]].carrier == Carrier.CHINA_EMS


def test_rich_tracking_on_v2_4_and_none_of_it_on_v1(sandbox: Sandbox, make_client: Any) -> None:
    v1 = make_client(api_version="v1")
    v2 = make_client(api_version="v2.4")
    assert v1.register(NUMBERS[:10]).ok
    sandbox.advance(days=2)
    rich = [info for info in v2.get_track_info(NUMBERS[:10]).accepted if info.events]
    plain = {info.number: info for info in v1.get_track_info(NUMBERS[:10]).accepted}
    assert rich
    for info in rich:
        same = plain[info.number]
        if sandbox.config.v1_shape == "contract":
            assert (info.status, info.sub_status) == (same.status, same.sub_status)  # names map to the enums
        else:  # 17TRACK's v1 has seven package statuses: InfoReceived reads as InTransit, and so on
            assert same.status is V1_PACKAGE_STATUS[package_status(info.status)]
        assert [e.description for e in info.events] == [e.description for e in same.events]
        event = info.latest_event
        assert event is not None and event.time is not None and event.time.tzinfo is not None
        assert event.time.astimezone(UTC).strftime("%Y-%m-%d %H:%M") == event.time_raw
        assert event.address is not None and event.address.country == "CN"
        assert info.events[0].stage == "InfoReceived"
        assert info.provider == "CHINA_POST" and info.shipping_country == "CN"
        assert info.milestones[0].stage == "InfoReceived" and info.milestones[0].time is not None
        assert info.estimated_delivery is None or info.estimated_delivery.earliest is not None
        assert same.milestones == () and same.latest_event is not None and same.latest_event.address is None
        assert same.tag is None and same.provider is None and same.estimated_delivery is None


def test_get_track_info_equals_the_push_of_the_same_number(api_key: str) -> None:
    numbers = NUMBERS[:20]
    with (
        Sandbox(api_keys=(api_key,), rate=10_000, webhook_format="v2") as box,
        Receiver() as receiver,
        Track17Client(
            api_key, api_version="v2.4", base_url=box.base_url_for("v2.4"), requests_per_second=FAST
        ) as client,
    ):
        box.set_webhook(receiver.url)
        assert client.register([Registration(n, tag=f"order-{n[-4:]}") for n in numbers]).ok
        pushes = box.advance(days=4)
        assert pushes > 10
        box.wait_for_deliveries(pushes)
        tracked = {info.number: info for info in client.get_track_info(numbers).accepted}
        for push in receiver.received:
            event = parse_webhook(push.body, sign=push.sign, api_key=api_key)
            assert event.track == tracked[event.number]
            assert event.track.tag == f"order-{event.number[-4:]}"


def test_recovery_after_an_ambiguous_failure_on_v2_4(api_key: str) -> None:
    from track17_facade.sandbox import FaultKind

    with (
        Sandbox(api_keys=(api_key,), rate=10_000) as box,
        Track17Client(
            api_key, api_version="v2.4", base_url=box.base_url_for("v2.4"), requests_per_second=FAST
        ) as client,
    ):
        box.faults.enqueue(FaultKind.DROP_AFTER_EFFECT)
        result = client.register(NUMBERS[:3])
        assert result.ok and all(a.recovered for a in result.accepted)
        assert client.get_quota().used == 3  # charged once
        box.faults.enqueue(FaultKind.ERROR_AFTER_EFFECT)
        stopped = client.stop_track(NUMBERS[:3])
        assert stopped.ok and all(a.recovered for a in stopped.accepted)


def test_both_versions_share_state_quota_and_the_rate_window(api_key: str) -> None:
    with Sandbox(api_keys=(api_key,), rate=3, window=60.0) as box:
        with httpx.Client(headers={"17token": api_key}, timeout=10) as http:
            v1 = box.base_url_for("v1")
            v2 = box.base_url_for("v2.4")
            http.post(f"{v1}/register", json=[{"number": "RR000000001CN"}]).raise_for_status()
            quota = http.post(f"{v2}/getquota", json={}).json()
            assert quota["data"]["quota_used"] == 1
            again = http.post(f"{v2}/register", json=[{"number": "RR000000001CN"}]).json()
            assert again["data"]["rejected"][0]["error"]["code"] == ErrorCode.ALREADY_REGISTERED
            assert http.post(f"{v1}/gettrackinfo", json=[{"number": "RR000000001CN"}]).status_code == 429
        with pytest.raises(ValueError, match="not 'v3'"):
            box.base_url_for("v3")


def test_every_v2_4_answer_matches_the_contract(api_key: str) -> None:
    with (
        Sandbox(api_keys=(api_key,), rate=10_000, record_responses=True) as box,
        httpx.Client(base_url=box.base_url_for("v2.4"), headers={"17token": api_key}, timeout=10) as http,
    ):
        box.set_webhook("http://127.0.0.1:9/unused")
        post = http.post
        post("/register", json=[{"number": "RR000000001CN", "tag": "a", "lang": "en"}, {"number": "bad!"}])
        post("/register", json=[{"number": "RR000000002CN", "carrier": 3011}, {"number": "RR000000001CN"}])
        every = {"final_carrier": 7044, "auto_detection": True, "order_time": "2026-01-05 08:00"}
        every |= {"destination_postal_code": "10115", "phone_number": "1", "ship_date": "2026-01-06"}
        post("/register", json=[{"number": "RR000000004CN", **every, "email": "a@b.c", "remark": "r"}])
        box.advance(days=12)
        post("/gettrackinfo", json=[{"number": "RR000000001CN"}, {"number": "NOTREGD1"}])
        post("/getRealTimeTrackInfo", json=[{"number": "RR000000003CN", "cacheLevel": 2}])
        post("/getRealTimeTrackInfo", json=[{"number": "RR000000003CN", "cacheLevel": "Fast"}])
        post("/gettracklist", json={"tracking_status": "Tracking", "package_status": "Delivered"})
        post("/gettracklist", json={"page_no": 0})
        post("/getquota", json={})
        post("/changecarrier", json=[{"number": "RR000000001CN", "carrier_old": 3011, "carrier_new": 3013}])
        post("/changeinfo", json=[{"number": "RR000000001CN", "items": {"tag": "b", "order_no": "9"}}])
        post("/push", json=[{"number": "RR000000001CN"}])
        post("/stoptrack", json=[{"number": "RR000000001CN"}])
        post("/retrack", json=[{"number": "RR000000001CN"}])
        post("/deletetrack", json=[{"number": "RR000000002CN"}])
        post("/register", content=b"{", headers={"content-type": "application/json"})
        assert http.post("/getquota", json={}, headers={"17token": unique_key()}).status_code == 401
        assert contracts.v2_4().check(box) == 17
        listed = post("/gettracklist", json={}).json()
        assert listed["page"] == {"data_total": 2, "page_total": 1, "page_no": 1, "page_size": 40}


def test_the_cache_level_is_accepted_as_a_name_or_an_integer(api_key: str) -> None:
    with (
        Sandbox(api_keys=(api_key,), rate=10_000) as box,
        httpx.Client(base_url=box.base_url_for("v2.4"), headers={"17token": api_key}, timeout=10) as http,
    ):
        for level, cost in (("Standard", 1), (1, 1), ("Instant", 2), (2, 2)):
            used = box.engine.quota_used
            body = http.post(
                "/getRealTimeTrackInfo", json=[{"number": "RR000000001CN", "cacheLevel": level}]
            ).json()
            assert body["data"]["accepted"][0]["number"] == "RR000000001CN"
            assert box.engine.quota_used - used == cost, level
        refused = http.post("/getRealTimeTrackInfo", json=[{"number": "RR000000001CN", "cacheLevel": True}])
        assert refused.json()["code"] == ErrorCode.FIELD_VALUE_INVALID
        assert json.loads(refused.content)["data"]["errors"][0]["message"].startswith("item 0: 'cacheLevel'")


def test_get_quota_with_a_refused_key_raises_at_once(sandbox: Sandbox, v2_client: Any) -> None:
    from track17_facade import AuthenticationError

    url = sandbox.base_url_for("v2.4")
    with (
        Track17Client(unique_key(), api_version="v2.4", base_url=url) as stranger,
        pytest.raises(AuthenticationError),
    ):
        stranger.get_quota()
    assert [r.status for r in sandbox.requests()] == [401]
    assert v2_client.get_quota().used == 0
