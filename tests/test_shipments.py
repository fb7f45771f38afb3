"""The shipment store: pushes and polls applied by one rule, on SQLite and a real PostgreSQL."""

from __future__ import annotations

import itertools
import json
import random
import re
import signal
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import unique_key
from tests.receiver import AsgiServer, Receiver
from track17_facade import MainStatus, Track17Client
from track17_facade.errors import (
    InvalidInputError,
    SignatureError,
    StoreSchemaError,
    StoreUnavailableError,
    WebhookParseError,
)
from track17_facade.sandbox import Sandbox
from track17_facade.shipments import Outcome, ShipmentStore, Source, freshness, webhook_app
from track17_facade.shipments._database import Database, migrate
from track17_facade.shipments._schema import SCHEMA_HEAD, metadata
from track17_facade.webhooks import compute_signature, parse_webhook

KEY = "store-test-key"
NUMBERS = [f"RR{i:09d}CN" for i in range(8)]

Push = tuple[bytes, str]


PUSH_SHAPES = ["v1", "v1-17track", "v2"]
"""v1 as the contract writes it, v1 as 17TRACK's service writes it, and v2."""


def sandbox_pushes(fmt: str, numbers: list[str], steps: int = 6) -> list[Push]:
    """Real pushes from the sandbox (signed with ``KEY``), in the order it sent them: each number's
    later pushes hold more events than its earlier ones. ``fmt`` is one of ``PUSH_SHAPES``."""
    webhook_format, _, shape = fmt.partition("-")
    with (
        Receiver() as receiver,
        Sandbox(
            api_keys=(KEY,),
            rate=1000,
            webhook_format=webhook_format,
            v1_shape=shape or "contract",
            webhook_url=receiver.url,
        ) as box,
        Track17Client(KEY, base_url=box.base_url, requests_per_second=1000) as client,
    ):
        assert client.register(numbers).ok
        sent = 0
        for _ in range(steps):
            sent += box.advance(days=1)
        box.wait_for_deliveries(sent)
        return [(push.body, push.sign or "") for push in receiver.received]


@pytest.fixture(scope="module", params=PUSH_SHAPES)
def pushes(request: pytest.FixtureRequest) -> list[Push]:
    return sandbox_pushes(request.param, NUMBERS)


@pytest.fixture
def store(store_url: str) -> Iterator[ShipmentStore]:
    with ShipmentStore(store_url) as opened:
        yield opened


def newest_per_number(pushes: list[Push]) -> dict[str, Any]:
    """What the store must end with: each number's last push as the sandbox sent them."""
    newest: dict[str, Any] = {}
    for body, sign in pushes:
        event = parse_webhook(body, sign=sign, api_key=KEY)
        newest[event.number] = event.track
    return newest


def assert_change_chains(store: ShipmentStore, final: dict[str, MainStatus]) -> None:
    """Each number's status changes run from None to its final status, each step a real change,
    each recorded once, and the ids only grow."""
    by_number: dict[str, list[Any]] = defaultdict(list)
    ids = [change.id for change in store.changes()]
    assert ids == sorted(set(ids))
    for change in store.changes():
        by_number[change.number].append(change)
    for number, status in final.items():
        chain = by_number[number]
        assert chain, number
        assert chain[0].old_status is None
        for before, after in itertools.pairwise(chain):
            assert after.old_status is before.new_status
        assert all(change.old_status is not change.new_status for change in chain)
        assert chain[-1].new_status is status


# -- the newer-wins rule ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_repeated_pushes_end_at_each_numbers_newest(
    store: ShipmentStore, pushes: list[Push], seed: int
) -> None:
    rng = random.Random(seed)
    stream = pushes + rng.sample(pushes, len(pushes) // 2)  # half of them delivered twice
    rng.shuffle(stream)
    outcomes = [store.receive(body, sign, KEY).outcome for body, sign in stream]

    assert outcomes.count(Outcome.DUPLICATE) == len(pushes) // 2
    assert outcomes.count(Outcome.APPLIED) + outcomes.count(Outcome.STALE) == len(pushes)
    assert store.inbox_count() == len(pushes)  # every distinct push kept, stale ones too
    newest = newest_per_number(pushes)
    for number, track in newest.items():
        shipment = store.get(number)
        assert shipment is not None
        assert (shipment.status, shipment.sub_status) == (track.status, track.sub_status)
        assert shipment.events == track.events
        assert shipment.latest_event == track.latest_event
        assert shipment.source is Source.PUSH and shipment.tracking
    assert_change_chains(store, {number: track.status for number, track in newest.items()})


def test_pushes_in_order_apply_each_and_record_every_status_change(
    store: ShipmentStore, pushes: list[Push]
) -> None:
    statuses: dict[str, list[MainStatus]] = defaultdict(list)
    for body, sign in pushes:
        assert store.receive(body, sign, KEY).outcome is Outcome.APPLIED
        track = parse_webhook(body, sign=sign, api_key=KEY).track
        assert track is not None
        if not statuses[track.number] or statuses[track.number][-1] is not track.status:
            statuses[track.number].append(track.status)
    recorded: dict[str, list[MainStatus]] = defaultdict(list)
    for change in store.changes():
        recorded[change.number].append(change.new_status)
    assert recorded == statuses
    last = max(change.id for change in store.changes())
    middle = list(store.changes())[len(statuses)]
    assert [change.id for change in store.changes(after=middle.id)][-1] == last
    assert all(change.id > middle.id for change in store.changes(after=middle.id))


def test_an_older_push_after_a_newer_one_is_stale_and_changes_nothing(
    store: ShipmentStore, pushes: list[Push]
) -> None:
    mine = [push for push in pushes if parse_webhook(push[0], verify=False).number == NUMBERS[0]]
    assert len(mine) >= 2
    assert store.receive(*mine[-1], KEY).outcome is Outcome.APPLIED
    before = store.get(NUMBERS[0])
    changes_before = list(store.changes())
    for body, sign in mine[:-1]:
        assert store.receive(body, sign, KEY).outcome is Outcome.STALE
    after = store.get(NUMBERS[0])
    assert after is not None and before is not None
    assert (after.status, after.events, after.updated_at) == (before.status, before.events, before.updated_at)
    assert list(store.changes()) == changes_before


def test_the_same_push_serialised_differently_is_a_duplicate(
    store: ShipmentStore, pushes: list[Push]
) -> None:
    body, sign = pushes[0]
    assert store.receive(body, sign, KEY).outcome is Outcome.APPLIED
    respaced = json.dumps(json.loads(body), indent=2, sort_keys=True).encode()
    assert store.receive(respaced, compute_signature(respaced, KEY), KEY).outcome is Outcome.DUPLICATE
    assert store.inbox_count() == 1


def test_freshness_orders_by_latest_time_then_event_count(pushes: list[Push]) -> None:
    tracks = [parse_webhook(body, verify=False).track for body, _ in pushes]
    mine = [track for track in tracks if track is not None and track.number == NUMBERS[1]]
    keys = [freshness(track) for track in mine]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert freshness(mine[0])[1] < freshness(mine[-1])[1]


# -- stopped, bad and odd pushes ----------------------------------------------------------------


def stop_push(number: str, fmt: str = "v1") -> Push:
    data: dict[str, Any] = {"number": number, "carrier": 3011, "tag": None}
    if fmt == "v2":
        data["param"] = None
    body = json.dumps({"event": "TRACKING_STOPPED", "data": data}).encode()
    return body, compute_signature(body, KEY)


def test_a_stop_push_marks_the_shipment_untracked_and_keeps_its_status(
    store: ShipmentStore, pushes: list[Push]
) -> None:
    body, sign = pushes[-1]
    number = parse_webhook(body, verify=False).number
    store.receive(body, sign, KEY)
    before = store.get(number)
    assert store.receive(*stop_push(number), KEY).outcome is Outcome.STOPPED
    after = store.get(number)
    assert before is not None and after is not None
    assert not after.tracking and before.tracking
    assert (after.status, after.events) == (before.status, before.events)
    assert [shipment.number for shipment in store.shipments(tracking=False)] == [number]
    assert store.receive(*stop_push("UNSEEN1"), KEY).outcome is Outcome.STOPPED
    unseen = store.get("UNSEEN1")
    assert unseen is not None and not unseen.tracking and unseen.status is None


def test_bad_pushes_raise_their_errors_and_store_nothing(store: ShipmentStore, pushes: list[Push]) -> None:
    body, sign = pushes[0]
    if sign:  # signed in a header (a 17TRACK-shaped v1 push carries its signature in the body)
        with pytest.raises(SignatureError):
            store.receive(body, "0" * 64, KEY)
        with pytest.raises(SignatureError):
            store.receive(body, None, KEY)
    with pytest.raises(SignatureError):
        store.receive(body.replace(b'"number":"', b'"number":"X', 1), sign, KEY)
    with pytest.raises(SignatureError):
        store.receive(body, sign, "another-key")
    junk = b'{"event": "TRACKING_UPDATED", "data": {"number": 7}}'
    with pytest.raises(WebhookParseError):
        store.receive(junk, compute_signature(junk, KEY), KEY)
    with pytest.raises(InvalidInputError):
        store.receive(body, sign, "")
    assert store.inbox_count() == 0
    assert list(store.shipments()) == []


def test_a_push_holding_a_lone_surrogate_escape_is_refused_and_stores_nothing(store: ShipmentStore) -> None:
    """JSON can escape half of a UTF-16 pair ("\\ud800"); no text holds one, and no database column
    takes one, so such a push is a bad push (400), not a store failure (500)."""
    for body, reason in (
        # in the number: no tracking number the client would send
        (b'{"event":"TRACKING_STOPPED","data":{"number":"RR\\ud800CN"}}', "is invalid"),
        (
            b'{"event":"TRACKING_UPDATED","data":{"number":"RR1CN01","tag":"\\udfff","track":{"z1":[]}}}',
            "surrogate",
        ),
    ):
        with pytest.raises(WebhookParseError, match=reason):
            store.receive(body, compute_signature(body, KEY), KEY)
    assert store.inbox_count() == 0 and list(store.shipments()) == []


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_pushlike = st.fixed_dictionaries(
    {"event": st.sampled_from(["TRACKING_UPDATED", "TRACKING_STOPPED", "NEW_EVENT"]) | _json},
    optional={
        "data": st.fixed_dictionaries(
            {"number": st.text(min_size=1, max_size=12) | _json},
            optional={"track": _json, "track_info": _json, "carrier": _json, "tag": _json},
        )
        | _json
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_pushlike | _json, raw=st.binary(max_size=64))
def test_receive_raises_only_its_documented_errors_and_stores_all_or_nothing(
    tmp_path: Path, document: Any, raw: bytes
) -> None:
    with ShipmentStore(f"sqlite:///{tmp_path / 'fuzz.db'}") as store:
        for body in (json.dumps(document).encode(), raw):
            before = store.inbox_count()
            try:
                receipt = store.receive(body, compute_signature(body, KEY), KEY)
            except WebhookParseError:
                assert store.inbox_count() == before
            else:
                assert store.inbox_count() == before + (receipt.outcome is not Outcome.DUPLICATE)
                ignored = (Outcome.IGNORED, Outcome.DUPLICATE)  # a duplicate of an ignored push too
                assert store.get(receipt.number) is not None or receipt.outcome in ignored


# -- the schema ---------------------------------------------------------------------------------


def test_a_store_from_the_first_schema_opens_and_is_upgraded_in_place(store_url: str) -> None:
    database = Database(store_url)
    with database.transaction() as connection:
        migrate(connection, "0001")
        connection.execute(
            sa.text(
                "INSERT INTO track17_shipments (number, api_version, status, sub_status, event_count, "
                "tracking, source, created_at, updated_at) VALUES ('OLD000001', 'v1', 'Delivered', "
                "'Delivered_Other', 0, true, 'push', '2026-01-01 00:00:00', '2026-01-02 00:00:00')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO track17_changes (number, old_status, new_status, at) VALUES "
                "('OLD000001', NULL, 'InTransit', '2026-01-01 00:00:00'), "
                "('OLD000001', 'InTransit', 'Delivered', '2026-01-02 00:00:00')"
            )
        )
    database.close()
    with pytest.raises(StoreSchemaError, match="upgrade=True"):
        ShipmentStore(store_url, upgrade=False)
    with ShipmentStore(store_url) as store:
        old = store.get("OLD000001")
        assert old is not None and old.status is MainStatus.DELIVERED
        assert old.status_since is not None and old.status_since.isoformat() == "2026-01-02T00:00:00+00:00"
        assert [change.new_status for change in store.changes()] == [
            MainStatus.IN_TRANSIT,
            MainStatus.DELIVERED,
        ]
    with ShipmentStore(store_url, upgrade=False) as again:  # already at the head
        assert again.get("OLD000001") is not None


def test_a_schema_newer_than_the_release_is_refused(store_url: str) -> None:
    ShipmentStore(store_url).close()
    database = Database(store_url)
    with database.transaction() as connection:
        connection.execute(sa.text("UPDATE track17_schema_version SET version_num = '9999'"))
    database.close()
    with pytest.raises(StoreSchemaError, match="9999"):
        ShipmentStore(store_url)


def test_the_tables_the_queries_use_are_what_the_migrations_make(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    ShipmentStore(store_url).close()
    engine = sa.create_engine(store_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": "track17_schema_version"})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []
    assert SCHEMA_HEAD == "0003"


def test_urls_the_store_cannot_use_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="SQLite or PostgreSQL"):
        ShipmentStore("mysql://user@localhost/db")
    with pytest.raises(InvalidInputError, match="not a database URL"):
        ShipmentStore("not a url")
    with pytest.raises(StoreUnavailableError) as caught:
        ShipmentStore("postgresql+psycopg://someone:s3cret-pw@127.0.0.1:1/nothing")
    assert "s3cret-pw" not in str(caught.value)


# -- polling ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2.4"])
def test_track_then_sync_brings_the_store_to_the_sandboxs_truth(
    store_url: str, version: Literal["v1", "v2.4"]
) -> None:
    key = unique_key()
    numbers = [f"RR{i:09d}CN" for i in range(60)]
    with (
        Sandbox(api_keys=(key,), rate=1000) as box,
        Track17Client(
            key, base_url=box.base_url_for(version), requests_per_second=1000, api_version=version
        ) as client,
        ShipmentStore(store_url) as store,
    ):
        assert store.track(client, numbers).ok
        registered = store.get(numbers[0])
        assert registered is not None and registered.status is None and registered.source is Source.REGISTER
        box.advance(days=4)
        report = store.sync(client)
        assert (report.asked, report.failed) == (60, 0)
        assert report.refreshed == 60 and report.changed == 60
        truth = {info.number: info for info in client.get_track_info(numbers).accepted}
        for number in numbers:
            shipment = store.get(number)
            assert shipment is not None and shipment.source is Source.POLL
            assert (shipment.status, shipment.events) == (truth[number].status, truth[number].events)
        assert store.sync(client).asked == 0  # nothing is stale yet
        box.advance(days=2)
        again = store.sync(client, stale_after=timedelta(0))
        assert again.asked == 60 and again.refreshed + again.unchanged == 60
        assert again.refreshed == sum(
            1 for info in client.get_track_info(numbers).accepted if info.events != truth[info.number].events
        )


def test_sync_discovers_numbers_registered_elsewhere_and_stops_long_delivered_ones(store_url: str) -> None:
    key = unique_key()
    numbers = [f"RR{i:09d}CN" for i in range(30)]
    with (
        Sandbox(api_keys=(key,), rate=1000) as box,
        Track17Client(
            key, base_url=box.base_url_for("v2.4"), requests_per_second=1000, api_version="v2.4"
        ) as client,
        ShipmentStore(store_url) as store,
    ):
        assert client.register(numbers).ok
        box.advance(days=30)
        report = store.sync(client, discover=True)
        assert report.adopted == 30 and report.asked == 30
        delivered = [s.number for s in store.shipments(status=MainStatus.DELIVERED)]
        assert delivered and delivered == [s.number for s in store.shipments(status="Delivered")]
        stopping = store.sync(client, stop_after_delivered=timedelta(0), stale_after=timedelta(days=1))
        assert stopping.stopped == len(delivered)
        assert {s.number for s in store.shipments(tracking=False)} == set(delivered)
        listed = {entry.number: entry for entry in client.iter_track_list()}
        assert all(listed[number].stop_track_reason for number in delivered)
        with pytest.raises(InvalidInputError, match="status"):
            list(store.shipments(status="Teleported"))


# -- the receiving endpoint ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", PUSH_SHAPES)
def test_the_receiver_with_dropped_repeated_and_reordered_pushes_plus_sync_equals_the_truth(
    store_url: str, fmt: str
) -> None:
    key = unique_key()
    numbers = [f"RR{i:09d}CN" for i in range(40)]
    webhook_format, _, shape = fmt.partition("-")
    version: Literal["v1", "v2.4"] = "v1" if webhook_format == "v1" else "v2.4"
    with (
        ShipmentStore(store_url) as store,
        AsgiServer(webhook_app(store, key)) as web,
        Sandbox(
            api_keys=(key,),
            rate=1000,
            webhook_format=webhook_format,
            v1_shape=shape or "contract",
            webhook_url=f"{web.url}/17track",
            webhook_drop=0.2,
            webhook_repeat=0.3,
            webhook_reorder=0.3,
        ) as box,
        Track17Client(
            key, base_url=box.base_url_for(version), requests_per_second=1000, api_version=version
        ) as client,
    ):
        assert store.track(client, numbers).ok
        sent = sum(box.advance(days=1) for _ in range(5))
        records = box.wait_for_deliveries(sent)
        assert {record.copies for record in records} == {0, 1, 2}  # dropped, once, twice
        assert all(record.delivered for record in records if record.copies)
        truth = {info.number: info for info in client.get_track_info(numbers).accepted}
        behind = [n for n in numbers if (s := store.get(n)) is None or s.events != truth[n].events]
        assert behind  # the dropped pushes left some shipments behind
        report = store.sync(client, stale_after=timedelta(0))
        assert report.refreshed >= len(behind)
        for number in numbers:
            shipment = store.get(number)
            assert shipment is not None
            assert (shipment.status, shipment.events) == (truth[number].status, truth[number].events)
        assert_change_chains(store, {number: info.status for number, info in truth.items() if info.events})


def test_the_receiver_answers_each_kind_of_request_as_documented(tmp_path: Path, pushes: list[Push]) -> None:
    body, sign = pushes[0]
    with (
        ShipmentStore(f"sqlite:///{tmp_path / 'r.db'}") as store,
        AsgiServer(webhook_app(store, KEY, max_body=64 * 1024)) as web,
        httpx.Client(base_url=web.url) as http,
    ):
        ok = http.post("/hook", content=body, headers={"sign": sign})
        assert ok.status_code == 200 and ok.json()["outcome"] == "applied"
        assert http.post("/hook", content=body, headers={"sign": sign}).json()["outcome"] == "duplicate"
        forged = body.replace(b'"number":"', b'"number":"X', 1)
        assert http.post("/hook", content=forged, headers={"sign": sign}).status_code == 401
        if sign:  # signed in a header, not in the body
            assert http.post("/hook", content=body, headers={"sign": "0" * 64}).status_code == 401
            assert http.post("/hook", content=body).status_code == 401
        junk = b"[1, 2]"
        assert (
            http.post("/hook", content=junk, headers={"sign": compute_signature(junk, KEY)}).status_code
            == 400
        )
        big = b" " * (64 * 1024 + 1)
        assert (
            http.post("/hook", content=big, headers={"sign": compute_signature(big, KEY)}).status_code == 413
        )
        assert http.get("/hook").status_code == 405
        assert store.inbox_count() == 1


def test_the_receiver_answers_503_while_the_database_is_down_and_stores_the_push_after(
    postgres_server: Any, pushes: list[Push]
) -> None:
    body, sign = pushes[0]
    with (
        ShipmentStore(postgres_server.database()) as store,
        AsgiServer(webhook_app(store, KEY)) as web,
        httpx.Client(base_url=web.url) as http,
    ):
        postgres_server.stop()
        try:
            down = http.post("/", content=body, headers={"sign": sign})
            assert down.status_code == 503 and down.headers["retry-after"]
        finally:
            postgres_server.start()
        assert http.post("/", content=body, headers={"sign": sign}).json()["outcome"] == "applied"
        assert store.inbox_count() == 1


def test_webhook_app_refuses_an_unusable_key(tmp_path: Path) -> None:
    with ShipmentStore(f"sqlite:///{tmp_path / 'k.db'}") as store, pytest.raises(InvalidInputError):
        webhook_app(store, "")


# -- receiver processes -------------------------------------------------------------------------


class ReceiverProcess:
    """``track17 shipments serve`` in its own process, on a free port."""

    def __init__(self, store_url: str) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "track17_facade.cli",
                "--api-key",
                KEY,
                "shipments",
                "serve",
                "--store",
                store_url,
                "--port",
                "0",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        found = re.search(r"http://[\d.]+:\d+/", line)
        assert found, line
        self.url = found.group(0)
        self._drain = threading.Thread(target=self.process.stderr.read, daemon=True)
        self._drain.start()

    def stop(self, kill: bool = False) -> None:
        """Stop it (SIGTERM; SIGKILL with ``kill``), and close its pipe."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        self.process.wait(timeout=30)
        self._drain.join(timeout=30)
        assert self.process.stderr is not None
        self.process.stderr.close()


def post(http: httpx.Client, url: str, push: Push) -> httpx.Response:
    body, sign = push
    return http.post(url, content=body, headers={"sign": sign})


def test_four_receiver_processes_on_one_postgresql_store_apply_each_push_once(postgres_server: Any) -> None:
    numbers = [f"RR{i:09d}CN" for i in range(12)]
    distinct = sandbox_pushes("v2", numbers, steps=6)
    rng = random.Random(4)
    stream = distinct * 3
    rng.shuffle(stream)
    url = postgres_server.database()
    ShipmentStore(url).close()  # the schema, before four processes race to create it
    receivers = [ReceiverProcess(url) for _ in range(4)]
    try:
        with httpx.Client(timeout=30) as http, ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda pair: post(http, receivers[pair[0] % 4].url, pair[1]), enumerate(stream))
            )
    finally:
        for receiver in receivers:
            receiver.stop()
    assert [answer.text for answer in answers if answer.status_code != 200] == []
    outcomes = [answer.json()["outcome"] for answer in answers]
    assert outcomes.count("duplicate") == len(stream) - len(distinct)  # nothing applied twice
    with ShipmentStore(url) as store:
        assert store.inbox_count() == len(distinct)
        newest = newest_per_number(distinct)
        for number, track in newest.items():
            shipment = store.get(number)
            assert shipment is not None and (shipment.status, shipment.events) == (track.status, track.events)
        assert_change_chains(store, {number: track.status for number, track in newest.items()})


def test_every_push_answered_200_survives_a_receiver_killed_mid_stream(tmp_path: Path) -> None:
    numbers = [f"RR{i:09d}CN" for i in range(10)]
    stream = sandbox_pushes("v1", numbers, steps=8)
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    receiver = ReceiverProcess(url)
    acknowledged: list[Push] = []
    lock = threading.Lock()
    enough = threading.Event()

    def send(push: Push) -> None:
        with httpx.Client(timeout=10) as http:
            try:
                answer = post(http, receiver.url, push)
            except httpx.HTTPError:
                return
        if answer.status_code == 200:
            with lock:
                acknowledged.append(push)
                if len(acknowledged) >= len(stream) // 3:
                    enough.set()

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(send, push) for push in stream]
        assert enough.wait(timeout=60)
        receiver.stop(kill=True)
        for future in futures:
            future.result()
    assert len(stream) // 3 <= len(acknowledged) < len(stream)  # killed mid-stream
    with ShipmentStore(url) as store:
        for push in acknowledged:
            assert store.receive(*push, KEY).outcome is Outcome.DUPLICATE


# -- the README's receivers ---------------------------------------------------------------------


@pytest.fixture
def readme_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'readme.db'}"
    monkeypatch.setenv("TRACK17_API_KEY", KEY)
    monkeypatch.setenv("TRACK17_STORE_URL", url)
    return url


def check_receiver(post_push: Any, pushes: list[Push], url: str) -> None:
    """The README's receivers answer as documented and store what they acknowledge."""
    body, sign = pushes[0]
    assert post_push(body, sign) == (200, "applied")
    assert post_push(body, sign) == (200, "duplicate")
    assert post_push(body.replace(b'"number":"', b'"number":"X', 1), sign)[0] == 401
    if sign:  # signed in a header, not in the body
        assert post_push(body, "0" * 64)[0] == 401
    junk = b'{"event": "TRACKING_UPDATED"}'
    assert post_push(junk, compute_signature(junk, KEY))[0] == 400
    with ShipmentStore(url) as store:
        assert store.inbox_count() == 1
        assert store.get(parse_webhook(body, verify=False).number) is not None


def test_the_readme_fastapi_mount(readme_store: str, pushes: list[Push]) -> None:
    from tests.readme import run_example

    namespace = run_example("shipments-fastapi")
    with AsgiServer(namespace["app"]) as web, httpx.Client(base_url=web.url) as http:

        def post_push(body: bytes, sign: str) -> tuple[int, str | None]:
            answer = http.post("/17track/webhook", content=body, headers={"sign": sign})
            return answer.status_code, answer.json().get("outcome")

        check_receiver(post_push, pushes, readme_store)
    namespace["store"].close()


def test_the_readme_flask_recipe(readme_store: str, pushes: list[Push]) -> None:
    from tests.readme import run_example

    namespace = run_example("shipments-flask")
    web = namespace["app"].test_client()

    def post_push(body: bytes, sign: str) -> tuple[int, str | None]:
        answer = web.post("/17track/webhook", data=body, headers={"sign": sign})
        return answer.status_code, answer.get_json().get("outcome")

    check_receiver(post_push, pushes, readme_store)
    namespace["store"].close()


def test_the_readme_django_recipe(readme_store: str, pushes: list[Push]) -> None:
    import django
    from django.conf import settings
    from django.test import RequestFactory

    from tests.readme import run_example

    if not settings.configured:
        settings.configure(ALLOWED_HOSTS=["*"], USE_TZ=True)
        django.setup()
    namespace = run_example("shipments-django")
    view, factory = namespace["track17_webhook"], RequestFactory()

    def post_push(body: bytes, sign: str) -> tuple[int, str | None]:
        answer = view(
            factory.post("/17track/webhook", data=body, content_type="application/json", HTTP_SIGN=sign)
        )
        return answer.status_code, json.loads(answer.content).get("outcome")

    check_receiver(post_push, pushes, readme_store)
    assert view(factory.get("/17track/webhook")).status_code == 405
    namespace["store"].close()


# -- the command line ---------------------------------------------------------------------------


def test_the_shipments_commands_sync_list_and_page_through_changes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tests.test_cli import run
    from track17_facade.cli._app import cli

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    numbers = [f"RR{i:09d}CN" for i in range(50)]
    with Sandbox(api_keys=(unique_key(),), rate=1000) as box:
        assert run(box, "register", "-", stdin="\n".join(numbers), version="v2.4").exit_code == 0
        box.advance(days=20)
        synced = run(
            box, "shipments", "sync", "--store", url, "--discover", "--stale-after", "0s", version="v2.4"
        )
        assert synced.exit_code == 0, synced.output
        assert "asked 50: 50 refreshed" in synced.stderr and "50 adopted" in synced.stderr
        with Track17Client(box.api_key, base_url=box.base_url, requests_per_second=1000) as client:
            truth = {info.number: info for info in client.get_track_info(numbers).accepted}
    listed = CliRunner().invoke(
        cli, ["shipments", "list", "--store", url, "--status", "Delivered", "--format", "json"]
    )
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert rows and {row["number"] for row in rows} == {n for n, info in truth.items() if info.is_delivered}
    first = CliRunner().invoke(cli, ["shipments", "changes", "--store", url, "--format", "json"])
    changes = json.loads(first.stdout)
    assert len(changes) == 50 and all(change["old_status"] is None for change in changes)
    cursor = re.search(r"--after (\d+)", first.stderr)
    assert cursor and int(cursor.group(1)) == changes[-1]["id"]
    again = CliRunner().invoke(
        cli, ["shipments", "changes", "--store", url, "--after", cursor.group(1), "--format", "json"]
    )
    assert json.loads(again.stdout) == []
    bad = CliRunner().invoke(cli, ["shipments", "list", "--store", url, "--status", "Teleported"])
    assert bad.exit_code == 2 and "Teleported" in bad.stderr and "Traceback" not in bad.output
    missing = CliRunner().invoke(cli, ["shipments", "list"], env={"TRACK17_STORE_URL": ""})
    assert missing.exit_code == 2 and "--store" in missing.stderr


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=300) | _pushlike.map(lambda doc: json.dumps(doc).encode()),
    signed=st.booleans(),
    method=st.sampled_from(["POST", "POST", "PUT", "GET"]),
    chunks=st.integers(1, 3),
)
def test_the_receiver_answers_any_request_with_a_documented_status(
    tmp_path: Path, body: bytes, signed: bool, method: str, chunks: int
) -> None:
    import asyncio

    with ShipmentStore(f"sqlite:///{tmp_path / 'asgi.db'}") as store:
        app = webhook_app(store, KEY, max_body=200)
        headers = [(b"sign", compute_signature(body, KEY).encode())] if signed else []
        size = -(-len(body) // chunks) or 1
        parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
        messages = [
            {"type": "http.request", "body": part, "more_body": index < len(parts) - 1}
            for index, part in enumerate(parts)
        ]
        sent: list[dict[str, Any]] = []

        async def receive() -> MutableMapping[str, Any]:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(dict(message))

        scope = {"type": "http", "method": method, "path": "/", "headers": headers}
        before = store.inbox_count()
        asyncio.run(call(app, scope, receive, send))
        status = sent[0]["status"]
        expected = (
            {405} if method != "POST" else {413} if len(body) > 200 else {200, 400} if signed else {401}
        )
        assert status in expected
        answer = json.loads(sent[1]["body"])  # always a JSON body
        stored = status == 200 and answer["outcome"] != "duplicate"  # examples share the store
        assert store.inbox_count() == before + stored


async def call(app: Any, scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Run an ASGI application once."""
    await app(scope, receive, send)


def test_receive_takes_the_body_as_bytes_bytearray_or_text(store: ShipmentStore, pushes: list[Push]) -> None:
    """Frameworks hand the raw body over in different types; each is the same push."""
    body, sign = pushes[0]
    assert store.receive(bytearray(body), sign, KEY).outcome is Outcome.APPLIED
    assert store.receive(body.decode(), sign, KEY).outcome is Outcome.DUPLICATE
    assert store.inbox_count() == 1
