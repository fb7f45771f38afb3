"""The helper commands: ``webhook verify``, ``journal show`` and ``sandbox``."""

from __future__ import annotations

import json
import sys

import click

from track17_facade.cli._common import (
    EXIT_USAGE,
    expected_errors,
    fail,
    output_to,
    rows_out,
)
from track17_facade.cli._group import Settings
from track17_facade.cli._input import InputError
from track17_facade.cli._job import EXIT_SOME_FAILED
from track17_facade.cli._journal import Journal
from track17_facade.cli._output import OUTCOME_COLUMNS, STATUS_COLUMNS, Output, clean
from track17_facade.errors import WebhookError

__all__ = ["journal_group", "sandbox_command", "webhook_group"]


@click.group("webhook")
def webhook_group() -> None:
    """Webhook helpers."""


@webhook_group.command("verify")
@click.option(
    "--sign",
    default=None,
    help="The push's 'sign' header (v1 pushes carry theirs in the body: leave it out).",
)
@click.argument("body", type=click.Path(exists=True, dir_okay=False, allow_dash=True), default="-")
@click.pass_obj
@expected_errors
def webhook_verify(settings: Settings, sign: str | None, body: str) -> None:
    """Check a push's signature against its raw BODY (a file, or '-' for stdin) and print the
    parsed event as JSON. Exit code 1 when the signature or the body is wrong. During a key
    rotation, a push signed with --previous-api-key is valid too."""
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
        event = parse_webhook(raw, sign=sign, api_key=settings.receiving_keys)
    except WebhookError as exc:
        fail(f"{type(exc).__name__}: {exc}", EXIT_SOME_FAILED)
        return
    click.echo(json.dumps(clean(event.to_dict()), ensure_ascii=False, indent=2))
    settings.err.print(f"signature valid: {event.type} for {event.number}", soft_wrap=True)


@click.group("journal")
def journal_group() -> None:
    """Inspect job journals."""


@journal_group.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--rows", "state", type=click.Choice(["all", "accepted", "rejected", "failed"]), help="Also list rows."
)
@rows_out
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


@click.command("sandbox")
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
@click.option(
    "--webhook-url",
    default=None,
    help='Where to push updates (also settable later: POST /_sandbox/webhook {"url": ...}).',
)
@click.option(
    "--webhook-format",
    type=click.Choice(["v1", "v2"]),
    default=None,
    help="The shape of every push [default: that of the API version each number came through].",
)
@click.option(
    "--v1-shape",
    type=click.Choice(["17track", "contract"]),
    default="17track",
    show_default=True,
    help="Write v1 answers and pushes as 17TRACK's service sends them, or as openapi.yaml names the fields.",
)
def sandbox_command(
    port: int,
    sandbox_rate: int,
    latency: float,
    fault_rate: float,
    webhook_url: str | None,
    webhook_format: str | None,
    v1_shape: str,
) -> None:
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
    args += ["--fault-rate", str(fault_rate), "--v1-shape", v1_shape]
    if webhook_url is not None:
        args += ["--webhook-url", webhook_url]
    if webhook_format is not None:
        args += ["--webhook-format", webhook_format]
    sys.exit(serve(args))
