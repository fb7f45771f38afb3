"""Public samples of what 17TRACK really sends (``tests/data/real/``, each one's source in the
README beside them), read the way a person reading the sample reads it.

Answers are served byte for byte by the sandbox (``RawAnswer``) and read by the real clients over
loopback HTTP; pushes go through ``parse_webhook`` and the shipment store. Every expected value
below was written by reading the sample, not by running the reader.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from track17_facade import (
    AuthenticationError,
    Carrier,
    CarrierLeg,
    ErrorCode,
    MainStatus,
    SubStatus,
    TrackingStatus,
    parse_webhook,
)
from track17_facade._decoders_v1 import v1_track
from track17_facade.errors import SignatureError
from track17_facade.sandbox import RawAnswer, Sandbox
from track17_facade.shipments import Outcome, ShipmentStore
from track17_facade.webhooks import WebhookEventType, compute_body_signature, compute_signature

REAL = Path(__file__).parent / "data" / "real"
KEY = "real-samples-test-key"


def sample(name: str) -> bytes:
    return (REAL / name).read_bytes()


def serve(sandbox: Sandbox, *bodies: bytes) -> None:
    """The sandbox answers the next requests with these bodies, exactly, as HTTP 200 JSON."""
    sandbox.faults.enqueue(*(RawAnswer(200, body, "application/json") for body in bodies))


def accepted_items(name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(sample(name))["data"]["accepted"]
    return items


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- v1: 17TRACK's documentation example -------------------------------------------------------


def test_17tracks_own_v1_example_reads_as_a_person_reads_it(sandbox: Sandbox, v1_client: Any) -> None:
    """RM101474005CN: China Post to Russia, in transit, last seen handed to customs."""
    answer = json.dumps(
        {"code": 0, "data": json.loads(sample("v1/17track-doc-gettrackinfo-RM101474005CN.json"))}
    )
    serve(sandbox, answer.encode())
    result = v1_client.get_track_info(["RM101474005CN"])
    assert result.ok and len(result.accepted) == 1
    info = result.accepted[0]
    assert info.number == "RM101474005CN"
    assert info.status is MainStatus.IN_TRANSIT  # e: 10
    assert info.carrier is Carrier.CHINA_POST and info.carrier_info.name == "China Post"  # w1: 3011
    assert int(info.destination_carrier) == 18031  # w2: Russia's national post
    assert (info.shipping_country, info.recipient_country) == ("CN", "RU")  # b: 301, c: 1803
    latest = info.latest_event
    assert latest is not None
    assert latest.time == at("2015-05-29 09:00")
    assert latest.location == "BLAGOVESCH 1"
    assert latest.description == "移交海关"
    assert latest.status is MainStatus.IN_TRANSIT
    # The origin carrier's event, the latest (z0), the destination carrier's: one list by time.
    assert [(event.time, event.description) for event in info.events] == [
        (at("2015-05-13 14:47"), "电子信息已收到"),
        (at("2015-05-29 09:00"), "移交海关"),
        (at("2015-05-31 00:00"), "Distribué ANDORRE LA VIEILLE (09)."),
    ]
    assert info.events[0].leg is CarrierLeg.ORIGIN and info.events[2].leg is CarrierLeg.DESTINATION
    assert info.events[0].location is None  # c and d are both empty


# -- v1: a public client's fixtures (py17track) ------------------------------------------------

SUCCESS = "v1/py17track-gettrackinfo_success_response.json"
UNKNOWN = "v1/py17track-gettrackinfo_with_unknown_status_response.json"


def test_a_delivered_fedex_answer_reads_item_by_item() -> None:
    items = accepted_items(SUCCESS)
    tracks = [
        v1_track(item["number"], None, item["track"], f"data.accepted[{i}].track")
        for i, item in enumerate(items)
    ]
    assert len(tracks) == 5  # five items, none lost
    for track in tracks:
        assert track.status is MainStatus.DELIVERED  # e: 40
        assert track.sub_status is SubStatus.DELIVERED_OTHER  # Delivered has no other sub-status
        assert track.carrier is Carrier.FEDEX  # w1: 100003
        assert (track.shipping_country, track.recipient_country) == ("US", None)  # b: 2105, c: 0
        assert track.destination_carrier is None  # w2: 0
    first = tracks[0]
    assert first.latest_event is not None
    assert (first.latest_event.time, first.latest_event.location) == (at("2022-03-08 14:11"), "Paris")
    assert first.latest_event.description == "Arrival at Destination Post"
    assert [event.time for event in first.events] == [
        at("2022-03-07 22:06"),
        at("2022-03-08 01:41"),
        at("2022-03-08 02:36"),
        at("2022-03-08 14:11"),
    ]
    assert [event.location for event in first.events] == [None, "Milano, Italy", "Spain", "Paris"]
    assert first.events[-1] == first.latest_event
    # The third item's latest event has no time (a: ""), in Milano, Italy.
    third = tracks[2].latest_event
    assert third is not None and third.time is None and third.time_raw is None
    assert third.location == "Milano, Italy"
    assert len(tracks[2].events) == 2
    # The last item has no event at all (z0: {}), and is still delivered.
    assert tracks[4].latest_event is None and tracks[4].events == ()


def test_the_same_answer_over_http_gives_the_number_asked_for(sandbox: Sandbox, v1_client: Any) -> None:
    serve(sandbox, sample(SUCCESS))
    result = v1_client.get_track_info(["1234567890987654321"])
    assert result.ok and [info.number for info in result.accepted] == ["1234567890987654321"]
    assert result.accepted[0].status is MainStatus.DELIVERED
    assert result.accepted[0].carrier is Carrier.FEDEX


def test_package_statuses_17track_never_documented_are_kept_as_they_came() -> None:
    items = accepted_items(UNKNOWN)
    tracks = [v1_track(item["number"], None, item["track"], "track") for item in items]
    assert [track.status for track in tracks[:2]] == [MainStatus.NOT_FOUND, MainStatus.IN_TRANSIT]
    odd = tracks[2]  # e: 5000
    assert not odd.status.is_known and odd.status.raw == 5000
    assert odd.latest_event is not None and odd.latest_event.location == "Milano, Italy"
    assert len(odd.events) == 2


def test_a_v1_track_list_names_carrier_status_and_time(sandbox: Sandbox, v1_client: Any) -> None:
    serve(sandbox, sample("v1/py17track-gettracklist_success_response.json"))
    entries = list(v1_client.iter_track_list())
    assert len(entries) == 12  # one page (page_total: 1), every row kept
    assert {entry.number for entry in entries} == {"1234567890"}
    assert all(entry.carrier is Carrier.FEDEX for entry in entries)
    assert entries[0].register_time == at("2022-03-07 17:22:53")
    statuses = [entry.package_status for entry in entries]
    assert statuses[:9] == [MainStatus.DELIVERED] + [MainStatus.IN_TRANSIT] * 6 + [MainStatus.NOT_FOUND] * 2
    assert [(status.is_known, status.raw) for status in statuses[9:]] == [
        (False, 3000),
        (False, 4000),
        (False, 5000),
    ]
    api_calls = [record for record in sandbox.requests() if record.path.endswith("/gettracklist")]
    assert len(api_calls) == 1


def test_a_v1_registration_names_the_carrier_17track_detected(sandbox: Sandbox, v1_client: Any) -> None:
    serve(sandbox, sample("v1/py17track-register_success_response.json"))
    result = v1_client.register(["1234567890"])
    assert [(accepted.number, accepted.carrier) for accepted in result.accepted] == [
        ("1234567890", Carrier.FEDEX)
    ]


def test_v1_rejections_keep_17tracks_code_and_message(sandbox: Sandbox, v1_client: Any) -> None:
    serve(sandbox, sample("v1/py17track-register_existing_response.json"))
    (rejection,) = v1_client.register(["1234567890"]).rejected
    assert rejection.code is ErrorCode.ALREADY_REGISTERED
    assert (
        rejection.message
        == "The tracking number '1234567890' has been registered, don't need to repeat registration."
    )
    serve(sandbox, sample("v1/py17track-changeinfo_nonexistant_response.json"))
    (missing,) = v1_client.change_info([("1234567890", "gift")]).rejected
    assert missing.code is ErrorCode.NOT_REGISTERED
    serve(sandbox, sample("v1/py17track-changeinfo_success_response.json"))
    assert [a.number for a in v1_client.change_info([("1234567890", "gift")]).accepted] == ["1234567890"]


OPERATIONS: dict[str, Callable[[Any], object]] = {
    "register": lambda client: client.register(["1234567890"]),
    "get_track_info": lambda client: client.get_track_info(["1234567890"]),
    "stop_track": lambda client: client.stop_track(["1234567890"]),
    "retrack": lambda client: client.retrack(["1234567890"]),
    "delete_track": lambda client: client.delete_track(["1234567890"]),
    "push": lambda client: client.push(["1234567890"]),
    "change_carrier": lambda client: client.change_carrier([("1234567890", Carrier.UPS)]),
    "change_info": lambda client: client.change_info([("1234567890", "gift")]),
    "iter_track_list": lambda client: list(client.iter_track_list()),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_a_key_refused_with_http_200_is_an_authentication_error(
    sandbox: Sandbox, v1_client: Any, operation: str
) -> None:
    """``{"code": 401, "data": {"errors": [{"code": -18010002, ...}]}}`` with HTTP 200."""
    serve(sandbox, sample("v1/py17track-error_response.json"))
    with pytest.raises(AuthenticationError, match="Access token is invalid"):
        OPERATIONS[operation](v1_client)


# -- v1 pushes: a push captured from the live service, and a signature worked out in public ------

LIVE_PUSH = "v1/live-push-tracking-updated-usps.json"


def _resigned(body: bytes, api_key: str) -> bytes:
    """The live push with its ``sign`` made again with ``api_key`` over the same ``data`` bytes
    (the key that signed it is not ours to copy)."""
    text = body.decode()
    data = text[text.index('"data":') + len('"data":') : -1]
    old = json.loads(body)["sign"]
    return text.replace(old, compute_body_signature("TRACKING_UPDATED", data, api_key)).encode()


def test_a_live_v1_push_reads_as_a_person_reads_it() -> None:
    event = parse_webhook(_resigned(sample(LIVE_PUSH), KEY), api_key=KEY)
    assert event.type is WebhookEventType.TRACKING_UPDATED
    assert event.number == "9214490221582737950192"
    assert event.carrier is Carrier.USPS  # no data.carrier: track.w1 is 21051
    track = event.track
    assert track is not None
    assert track.status is MainStatus.IN_TRANSIT  # e: 10
    assert track.shipping_country == "US" and track.recipient_country is None  # b: 2105, c: 0
    assert len(track.events) == 1
    latest = track.latest_event
    assert latest is not None and latest == track.events[0]
    assert latest.time == at("2021-07-17 14:35")
    assert latest.location == "ANN ARBOR, MI 48104"  # c is empty, d holds the place
    assert latest.description is not None
    assert latest.description.startswith("Shipping Label Created, USPS Awaiting Item")


def test_the_live_pushs_signature_travels_in_its_body_and_is_checked() -> None:
    body = sample(LIVE_PUSH)
    with pytest.raises(SignatureError, match="in the body"):
        parse_webhook(body, api_key=KEY)  # signed with another key than ours
    forged = _resigned(body, KEY).replace(b"ANN ARBOR", b"ANN ARBOX", 1)
    with pytest.raises(SignatureError):
        parse_webhook(forged, api_key=KEY)


def test_the_live_push_lands_in_the_store(tmp_path: Path) -> None:
    with ShipmentStore(f"sqlite:///{tmp_path / 's.db'}") as store:
        receipt = store.receive(_resigned(sample(LIVE_PUSH), KEY), None, KEY)
        assert receipt.outcome is Outcome.APPLIED
        shipment = store.get("9214490221582737950192")
        assert shipment is not None
        assert shipment.status is MainStatus.IN_TRANSIT and shipment.carrier is Carrier.USPS
        assert shipment.latest_event is not None and shipment.latest_event.location == "ANN ARBOR, MI 48104"


def test_a_body_signature_worked_out_in_public_verifies() -> None:
    """A TRACKING_STOPPED push's published signature: SHA-256 of event, data and key."""
    vector = json.loads(sample("v1/sign-vector-tracking-stopped.json"))
    data = json.dumps(vector["data"], separators=(",", ":"))
    body = f'{{"event":"{vector["event"]}","sign":"{vector["sign"]}","data":{data}}}'.encode()
    event = parse_webhook(body, api_key=vector["key"])
    assert event.type is WebhookEventType.TRACKING_STOPPED
    assert (event.number, event.carrier, event.track) == ("RM101474005CN", Carrier.CHINA_POST, None)
    with pytest.raises(SignatureError):
        parse_webhook(body.replace(b"3011", b"3012"), api_key=vector["key"])


# -- v2: 17TRACK's documentation example of a push -----------------------------------------------


def test_17tracks_dhl_paket_exception_push_reads_as_a_person_reads_it() -> None:
    body = sample("v2/17track-doc-push-dhl-paket-exception.json")
    event = parse_webhook(body, sign=compute_signature(body, KEY), api_key=KEY)
    assert (event.type, event.number, event.carrier) == (
        WebhookEventType.TRACKING_UPDATED,
        "1234567890",
        Carrier.DHL_PAKET,
    )
    track = event.track
    assert track is not None
    assert (track.status, track.sub_status) == (MainStatus.EXCEPTION, SubStatus.EXCEPTION_OTHER)
    assert (track.provider, track.shipping_country, track.recipient_country) == ("DHL Paket", "DE", "DE")
    latest = track.latest_event
    assert latest is not None
    assert latest.time == datetime(2022, 9, 14, 8, 47, tzinfo=timezone(timedelta(hours=1)))
    assert latest.location == "Germany"
    assert latest.description is not None and latest.description.startswith(
        "The shipment is available for pick-up"
    )
    assert len(track.events) == 1
    reached = {milestone.stage: milestone.time for milestone in track.milestones}
    assert reached["AvailableForPickup"] == datetime(2022, 9, 14, 7, 47, tzinfo=UTC)
    assert reached["Delivered"] is None


# -- v2: a public client's documentation-shaped fixtures (aio17track) -----------------------------


def test_a_delivered_correios_parcel_dated_by_the_carriers_own_time(sandbox: Sandbox, v2_client: Any) -> None:
    serve(sandbox, sample("v2/aio17track-gettrackinfo_correios_2151.json"))
    (info,) = v2_client.get_track_info(["AA123456789BR"]).accepted
    assert (info.status, info.sub_status) == (MainStatus.DELIVERED, SubStatus.DELIVERED_OTHER)
    assert info.carrier_info is not None and info.carrier_info.key == 2151
    assert info.tag == "order-1042"
    assert (info.shipping_country, info.recipient_country) == ("BR", "BR")
    latest = info.latest_event
    assert latest is not None
    # Delivered_Other: 17TRACK gives the carrier's own time only (time_raw), no offset.
    assert latest.time == at("2026-06-30 14:23:00")
    assert (latest.location, latest.description) == ("RECIFE, PE", "Objeto entregue ao destinatário")
    assert [event.sub_status for event in info.events] == [
        SubStatus.IN_TRANSIT_PICKED_UP,
        SubStatus.OUT_FOR_DELIVERY_OTHER,
        SubStatus.DELIVERED_OTHER,
    ]


def test_an_in_transit_yanwen_parcel_with_a_sub_status_17track_never_named(
    sandbox: Sandbox, v2_client: Any
) -> None:
    serve(sandbox, sample("v2/aio17track-gettrackinfo_yanwen_190012.json"))
    result = v2_client.get_track_info(["YT2616912345678901", "21213123123230"])
    (info,) = result.accepted
    assert (info.status, info.sub_status) == (MainStatus.IN_TRANSIT, SubStatus.IN_TRANSIT_ARRIVAL)
    assert info.carrier_info is not None and info.carrier_info.key == 190012
    latest = info.latest_event
    assert latest is not None
    assert latest.time == datetime(2026, 6, 29, 21, 5, tzinfo=timezone(timedelta(hours=8)))
    assert (latest.location, latest.description) == ("LOS ANGELES, US", "Arrived at destination country port")
    assert len(info.events) == 3
    odd = info.events[1]
    assert not odd.sub_status.is_known and odd.sub_status.raw == "InTransit_QuantumTunnelling"
    assert odd.status is MainStatus.IN_TRANSIT
    (rejection,) = result.rejected  # its carrier came as the string "3011"
    assert (rejection.number, rejection.code) == ("21213123123230", ErrorCode.NOT_REGISTERED)


def test_a_parcel_returning_to_its_sender(sandbox: Sandbox, v2_client: Any) -> None:
    serve(sandbox, sample("v2/aio17track-gettrackinfo_exception_returning.json"))
    (info,) = v2_client.get_track_info(["AA555666777BR"]).accepted
    assert (info.status, info.sub_status) == (MainStatus.EXCEPTION, SubStatus.EXCEPTION_RETURNING)
    latest = info.latest_event
    assert latest is not None
    assert latest.time == datetime(2026, 6, 27, 11, 15, tzinfo=timezone(timedelta(hours=-3)))
    assert (latest.location, latest.description) == ("CURITIBA, PR", "Em devolução ao remetente")
    assert latest.description_translation == "Being returned to sender"
    assert len(info.events) == 1


# -- v2: a live answer, anonymised by the public client that captured it (track17-skill) ------------


def test_a_carrier_notice_given_as_plain_text_is_kept(sandbox: Sandbox, v2_client: Any) -> None:
    """A FedEx label created, not yet handed over: the live answer gives the provider's notice as
    one string, not the documented array of ``{"tip": ...}``."""
    serve(sandbox, sample("v2/track17-skill-gettrackinfo_fedex_info_received.json"))
    (info,) = v2_client.get_track_info(["123456789012"]).accepted
    assert info.provider_tips == (
        "Label created, Please check back later for shipment status or subscribe for e-mail notifications",
    )
    assert (info.status, info.sub_status) == (MainStatus.INFO_RECEIVED, SubStatus.INFO_RECEIVED)
    assert info.provider == "FedEx"
    assert (info.shipping_country, info.recipient_country) == ("US", "US")
    (event,) = info.events
    assert event.description == "Shipment information sent to FedEx"
    assert event.time == datetime(2026, 9, 17, 11, 40, 22, tzinfo=timezone(timedelta(hours=-5)))
    assert [milestone.stage for milestone in info.milestones][:2] == ["InfoReceived", "PickedUp"]


def test_a_v2_track_list_page_and_the_page_after_it(sandbox: Sandbox, v2_client: Any) -> None:
    page = sample("v2/aio17track-gettracklist_page.json")
    serve(sandbox, page, page)  # page_total: 2, so the client asks for page 2
    entries = list(v2_client.iter_track_list())
    assert [entry.number for entry in entries[:2]] == ["AA123456789BR", "YT2616912345678901"]
    delivered, expired = entries[:2]
    assert (delivered.tracking_status, delivered.package_status) == (
        TrackingStatus.TRACKING,
        MainStatus.DELIVERED,
    )
    assert (
        delivered.tag == "order-1042" and delivered.push_status_code == 200 and delivered.sync_status is True
    )
    assert delivered.register_time == datetime(2026, 6, 24, 18, 2, 11, tzinfo=UTC)
    assert (expired.tracking_status, expired.package_status) == (TrackingStatus.STOPPED, MainStatus.EXPIRED)
    assert expired.stop_track_reason == "Expired"
    assert len(entries) == 4 and len([r for r in sandbox.requests() if r.path.endswith("/gettracklist")]) == 2


def test_v2_registrations_accepted_and_rejected(sandbox: Sandbox, v2_client: Any) -> None:
    serve(sandbox, sample("v2/aio17track-register_mixed.json"))
    result = v2_client.register(["AA123456789BR"])
    (accepted,) = result.accepted
    assert accepted.number == "AA123456789BR" and int(accepted.carrier) == 2151
    serve(sandbox, sample("v2/aio17track-register_already_registered.json"))
    (rejection,) = v2_client.register(["AA123456789BR"]).rejected
    assert (rejection.code, rejection.message) == (
        ErrorCode.ALREADY_REGISTERED,
        "Tracking number AA123456789BR is already registered.",
    )


def test_the_quota_as_17track_documents_it(sandbox: Sandbox, v2_client: Any) -> None:
    serve(sandbox, sample("v2/aio17track-getquota.json"))
    quota = v2_client.get_quota()
    assert (quota.total, quota.used, quota.remaining, quota.today_used) == (1100, 2, 1098, 0)
    assert quota.daily_limit == 10_000_000
    assert (quota.free_email_total, quota.free_email_used) == (300, 0)  # "free_email_quotaused"


def test_a_stopped_push_as_17track_documents_it() -> None:
    body = sample("v2/aio17track-webhook_tracking_stopped.json")
    event = parse_webhook(body, sign=compute_signature(body, KEY), api_key=KEY)
    assert event.type is WebhookEventType.TRACKING_STOPPED
    assert (event.number, int(event.carrier or 0), event.tag, event.track) == (
        "AA123456789BR",
        2151,
        "",
        None,
    )


def test_every_sample_in_the_folder_is_read_by_a_test() -> None:
    """A sample added to the folder without a test here fails this one."""
    here = Path(__file__).read_text()
    files = sorted(path.relative_to(REAL).as_posix() for path in REAL.rglob("*.json"))
    assert files and [name for name in files if Path(name).name not in here and name not in here] == []
    readme = (REAL / "README.md").read_text()
    assert [name for name in files if Path(name).name not in readme] == []
