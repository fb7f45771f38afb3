"""Statuses, error codes and well-known carriers: 17TRACK's values, unknown ones kept and never
raised; the models' JSON."""

from __future__ import annotations

import pytest

from track17_facade import Carrier, ErrorCode, MainStatus, SubStatus
from track17_facade.errors import (
    ServerError,
)
from track17_facade.models import Failure

# -- statuses and codes ---------------------------------------------------------------------------


def test_main_statuses_follow_17tracks_order() -> None:
    names = [status.name_17track for status in MainStatus]
    assert names == [
        "NotFound",
        "InfoReceived",
        "InTransit",
        "Expired",
        "AvailableForPickup",
        "OutForDelivery",
        "DeliveryFailure",
        "Delivered",
        "Exception",
    ]
    assert [int(status) for status in MainStatus] == list(range(9))


def test_all_thirty_sub_statuses_know_their_main_status_and_name() -> None:
    assert len(SubStatus) == 30
    assert SubStatus.IN_TRANSIT_PICKED_UP.name_17track == "InTransit_PickedUp"
    assert SubStatus.IN_TRANSIT_PICKED_UP.main_status is MainStatus.IN_TRANSIT
    assert SubStatus.EXCEPTION_CANCEL.name_17track == "Exception_Cancel"
    assert SubStatus.INFO_RECEIVED.name_17track == "InfoReceived"
    assert SubStatus.from_name("DeliveryFailure_InvalidAddress") is SubStatus.DELIVERY_FAILURE_INVALID_ADDRESS
    for sub in SubStatus:
        assert SubStatus.from_name(sub.name_17track) is sub
        assert sub.name_17track.split("_")[0] == sub.main_status.name_17track


@pytest.mark.parametrize("enum", [MainStatus, SubStatus, ErrorCode, Carrier])
def test_unknown_values_never_raise_and_keep_the_raw_value(enum: type[MainStatus]) -> None:
    member = enum(987654)
    assert isinstance(member, enum)
    assert member.name == "UNKNOWN"
    assert member.raw == 987654 == member
    assert not member.is_known
    assert "987654" in repr(member)


def test_unknown_status_names_keep_the_name() -> None:
    sub = SubStatus.from_name("InTransit_Teleported")
    assert not sub.is_known and sub.raw == "InTransit_Teleported"
    assert MainStatus.from_name("Vanished").raw == "Vanished"


def test_error_codes_carry_17tracks_meaning() -> None:
    assert ErrorCode(-18019901) is ErrorCode.ALREADY_REGISTERED
    assert "already registered" in ErrorCode.ALREADY_REGISTERED.meaning
    assert ErrorCode.TOO_MANY_NUMBERS.meaning == "more than 40 tracking numbers in one request"
    assert all(code.meaning for code in ErrorCode)
    assert "undocumented" in ErrorCode(-1).meaning


def test_carrier_ids_are_17tracks_keys() -> None:
    assert (Carrier.UPS, Carrier.FEDEX, Carrier.DHL_EXPRESS, Carrier.USPS) == (
        100002,
        100003,
        100001,
        21051,
    )
    assert (Carrier.CHINA_POST, Carrier.ROYAL_MAIL) == (3011, 11031)


def test_track_info_helpers() -> None:
    from track17_facade import TrackInfo

    def info(status: MainStatus) -> TrackInfo:
        return TrackInfo("RR123456789CN", Carrier.CHINA_POST, status, SubStatus.DELIVERED_OTHER, None, ())

    assert info(MainStatus.DELIVERED).is_delivered and info(MainStatus.DELIVERED).is_final
    assert info(MainStatus.EXCEPTION).is_exception and info(MainStatus.EXPIRED).is_final
    assert not info(MainStatus.IN_TRANSIT).is_final
    assert "<0 events>" in repr(info(MainStatus.IN_TRANSIT))


def test_to_dict_names_unknown_values_and_errors() -> None:
    from track17_facade import MainStatus, SubStatus
    from track17_facade.models import BatchResult, TrackEvent

    event = TrackEvent(MainStatus(99), SubStatus(9999), None, None, None)
    assert event.to_dict()["status"] == "UNKNOWN:99" and event.to_dict()["sub_status"] == "UNKNOWN:9999"
    failed = BatchResult[TrackEvent](
        (), (), (Failure("RR123456789CN", ServerError("HTTP 503", status_code=503), True),)
    )
    assert failed.to_dict()["failed"] == [
        {
            "number": "RR123456789CN",
            "error": {"type": "ServerError", "message": "HTTP 503"},
            "may_have_taken_effect": True,
        }
    ]
