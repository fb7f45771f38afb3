"""The ``track17`` commands (click for parsing and help, rich for progress bars and tables).

Everything goes through the facade: the commands read rows, hand them to ``Track17Client.stream``
and write what comes back (``_job``, ``_output``). The journal decides, number by number, what a
resumed job sends.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click

from track17_facade._batching import CHECK_DIGIT_MODES, CheckDigits, ItemKind
from track17_facade._constants import (
    API_VERSION_NAMES,
    DEFAULT_REQUESTS_PER_SECOND,
    StreamMethod,
)
from track17_facade.cli._carriers import carriers_group, check_command
from track17_facade.cli._common import (
    FILE,
    FORMAT,
    OUTPUT,
    broken_pipe,
    expected_errors,
    fail,
    output_to,
    rows_out,
)
from track17_facade.cli._group import Settings, Track17Group
from track17_facade.cli._input import Inputs
from track17_facade.cli._job import EXIT_OK, EXIT_SOME_FAILED, Job
from track17_facade.cli._output import Output
from track17_facade.cli._shipments import shipments_group
from track17_facade.cli._tools import journal_group, sandbox_command, webhook_group
from track17_facade.status import MainStatus, TrackingStatus

if TYPE_CHECKING:
    pass

SHELLS: Final = ("bash", "zsh", "fish")
F = TypeVar("F", bound=Callable[..., Any])


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
    "--previous-api-key",
    envvar="TRACK17_PREVIOUS_API_KEY",
    metavar="KEY",
    help="During a key rotation, the key being replaced (default: the TRACK17_PREVIOUS_API_KEY "
    "variable): 'shipments serve' accepts pushes signed with either key, and 'shipments sync' "
    "falls back to it while the new key is refused. Never printed.",
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
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Give up on a request without an answer after this long, then retry (default: the SDK's).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="The SDK's DEBUG log on stderr.")
@click.version_option(package_name="track17", prog_name="track17")
@click.pass_context
def cli(ctx: click.Context, /, verbose: bool, **options: Any) -> None:
    """Bulk 17TRACK jobs from files: register, check, stop numbers, with a journal to resume.

    The numbers come as arguments (track17 status 1Z999AA10123456784 RR123456785CN) or in a FILE:
    one tracking number per line, or a CSV with a 'number' column (and optional carrier, tag,
    order_no, lang, param), separated by commas, semicolons, tabs or bars; '-' reads stdin.
    Results go to stdout in the order of the input (a table on a terminal, else CSV; see --format
    and --output), progress and the summary to stderr. Options of track17 itself may also follow
    the command.

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
        inputs: tuple[str, ...],
        fmt: str | None,
        output: str | None,
        journal: str | None,
        dry_run_wanted: bool = False,
        carrier: str | None = None,
        check_digits: CheckDigits = "off",
    ) -> None:
        with output_to(output) as out:
            job = Job(
                settings.client,
                method,
                Inputs.parse(inputs),
                out,
                fmt,
                settings.err,
                settings.quiet,
                carrier,
                check_digits,
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
            help="Check the input and print what would be sent; send nothing.",
        )(decorated)
    decorated = JOURNAL(OUTPUT(FORMAT(FILE(decorated))))
    cli.command(
        name,
        help=summary
        + "\n\nRunning it again with the same --journal sends only the numbers without an outcome.",
    )(decorated)


_bulk_command("register", "register", "Register the numbers given, or in FILE (one quota each).")
_bulk_command(
    "status", "get_track_info", "The tracking status of each number given, or in FILE, one row each."
)
_bulk_command("stop", "stop_track", "Stop tracking the numbers given, or in FILE.", dry_run=ItemKind.NUMBER)
_bulk_command("retrack", "retrack", "Track again the stopped numbers given, or in FILE.")
_bulk_command(
    "delete",
    "delete_track",
    "Delete the numbers given, or in FILE, from the account.",
    dry_run=ItemKind.NUMBER,
)
_bulk_command("push", "push", "Ask 17TRACK to push the numbers given, or in FILE, to your webhook again.")


cli.add_command(check_command)
cli.add_command(carriers_group)


@cli.command("list")
@click.option(
    "--status",
    metavar="STATUS",
    help="Package status: 17TRACK's name (Delivered, InTransit, ...) in any case, or 0 to 8.",
)
@click.option(
    "--tracking-status",
    type=click.Choice([s.name for s in TrackingStatus], case_sensitive=False),
    help="v2.4: TRACKING or STOPPED.",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N numbers.")
@rows_out
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
    wanted = None if status is None else MainStatus.parse(status)
    columns = ("number", "carrier", "tracking_status", "package_status", "register_time", "tag")
    with output_to(output) as stream:
        out = Output(fmt, columns, stream)
        completed = False
        try:
            with settings.client() as client:
                entries = client.iter_track_list(
                    status=wanted,
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
@click.option(
    "--min",
    "minimum",
    type=click.IntRange(min=0),
    metavar="N",
    help="Exit 1, with a message on stderr, when fewer than N are left (for a cron alert).",
)
@rows_out
@click.pass_obj
@expected_errors
def quota_command(settings: Settings, minimum: int | None, fmt: str | None, output: str | None) -> None:
    """The account's quota balance (API v2.4; v1 has no way to ask it)."""
    if settings.version == "v1":
        raise click.UsageError("quota needs API v2.4, which reports it: add --api-version v2.4")
    with settings.client() as client:
        quota = client.get_quota()
    with output_to(output) as stream:
        out = Output(fmt, ("total", "used", "remaining", "today_used", "daily_limit"), stream)
        out.write(quota.to_dict())
        out.close()
    if minimum is not None and quota.remaining < minimum:
        fail(
            f"quota low: {quota.remaining} left of {quota.total}, fewer than --min {minimum}; "
            "registrations are refused with QUOTA_EXHAUSTED once none is left",
            EXIT_SOME_FAILED,
        )


@cli.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell: str) -> None:
    """Print the completion script for SHELL: e.g. add `eval "$(track17 completion bash)"` to
    ~/.bashrc, or write `track17 completion fish` to ~/.config/fish/completions/track17.fish."""
    from click.shell_completion import get_completion_class  # noqa: PLC0415 (only this command needs it)

    completer = get_completion_class(shell)
    assert completer is not None  # every name in SHELLS is one of click's
    click.echo(completer(cli, {}, "track17", "_TRACK17_COMPLETE").source())


cli.add_command(webhook_group)
cli.add_command(journal_group)
cli.add_command(sandbox_command)
cli.add_command(shipments_group)


def run(args: Sequence[str] | None = None) -> None:
    """Run the command line; a closed stdout ends it quietly."""
    try:
        cli.main(args=args, prog_name="track17")
    except BrokenPipeError:
        broken_pipe()


__all__ = ["EXIT_OK", "cli", "run"]
