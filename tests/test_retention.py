"""The store's inbox is bounded: bodies and digests are kept as long as the retention says, pruned
as the store goes (and on demand), and a push that comes again after it was forgotten still leaves
the shipment right. Stores from the previous schema are converted in place."""

from __future__ import annotations

import hashlib
import json
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tests.test_shipments import KEY, NUMBERS, sandbox_pushes
from track17_facade.cli._app import cli
from track17_facade.errors import InvalidInputError
from track17_facade.shipments import KEEP_BODIES, KEEP_DIGESTS, Outcome, ShipmentStore
from track17_facade.shipments._database import Database, migrate
from track17_facade.webhooks import compute_signature

Push = tuple[bytes, str]
DHL_PUSH = Path(__file__).parent / "data" / "real" / "v2" / "17track-doc-push-dhl-paket-exception.json"


class Clock:
    """A store's clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def real_sized_pushes(count: int) -> list[Push]:
    """``count`` signed copies of 17TRACK's documented DHL Paket push (2.6 KB compact), each for
    another number."""
    document = json.loads(DHL_PUSH.read_text())
    original = document["data"]["number"]
    text = json.dumps(document, separators=(",", ":"))
    made = []
    for index in range(count):
        body = text.replace(original, f"00340434{index:012d}").encode()
        made.append((body, compute_signature(body, KEY)))
    return made


@pytest.fixture(scope="module")
def v2_pushes() -> list[Push]:
    return sandbox_pushes("v2", NUMBERS)


def _statuses(store: ShipmentStore) -> dict[str, Any]:
    return {shipment.number: (shipment.status, len(shipment.events)) for shipment in store.shipments()}


def test_bodies_then_digests_go_when_due_and_a_push_after_that_changes_nothing(
    store_url: str, v2_pushes: list[Push]
) -> None:
    clock = Clock()
    with ShipmentStore(store_url, clock=clock) as store:
        assert (store.retention.bodies, store.retention.digests) == (KEEP_BODIES, KEEP_DIGESTS)
        for body, sign in v2_pushes:
            store.receive(body, sign, KEY)
        held, changes = _statuses(store), list(store.changes())
        kept = list(store.pushes())
        assert [push.body for push in kept] == [body for body, _ in v2_pushes]  # as received
        assert {push.number for push in store.pushes(NUMBERS[0].lower())} == {NUMBERS[0]}

        clock.advance(days=6, hours=23)
        assert store.prune().bodies == 0  # not yet a week old
        clock.advance(hours=2)
        assert store.prune() == type(store.prune())(bodies=len(v2_pushes), digests=0)
        assert all(push.body is None for push in store.pushes())
        assert store.receive(*v2_pushes[0], KEY).outcome is Outcome.DUPLICATE  # still remembered

        clock.advance(days=24)  # 31 days after they came
        assert store.prune().digests == len(v2_pushes) and store.inbox_count() == 0
        again = random.Random(5).sample(v2_pushes, len(v2_pushes))  # every push again, shuffled
        outcomes = {store.receive(body, sign, KEY).outcome for body, sign in again}
        assert outcomes == {Outcome.STALE}  # applied by newer-wins: never a downgrade
        assert _statuses(store) == held and list(store.changes()) == changes


def test_the_store_prunes_as_it_receives(tmp_path: Path) -> None:
    clock = Clock()
    stream = real_sized_pushes(1000)
    with ShipmentStore(f"sqlite:///{tmp_path / 'pushes.db'}", clock=clock) as store:
        for body, sign in stream[:600]:
            store.receive(body, sign, KEY)
        clock.advance(days=31)
        for body, sign in stream[600:999]:
            store.receive(body, sign, KEY)
        assert store.inbox_count() == 999  # the 500th push found nothing due
        store.receive(*stream[999], KEY)  # the 1000th prunes a batch: the month-old 600 go
        assert store.inbox_count() == 400
        assert sum(push.body is not None for push in store.pushes()) == 400


def test_sync_prunes_when_it_is_done(tmp_path: Path) -> None:
    from track17_facade import Track17Client
    from track17_facade.sandbox import Sandbox
    from track17_facade.shipments import webhook_app

    with (
        Sandbox(api_keys=(KEY,), rate=1000) as box,
        ShipmentStore(f"sqlite:///{tmp_path / 's.db'}", clock=box.clock) as store,
    ):
        box.set_webhook(app=webhook_app(store, KEY), path="/")
        with Track17Client(KEY, api_version="v2.4", base_url=box.base_url_for("v2.4")) as client:
            store.track(client, NUMBERS[:4])
            box.advance(days=3)
            received = sum(record.delivered for record in box.wait_for_deliveries())
            assert received and store.inbox_count() == received
            box.advance(days=31)  # what moved meanwhile is pushed, and received, now
            records = box.wait_for_deliveries()
            assert all(record.delivered for record in records)
            report = store.sync(client)
    assert report.pruned.digests == received  # the month-old ones
    assert store.inbox_count() == len(records) - received
    store.close()


@pytest.mark.parametrize(
    ("bodies", "digests", "message"),
    [
        (timedelta(days=40), timedelta(days=30), "cannot be longer than keep_digests"),
        (None, timedelta(days=30), "cannot be longer than keep_digests"),
        (timedelta(days=-1), None, "keep_bodies must be a timedelta of 0 or more"),
        (7, None, "keep_bodies must be a timedelta"),
    ],
)
def test_a_retention_that_cannot_hold_is_refused(bodies: Any, digests: Any, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        ShipmentStore("sqlite://", keep_bodies=bodies, keep_digests=digests)


def test_bodies_can_be_kept_never_or_for_ever(v2_pushes: list[Push]) -> None:
    clock = Clock()
    with ShipmentStore("sqlite://", clock=clock, keep_bodies=timedelta(0)) as none_kept:
        none_kept.receive(*v2_pushes[0], KEY)
        assert [push.body for push in none_kept.pushes()] == [None]
    with ShipmentStore("sqlite://", clock=clock, keep_bodies=None, keep_digests=None) as all_kept:
        all_kept.receive(*v2_pushes[0], KEY)
        clock.advance(days=3650)
        assert all_kept.prune() == type(all_kept.prune())(0, 0)
        assert [push.body for push in all_kept.pushes()] == [v2_pushes[0][0]]


def test_receivers_pruning_at_once_drop_each_row_once(store_url: str) -> None:
    clock = Clock()
    stream = real_sized_pushes(300)
    with ShipmentStore(store_url, clock=clock) as first:
        for body, sign in stream:
            first.receive(body, sign, KEY)
    clock.advance(days=31)
    stores = [ShipmentStore(store_url, clock=clock) for _ in range(3)]
    results: list[Any] = []
    barrier = threading.Barrier(len(stores))

    def prune(store: ShipmentStore) -> None:
        barrier.wait()
        results.append(store.prune(batch=25))

    threads = [threading.Thread(target=prune, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.digests for result in results) == 300  # each once, none left
    assert sum(result.bodies for result in results) <= 300 and stores[0].inbox_count() == 0
    for store in stores:
        store.close()


# -- the previous schema ----------------------------------------------------------------------------


def _old_digest(body: bytes) -> str:
    """How 0002 named a push: the hex SHA-256 of its canonical JSON."""
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_a_store_of_the_previous_schema_is_converted_in_place(store_url: str, v2_pushes: list[Push]) -> None:
    body, sign = v2_pushes[-1]
    document = json.loads(body)
    number = document["data"]["number"]
    track = json.dumps(document["data"]["track_info"], separators=(",", ":"))
    database = Database(store_url)
    with database.transaction() as connection:
        migrate(connection, "0002")
        connection.execute(
            sa.text(
                "INSERT INTO track17_inbox (digest, number, event, outcome, deliveries, received_at, body) "
                "VALUES (:digest, :number, 'TRACKING_UPDATED', 'applied', 1, '2026-03-01 08:00:00', :body)"
            ),
            {"digest": _old_digest(body), "number": number.lower(), "body": body},
        )
        for spelt, latest in ((f" {number.lower()}", "2026-01-09"), (number, "2026-01-08")):
            connection.execute(
                sa.text(
                    "INSERT INTO track17_shipments (number, api_version, status, latest_at, event_count, "
                    "tracking, track_info, source, created_at, updated_at) VALUES (:number, 'v2.4', "
                    "'InTransit', :latest, 3, true, :track, 'push', '2026-03-01 08:00:00', "
                    "'2026-03-01 08:00:00')"
                ),
                {"number": spelt, "latest": latest, "track": track},
            )
    database.close()
    with ShipmentStore(store_url, keep_bodies=None, keep_digests=None) as store:
        (shipment,) = store.shipments()  # two spellings of one number: the one heard of last
        assert shipment.number == number and shipment.events and store.get(number.lower()) == shipment
        (kept,) = store.pushes(number)
        assert kept.body == body and kept.number == number
        assert store.receive(body, sign, KEY).outcome is Outcome.DUPLICATE  # its digest carried over
        assert store.receive(*v2_pushes[0], KEY).outcome is Outcome.APPLIED  # new ones take new ids


# -- the command line -------------------------------------------------------------------------------


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, ["--api-key", KEY, *args])


def test_track17_shipments_prune(tmp_path: Path, v2_pushes: list[Push]) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with ShipmentStore(url) as store:
        for body, sign in v2_pushes:
            store.receive(body, sign, KEY)
    done = _invoke("shipments", "prune", "--store", url, "--keep-bodies", "0s")
    assert done.exit_code == 0, done.output
    assert f"dropped {len(v2_pushes)} bodies (older than 0s), forgot 0 pushes (older than 30d)" in done.stderr
    missing = _invoke("shipments", "prune", "--store", f"sqlite:///{tmp_path / 'nothing.db'}")
    assert missing.exit_code == 2 and not (tmp_path / "nothing.db").exists()
    wrong = _invoke("shipments", "prune", "--store", url, "--keep-bodies", "40d")
    assert wrong.exit_code == 2 and "cannot be longer than keep_digests" in wrong.stderr
    forever = _invoke(
        "shipments", "prune", "--store", url, "--keep-bodies", "forever", "--keep-digests", "forever"
    )
    assert forever.exit_code == 0 and "all kept" in forever.stderr


# -- reading at scale -------------------------------------------------------------------------------


def test_sync_and_pages_read_index_ranges_not_the_table(tmp_path: Path) -> None:
    """The queries that run on every page, as SQLite plans them: each a range of an index, with
    no scan of a table and no sort (so a page costs the same at a million shipments)."""
    from track17_facade.shipments._rows import page_query
    from track17_facade.shipments._schema import changes, inbox, shipments
    from track17_facade.shipments._sync import stale_queries

    url = f"sqlite:///{tmp_path / 'plans.db'}"
    ShipmentStore(url).close()
    now = datetime(2026, 3, 1, tzinfo=UTC)
    (never, by_number), (due, by_check) = stale_queries(now)
    pages = [
        page_query(never, by_number, ("RR1",)),
        page_query(due, by_check, (now, "RR1")),
        page_query(sa.select(shipments), (shipments.c.number,), ("RR1",)),
        page_query(sa.select(changes), (changes.c.id,), (7,)),
        page_query(sa.select(inbox).where(inbox.c.number == "RR1"), (inbox.c.id,), (7,)),
    ]
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        for page in pages:
            sql = str(page.compile(engine, compile_kwargs={"literal_binds": True}))
            plan = " | ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert "SEARCH" in plan and "SCAN" not in plan and "TEMP B-TREE" not in plan, plan
    engine.dispose()
