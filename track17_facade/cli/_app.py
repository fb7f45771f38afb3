"""The ``track17`` commands (click for parsing and help, rich for progress bars and tables).

Everything goes through the facade: the commands read rows, hand them to ``Track17Client.stream``
and write what comes back. The journal decides, number by number, what a resumed job sends.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import re
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any, Final, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from track17_facade import (
    AuthenticationError,
    InvalidInputError,
    Track17Client,
    Track17Error,
)
from track17_facade._base import API_VERSIONS, StreamMethod
from track17_facade.cli._input import InputError, count_rows, opened, rows
from track17_facade.cli._journal import Admission, Journal, JournalError
from track17_facade.errors import WebhookError
from track17_facade.models import Accepted, BatchResult, Failure, Rejection, TrackInfo, TrackingStatus
from track17_facade.ratelimit import DEFAULT_REQUESTS_PER_SECOND
from track17_facade.status import MainStatus
from track17_facade.webhooks import parse_webhook

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_REFUSED_KEY = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C
FORMATS: Final = ("table", "csv", "json", "jsonl")
TABLE_ROWS: Final = 1000
"""A table shows at most this many rows; ``--format csv`` (or json/jsonl) exports any number."""
OUTCOME_COLUMNS: Final = ("number", "outcome", "carrier", "recovered", "code", "message")
STATUS_COLUMNS: Final = (
    "number",
    "outcome",
    "carrier",
    "status",
    "sub_status",
    "last_event_time",
    "location",
    "description",
    "code",
    "message",
)
F = TypeVar("F", bound=Callable[..., Any])
LINES_KEPT: Final = 4096
"""Input lines remembered for naming refused rows: the stream refuses a row within one request's
worth of reading it, so a few thousand is plenty and memory stays flat."""
_ITEM_PREFIX: Final = re.compile(r"^item \d+: ")


class Settings:
    """The global options, for the commands."""

    def __init__(self, **options: Any) -> None:
        self.api_key: str | None = options["api_key"]
        self.base_url: str | None = options["base_url"]
        self.api_version: str = options["api_version"]
        self.rate: float = options["rate"]
        self.max_retries: int | None = options["max_retries"]
        self.quiet: bool = options["quiet"]
        self.err = Console(stderr=True, quiet=self.quiet, highlight=False)

    def client(self) -> Track17Client:
        """A client from the options; a missing key is a usage error."""
        if not self.api_key:
            raise click.UsageError("an API key is needed: --api-key KEY or the TRACK17_API_KEY variable")
        options: dict[str, Any] = {"api_version": self.api_version, "requests_per_second": self.rate}
        if self.base_url:
            options["base_url"] = self.base_url
        if self.max_retries is not None:
            options["max_retries"] = self.max_retries
        return Track17Client(self.api_key, **options)


def _expected_errors(command: F) -> F:
    """Expected failures end with a message and an exit code, never a traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AuthenticationError as exc:
            _fail(f"the API key was refused: {exc}", EXIT_REFUSED_KEY)
        except (InputError, JournalError, InvalidInputError) as exc:
            _fail(str(exc), EXIT_USAGE)
        except sqlite3.Error as exc:  # the journal could not be written (disk full, file removed)
            _fail(f"the journal could not be written: {exc}", EXIT_SOME_FAILED)
        except Track17Error as exc:
            _fail(f"{type(exc).__name__}: {exc}", EXIT_SOME_FAILED)
        except KeyboardInterrupt:
            _fail("interrupted (with --journal, the same command resumes the job)", EXIT_INTERRUPTED)
        except BrokenPipeError:  # `track17 ... | head`
            sys.stderr.close()
            sys.exit(EXIT_SOME_FAILED)

    return run  # type: ignore[return-value]


def _fail(message: str, code: int) -> None:
    click.echo(f"track17: {message}", err=True)
    sys.exit(code)


# -- output ---------------------------------------------------------------------------------


class Output:
    """Rows to stdout as a table (on a terminal), CSV, JSON (one array) or JSON lines."""

    def __init__(self, fmt: str | None, columns: tuple[str, ...], stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout
        self.fmt = fmt or ("table" if self.stream.isatty() else "csv")
        self.columns = columns
        self.rows = 0
        self._table: list[Mapping[str, Any]] = []
        self._csv: Any = None
        if self.fmt == "csv":
            self._csv = csv.DictWriter(self.stream, columns, extrasaction="ignore", lineterminator="\n")
            self._csv.writeheader()
        elif self.fmt == "json":
            self.stream.write("[")

    def write(self, row: Mapping[str, Any]) -> None:
        """One row; JSON formats keep its values' types, CSV and tables show them as text."""
        if self.fmt == "csv":
            self._csv.writerow({key: _text(row.get(key)) for key in self.columns})
        elif self.fmt == "jsonl":
            self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            self.stream.write(("\n" if not self.rows else ",\n") + json.dumps(row, ensure_ascii=False))
        elif len(self._table) < TABLE_ROWS:
            self._table.append(row)
        self.rows += 1

    def close(self) -> None:
        """End the output (the JSON array's bracket, or the table itself)."""
        if self.fmt == "json":
            self.stream.write("\n]\n" if self.rows else "]\n")
        elif self.fmt == "table":
            table = Table(*self.columns, show_lines=False)
            for row in self._table:
                table.add_row(*(_text(row.get(key)) for key in self.columns))
            # On a terminal, its width; in a file or pipe, wide enough not to cut numbers.
            width = None if self.stream.isatty() else 200
            Console(file=self.stream, highlight=False, width=width).print(table)
            if self.rows > len(self._table):
                click.echo(
                    f"... and {self.rows - len(self._table)} more rows; use --format csv to export all",
                    file=self.stream,
                )
        self.stream.flush()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def _name(value: object) -> str | None:
    return None if value is None else getattr(value, "name", str(value))


def outcome_rows(
    result: BatchResult[Any], lines: Mapping[int, int] | None = None
) -> Iterator[dict[str, Any]]:
    """One output row per number of a request's result (``lines``: input item index -> file
    line, for rows refused before sending)."""
    for item in result.accepted:
        if isinstance(item, TrackInfo):
            event = item.latest_event
            yield {
                "number": item.number,
                "outcome": "accepted",
                "carrier": _name(item.carrier),
                "status": item.status.name,
                "sub_status": item.sub_status.name,
                "last_event_time": None if event is None or event.time is None else event.time.isoformat(),
                "location": None if event is None else event.location,
                "description": None if event is None else event.description,
            }
        else:
            assert isinstance(item, Accepted)
            yield {
                "number": item.number,
                "outcome": "accepted",
                "carrier": _name(item.carrier),
                "recovered": item.recovered,
            }
    for rejection in result.rejected:
        yield _refused(rejection, lines or {})
    for failure in result.failed:
        yield _failed(failure)


def _refused(rejection: Rejection, lines: Mapping[int, int]) -> dict[str, Any]:
    message = rejection.message
    line = None if rejection.index is None else lines.get(rejection.index)
    if line is not None:  # "item 12: ..." counts the items sent in this run; the line is the file's
        message = f"line {line}: {_ITEM_PREFIX.sub('', message)}"
    return {
        "number": rejection.number,
        "outcome": "rejected",
        "code": rejection.code.name,
        "message": message,
    }


def _failed(failure: Failure) -> dict[str, Any]:
    return {
        "number": failure.number,
        "outcome": "failed",
        "code": type(failure.error).__name__,
        "message": str(failure.error),
    }


class Tally:
    """The end-of-job summary: accepted, rejected by code, failed."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.recovered = 0
        self.from_journal = 0

    def add(self, row: Mapping[str, Any], from_journal: bool = False) -> None:
        """Count one row."""
        self.outcomes[row["outcome"]] += 1
        self.from_journal += from_journal
        self.recovered += bool(row.get("recovered"))
        if row["outcome"] != "accepted":
            self.codes[f"{row['outcome']} {row.get('code')}"] += 1

    def line(self) -> str:
        """The summary as one line of text."""
        accepted = f"accepted {self.outcomes['accepted']}"
        if self.recovered:
            accepted += f" ({self.recovered} recovered)"
        parts = [accepted]
        for outcome in ("rejected", "failed"):
            by_code = sorted(
                ((key.split(" ", 1)[1], n) for key, n in self.codes.items() if key.startswith(outcome)),
                key=lambda pair: -pair[1],
            )
            detail = ", ".join(f"{code} {n}" for code, n in by_code)
            parts.append(f"{outcome} {self.outcomes[outcome]}" + (f" ({detail})" if detail else ""))
        line = ", ".join(parts)
        return line + (f"; {self.from_journal} from the journal" if self.from_journal else "")

    @property
    def exit_code(self) -> int:
        """0 when every number was accepted, else 1."""
        return EXIT_OK if not (self.outcomes["rejected"] or self.outcomes["failed"]) else EXIT_SOME_FAILED


# -- the bulk commands ----------------------------------------------------------------------


def _progress(settings: Settings, path: str) -> Progress | None:
    """A progress bar for a job over ``path`` on a terminal (the file is counted then only)."""
    if settings.quiet or not sys.stderr.isatty():
        return None
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[progress.data.speed]{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=settings.err,
        transient=False,
    )
    progress.add_task("numbers", total=count_rows(path), rate="")
    return progress


class Job:
    """One bulk command over one job file, with or without a journal."""

    def __init__(self, settings: Settings, method: StreamMethod, path: str, fmt: str | None) -> None:
        self.settings, self.method, self.path = settings, method, path
        self.out = Output(fmt, STATUS_COLUMNS if method == "get_track_info" else OUTCOME_COLUMNS)
        self.tally = Tally()
        self.journal: Journal | None = None
        self.in_doubt: set[str] = set()
        self.lines: dict[int, int] = {}  # item index -> file line, for the last LINES_KEPT items
        self.seen: set[str] = set()  # without a journal: the numbers read in this run
        self.progress = _progress(settings, path)

    def emit(self, row: Mapping[str, Any], from_journal: bool = False) -> None:
        """Write and count one row."""
        self.out.write(row)
        self.tally.add(row, from_journal)
        if self.progress is not None:
            task = self.progress.tasks[0]
            self.progress.update(task.id, advance=1, rate=f"{task.speed or 0:.0f}/s")

    def admit(self, number: str) -> bool:
        """Whether to send ``number`` in this run (the journal's outcomes are emitted here)."""
        if self.journal is None:
            if number in self.seen:
                return False
            self.seen.add(number)
            return True
        admission, recorded = self.journal.admit(number)
        if admission is Admission.DONE and recorded is not None:
            self.emit(recorded, from_journal=True)
        if admission is Admission.IN_DOUBT:
            self.in_doubt.add(number)
        return admission in (Admission.SEND, Admission.IN_DOUBT)

    def items(self, handle: IO[str]) -> Iterator[object]:
        """The facade items to send, read lazily."""
        index = 0
        for row in rows(handle, self.path):
            if not self.admit(row.number.strip()):
                continue
            self.lines[index] = row.line  # rows refused before sending name their line
            self.lines.pop(index - LINES_KEPT, None)
            index += 1
            yield row.item(with_metadata=self.method == "register")

    def run(self, journal_path: str | None) -> int:
        """Run the job; returns the exit code."""
        client = self.settings.client()  # a missing key is refused before the journal counts a run
        self.journal = journal = Journal(journal_path, self.method) if journal_path else None
        try:
            with client, opened(self.path) as handle:
                if self.progress is not None:
                    self.progress.start()
                stream = client.stream(
                    self.method,
                    self.items(handle),
                    before_send=None if journal is None else journal.sending,
                    in_doubt=self.in_doubt,
                )
                for result in stream:
                    produced = list(outcome_rows(result, self.lines))
                    if journal is not None:
                        journal.record(produced)  # one transaction per request
                    for row in produced:
                        self.emit(row)
        finally:
            if self.progress is not None:
                self.progress.stop()
            self.out.close()
            if journal is not None:
                journal.close()
        self.settings.err.print(f"{self.path}: {self.tally.line()}", soft_wrap=True)
        return self.tally.exit_code


# -- the command line -----------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--api-key",
    envvar="TRACK17_API_KEY",
    metavar="KEY",
    help="Your 17TRACK key (default: the TRACK17_API_KEY variable). Never printed.",
)
@click.option("--base-url", metavar="URL", help="The API root (default: 17TRACK's, for --api-version).")
@click.option(
    "--api-version",
    type=click.Choice(list(API_VERSIONS)),
    default="v1",
    show_default=True,
    help="API version.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_REQUESTS_PER_SECOND,
    show_default=True,
    help="Requests per second for this key.",
)
@click.option("--max-retries", type=click.IntRange(min=0), help="Retries per request (default: the SDK's).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="The SDK's DEBUG log on stderr.")
@click.version_option(package_name="track17", prog_name="track17")
@click.pass_context
def cli(ctx: click.Context, /, verbose: bool, **options: Any) -> None:
    """Bulk 17TRACK jobs from files: register, check, stop numbers, with a journal to resume.

    FILE holds one tracking number per line, or is a CSV with a 'number' column (and optional
    carrier, tag, order_no, lang, param); '-' reads stdin. Results go to stdout (a table on a
    terminal, else CSV; see --format), progress and the summary to stderr.

    Exit codes: 0 every number accepted, 1 some rejected or failed, 2 usage error, 3 key refused.
    """
    if verbose:
        logging.basicConfig(
            level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
        )
        logging.getLogger("track17").setLevel(logging.DEBUG)
    ctx.obj = Settings(**options)


FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: table on a terminal, else csv).",
)
JOURNAL = click.option(
    "--journal",
    "journal",
    type=click.Path(dir_okay=False),
    metavar="PATH",
    help="Record each number's outcome in this SQLite file; run again to resume.",
)


def _bulk_command(name: str, method: StreamMethod, summary: str) -> None:
    @cli.command(
        name,
        help=summary
        + "\n\nRunning it again with the same --journal sends only the numbers without an outcome.",
    )
    @FILE
    @FORMAT
    @JOURNAL
    @click.pass_obj
    @_expected_errors
    def command(settings: Settings, file: str, fmt: str | None, journal: str | None) -> None:
        sys.exit(Job(settings, method, file, fmt).run(journal))

    del command


_bulk_command("register", "register", "Register the numbers in FILE (one quota each).")
_bulk_command("status", "get_track_info", "The tracking status of each number in FILE, one row per number.")
_bulk_command("stop", "stop_track", "Stop tracking the numbers in FILE.")
_bulk_command("retrack", "retrack", "Track again the stopped numbers in FILE.")
_bulk_command("delete", "delete_track", "Delete the numbers in FILE from the account.")
_bulk_command("push", "push", "Ask 17TRACK to push the numbers in FILE to your webhook again.")


@cli.command("list")
@click.option(
    "--status", type=click.Choice([s.name for s in MainStatus], case_sensitive=False), help="Package status."
)
@click.option(
    "--tracking-status",
    type=click.Choice([s.name for s in TrackingStatus], case_sensitive=False),
    help="v2.4: TRACKING or STOPPED.",
)
@FORMAT
@click.pass_obj
@_expected_errors
def list_command(
    settings: Settings, status: str | None, tracking_status: str | None, fmt: str | None
) -> None:
    """Every registered number, optionally filtered."""
    columns = ("number", "carrier", "tracking_status", "package_status", "register_time", "tag")
    out = Output(fmt, columns)
    try:
        with settings.client() as client:
            entries = client.iter_track_list(
                status=None if status is None else MainStatus[status.upper()],
                tracking_status=None if tracking_status is None else TrackingStatus[tracking_status.upper()],
            )
            for entry in entries:
                out.write(entry.to_dict())
    finally:
        out.close()
    settings.err.print(f"{out.rows} numbers", soft_wrap=True)


@cli.command("quota")
@FORMAT
@click.pass_obj
@_expected_errors
def quota_command(settings: Settings, fmt: str | None) -> None:
    """The account's quota balance (API v2.4)."""
    with settings.client() as client:
        quota = client.get_quota()
    out = Output(fmt, ("total", "used", "remaining", "today_used", "daily_limit"))
    out.write(quota.to_dict())
    out.close()


@cli.group("webhook")
def webhook_group() -> None:
    """Webhook helpers."""


@webhook_group.command("verify")
@click.option("--sign", required=True, help="The push's 'sign' header.")
@click.argument("body", type=click.Path(exists=True, dir_okay=False, allow_dash=True), default="-")
@click.pass_obj
@_expected_errors
def webhook_verify(settings: Settings, sign: str, body: str) -> None:
    """Check a push's signature against its raw BODY (a file, or '-' for stdin) and print the
    parsed event as JSON. Exit code 1 when the signature or the body is wrong."""
    if not settings.api_key:
        raise click.UsageError("an API key is needed: --api-key KEY or the TRACK17_API_KEY variable")
    try:
        if body == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(body, "rb") as handle:
                raw = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read {body}: {exc.strerror or exc}") from None
    try:
        event = parse_webhook(raw, sign=sign, api_key=settings.api_key)
    except WebhookError as exc:
        _fail(f"{type(exc).__name__}: {exc}", EXIT_SOME_FAILED)
        return
    click.echo(json.dumps(event.to_dict(), ensure_ascii=False, indent=2))
    settings.err.print(f"signature valid: {_text(event.type)} for {event.number}", soft_wrap=True)


@cli.group("journal")
def journal_group() -> None:
    """Inspect job journals."""


@journal_group.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--rows", "state", type=click.Choice(["all", "accepted", "rejected", "failed"]), help="Also list rows."
)
@FORMAT
@_expected_errors
def journal_show(path: str, state: str | None, fmt: str | None) -> None:
    """A job's state: its command, runs, and numbers by outcome (rejections by code)."""
    journal = Journal(path, command=None)
    try:
        summary = journal.summary()
        if state is None:
            out = Output(fmt, tuple(summary))
            out.write(summary)
            out.close()
            return
        out = Output(fmt, STATUS_COLUMNS if summary["command"] == "get_track_info" else OUTCOME_COLUMNS)
        for row in journal.rows(None if state == "all" else state):
            out.write(row)
        out.close()
    finally:
        journal.close()


@cli.command("sandbox")
@click.option("--port", type=int, default=8017, show_default=True, help="0 picks a free port.")
@click.option(
    "--rate", "sandbox_rate", type=int, default=3, show_default=True, help="Requests per key per second."
)
@click.option("--latency", type=float, default=0.0, help="Seconds to hold each answer.")
@click.option("--fault-rate", type=float, default=0.0, help="Share of requests that fail (0 to 1).")
def sandbox_command(port: int, sandbox_rate: int, latency: float, fault_rate: float) -> None:
    """Start the embedded sandbox (a local 17TRACK) and print its URLs and key."""
    try:
        from track17_facade.sandbox.__main__ import main as serve  # noqa: PLC0415 (needs the sandbox extra)
    except ImportError as exc:
        _fail(
            f"the sandbox needs the 'sandbox' extra ({exc.name} is missing): pip install 'track17[sandbox]'",
            2,
        )
        return
    args = ["--port", str(port), "--rate", str(sandbox_rate), "--latency", str(latency)]
    sys.exit(serve([*args, "--fault-rate", str(fault_rate)]))
