"""Pure logic, no network: statuses, codes, carriers, batching, retry delays, the limiter's maths."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from track17_facade import Carrier, CarrierDirectory, ErrorCode, MainStatus, SubStatus
from track17_facade._batching import ItemKind, Prepared, chunks, merge, plan
from track17_facade.errors import InvalidResponseError
from track17_facade.models import Accepted, Failure, Rejection
from track17_facade.ratelimit import SlidingWindowLimiter, window_for_rate
from track17_facade.retry import (
    backoff_delay,
    is_retryable_status,
    may_have_taken_effect,
    parse_retry_after,
    retry_delay,
)

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


def test_carrier_directory_loads_the_published_list(tmp_path: Path) -> None:
    listing = tmp_path / "apicarrier.all.json"
    listing.write_text(
        '[{"key": 100002, "_country": 2105, "_country_iso": "US", "_url": "https://www.ups.com",'
        ' "_name": "UPS"},'
        ' {"key": 190271, "_country_iso": "CN", "_name": "Cainiao"}]'
    )
    directory = CarrierDirectory.from_file(listing)
    assert len(directory) == 2
    assert directory[100002].country_iso == "US"
    assert directory.find("cainiao") is not None
    assert directory.find("cainiao").key == Carrier.CAINIAO  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="entry 0"):
        CarrierDirectory.from_json('[{"key": "x", "_name": "Bad"}]')


def test_track_info_helpers() -> None:
    from track17_facade import TrackInfo

    def info(status: MainStatus) -> TrackInfo:
        return TrackInfo("RR123456789CN", Carrier.CHINA_POST, status, SubStatus.DELIVERED_OTHER, None, ())

    assert info(MainStatus.DELIVERED).is_delivered and info(MainStatus.DELIVERED).is_final
    assert info(MainStatus.EXCEPTION).is_exception and info(MainStatus.EXPIRED).is_final
    assert not info(MainStatus.IN_TRANSIT).is_final
    assert "<0 events>" in repr(info(MainStatus.IN_TRANSIT))


# -- batching -------------------------------------------------------------------------------------


def test_plan_rejects_bad_rows_and_keeps_the_rest_in_order() -> None:
    result = plan(
        ItemKind.REGISTER,
        [
            "RR123456789CN",
            "bad!",
            ("1Z999AA10123456784", Carrier.UPS),
            "RR123456789CN",
            ("RR000000001CN", "ups"),
            None,
        ],
    )
    assert [item.number for item in result.items] == ["RR123456789CN", "1Z999AA10123456784"]
    assert result.items[1].carrier == 100002
    rejected = [entry for entry in result.order if isinstance(entry, Rejection)]
    assert [r.code for r in rejected] == [
        ErrorCode.FIELD_FORMAT_INVALID,
        ErrorCode.FIELD_VALUE_INVALID,
        ErrorCode.FIELD_FORMAT_INVALID,
    ]
    assert "bad!" in rejected[0].message
    assert "carrier 'ups' is invalid" in rejected[1].message


def test_plan_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError, match="not a single string"):
        plan(ItemKind.NUMBER, "RR123456789CN")


@given(st.lists(st.from_regex(r"[A-Z0-9]{5,12}", fullmatch=True), max_size=300))
def test_chunks_hold_at_most_40_and_cover_everything_once(numbers: list[str]) -> None:
    items = plan(ItemKind.NUMBER, numbers).items
    pieces = list(chunks(items))
    assert all(1 <= len(piece) <= 40 for piece in pieces)
    assert [item for piece in pieces for item in piece] == list(items)
    assert len(items) == len(set(numbers))


def test_merge_keeps_input_order_and_reports_unmentioned_numbers() -> None:
    planned = plan(ItemKind.NUMBER, ["AAAAA1", "bad", "BBBBB2", "CCCCC3"])
    error = InvalidResponseError("boom")
    outcomes = {"CCCCC3": Accepted("CCCCC3"), "AAAAA1": Failure("AAAAA1", error)}
    result = merge(planned, outcomes)  # type: ignore[arg-type]
    assert [a.number for a in result.accepted] == ["CCCCC3"]
    assert [r.number for r in result.rejected] == ["bad"]
    assert [f.number for f in result.failed] == ["AAAAA1", "BBBBB2"]
    assert "did not mention BBBBB2" in str(result.failed[1].error)


def test_prepared_items_are_values() -> None:
    assert Prepared("ABCDE") == Prepared("ABCDE")


# -- retries --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (520, True),
        (400, False),
        (401, False),
        (404, False),
    ],
)
def test_which_statuses_are_retried(status: int, retry: bool) -> None:
    assert is_retryable_status(status) is retry


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    rng = random.Random(1)
    for retry in range(1, 10):
        step = min(8.0, 0.25 * 2 ** (retry - 1))
        delays = [backoff_delay(retry, rng=rng) for _ in range(50)]
        assert all(step / 2 <= delay <= step for delay in delays)
        assert len(set(delays)) > 1


def test_retry_after_wins_over_backoff() -> None:
    assert retry_delay(1, 2.5) == 2.5
    assert retry_delay(1, None) <= 0.25


def test_retry_after_parses_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=7), usegmt=True), now=now) == 7.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("99999") == 60.0


def test_which_failures_may_have_taken_effect() -> None:
    import httpx

    assert not may_have_taken_effect(status=None, exc=httpx.ConnectError("refused"))
    assert not may_have_taken_effect(status=429, exc=None)
    assert may_have_taken_effect(status=500, exc=None)
    assert may_have_taken_effect(status=None, exc=httpx.ReadTimeout("slow"))
    assert may_have_taken_effect(status=None, exc=httpx.RemoteProtocolError("dropped"))


# -- the limiter's arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"), [(3.0, (3, 1.0)), (0.5, (1, 2.0)), (50.0, (50, 1.0)), (2.5, (2, 0.8))]
)
def test_rates_become_limit_and_window(rate: float, expected: tuple[int, float]) -> None:
    assert window_for_rate(rate) == expected


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        window_for_rate(0)


@given(
    limit=st.integers(1, 5),
    arrivals=st.lists(st.floats(0, 5, allow_nan=False), min_size=1, max_size=40),
)
def test_reservations_never_put_more_than_limit_in_any_window(limit: int, arrivals: list[float]) -> None:
    """Whatever the callers' timing, the granted starts never exceed the limit in any window."""
    now = [0.0]
    limiter = SlidingWindowLimiter(limit, 1.0, margin=0.0, clock=lambda: now[0])
    starts = []
    for at in sorted(arrivals):
        now[0] = at
        starts.append(at + limiter.reserve())
    starts.sort()
    for index in range(limit, len(starts)):
        assert starts[index] - starts[index - limit] >= 1.0 - 1e-9
    # and no needless idling: each start is as early as the limit allows
    for index, start in enumerate(starts):
        earliest = (
            sorted(arrivals)[index]
            if index < limit
            else max(sorted(arrivals)[index], starts[index - limit] + 1.0)
        )
        assert start == pytest.approx(earliest)
