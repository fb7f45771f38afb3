"""The track17 demo: a few hundred parcels on a local sandbox that behaves like 17TRACK.

Run it with ``python3 run.py -s demo`` (or ``python examples/demo.py --numbers 300``). It starts the
sandbox (3 requests per second per key, 0.3 s per answer, a few faults), then does what a shop
does: registers its parcels with a progress bar, lets a few days pass, fetches their tracking,
prints the statuses, and stops tracking what was delivered. Then it does the same on API v2.4
against the same sandbox: the quota before and after, registrations with order tags, and the
richer tracking v2.4 gives (milestones, estimated delivery, addresses). Then the ``track17``
command line registers a CSV with a journal, is killed with SIGKILL half-way, and resumes. Last,
a shipment store: a receiver (``track17 shipments serve``) takes the sandbox's signed pushes, some
of them dropped, repeated or reordered on purpose, and ``sync`` recovers what the pushes missed,
until the store equals the sandbox's truth.
"""

from __future__ import annotations

import argparse
import csv
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from track17_facade import Carrier, MainStatus, Registration, Track17Client
from track17_facade.sandbox import FaultKind, Sandbox


def progress_bar(label: str):  # type: ignore[no-untyped-def]
    """A progress callback drawing ``label [#####.....] done/total`` on one line."""

    def show(done: int, total: int) -> None:
        filled = round(30 * done / total) if total else 30
        sys.stdout.write(f"\r  {label:<18} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        if done == total:
            sys.stdout.write("\n")
        sys.stdout.flush()

    return show


def parcels(count: int, start: int = 0) -> list[str | tuple[str, Carrier]]:
    """A shop's mix: China Post and Royal Mail numbers, UPS with the carrier given, a few typos."""
    mix: list[str | tuple[str, Carrier]] = []
    for i in range(start, start + count):
        if i % 50 == 49:
            mix.append(f"RR{i:07d}CN!")  # a typo: invalid characters
        elif i % 3 == 0:
            mix.append((f"1Z{i:016d}", Carrier.UPS))
        elif i % 3 == 1:
            mix.append(f"RR{i:09d}CN")
        else:
            mix.append(f"RB{i:09d}GB")
    return mix


def main() -> int:
    """Run the demo."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=300, help="how many parcels (default 300)")
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per sandbox answer")
    args = parser.parse_args()
    items: list[Any] = list(parcels(args.numbers))

    with Sandbox(
        latency=args.latency,
        v1_shape="17track",  # v1 as 17TRACK's service writes it, not as its contract names it
        fault_rate=0.1,
        fault_kinds=(FaultKind.HTTP_503, FaultKind.DROP_AFTER_EFFECT),
    ) as sandbox:
        print(
            f"Sandbox 17TRACK at {sandbox.base_url} "
            f"(3 requests/s per key, {args.latency}s per answer, 10% faults)"
        )
        v1_lost = v1_pass(sandbox, items)
        v2_lost = v2_pass(sandbox, args.numbers // 3)
        cli_lost = cli_pass(sandbox, 400)
        store_lost = shipments_pass(sandbox, 120)
        stats = sandbox.stats()
        print(
            f"\nSandbox saw {stats.requests} requests, at most {stats.max_requests_in_window} in any second, "
            f"{sum(stats.faults_injected.values())} faults injected, quota used {stats.quota_used}."
        )
        print(_rate_limit_report(stats))
        lost = v1_lost + v2_lost + cli_lost
        print(f"Tracking numbers lost: {lost}.")
        if store_lost:
            print(f"Shipments the store holds wrongly after sync: {store_lost}.")
        failures = []
        if lost:
            failures.append(f"{lost} tracking numbers were neither accepted, rejected nor failed")
        if store_lost:
            failures.append(f"the store differs from the sandbox for {store_lost} shipments after sync")
        if failures:
            print("The demo FAILED: " + "; ".join(failures) + ".")
            return 1
        print("The demo passed: every number accounted for, the store equal to the sandbox.")
        return 0


def _rate_limit_report(stats: Any) -> str:
    """What the 429s were and why, each sentence true of this run."""
    if not stats.rate_limited:
        return "No request was answered 429: the client kept to 17TRACK's 3 requests a second."
    sure = stats.rate_limited_certain
    said = [f"{stats.rate_limited} request(s) were answered 429 and retried, so nothing was lost"]
    if sure:
        said.append(
            f"{sure} of them in a second that held more than 3 arrivals by the sandbox's clock, "
            "while it ran without pause"
        )
    if stats.rate_limited - sure:
        said.append(
            f"{stats.rate_limited - sure} in a second the sandbox cannot vouch for, as it was itself "
            f"paused then ({stats.pauses} pauses of the sandbox on this host)"
        )
    return "; ".join(said) + "."


def v1_pass(sandbox: Sandbox, items: list[Any]) -> int:
    """A shop on API v1, as 17TRACK's service writes it: register, a few days, statuses, stop what
    was delivered. Returns numbers lost."""
    print("API v1, as 17TRACK's service writes it (e, w1, z0/z1/z2):")
    with Track17Client(sandbox.api_key, base_url=sandbox.base_url) as client:
        started = time.monotonic()
        registered = client.register(items, on_progress=progress_bar("registering"))
        elapsed = time.monotonic() - started
        recovered = sum(1 for item in registered.accepted if item.recovered)
        print(
            f"  {len(registered.accepted)} registered in {elapsed:.1f}s "
            f"({recovered} confirmed after a retry), {len(registered.rejected)} rejected, "
            f"{len(registered.failed)} failed"
        )
        shown = registered.rejected[:3]
        if shown:
            which = "each" if len(shown) == len(registered.rejected) else f"the first {len(shown)}"
            print(f"    {which} of the {len(registered.rejected)} rejected, with 17TRACK's reason:")
        for rejection in shown:
            print(f"    rejected {rejection.number}: {rejection.code.name}: {rejection.message}")

        sandbox.advance(days=4)
        print(f"\nFour days later ({sandbox.now:%Y-%m-%d}):")
        numbers = [item.number for item in registered.accepted]
        tracked = client.get_track_info(numbers, on_progress=progress_bar("fetching tracking"))

        counts = Counter(info.status for info in tracked.accepted)
        print(f"\n  {'status':<22}{'parcels':>8}")
        for status in MainStatus:
            if counts[status]:
                print(f"  {status.name_17track:<22}{counts[status]:>8}")
        example = next(info for info in tracked.accepted if info.latest_event)
        event = example.latest_event
        assert event is not None
        print(
            f"\n  e.g. {example.number} ({example.carrier.name if example.carrier else '?'}): "
            f"{event.description} at {event.location}, {event.time:%Y-%m-%d %H:%M}"
        )

        delivered = [info.number for info in tracked.accepted if info.is_delivered]
        stopped = client.stop_track(delivered, on_progress=progress_bar("stopping delivered"))
        print(f"  stopped tracking {len(stopped.accepted)} delivered parcels")

    return len(items) - len(registered.accepted) - len(registered.rejected) - len(registered.failed)


def v2_pass(sandbox: Sandbox, count: int) -> int:
    """The same shop on API v2.4: quota, tagged registrations, rich tracking. Returns numbers lost."""
    print(f"\nThe same on API v2.4 ({sandbox.base_url_for('v2.4')}), {count} more parcels:")
    with Track17Client(sandbox.api_key, api_version="v2.4", base_url=sandbox.base_url_for("v2.4")) as client:
        before = client.get_quota()
        print(f"  quota before: {before.used} used, {before.remaining} remaining")
        items = [
            Registration(item, tag=f"order-{index}") if isinstance(item, str) else item
            for index, item in enumerate(parcels(count, start=10_000))
        ]
        registered = client.register(items, on_progress=progress_bar("registering"))
        after = client.get_quota()
        print(
            f"  {len(registered.accepted)} registered, {len(registered.rejected)} rejected, "
            f"{len(registered.failed)} failed; quota after: {after.used} used "
            f"(+{after.used - before.used}), {after.remaining} remaining"
        )
        sandbox.advance(days=3)
        numbers = [item.number for item in registered.accepted]
        tracked = client.get_track_info(numbers, on_progress=progress_bar("fetching tracking"))
        example = next(info for info in tracked.accepted if info.latest_event and info.tag)
        event = example.latest_event
        assert event is not None
        reached = ", ".join(f"{m.stage} {m.time:%m-%d %H:%M}" for m in example.milestones if m.time)
        city = event.address.city if event.address else "?"
        print(
            f"  e.g. {example.number} (tag {example.tag}, {example.provider}): {example.status.name_17track}"
        )
        print(f"     last event {event.time:%Y-%m-%d %H:%M %z} in {city}")
        print(f"     milestones: {reached}")
        if example.estimated_delivery:
            window = example.estimated_delivery
            print(f"     estimated delivery: {window.earliest:%m-%d} to {window.latest:%m-%d}")
        return count - len(registered.accepted) - len(registered.rejected) - len(registered.failed)


def cli_pass(sandbox: Sandbox, count: int) -> int:
    """The command line: a job from a CSV, killed half-way with SIGKILL, resumed from its journal.
    Returns numbers lost."""
    print(f"\nThe command line: `track17 register orders.csv --journal orders.db`, {count} parcels")
    with tempfile.TemporaryDirectory() as tmp:
        orders, journal = Path(tmp) / "orders.csv", Path(tmp) / "orders.db"
        orders.write_text("number,carrier\n" + "".join(f"RC{i:09d}CN,3011\n" for i in range(count)))
        command = [
            sys.executable, "-m", "track17_facade.cli", "--api-key", sandbox.api_key,
            "--base-url", sandbox.base_url, "register", str(orders), "--journal", str(journal),
        ]  # fmt: skip
        before = sandbox.stats().registered
        job = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while sandbox.stats().registered - before < count // 3 and job.poll() is None:
            time.sleep(0.05)
        job.send_signal(getattr(signal, "SIGKILL", signal.SIGTERM))
        job.wait()
        shown = subprocess.run(
            [sys.executable, "-m", "track17_facade.cli", "journal", "show", str(journal), "--format", "json"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        state = json.loads(shown.stdout)[0]
        print(
            f"  killed with SIGKILL after {sandbox.stats().registered - before} registrations: the "
            f"journal holds {state['accepted']} accepted, {state['sent']} in doubt (sent, no answer recorded)"
        )
        resumed = subprocess.run([*command, "--format", "csv"], capture_output=True, text=True, check=False)
        rows = list(csv.DictReader(resumed.stdout.splitlines()))
        print(f"  run again with the same journal: exit code {resumed.returncode}")
        print(f"  {resumed.stderr.strip().splitlines()[-1]}")
        registered = sandbox.stats().registered - before
        print(f"  the sandbox holds {registered} of the {count}: each registered, and charged, once")
        return count - len({row["number"] for row in rows if row["outcome"] == "accepted"})


def shipments_pass(sandbox: Sandbox, count: int) -> int:
    """A shipment store fed by pushes (dropped, repeated and reordered on purpose) and by ``sync``.
    Returns the numbers whose stored state differs from the sandbox's truth."""
    from track17_facade.shipments import ShipmentStore  # noqa: PLC0415 (the store extra)

    print(f"\nA shipment store: pushes to `track17 shipments serve`, then `sync`, {count} parcels")
    with (
        tempfile.TemporaryDirectory() as tmp,
        ShipmentStore(f"sqlite:///{Path(tmp) / 'shipments.db'}") as store,
    ):
        command = [
            sys.executable, "-m", "track17_facade.cli", "--api-key", sandbox.api_key, "shipments", "serve",
            "--store", f"sqlite:///{Path(tmp) / 'shipments.db'}", "--port", "0",
        ]  # fmt: skip
        receiver = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        assert receiver.stderr is not None
        url = receiver.stderr.readline().strip().rsplit(" ", 1)[-1]
        try:
            sandbox.set_webhook(url, "v2", drop=0.15, repeat=0.25, reorder=0.25)
            version = "v2.4"
            with Track17Client(
                sandbox.api_key, api_version=version, base_url=sandbox.base_url_for(version)
            ) as client:
                numbers = [f"RS{i:09d}CN" for i in range(count)]
                store.track(client, numbers)
                before = len(sandbox.deliveries())
                sent = sum(sandbox.advance(days=1) for _ in range(3))
                records = sandbox.wait_for_deliveries(before + sent, timeout=120)[before:]
                copies = Counter(record.copies for record in records)
                print(
                    f"  {sent} pushes: {copies[0]} dropped, {copies[2]} delivered twice, the rest once, "
                    f"some overtaken by the next; the receiver took {store.inbox_count()} distinct pushes"
                )
                held = sum(1 for _ in store.shipments())
                behind = _differing(store, client, numbers)
                print(
                    f"  the store holds {held} shipments: these {count}, and {held - count} of the earlier "
                    f"parcels, learnt from their pushes; {len(behind)} of the {count} are behind the "
                    "sandbox, their last pushes dropped"
                )
                report = store.sync(client, stale_after=timedelta(0))
                print(
                    f"  store.sync(client), what `track17 shipments sync` runs: asked {report.asked}, "
                    f"{report.refreshed} refreshed, {report.unchanged} current, {report.failed} failed"
                )
                differing = _differing(store, client, numbers)
                changes = list(store.changes())
                print(
                    f"  the store now equals the sandbox for {count - len(differing)} of {count}, "
                    f"with {len(changes)} status changes recorded once each, in order"
                )
        finally:
            sandbox.set_webhook(None, drop=0, repeat=0, reorder=0)
            receiver.terminate()
            receiver.communicate(timeout=30)
    return len(differing)


def _differing(store: Any, client: Track17Client, numbers: list[str]) -> list[str]:
    """The numbers whose stored status or events differ from what the sandbox answers now."""
    truth = {info.number: info for info in client.get_track_info(numbers).accepted}
    differing = []
    for number in numbers:
        shipment = store.get(number)
        info = truth.get(number)
        if (
            shipment is None
            or info is None
            or (shipment.status, shipment.events) != (info.status, info.events)
        ):
            differing.append(number)
    return differing


if __name__ == "__main__":
    sys.exit(main())
