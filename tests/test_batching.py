"""Turning bulk input into requests: validation, de-duplication, chunking and merging in input
order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from track17_facade import Carrier, ErrorCode
from track17_facade._batching import ItemKind, Prepared, chunks, merge, plan
from track17_facade.errors import (
    InvalidResponseError,
)
from track17_facade.models import Accepted, Failure, Rejection

# -- batching -------------------------------------------------------------------------------------


def test_plan_rejects_bad_rows_and_keeps_the_rest_in_order() -> None:
    result = plan(
        ItemKind.REGISTER,
        [
            "RR123456789CN",
            "bad!",
            ("1Z999AA10123456784", Carrier.UPS),
            "RR123456789CN",
            ("RR000000001CN", 3.5),
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
    assert "carrier 3.5 is invalid" in rejected[1].message


def test_surrounding_whitespace_is_stripped_before_checking_and_deduplicating() -> None:
    result = plan(ItemKind.REGISTER, [" RR333333333CN ", "RR333333333CN\n", ("\tRR444444444CN", Carrier.UPS)])
    assert [item.number for item in result.items] == ["RR333333333CN", "RR444444444CN"]
    assert result.order == ("RR333333333CN", "RR444444444CN")


def test_a_huge_bad_value_is_cut_in_the_rejection() -> None:
    huge = "X" * 10_000
    rejection = plan(ItemKind.NUMBER, [huge]).order[0]
    assert isinstance(rejection, Rejection)
    assert len(rejection.number) <= 60 and len(rejection.message) < 200
    assert len(repr(rejection)) < 400
    assert rejection.number.startswith("XXXX") and rejection.index == 0


@pytest.mark.parametrize(
    ("item", "named"),
    [(None, "got NoneType None"), (123, "got int 123"), (b"RR123456789CN", "got bytes")],
)
def test_a_non_string_item_names_its_type_and_is_told_apart_from_a_string(item: object, named: str) -> None:
    result = plan(ItemKind.REGISTER, ["RR123456789CN", item, "None"])
    wrong_type, wrong_string = (entry for entry in result.order if isinstance(entry, Rejection))
    assert wrong_type.number == "" and wrong_type.index == 1
    assert named in wrong_type.message and wrong_type.message.startswith("item 1: expected")
    assert wrong_string.number == "None" and wrong_string.index == 2
    assert "tracking number 'None' is invalid" in wrong_string.message


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (ItemKind.REGISTER, "a tracking number string, a (number, carrier) pair or a Registration"),
        (ItemKind.LOOKUP, "a tracking number string or a (number, carrier) pair"),
        (ItemKind.CARRIER, "a (number, carrier) pair or a (number, old carrier, new carrier) triple"),
        (ItemKind.TAG, "a (number, tag) pair"),
    ],
)
def test_a_wrong_sized_tuple_names_the_pair_of_its_operation(kind: ItemKind, expected: str) -> None:
    rejection = plan(kind, [("RR123456789CN", 1, 2, 3)]).order[0]
    assert isinstance(rejection, Rejection)
    assert rejection.message == f"item 0: expected {expected}, got a 4-tuple ('RR123456789CN', 1, 2, 3)"
    assert rejection.code is ErrorCode.FIELD_VALUE_INVALID


def test_a_carrier_change_may_name_the_old_carrier() -> None:
    (item,) = plan(ItemKind.CARRIER, [("RR123456789CN", 3011, 3013)]).items
    assert (item.carrier_old, item.carrier) == (3011, 3013)
    (pair,) = plan(ItemKind.CARRIER, [("RR123456789CN", 3013)]).items
    assert (pair.carrier_old, pair.carrier) == (None, 3013)


def test_a_bare_number_where_a_pair_is_needed_names_the_pair() -> None:
    rejection = plan(ItemKind.TAG, ["RR123456789CN"]).order[0]
    assert isinstance(rejection, Rejection) and rejection.number == "RR123456789CN"
    assert "expected a (number, tag) pair, got str" in rejection.message


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


def test_a_prepared_item_is_a_frozen_value_as_an_attrs_class_was() -> None:
    import copy
    import pickle

    item = Prepared("RR123456785CN", carrier=3011, index=2)
    assert item == Prepared("RR123456785CN", 3011, index=2) and hash(item) == hash(copy.copy(item))
    assert item != Prepared("RR123456785CN", 3011, index=3)
    assert repr(item).startswith("Prepared(number='RR123456785CN', carrier=3011, tag=None,")
    assert item.evolve(suspect=True).suspect and not item.suspect
    assert pickle.loads(pickle.dumps(item)) == item == copy.deepcopy(item)  # noqa: S301 (its own bytes)
    with pytest.raises(AttributeError, match="frozen"):
        item.number = "other"
    with pytest.raises(TypeError):
        item.evolve(nope=1)
