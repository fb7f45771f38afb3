"""The tolerant reader: answers and pushes as 17TRACK may really send them (coordinates as strings,
``null`` where an array is documented, a number where text belongs) never cost an item; only a
missing number does."""

from __future__ import annotations

import copy
import json
import logging
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import unique_key
from track17_facade import Track17Client, TrackInfo
from track17_facade.sandbox import RawAnswer, Sandbox
from track17_facade.sandbox._engine import Engine
from track17_facade.sandbox._webhooks import build_push
from track17_facade.webhooks import parse_webhook

NUMBERS = [f"RR{i:09d}CN" for i in range(40)]


def _real_answer(sandbox: Sandbox, version: str) -> dict[str, Any]:
    """A gettrackinfo answer for NUMBERS as the sandbox gives it (shipments a few days on)."""
    url = sandbox.base_url_for(version)
    with httpx.Client(headers={"17token": sandbox.api_key}, timeout=10) as http:
        http.post(f"{url}/register", json=[{"number": number} for number in NUMBERS]).raise_for_status()
        sandbox.advance(days=4)
        answer = http.post(f"{url}/gettrackinfo", json=[{"number": number} for number in NUMBERS])
    body: dict[str, Any] = answer.json()
    return body


def _as_documented(track_info: dict[str, Any]) -> None:
    """Reshape one v2.4 ``track_info`` the way public clients have seen 17TRACK send it."""
    for provider in track_info["tracking"]["providers"]:
        for event in provider["events"] or ():
            coordinates = (event.get("address") or {}).get("coordinates")
            if coordinates:
                coordinates["longitude"] = "-46.633309"
                coordinates["latitude"] = "-23.55052"
        provider["provider_tips"] = None
    track_info["milestone"] = None
    track_info["tracking"]["providers"].append({"provider": {"name": None}, "events": None})


def test_a_v2_4_answer_shaped_like_17tracks_documentation_costs_no_number() -> None:
    """String coordinates and ``null`` arrays used to fail all 40 numbers, on every retry."""
    with Sandbox(api_keys=(unique_key(),), rate=10_000) as sandbox:
        body = _real_answer(sandbox, "v2.4")
        for item in body["data"]["accepted"]:
            _as_documented(item["track_info"])
        sandbox.faults.enqueue(RawAnswer(200, json.dumps(body).encode(), "application/json"))
        with Track17Client(
            sandbox.api_key,
            api_version="v2.4",
            base_url=sandbox.base_url_for("v2.4"),
            requests_per_second=1000,
        ) as client:
            result = client.get_track_info(NUMBERS)
    assert result.ok and len(result.accepted) == 40
    located = [
        event.address
        for info in result.accepted
        for event in info.events
        if event.address and event.address.longitude is not None
    ]
    assert located and all(address.longitude == -46.633309 for address in located)
    assert all(info.milestones == () for info in result.accepted)


def test_a_field_that_cannot_be_read_is_logged_with_its_path(caplog: pytest.LogCaptureFixture) -> None:
    from track17_facade._decoders_v2 import track_info_from_v2

    with caplog.at_level(logging.DEBUG, logger="track17"):
        info = track_info_from_v2(
            "RR123456789CN", None, None, {"latest_status": {"status": 7}, "milestone": "soon"}, "track_info"
        )
    assert info.number == "RR123456789CN" and info.milestones == ()
    assert "track_info.milestone: expected an array, got str" in caplog.text


def test_a_v1_answer_with_null_where_the_contract_has_structure_costs_no_number() -> None:
    """v1's contract is 17TRACK's own text, kept word for word; its generated reader still takes
    ``null`` (or junk) where an object or array belongs, so one odd item cannot fail the 40."""
    with Sandbox(api_keys=(unique_key(),), rate=10_000, v1_shape="contract") as sandbox:
        body = _real_answer(sandbox, "v1")
        accepted = body["data"]["accepted"]
        accepted[0]["track"]["z1"] = None
        accepted[1]["track"]["z0"] = None
        accepted[2]["track"]["z1"] = [None, "an event", 7, *accepted[2]["track"]["z1"]]
        accepted[3]["track"] = "not a track"
        body["data"]["rejected"] = None
        sandbox.faults.enqueue(RawAnswer(200, json.dumps(body).encode(), "application/json"))
        with Track17Client(
            sandbox.api_key, base_url=sandbox.base_url_for("v1"), requests_per_second=1000
        ) as client:
            result = client.get_track_info(NUMBERS)
    assert result.ok and sorted(info.number for info in result.accepted) == NUMBERS
    by_number = {info.number: info for info in result.accepted}
    assert by_number[NUMBERS[0]].events == ()
    assert by_number[NUMBERS[0]].latest_event is not None
    third = len(accepted[2]["track"]["z1"]) - 3  # the three that are not events are left out
    assert len(by_number[NUMBERS[2]].events) == third > 0


def test_the_sandbox_varies_its_answers_by_seed() -> None:
    """The same seed meets the same odd answers on the same numbers, another seed on others, and
    every kind of variation turns up among 60 numbers."""
    from track17_facade.sandbox._webhooks import v2_track_info

    def odd(seed: int) -> dict[str, set[str]]:
        engine = Engine(seed=seed, now=datetime(2026, 1, 5, 8, 0))
        numbers = [f"RR{i:09d}DE" for i in range(60)]
        engine.register([{"number": number} for number in numbers])
        engine.advance(timedelta(days=6))
        found: dict[str, set[str]] = {"text coordinates": set(), "notice": set(), "null arrays": set()}
        for number in numbers:
            info = v2_track_info(engine.registrations[number], engine.now)
            text = json.dumps(info)
            if '"longitude": "' in text:
                found["text coordinates"].add(number)
            if info["tracking"]["providers"][0]["provider_tips"]:
                found["notice"].add(number)
            if info["tracking"]["providers"][0]["provider_tips"] is None:
                found["null arrays"].add(number)
        return found

    first, again, other = odd(17), odd(17), odd(18)
    assert first == again
    assert all(first[kind] and other[kind] for kind in first)
    assert first != other


# -- any field, any type ----------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.just("-46.633309"),
)
_ANYTHING = st.one_of(
    _SCALARS,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside decoded JSON."""
    found = [here] if here else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*here, index))
    return found


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        document = document[step]
    document[path[-1]] = value


def _mutated(data: st.DataObject, document: Any, leaves: tuple[str, ...] | None, values: Any) -> Any:
    """``document`` with a few values replaced by ``values``: anywhere but at a ``number``, or, with
    ``leaves``, only at those keys."""
    document = copy.deepcopy(document)
    paths = [
        path for path in _paths(document) if path[-1] != "number" and (leaves is None or path[-1] in leaves)
    ]
    for _ in range(data.draw(st.integers(1, 6))):
        path = data.draw(st.sampled_from(paths))
        value = data.draw(values)
        try:
            _set(document, path, value)
        except (TypeError, IndexError, KeyError):  # an ancestor was replaced already
            continue
    return document


@pytest.fixture(scope="module")
def answers() -> dict[str, dict[str, Any]]:
    with Sandbox(api_keys=(unique_key(),), rate=10_000, v1_shape="contract") as sandbox:
        found = {"v1": _real_answer(sandbox, "v1"), "v2.4": _real_answer(sandbox, "v2.4")}
    with Sandbox(api_keys=(unique_key(),), rate=10_000, v1_shape="17track") as sandbox:
        found["v1-17track"] = _real_answer(sandbox, "v1")
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), version=st.sampled_from(["v1", "v1-17track", "v2.4"]))
def test_no_field_of_any_type_costs_an_item(
    answers: dict[str, dict[str, Any]], data: st.DataObject, version: str
) -> None:
    """Mutate a real answer anywhere inside its items (types, nulls, extra keys): every number the
    answer names is still accepted, as a TrackInfo."""
    from track17_client.models import TrackInfoResponse as V1Answer
    from track17_client_v2.models import TrackInfoResponse as V2Answer

    from track17_facade._batching import ItemKind, plan
    from track17_facade._operations import API_VERSIONS, batch_outcomes

    body = copy.deepcopy(answers[version])
    items = body["data"]["accepted"]
    index = data.draw(st.integers(0, len(items) - 1))
    items[index] = _mutated(data, items[index], None, _ANYTHING)
    sent = plan(ItemKind.NUMBER, NUMBERS).items
    api = API_VERSIONS[version.partition("-")[0]]
    outcomes = batch_outcomes(api.get_track_info, sent, body)  # read as JSON
    assert sorted(outcomes) == NUMBERS
    assert all(isinstance(outcome, TrackInfo) for outcome in outcomes.values())
    # The generated client reads the same answer without raising, for users of the raw API.
    generated: Any = (V1Answer if version.startswith("v1") else V2Answer).from_dict(copy.deepcopy(body))
    assert len(generated.data.accepted) == len(items)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), fmt=st.sampled_from(["v1", "v1-17track", "v2"]))
def test_no_field_of_any_type_costs_a_push(data: st.DataObject, fmt: str) -> None:
    engine = Engine(seed=5, now=datetime(2026, 1, 5, 8, 0))
    engine.register([{"number": "RR123456789CN"}])
    engine.advance(timedelta(days=5))
    registration = engine.registrations["RR123456789CN"]
    webhook_format, _, shape = fmt.partition("-")
    body = build_push(
        "TRACKING_UPDATED",
        registration,
        engine.now,
        webhook_format,  # type: ignore[arg-type]
        v1_shape=shape or "contract",  # type: ignore[arg-type]
    )
    push = json.loads(body)
    track_key = "track" if webhook_format == "v1" else "track_info"
    push["data"][track_key] = _mutated(data, push["data"][track_key], None, _ANYTHING)
    event = parse_webhook(json.dumps(push).encode(), verify=False)
    assert event.number == "RR123456789CN" and event.track is not None
