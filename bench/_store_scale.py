"""Figure 15: the shipment store at scale: pushes per second from the first to the last, reads at
the far end, sync's choice of stale shipments by index, bytes per shipment and per push, memory.

The store runs in this process, receiving through ``ShipmentStore.receive`` (what every receiver
runs), on a clock that spreads the pushes over ``DAYS`` days, so that the default retention is in
its steady state for the second half. Each shipment gets ``PUSHES_PER`` pushes, each later one
newer and longer (as a moving parcel's are); all shipments get their first push before any gets
its second, so the store holds every shipment from a fifth of the way in.

Run on its own: ``python -m bench._store_scale --shipments 1000000`` (SQLite, about an hour and a
half on one core), ``--postgres`` for PostgreSQL (a cluster of the tests' kind); it prints one JSON
object. ``python -m bench --only 15`` runs it at 1,000,000 on SQLite and 100,000 on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

KEY = "bench-scale-key"
PUSHES_PER = 5
REAL_PUSH = (
    Path(__file__).resolve().parent.parent / "tests/data/real/v2/17track-doc-push-dhl-paket-exception.json"
)
DAYS = 60
WINDOWS = 20
PLACEHOLDER = "RB000000000GB"  # a number of the same length as every other
SMOKE_SHIPMENTS = 1_000
"""The smoke run's size on each database: ``reads`` pages from 600 shipments before the end."""


def templates() -> list[str]:
    """The push of each step for the placeholder number: 17TRACK's documented DHL Paket push
    (``tests/data/real``, 2.6 KB compact, as the store was first measured with), every time in it
    moved a day later per step. So each push is newer than the one before, and all are the same
    size: a change of pace is the store's, not the pushes'."""
    document = json.loads(REAL_PUSH.read_text())
    document["data"]["number"] = PLACEHOLDER
    made = []
    for step in range(PUSHES_PER):
        made.append(json.dumps(_later(document, datetime.timedelta(days=step)), separators=(",", ":")))
    return made


def _later(value: Any, by: datetime.timedelta) -> Any:
    """``value`` with every ``time_iso`` and ``time_utc`` in it moved by ``by``."""
    if isinstance(value, dict):
        moved = {key: _later(item, by) for key, item in value.items()}
        for key in ("time_iso", "time_utc"):
            if isinstance(value.get(key), str):
                at = datetime.datetime.fromisoformat(value[key]) + by
                moved[key] = at.isoformat().replace("+00:00", "Z") if key == "time_utc" else at.isoformat()
        return moved
    if isinstance(value, list):
        return [_later(item, by) for item in value]
    return value


def number(index: int) -> str:
    return f"RB{index:09d}GB"


def stream(shipments: int) -> Iterator[tuple[bytes, str]]:
    """Every push, signed, step by step."""
    from track17_facade.webhooks import compute_signature

    for template in templates():
        for index in range(shipments):
            body = template.replace(PLACEHOLDER, number(index)).encode()
            yield body, compute_signature(body, KEY)


class Clock:
    def __init__(self, step: datetime.timedelta) -> None:
        self.now = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
        self.step = step

    def __call__(self) -> datetime.datetime:
        return self.now

    def tick(self) -> None:
        self.now += self.step


def receive_all(store: Any, clock: Clock, shipments: int, progress: Callable[[str], None]) -> list[float]:
    """Receive every push; the rate of each of ``WINDOWS`` equal windows, pushes per second."""
    total = shipments * PUSHES_PER
    window = max(1, total // WINDOWS)
    rates: list[float] = []
    started = time.perf_counter()
    for count, (body, sign) in enumerate(stream(shipments), 1):
        store.receive(body, sign, KEY)
        clock.tick()
        if count % window == 0:
            now = time.perf_counter()
            rates.append(window / (now - started))
            started = now
            progress(f"{count:,} pushes, {rates[-1]:,.0f}/s")
    return rates


def _timed(call: Callable[[], object], runs: int) -> float:
    """Median seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def reads(store: Any, shipments: int) -> dict[str, float]:
    """Milliseconds of a get, and of a page of shipments and of changes, at the far end."""
    import itertools
    import random

    rng = random.Random(5)
    last_change = max(
        change.id for change in itertools.islice(store.changes(after=_far_change(store)), 10_000)
    )
    return {
        "get_ms": _timed(lambda: store.get(number(rng.randrange(shipments))), 1000) * 1e3,
        "shipments_page_ms": _timed(
            lambda: list(itertools.islice(store.shipments(after=number(shipments - 600)), 500)), 50
        )
        * 1e3,
        "changes_page_ms": _timed(
            lambda: list(itertools.islice(store.changes(after=last_change - 600), 500)), 50
        )
        * 1e3,
    }


def _far_change(store: Any) -> int:
    """A change id near the end of the log (read from the database, not by walking it)."""
    import sqlalchemy as sa

    from track17_facade.shipments._schema import changes

    with store._db.reading() as connection:
        highest = connection.execute(sa.select(sa.func.max(changes.c.id))).scalar_one()
    return max(0, int(highest) - 5000)


def stale_plan(store: Any) -> list[str]:
    """How the database plans sync's stale pages, one line per query."""
    from track17_facade.shipments._rows import page_query
    from track17_facade.shipments._sync import stale_queries

    engine = store._db.engine
    now = store.now()
    (never, by_number), (due, by_check) = stale_queries(now - datetime.timedelta(hours=12))
    queries = [page_query(never, by_number, ("RB",)), page_query(due, by_check, (now, "RB"))]
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    plans = []
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE track17_shipments")
        for query in queries:
            sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
            rows = connection.exec_driver_sql(explain + sql).all()
            plans.append(
                " | ".join(str(row[-1] if engine.dialect.name == "sqlite" else row[0]) for row in rows)
            )
    return plans


def sizes(store: Any) -> dict[str, int]:
    """Live bytes of each table and index (its pages less their free space)."""
    engine = store._db.engine
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(
                "SELECT name, SUM(pgsize - unused) FROM dbstat WHERE name LIKE '%track17%' GROUP BY name"
            ).all()
        else:  # live bytes by pgstattuple: a relation's pages also hold rows pruned, not yet vacuumed
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pgstattuple")
            rows = connection.exec_driver_sql(
                "SELECT relname, CASE relkind WHEN 'r' THEN (pgstattuple(oid)).tuple_len ELSE "
                "((pgstatindex(oid::regclass)).index_size "
                "* (pgstatindex(oid::regclass)).avg_leaf_density / 100)::bigint END "
                "FROM pg_class WHERE relname LIKE 'track17%%' AND relkind IN ('r', 'i')"
            ).all()
            connection.commit()
    return {str(name): int(size) for name, size in rows}


def per_row(found: dict[str, int], shipments: int, pushes: int, bodies: int) -> dict[str, float]:
    """Bytes per shipment (its row and indexes, its status changes), per remembered push (its
    inbox row and indexes), per kept body."""
    shipment = inbox = body = 0
    for name, size in found.items():
        if "track17_inbox_bodies" in name:
            body += size
        elif "track17_inbox" in name:
            inbox += size
        else:
            shipment += size
    return {
        "per_shipment": shipment / shipments,
        "per_push_remembered": inbox / max(1, pushes),
        "per_body_kept": body / max(1, bodies),
    }


def run(url: str, shipments: int, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    from track17_facade.shipments import ShipmentStore

    total = shipments * PUSHES_PER
    clock = Clock(datetime.timedelta(days=DAYS) / total)
    idle_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with ShipmentStore(url, clock=clock) as store:
        started = time.perf_counter()
        rates = receive_all(store, clock, shipments, progress)
        seconds = time.perf_counter() - started
        remembered = store.inbox_count()
        kept = sum(1 for push in store.pushes(after=_first_with_body(store)) if push.body is not None)
        found = sizes(store)
        result = {
            "url": url.split("://", maxsplit=1)[0],
            "shipments": shipments,
            "pushes": total,
            "seconds": seconds,
            "pushes_per_second": total / seconds,
            "window_rates": [round(rate) for rate in rates],
            # the same kind of work at the start and at the end of the run: adding shipments (the
            # first step, from an empty store to all of them), and updating them (the second step
            # against the last, with the inbox at its largest)
            "adding_last_over_first": rates[WINDOWS // PUSHES_PER - 1] / rates[0],
            "updating_last_over_first": rates[-1] / rates[WINDOWS // PUSHES_PER],
            "remembered_pushes": remembered,
            "kept_bodies": kept,
            "bytes": found,
            "per_row": per_row(found, shipments, remembered, kept),
            "reads": reads(store, shipments),
            "stale_plans": stale_plan(store),
            "peak_rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - idle_kb) / 1024,
        }
    if url.startswith("sqlite:///"):
        result["file_bytes"] = os.path.getsize(url.removeprefix("sqlite:///"))
    return result


def _first_with_body(store: Any) -> int:
    import sqlalchemy as sa

    from track17_facade.shipments._schema import bodies

    with store._db.reading() as connection:
        first = connection.execute(sa.select(sa.func.min(bodies.c.id))).scalar_one()
    return 0 if first is None else int(first) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=1_000_000)
    parser.add_argument(
        "--postgres", action="store_true", help="on PostgreSQL (a cluster of the tests' kind)"
    )
    args = parser.parse_args()

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.postgres import PostgresServer, find_binaries

        binaries = find_binaries()
        if binaries is None:
            raise SystemExit("PostgreSQL's server programs are not installed")
        server = PostgresServer(binaries, fsync=True)
        try:
            print(json.dumps(run(server.database(), args.shipments, progress)))
        finally:
            server.close()
        return
    with tempfile.TemporaryDirectory() as directory:
        print(json.dumps(run(f"sqlite:///{Path(directory) / 'scale.db'}", args.shipments, progress)))


if __name__ == "__main__":
    main()


def figure(record: Callable[..., None], smoke: bool, postgres: Callable[[], str] | None) -> None:
    """Figure 15's rows: at 1,000,000 shipments on SQLite and 100,000 on PostgreSQL (smoke: 1,000
    on each, the least whose far-end reads still page past 500 rows: the smoke run proves the code
    runs, and its figures are not judged)."""
    with tempfile.TemporaryDirectory() as directory:
        sqlite = SMOKE_SHIPMENTS if smoke else 1_000_000
        _rows(record, "SQLite", run(f"sqlite:///{Path(directory) / 'scale.db'}", sqlite))
    if postgres is not None:
        _rows(record, "PostgreSQL", run(postgres(), SMOKE_SHIPMENTS if smoke else 100_000))


BYTE_TARGETS = {"SQLite": (2000, 250, 1200), "PostgreSQL": (2500, 400, 1200)}
"""Per shipment, per push remembered, per body kept: PostgreSQL's rows carry a 24-byte header and
its indexes more slack."""


def _rows(record: Callable[..., None], name: str, found: dict[str, Any]) -> None:
    per_shipment, per_push, per_body = BYTE_TARGETS[name]
    size = f"{found['shipments']:,} shipments, {found['pushes']:,} pushes"
    rates = ", ".join(str(rate) for rate in found["window_rates"])
    record(
        f"15. {name}: pushes/s, end over start (adding)",
        found["adding_last_over_first"],
        "x",
        ">= 0.8",
        found["adding_last_over_first"] >= 0.8,
        f"{size}; {found['pushes_per_second']:,.0f}/s overall; per twentieth: {rates}",
    )
    record(
        f"15. {name}: pushes/s, end over start (updating)",
        found["updating_last_over_first"],
        "x",
        ">= 0.8",
        found["updating_last_over_first"] >= 0.8,
        "the second step's first twentieth against the last one's, inbox at its largest",
    )
    reads = found["reads"]
    record(f"15. {name}: get at the far end", reads["get_ms"], "ms", "<= 2", reads["get_ms"] <= 2, "median")
    record(
        f"15. {name}: a page of 500 changes",
        reads["changes_page_ms"],
        "ms",
        "<= 50",
        reads["changes_page_ms"] <= 50,
        "changes(after=...) near the end, median",
    )
    record(
        f"15. {name}: a page of 500 shipments",
        reads["shipments_page_ms"],
        "ms",
        "<= 200",
        reads["shipments_page_ms"] <= 200,
        "shipments(after=...) near the end, each decoded, median",
    )
    scans = [plan for plan in found["stale_plans"] if "SCAN" in plan or "Seq Scan" in plan]
    record(
        f"15. {name}: sync's stale pages by index",
        len(found["stale_plans"]) - len(scans),
        "queries",
        f"= {len(found['stale_plans'])}",
        not scans,
        " || ".join(found["stale_plans"]),
    )
    per = found["per_row"]
    record(
        f"15. {name}: bytes per shipment",
        per["per_shipment"],
        "B",
        f"<= {per_shipment}",
        per["per_shipment"] <= per_shipment,
        "row, indexes and status changes (the issue's measure before: track 2.5 KB uncompressed)",
    )
    record(
        f"15. {name}: bytes per push remembered",
        per["per_push_remembered"],
        "B",
        f"<= {per_push}",
        per["per_push_remembered"] <= per_push,
        f"digest row and indexes, kept 30 days ({found['remembered_pushes']:,} at the end)",
    )
    record(
        f"15. {name}: bytes per body kept",
        per["per_body_kept"],
        "B",
        f"<= {per_body}",
        per["per_body_kept"] <= per_body,
        f"a 2.6 KB push compressed, kept 7 days ({found['kept_bodies']:,} at the end); before: "
        "8.4 KB per push, kept for ever",
    )
    record(
        f"15. {name}: peak memory growth",
        found["peak_rss_growth_mb"],
        "MB",
        "<= 100",
        found["peak_rss_growth_mb"] <= 100,
        "flat with size: the pushes are generated and read a page at a time",
    )
