"""What the clients send where 17TRACK's public sources disagree: what works under every reading,
with the alternative behind a documented switch (the contract's ``info.description`` names the
sources)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ClientFactory
from track17_facade import CacheLevel, Carrier, ErrorCode, InvalidInputError
from track17_facade._batching import ItemKind, plan
from track17_facade._operations import API_VERSIONS
from track17_facade._options import cache_level_wire
from track17_facade.sandbox import Sandbox

NUMBERS = [f"RR{i:09d}CN" for i in range(45)]


def _bodies(operation: Any, items: list[object]) -> list[dict[str, Any]]:
    sent = plan(operation.kind, items).items
    return [entry.to_dict() for entry in operation.body(sent)]


def test_the_standard_cache_level_is_left_out_and_instant_is_named() -> None:
    """Standard is 17TRACK's documented default, so leaving it out cannot be read as the dearer
    level; a number for Instant is ambiguous (a public client sends 1 for real time, the table
    gives 1 to Standard), its name is not."""
    realtime = API_VERSIONS["v2.4"].realtime
    assert realtime is not None
    standard = _bodies(realtime(cache_level_wire(CacheLevel.STANDARD, "name"), 1), ["RR123456789CN"])
    assert standard == [{"number": "RR123456789CN"}]
    instant = _bodies(realtime(cache_level_wire(CacheLevel.INSTANT, "name"), 1), ["RR123456789CN"])
    assert instant == [{"number": "RR123456789CN", "cacheLevel": "Instant"}]
    as_number = _bodies(realtime(cache_level_wire(CacheLevel.INSTANT, "integer"), 1), ["RR123456789CN"])
    assert as_number == [{"number": "RR123456789CN", "cacheLevel": 2}]


def test_realtime_sends_one_number_a_request_by_default(sandbox: Sandbox, v2_client: Any) -> None:
    result = v2_client.get_realtime_track_info(NUMBERS[:5])
    assert result.ok and len(result.accepted) == 5
    stats = sandbox.stats()
    assert stats.requests == 5 and stats.max_items_in_request == 1
    wider = v2_client.get_realtime_track_info(NUMBERS, batch_size=40, cache_level_as="integer")
    assert wider.ok and sandbox.stats().requests == 5 + 2
    with pytest.raises(InvalidInputError, match="batch_size"):
        v2_client.get_realtime_track_info(NUMBERS[:1], batch_size=41)
    with pytest.raises(InvalidInputError, match="cache_level_as"):
        v2_client.get_realtime_track_info(NUMBERS[:1], cache_level_as="roman")


def test_the_carrier_of_a_pair_is_sent_on_v2_4() -> None:
    table = API_VERSIONS["v2.4"]
    for operation in (table.get_track_info, table.stop_track, table.retrack, table.delete_track, table.push):
        assert _bodies(operation, [("RR123456789CN", Carrier.CHINA_POST), "RR123456780CN"]) == [
            {"number": "RR123456789CN", "carrier": 3011},
            {"number": "RR123456780CN"},
        ], operation.name
    assert table.get_track_info.kind is ItemKind.LOOKUP


def test_pairs_work_on_v2_4_and_are_refused_on_v1(make_client: ClientFactory) -> None:
    client = make_client()
    assert client.register(NUMBERS[:2]).ok
    result = client.get_track_info([(NUMBERS[0], Carrier.CHINA_POST), NUMBERS[1]])
    if client.api_version == "v2.4":
        assert result.ok and [info.number for info in result.accepted] == NUMBERS[:2]
    else:  # v1's items have no carrier field: a pair is refused before anything is sent
        assert [r.index for r in result.rejected] == [0] and len(result.accepted) == 1


def test_change_carrier_sends_the_old_carrier_when_named(make_client: ClientFactory) -> None:
    client = make_client()
    assert client.register([(NUMBERS[0], Carrier.CHINA_POST), (NUMBERS[1], Carrier.CHINA_POST)]).ok
    changed = client.change_carrier([(NUMBERS[0], Carrier.CHINA_POST, Carrier.CHINA_EMS)])
    assert changed.ok
    if client.api_version == "v2.4":  # the sandbox checks carrier_old as 17TRACK would
        wrong = client.change_carrier([(NUMBERS[1], Carrier.UPS, Carrier.CHINA_EMS)])
        assert [r.code for r in wrong.rejected] == [ErrorCode.NOT_REGISTERED_WITH_CARRIER]
    bad = client.change_carrier([(NUMBERS[1], "no such carrier", Carrier.CHINA_EMS)])
    assert bad.rejected[0].code is ErrorCode.FIELD_VALUE_INVALID
    assert "the old carrier: no carrier is named" in bad.rejected[0].message
    body = _bodies(API_VERSIONS["v2.4"].change_carrier, [(NUMBERS[0], 3011, 3013), (NUMBERS[1], 3013)])
    assert body == [
        {"number": NUMBERS[0], "carrier_old": 3011, "carrier_new": 3013},
        {"number": NUMBERS[1], "carrier_new": 3013},
    ]


def test_getquota_sends_an_empty_array_and_reads_both_spellings(sandbox: Sandbox, v2_client: Any) -> None:
    """aio17track, whose requests follow 17TRACK's documentation examples, sends ``[]``; the
    documentation's example answer spells ``free_email_quotaused`` (the sandbox does too)."""
    import json

    from track17_facade.sandbox import RawAnswer

    quota_body = API_VERSIONS["v2.4"].quota_body
    assert quota_body is not None and quota_body() == []
    assert v2_client.get_quota().free_email_used == 0
    other = {"code": 0, "data": {"quota_total": 10, "quota_used": 1, "free_email_quota_used": 3}}
    sandbox.faults.enqueue(RawAnswer(200, json.dumps(other).encode(), "application/json"))
    quota = v2_client.get_quota()
    assert (quota.total, quota.used, quota.free_email_used) == (10, 1, 3)
