"""``track17 shipments ...``: the shipment store from the command line: a push receiver, a poller
for what pushes missed, and the store's shipments and status changes as rows."""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import click

from track17_facade.cli._common import EXIT_USAGE, expected_errors, fail, output_to, rows_out
from track17_facade.cli._group import Settings
from track17_facade.cli._job import EXIT_OK, EXIT_SOME_FAILED
from track17_facade.cli._metrics import Address, metrics_option, serve_metrics
from track17_facade.cli._output import TRACKING_COLUMNS, Output
from track17_facade.errors import AuthenticationError, StoreSchemaError
from track17_facade.models import Failure, Rejection
from track17_facade.status import MainStatus

if TYPE_CHECKING:
    from track17_facade.shipments import PruneReport, ShipmentStore

__all__ = ["shipments_group"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_PORT = 8018
"""The receiver's port: the sandbox already takes 8017, and the two often run side by side."""
SHIPMENT_COLUMNS = ("number", *TRACKING_COLUMNS, "tag", "tracking", "updated_at", "source")
CHANGE_COLUMNS = ("id", "number", "old_status", "new_status", "event_time", "description", "at")
MIN_EVERY = 10
"""The shortest ``sync --every``, in seconds: less would only spin."""
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}

STORE = click.option(
    "--store",
    "store_url",
    envvar="TRACK17_STORE_URL",
    required=True,
    metavar="URL",
    help="The store's database: sqlite:///shipments.db or postgresql+psycopg://user@host/db "
    "(default: the TRACK17_STORE_URL variable).",
)


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> timedelta | None:
    """A duration such as 90s, 15m, 12h or 30d (a click callback)."""
    if value is None:
        return None
    found = _DURATION.match(value)
    if found is None:
        raise click.BadParameter(f"{value!r} is not a duration such as 90s, 15m, 12h or 30d")
    amount, unit = found.groups()
    return timedelta(**{_UNITS[unit]: float(amount)})


def duration_option(*names: str, **options: Any) -> Callable[[F], F]:
    """An option taking a duration (``--every 15m``)."""
    return click.option(*names, callback=_duration, metavar="DURATION", **options)


def _kept(ctx: click.Context, param: click.Parameter, value: str) -> timedelta | None:
    """A retention: a duration, or "forever" (a click callback)."""
    return None if value.strip().lower() == "forever" else _duration(ctx, param, value)


def retention_options(command: F) -> F:
    """``--keep-bodies`` and ``--keep-digests``, for the commands that write to the store."""
    command = click.option(
        "--keep-digests",
        default="30d",
        show_default=True,
        callback=_kept,
        metavar="DURATION|forever",
        help="How long a push is remembered, to answer DUPLICATE when it comes again.",
    )(command)
    return click.option(
        "--keep-bodies",
        default="7d",
        show_default=True,
        callback=_kept,
        metavar="DURATION|forever",
        help="How long each push's body is kept as received (0s: not kept).",
    )(command)


def _open(
    url: str,
    *,
    read_only: bool = False,
    keep_bodies: timedelta | None = None,
    keep_digests: timedelta | None = None,
) -> ShipmentStore:
    """The store at ``url``; read commands open it read-only, so that they never create or
    change a database (a mistyped path is an error, not a new empty store)."""
    try:
        from track17_facade.shipments import ShipmentStore  # noqa: PLC0415 (an optional extra)
    except ModuleNotFoundError:
        fail("the shipment store needs its extra: pip install 'track17[store]'", EXIT_USAGE)
        raise AssertionError("unreachable") from None
    if read_only:
        return ShipmentStore(url, read_only=True)
    return ShipmentStore(url, keep_bodies=keep_bodies, keep_digests=keep_digests)


@click.group("shipments")
def shipments_group() -> None:
    """A store of shipments kept current from pushes and polls (pip install 'track17[store]')."""


@shipments_group.command("serve")
@STORE
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="0 picks a free one.",
)
@metrics_option
@retention_options
@click.pass_obj
@expected_errors
def serve_command(
    settings: Settings,
    store_url: str,
    host: str,
    port: int,
    metrics: Address | None,
    keep_bodies: timedelta | None,
    keep_digests: timedelta | None,
) -> None:
    """Receive 17TRACK's pushes into the store (set the printed URL as your webhook URL).

    Answers 200 once a push is stored, 401 to a bad signature, 400 to a body that is not a push,
    and 503 while the database is unavailable, so that 17TRACK delivers it again later. Prunes
    the inbox as it goes, a batch every 500 pushes.
    """
    if not settings.api_key:
        raise click.UsageError("an API key is needed: --api-key KEY or the TRACK17_API_KEY variable")
    import uvicorn  # noqa: PLC0415 (loaded when serving)

    from track17_facade.shipments import webhook_app  # noqa: PLC0415

    with _open(store_url, keep_bodies=keep_bodies, keep_digests=keep_digests) as store:
        if store.in_memory:
            raise click.UsageError(
                "the store is in memory: it would answer 200 to pushes and forget them when it stops, "
                "and 17TRACK does not send a push again; give it a file (--store sqlite:///shipments.db)"
            )
        app = webhook_app(store, settings.receiving_keys)
        try:
            listener = socket.create_server((host, port), backlog=1024)
            # Connections accepted from it inherit TCP_NODELAY: asyncio sets it only on sockets
            # made with IPPROTO_TCP, and with Nagle's algorithm on every answer after a
            # connection's first waited ~40 ms for the sender's delayed ACK.
            listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as exc:
            fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", 2)
            return
        bound_host, bound_port = listener.getsockname()[:2]
        if metrics is not None:
            serve_metrics(metrics)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
        click.echo(f"track17 shipments: receiving pushes at http://{bound_host}:{bound_port}/", err=True)
        sys.stderr.flush()
        server.run(sockets=[listener])


@shipments_group.command("sync")
@STORE
@duration_option(
    "--stale-after",
    default="12h",
    show_default=True,
    help="Ask about shipments the store has heard nothing of for this long.",
)
@duration_option(
    "--every", help=f"Run again at this interval until interrupted (e.g. 15m; at least {MIN_EVERY}s)."
)
@click.option("--discover", is_flag=True, help="First adopt numbers registered outside the store.")
@duration_option(
    "--stop-after-delivered",
    help="Stop tracking shipments delivered for this long (e.g. 30d).",
)
@metrics_option
@retention_options
@click.pass_obj
@expected_errors
def sync_command(
    settings: Settings,
    store_url: str,
    stale_after: timedelta,
    every: timedelta | None,
    discover: bool,
    stop_after_delivered: timedelta | None,
    metrics: Address | None,
    keep_bodies: timedelta | None,
    keep_digests: timedelta | None,
) -> None:
    """Poll what pushes missed: gettrackinfo for every stale tracked shipment, applied by the
    store's newer-wins rule. Paced at --rate like every command. Each number that failed is named
    on stderr with its reason. Then prunes the inbox."""
    if every is not None and every.total_seconds() < MIN_EVERY:
        raise click.BadParameter(
            f"{every.total_seconds():g}s is too often: 17TRACK updates a shipment every few hours, "
            f"so --every is at least {MIN_EVERY}s",
            param_hint="'--every'",
        )
    if metrics is not None and every is None:
        raise click.UsageError("--metrics-port needs --every: a single run ends before it can be scraped")
    key = _RotatingKey(settings)
    store = _open(store_url, keep_bodies=keep_bodies, keep_digests=keep_digests)
    if metrics is not None:
        serve_metrics(metrics)
    with store, settings.client(key) as client:
        while True:
            started = time.monotonic()
            key.use_current()
            try:
                report = store.sync(
                    client,
                    stale_after=stale_after,
                    stop_after_delivered=stop_after_delivered,
                    discover=discover,
                )
            except AuthenticationError:
                if not key.fall_back():
                    raise
                settings.err.print(
                    "the API key was refused: this run uses the previous key (--previous-api-key); "
                    "the next one tries the key again",
                    soft_wrap=True,
                )
                report = store.sync(
                    client,
                    stale_after=stale_after,
                    stop_after_delivered=stop_after_delivered,
                    discover=discover,
                )
            settings.err.print(
                f"asked {report.asked}: {report.refreshed} refreshed ({report.changed} changed status), "
                f"{report.unchanged} unchanged, {report.failed} failed"
                + (f", {report.adopted} adopted" if discover else "")
                + (f", {report.stopped} stopped" if stop_after_delivered is not None else "")
                + _pruned(report.pruned),
                soft_wrap=True,
            )
            for failure in report.failures:
                settings.err.print(f"  {failure.number}: {_reason(failure)}", soft_wrap=True, markup=False)
            if every is None:
                sys.exit(EXIT_OK if report.failed == 0 else EXIT_SOME_FAILED)
            time.sleep(max(0.0, every.total_seconds() - (time.monotonic() - started)))  # the schedule


class _RotatingKey:
    """``sync``'s key: ``--api-key``, or for the rest of a run whose requests it got refused,
    ``--previous-api-key`` (a new key entered before 17TRACK has taken it up: "within 5
    minutes"). Asked by the client before each request, so the switch needs no new client."""

    def __init__(self, settings: Settings) -> None:
        if not settings.api_key:
            raise click.UsageError("an API key is needed: --api-key KEY or the TRACK17_API_KEY variable")
        self._current, self._previous = settings.api_key, settings.previous_api_key
        self._key = self._current

    def __call__(self) -> str:
        return self._key

    def __repr__(self) -> str:
        return "<the API key>"

    def use_current(self) -> None:
        """Ask with ``--api-key`` again (each run starts with it)."""
        self._key = self._current

    def fall_back(self) -> bool:
        """Switch to the previous key; False when there is none, or it is in use already."""
        if self._previous is None or self._key == self._previous:
            return False
        self._key = self._previous
        return True


@shipments_group.command("list")
@STORE
@click.option("--status", help="Only shipments in this status (17TRACK's name, e.g. Delivered).")
@click.option("--tracking/--stopped", default=None, help="Only those still tracked, or no longer tracked.")
@duration_option("--stale-for", help="Only those not heard of for this long.")
@rows_out
@click.pass_obj
@expected_errors
def list_command(
    settings: Settings,
    store_url: str,
    status: str | None,
    tracking: bool | None,
    stale_for: timedelta | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """The store's shipments, in number order."""
    wanted = None if status is None else MainStatus.parse(status)  # checked before anything is written
    with _open(store_url, read_only=True) as store, output_to(output) as stream:
        out = Output(fmt, SHIPMENT_COLUMNS, stream)
        completed = False
        try:
            for shipment in store.shipments(status=wanted, tracking=tracking, stale_for=stale_for):
                event = shipment.latest_event
                info = shipment.carrier_info
                out.write(
                    {
                        "number": shipment.number,
                        "carrier": None if shipment.carrier is None else int(shipment.carrier),
                        "carrier_name": None if info is None else info.name,
                        "status": _name(shipment.status),
                        "sub_status": None
                        if shipment.sub_status is None
                        else shipment.sub_status.name_17track,
                        "last_event_time": None if event is None else event.time_raw,
                        "location": None if event is None else event.location,
                        "description": None if event is None else event.description,
                        "tag": shipment.tag,
                        "tracking": shipment.tracking,
                        "updated_at": shipment.updated_at.isoformat(),
                        "source": str(shipment.source),
                    }
                )
            completed = True
        finally:
            out.close(completed or out.rows > 0)
    settings.err.print(f"{out.rows} shipments", soft_wrap=True)


@shipments_group.command("changes")
@STORE
@click.option(
    "--after", type=click.IntRange(min=0), default=0, show_default=True, help="Only changes after this id."
)
@rows_out
@click.pass_obj
@expected_errors
def changes_command(
    settings: Settings, store_url: str, after: int, fmt: str | None, output: str | None
) -> None:
    """Status changes in the order the store recorded them; save the last id and pass it as
    --after next time to see each change once."""
    with _open(store_url, read_only=True) as store, output_to(output) as stream:
        out = Output(fmt, CHANGE_COLUMNS, stream)
        last = after
        completed = False
        try:
            for change in store.changes(after=after):
                out.write(
                    {
                        "id": change.id,
                        "number": change.number,
                        "old_status": _name(change.old_status),
                        "new_status": _name(change.new_status),
                        "event_time": None if change.event is None else change.event.time_raw,
                        "description": None if change.event is None else change.event.description,
                        "at": change.at.isoformat(),
                    }
                )
                last = change.id
            completed = True
        finally:
            out.close(completed or out.rows > 0)
    settings.err.print(f"{out.rows} changes; next time: --after {last}", soft_wrap=True)


@shipments_group.command("prune")
@STORE
@retention_options
@click.pass_obj
@expected_errors
def prune_command(
    settings: Settings, store_url: str, keep_bodies: timedelta | None, keep_digests: timedelta | None
) -> None:
    """Drop push bodies older than --keep-bodies and forget pushes older than --keep-digests, now.

    serve and sync do this as they go; run it after lowering a retention, or from cron where the
    store is written by your own receiver. A batch of 1000 rows to a transaction, so receivers
    keep answering meanwhile. The file does not shrink: its free pages are used again.
    """
    # A missing store is an error, never a new one; an older schema is upgraded as the store
    # opens below, as serve and sync do.
    with contextlib.suppress(StoreSchemaError):
        _open(store_url, read_only=True).close()
    with _open(store_url, keep_bodies=keep_bodies, keep_digests=keep_digests) as store:
        pruned = store.prune()
    settings.err.print(
        f"dropped {pruned.bodies} bodies ({_age(keep_bodies)}), "
        f"forgot {pruned.digests} pushes ({_age(keep_digests)})",
        soft_wrap=True,
    )


def _age(kept: timedelta | None) -> str:
    return "all kept" if kept is None else f"older than {_span(kept)}"


def _span(kept: timedelta) -> str:
    seconds = kept.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def _pruned(pruned: PruneReport) -> str:
    if not (pruned.bodies or pruned.digests):
        return ""
    return f"; pruned {pruned.bodies} bodies and {pruned.digests} pushes"


def _name(status: MainStatus | None) -> str | None:
    return None if status is None else status.name_17track


def _reason(failure: Rejection | Failure) -> str:
    """Why a number failed, in one line: 17TRACK's code and message, or the error after retries."""
    if isinstance(failure, Rejection):
        return f"refused by 17TRACK: {failure.code.name}: {failure.message}"
    return f"failed after retries: {type(failure.error).__name__}: {failure.error}"
