"""``track17 carriers ...`` (17TRACK's carrier directory: search, show, update) and ``track17
check`` (number checks). None of them needs an API key; only ``carriers update`` goes online."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from track17_facade.carriers import (
    CACHED_NAME,
    CARRIER_LIST_URL,
    Carrier,
    CarrierDirectory,
    CarrierInfo,
    CarrierListError,
    cache_dir,
    default_directory,
)
from track17_facade.cli._common import FILE, expected_errors, output_to, rows_out
from track17_facade.cli._input import InputError, Inputs
from track17_facade.cli._job import EXIT_OK, EXIT_SOME_FAILED
from track17_facade.cli._output import Output
from track17_facade.numbers import check_number

__all__ = ["carriers_group", "check_command"]

CARRIER_COLUMNS = ("key", "name", "country", "url")
DETAIL_COLUMNS = ("key", "name", "name_zh_cn", "name_zh_hk", "country", "url", "national_post")
CHECK_COLUMNS = ("line", "number", "carrier", "check_digit", "verdict", "likely_carriers")
MIN_CARRIERS = 100
"""A downloaded list with fewer carriers than this is not 17TRACK's list (an error page that
happens to be JSON, a truncated file): it is refused and the cache is left as it was."""
MIN_KEPT = 0.5
"""A list that keeps fewer than this share of the bundled list's carriers is refused (17TRACK
adds and retires carriers, but never most of them at once)."""
DOWNLOAD_TIMEOUT = 60.0


def _row(info: CarrierInfo) -> dict[str, Any]:
    return {
        "key": info.key,
        "name": info.name,
        "name_zh_cn": info.name_zh_cn,
        "name_zh_hk": info.name_zh_hk,
        "country": info.country_iso,
        "url": info.url,
        "national_post": info.is_national_post,
    }


@click.group("carriers")
def carriers_group() -> None:
    """17TRACK's carrier directory: find a carrier's key by name, and keep the list current.

    The list ships with track17; 'track17 carriers update' fetches 17TRACK's current one, which
    the SDK then prefers while it is newer. Names work wherever a carrier is taken (register's
    --carrier, a CSV's carrier column).
    """


@carriers_group.command("search")
@click.argument("text")
@click.option(
    "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="At most N carriers."
)
@rows_out
@expected_errors
def carriers_search(text: str, limit: int, fmt: str | None, output: str | None) -> None:
    """Carriers whose names match TEXT, best first (case, accents, punctuation and spaces do not
    matter; Chinese names are searched too)."""
    found = CarrierDirectory.load().find(text, limit=limit)
    with output_to(output) as stream:
        out = Output(fmt, CARRIER_COLUMNS, stream)
        for info in found:
            out.write(_row(info))
        out.close()
    if not found:
        click.echo(f"track17: no carrier name matches {text!r}", err=True)
        sys.exit(EXIT_SOME_FAILED)


@carriers_group.command("show")
@click.argument("carrier")
@rows_out
@expected_errors
def carriers_show(carrier: str, fmt: str | None, output: str | None) -> None:
    """One carrier, by key (100002) or by a name that fits only it ('Royal Mail')."""
    info = CarrierDirectory.load().resolve(carrier)
    with output_to(output) as stream:
        out = Output(fmt, DETAIL_COLUMNS, stream)
        out.write(_row(info))
        out.close()


@carriers_group.command("update")
@click.option("--url", default=CARRIER_LIST_URL, show_default=True, help="Where to fetch the list.")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False),
    help="Read a list downloaded already (apicarrier.all.json) instead of fetching one.",
)
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The day 17TRACK published the list given with --from, when you know it.",
)
@click.option(
    "--force", is_flag=True, help="Save a list even when it lacks most of the carriers track17 ships with."
)
@expected_errors
def carriers_update(url: str, source: str | None, published: datetime | None, force: bool) -> None:
    """Fetch 17TRACK's current carrier list into your cache directory (TRACK17_CACHE_DIR, else
    the platform's user cache). A list that does not validate, or that lacks most of the carriers
    track17 ships with (unless --force), is refused, and the list in use stays as it was."""
    if source is not None:
        # A file's date says when it was copied, not when 17TRACK published it: only --published does.
        data, day = Path(source).read_bytes(), None if published is None else published.date()
    else:
        data, day = _download(url)
    origin = source or url
    try:
        directory = CarrierDirectory.from_json(data, day)
    except CarrierListError as exc:
        raise InputError(f"the carrier list from {origin} is not valid: {exc}") from None
    if len(directory) < MIN_CARRIERS:
        raise InputError(
            f"the carrier list from {origin} holds {len(directory)} carriers, fewer than "
            f"{MIN_CARRIERS}: not 17TRACK's list; nothing was saved"
        )
    bundled = CarrierDirectory.bundled()
    kept = sum(1 for key in bundled if key in directory)
    if kept < len(bundled) * MIN_KEPT and not force:
        missing = [carrier.name for carrier in Carrier if int(carrier) not in directory][:5]
        raise InputError(
            f"the carrier list from {origin} keeps only {kept:,} of the {len(bundled):,} carriers "
            f"track17 ships with{' (' + ', '.join(missing) + ' among the missing)' if missing else ''}: "
            "it does not look like 17TRACK's list, so nothing was saved (--force saves it anyway)"
        )
    target = cache_dir() / CACHED_NAME
    _write_atomically(target, directory.to_compact())
    when = f"published {day.isoformat()}" if day else "publication day unknown (--published says it)"
    click.echo(
        f"Saved {len(directory):,} carriers ({when}) to {target}; "
        f"the bundled list has {len(bundled):,} of {bundled.published}."
    )
    if day is not None and bundled.published is not None and day <= bundled.published:
        click.echo("The bundled list is as new or newer, so it stays the one in use.")


def _download(url: str) -> tuple[bytes, date | None]:
    """The list's bytes and its publication day (the server's Last-Modified), None when the
    server does not say."""
    from email.utils import parsedate_to_datetime  # noqa: PLC0415 (as httpx)

    import httpx  # noqa: PLC0415 (the one command that goes online; the others start quicker)

    try:
        answer = httpx.get(url, timeout=DOWNLOAD_TIMEOUT, follow_redirects=True)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        raise InputError(f"could not fetch the carrier list from {url}: {exc}") from None
    published = None
    modified = answer.headers.get("last-modified")
    if modified:
        with contextlib.suppress(TypeError, ValueError):  # unreadable: not said
            published = parsedate_to_datetime(modified).date()
    return answer.content, published


def _write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` in one step, so a crash leaves the old file or the new."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".carriers-", delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None


def _named(keys: tuple[int, ...]) -> str:
    """Carriers as "China Post (3011)", from the directory."""
    directory = default_directory()
    return ", ".join(
        f"{info.name} ({key})" if (info := directory.get(int(key))) else str(int(key)) for key in keys
    )


@click.command("check")
@FILE
@click.option(
    "--carrier",
    metavar="CARRIER",
    help="The carrier of numbers that name none (a key or a name): only its formats are tried.",
)
@click.option("--all", "show_all", is_flag=True, help="A row for every number, not only the mistyped ones.")
@rows_out
@expected_errors
def check_command(
    inputs: tuple[str, ...], carrier: str | None, show_all: bool, fmt: str | None, output: str | None
) -> None:
    """Report the numbers given (or in FILE) whose check digit is wrong for every reading (almost
    surely mistyped), sending nothing. A CSV's carrier column, or --carrier, has a number judged
    by that carrier's formats alone; without one, only shapes a single format owns (S10, UPS 1Z,
    ...) can be called wrong. Exit code 1 when some number is wrong."""
    source = Inputs.parse(inputs)
    directory = default_directory()
    default = None if carrier is None else directory.resolve(_key_or_name(carrier))
    counts = {"wrong": 0, "right": 0, "not judged": 0}
    with output_to(output) as stream, source.rows() as listed:
        out = Output(fmt, CHECK_COLUMNS, stream)
        for row in listed:
            named = directory.resolve(_key_or_name(row.carrier)) if row.carrier else default
            check = check_number(row.number, named)
            verdict = {True: "right", False: "wrong", None: "not judged"}[check.check_digit_ok]
            counts[verdict] += 1
            if show_all or check.suspect:
                out.write(
                    {
                        "line": row.line,
                        "number": check.number,
                        "carrier": None if named is None else named.described(),
                        "check_digit": verdict,
                        "verdict": check.verdict,
                        "likely_carriers": _named(check.likely_carriers) or None,
                    }
                )
        out.close()
    click.echo(
        f"{source.label}: {counts['wrong']} with a wrong check digit, {counts['right']} right, "
        f"{counts['not judged']} not judged",
        err=True,
    )
    sys.exit(EXIT_SOME_FAILED if counts["wrong"] else EXIT_OK)


def _key_or_name(text: str) -> int | str:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else text
