"""The ``track17`` commands (click for parsing and help, rich for progress bars and tables).

Everything goes through the facade: the commands read rows, hand them to ``Track17Client.stream``
and write what comes back (``_job``, ``_output``). The journal decides, number by number, what a
resumed job sends.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click
from rich.console import Console

from track17_facade._batching import CHECK_DIGIT_MODES, CheckDigits, ItemKind
from track17_facade._constants import (
    API_VERSION_NAMES,
    DEFAULT_REQUESTS_PER_SECOND,
    StreamMethod,
    version_in_url,
)
from track17_facade.cli._carriers import carriers_group, check_command
from track17_facade.cli._common import (
    EXIT_USAGE,
    FILE,
    FORMAT,
    OUTPUT,
    broken_pipe,
    expected_errors,
    fail,
    output_to,
)
from track17_facade.cli._input import InputError
from track17_facade.cli._job import EXIT_OK, EXIT_SOME_FAILED, Job
from track17_facade.cli._journal import Journal
from track17_facade.cli._output import OUTCOME_COLUMNS, STATUS_COLUMNS, Output, clean
from track17_facade.errors import WebhookError
from track17_facade.status import MainStatus, TrackingStatus

if TYPE_CHECKING:
    from track17_facade import Track17Client

SHELLS: Final = ("bash", "zsh", "fish")
F = TypeVar("F", bound=Callable[..., Any])


class Settings:
    """The global options, for the commands."""

    def __init__(self, **options: Any) -> None:
        self.api_key: str | None = options["api_key"]
        self.base_url: str | None = options["base_url"]
        self.api_version: str | None = options["api_version"]
        self.rate: float = options["rate"]
        self.max_retries: int | None = options["max_retries"]
        self.quiet: bool = options["quiet"]
        self.err = Console(stderr=True, quiet=self.quiet, highlight=False)

    @property
    def version(self) -> str:
        """The API version: ``--api-version``, else the one ``--base-url`` ends with, else v1.

        Raises:
            click.UsageError: the two name different versions.
        """
        named = version_in_url(self.base_url) if self.base_url else None
        if self.api_version is None:
            return named if named is not None and named in API_VERSION_NAMES else "v1"
        if named is not None and named != self.api_version:
            raise click.UsageError(
                f"--base-url {self.base_url} is the root of API {named}, but --api-version is "
                f"{self.api_version}: make them agree (or leave --api-version out)"
            )
        return self.api_version

    def client(self) -> Track17Client:
        """A client from the options; a missing key is a usage error."""
        if not self.api_key:
            raise click.UsageError("an API key is needed: --api-key KEY or the TRACK17_API_KEY variable")
        options: dict[str, Any] = {"api_version": self.version, "requests_per_second": self.rate}
        if self.base_url:
            options["base_url"] = self.base_url
        if self.max_retries is not None:
            options["max_retries"] = self.max_retries
        # Imported here, as the HTTP stack is: `track17 --help` and the offline commands need neither.
        from track17_facade import Track17Client  # noqa: PLC0415

        return Track17Client(self.api_key, **options)


class Track17Group(click.Group):
    """The ``track17`` group: its own options are taken after the command too.

    ``track17 register FILE --api-key KEY`` works like ``track17 --api-key KEY register FILE``, as
    gh, aws and stripe allow: people type options where they think of them. An option the command
    itself has (``sandbox --rate``) stays the command's.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Move the group's options found after the command before it, then parse."""
        return super().parse_args(ctx, self._hoisted(ctx, args))

    def _hoisted(self, ctx: click.Context, args: list[str]) -> list[str]:
        own = _option_arity(self)
        at = 0
        while at < len(args) and args[at].startswith("-") and args[at] != "-":
            name, _, inline = args[at].partition("=")
            at += 1 + (own.get(name, 0) if not inline else 0)
        if at >= len(args):
            return args
        command: click.Command | None = self.get_command(ctx, args[at])
        if command is None:
            return args
        taken = dict(_option_arity(command))
        for token in args[at + 1 :]:  # a group's subcommand (journal show) has options of its own
            if isinstance(command, click.Group) and not token.startswith("-"):
                command = command.get_command(ctx, token)
                if command is None:
                    return args
                taken.update(_option_arity(command))
                break
        head, tail = list(args[:at]), [args[at]]
        rest = iter(args[at + 1 :])
        for token in rest:
            if token == "--":  # noqa: S105 (the end of options, not a password)
                tail += [token, *rest]
                break
            name, _, inline = token.partition("=")
            if name in own and name not in taken:
                head.append(token)
                for _ in range(own[name] if not inline else 0):
                    head.append(next(rest, ""))
            else:
                tail.append(token)
        return head + tail


def _option_arity(command: click.Command) -> dict[str, int]:
    """Each option name of a command, and how many values it takes."""
    return {
        name: 0 if param.is_flag or param.count else param.nargs
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }


@click.group(
    cls=Track17Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--api-key",
    envvar="TRACK17_API_KEY",
    metavar="KEY",
    help="Your 17TRACK key (default: the TRACK17_API_KEY variable). Never printed.",
)
@click.option(
    "--base-url",
    envvar="TRACK17_BASE_URL",
    metavar="URL",
    help="The API root (default: the TRACK17_BASE_URL variable, else 17TRACK's for --api-version).",
)
@click.option(
    "--api-version",
    envvar="TRACK17_API_VERSION",
    type=click.Choice(list(API_VERSION_NAMES)),
    help="API version (default: the TRACK17_API_VERSION variable, else the version --base-url "
    "ends with, else v1).",
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
    carrier, tag, order_no, lang, param), separated by commas, semicolons, tabs or bars; '-' reads
    stdin. Results go to stdout in the order of FILE (a table on a terminal, else CSV; see
    --format and --output), progress and the summary to stderr. Options of track17 itself may
    also follow the command.

    Exit codes: 0 every number accepted, 1 some rejected or failed, 2 usage error, 3 key refused,
    130 interrupted, 141 stdout closed by its reader.
    """
    if verbose:
        logging.basicConfig(
            level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
        )
        logging.getLogger("track17").setLevel(logging.DEBUG)
    ctx.obj = Settings(**options)


JOURNAL = click.option(
    "--journal",
    "journal",
    type=click.Path(dir_okay=False),
    metavar="PATH",
    help="Record each number's outcome in this SQLite file; run again to resume.",
)


def _bulk_command(name: str, method: StreamMethod, summary: str, dry_run: ItemKind | None = None) -> None:
    def command(
        settings: Settings,
        /,
        file: str,
        fmt: str | None,
        output: str | None,
        journal: str | None,
        dry_run_wanted: bool = False,
        carrier: str | None = None,
        check_digits: CheckDigits = "off",
    ) -> None:
        with output_to(output) as out:
            job = Job(
                settings.client, method, file, out, fmt, settings.err, settings.quiet, carrier, check_digits
            )
            code = job.dry_run(dry_run) if dry_run is not None and dry_run_wanted else job.run(journal)
        sys.exit(code)

    decorated: Any = click.pass_obj(expected_errors(command))
    if method == "register":
        decorated = click.option(
            "--carrier",
            metavar="CARRIER",
            help="The carrier of rows that name none: a key (100002) or a name ('Royal Mail'); "
            "'track17 carriers search' finds names. Default: 17TRACK detects it.",
        )(decorated)
        decorated = click.option(
            "--check-digits",
            type=click.Choice(CHECK_DIGIT_MODES),
            default="off",
            show_default=True,
            help="A number whose check digit is wrong for its format: send it (off), send it and "
            "mark it suspect (warn), or reject it unsent, spending no quota (reject).",
        )(decorated)
        dry_run = ItemKind.REGISTER
    if dry_run is not None:
        decorated = click.option(
            "--dry-run",
            "dry_run_wanted",
            is_flag=True,
            help="Check FILE and print what would be sent; send nothing.",
        )(decorated)
    decorated = JOURNAL(OUTPUT(FORMAT(FILE(decorated))))
    cli.command(
        name,
        help=summary
        + "\n\nRunning it again with the same --journal sends only the numbers without an outcome.",
    )(decorated)


_bulk_command("register", "register", "Register the numbers in FILE (one quota each).")
_bulk_command("status", "get_track_info", "The tracking status of each number in FILE, one row per number.")
_bulk_command("stop", "stop_track", "Stop tracking the numbers in FILE.", dry_run=ItemKind.NUMBER)
_bulk_command("retrack", "retrack", "Track again the stopped numbers in FILE.")
_bulk_command(
    "delete", "delete_track", "Delete the numbers in FILE from the account.", dry_run=ItemKind.NUMBER
)
_bulk_command("push", "push", "Ask 17TRACK to push the numbers in FILE to your webhook again.")


cli.add_command(check_command)
cli.add_command(carriers_group)


@cli.command("list")
@click.option(
    "--status", type=click.Choice([s.name for s in MainStatus], case_sensitive=False), help="Package status."
)
@click.option(
    "--tracking-status",
    type=click.Choice([s.name for s in TrackingStatus], case_sensitive=False),
    help="v2.4: TRACKING or STOPPED.",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N numbers.")
@FORMAT
@OUTPUT
@click.pass_obj
@expected_errors
def list_command(
    settings: Settings,
    status: str | None,
    tracking_status: str | None,
    limit: int | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """Every registered number, optionally filtered."""
    if tracking_status is not None and settings.version == "v1":
        raise click.UsageError("--tracking-status needs API v2.4: add --api-version v2.4")
    columns = ("number", "carrier", "tracking_status", "package_status", "register_time", "tag")
    with output_to(output) as stream:
        out = Output(fmt, columns, stream)
        completed = False
        try:
            with settings.client() as client:
                entries = client.iter_track_list(
                    status=None if status is None else MainStatus[status.upper()],
                    tracking_status=None
                    if tracking_status is None
                    else TrackingStatus[tracking_status.upper()],
                )
                for entry in entries:
                    out.write(entry.to_dict())
                    if limit is not None and out.rows >= limit:
                        break
            completed = True
        finally:
            out.close(completed or out.rows > 0)
    settings.err.print(f"{out.rows} numbers", soft_wrap=True)


@cli.command("quota")
@FORMAT
@OUTPUT
@click.pass_obj
@expected_errors
def quota_command(settings: Settings, fmt: str | None, output: str | None) -> None:
    """The account's quota balance (API v2.4)."""
    if settings.version == "v1":
        raise click.UsageError("quota needs API v2.4, which reports it: add --api-version v2.4")
    with settings.client() as client:
        quota = client.get_quota()
    with output_to(output) as stream:
        out = Output(fmt, ("total", "used", "remaining", "today_used", "daily_limit"), stream)
        out.write(quota.to_dict())
        out.close()


@cli.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell: str) -> None:
    """Print the completion script for SHELL: e.g. add `eval "$(track17 completion bash)"` to
    ~/.bashrc, or write `track17 completion fish` to ~/.config/fish/completions/track17.fish."""
    from click.shell_completion import get_completion_class  # noqa: PLC0415 (only this command needs it)

    completer = get_completion_class(shell)
    assert completer is not None  # every name in SHELLS is one of click's
    click.echo(completer(cli, {}, "track17", "_TRACK17_COMPLETE").source())


@cli.group("webhook")
def webhook_group() -> None:
    """Webhook helpers."""


@webhook_group.command("verify")
@click.option("--sign", required=True, help="The push's 'sign' header.")
@click.argument("body", type=click.Path(exists=True, dir_okay=False, allow_dash=True), default="-")
@click.pass_obj
@expected_errors
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

    from track17_facade.webhooks import parse_webhook  # noqa: PLC0415 (as in Settings.client)

    try:
        event = parse_webhook(raw, sign=sign, api_key=settings.api_key)
    except WebhookError as exc:
        fail(f"{type(exc).__name__}: {exc}", EXIT_SOME_FAILED)
        return
    click.echo(json.dumps(clean(event.to_dict()), ensure_ascii=False, indent=2))
    settings.err.print(f"signature valid: {event.type} for {event.number}", soft_wrap=True)


@cli.group("journal")
def journal_group() -> None:
    """Inspect job journals."""


@journal_group.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--rows", "state", type=click.Choice(["all", "accepted", "rejected", "failed"]), help="Also list rows."
)
@FORMAT
@OUTPUT
@expected_errors
def journal_show(path: str, state: str | None, fmt: str | None, output: str | None) -> None:
    """A job's state: its command, runs, and numbers by outcome (rejections by code)."""
    journal = Journal.open_to_read(path)
    try:
        with output_to(output) as stream:
            summary = journal.summary()
            if state is None:
                out = Output(fmt, tuple(summary), stream)
                out.write(summary)
            else:
                columns = STATUS_COLUMNS if journal.method == "get_track_info" else OUTCOME_COLUMNS
                out = Output(fmt, columns, stream)
                for row in journal.rows(None if state == "all" else state):
                    out.write(row)
            out.close()
    finally:
        journal.close()


@cli.command("sandbox")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8017, show_default=True, help="0 picks a free port."
)
@click.option(
    "--rate",
    "sandbox_rate",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Requests per key per second.",
)
@click.option("--latency", type=click.FloatRange(min=0), default=0.0, help="Seconds to hold each answer.")
@click.option(
    "--fault-rate", type=click.FloatRange(0, 1), default=0.0, help="Share of requests that fail (0 to 1)."
)
def sandbox_command(port: int, sandbox_rate: int, latency: float, fault_rate: float) -> None:
    """Start the embedded sandbox (a local 17TRACK) and print its URLs and key."""
    try:
        from track17_facade.sandbox.__main__ import main as serve  # noqa: PLC0415 (needs the sandbox extra)
    except ImportError as exc:
        fail(
            f"the sandbox needs the 'sandbox' extra ({exc.name} is missing): pip install 'track17[sandbox]'",
            EXIT_USAGE,
        )
        return
    args = ["--port", str(port), "--rate", str(sandbox_rate), "--latency", str(latency)]
    sys.exit(serve([*args, "--fault-rate", str(fault_rate)]))


def run(args: Sequence[str] | None = None) -> None:
    """Run the command line; a closed stdout ends it quietly."""
    try:
        cli.main(args=args, prog_name="track17")
    except BrokenPipeError:
        broken_pipe()


__all__ = ["EXIT_OK", "cli", "run"]
