"""What the commands write: rows as a table, CSV, JSON or JSON lines, with the same columns for
every row, in the order the rows are given; every text scrubbed of the API key on its way out."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Mapping
from typing import IO, Any, Final

import click
from rich.console import Console

from track17_facade._secrets import redact
from track17_facade.carriers import CarrierInfo
from track17_facade.models import Accepted, BatchResult, Failure, Rejection, TrackInfo

FORMATS: Final = ("table", "csv", "json", "jsonl")
TABLE_ROWS: Final = 1000
"""A table shows at most this many rows; ``--format csv`` (or json/jsonl) exports any number."""
OUTCOME_COLUMNS: Final = (
    "number",
    "outcome",
    "carrier",
    "carrier_name",
    "recovered",
    "suspect",
    "code",
    "message",
)
TRACKING_COLUMNS: Final = (
    "carrier",
    "carrier_name",
    "status",
    "sub_status",
    "last_event_time",
    "location",
    "description",
)
"""A number's carrier and where its tracking stands, in a status row and a shipment row alike."""
STATUS_COLUMNS: Final = ("number", "outcome", *TRACKING_COLUMNS, "code", "message")


def clean(value: Any) -> Any:
    """``value`` with the API key scrubbed from every string in it."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


class Output:
    """Rows as a table (on a terminal), CSV, JSON (one array) or JSON lines.

    Every row has exactly ``columns`` (missing ones empty or null), so accepted and rejected rows
    line up in every format. The CSV header is written with the first row (or when the output is
    closed after a run that succeeded without rows), so a command that fails before any result
    leaves no half-made file behind.
    """

    def __init__(self, fmt: str | None, columns: tuple[str, ...], stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout
        self.fmt = fmt or ("table" if self.stream.isatty() else "csv")
        self.columns = columns
        self.rows = 0
        self._table: list[Mapping[str, Any]] = []
        self._csv: Any = None

    def write(self, row: Mapping[str, Any]) -> None:
        """One row; JSON formats keep its values' types, CSV and tables show them as text."""
        shaped = {key: clean(row.get(key)) for key in self.columns}
        if self.fmt == "csv":
            self._start_csv()
            self._csv.writerow({key: _text(value) for key, value in shaped.items()})
        elif self.fmt == "jsonl":
            self.stream.write(json.dumps(shaped, ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            self.stream.write(("[\n" if not self.rows else ",\n") + json.dumps(shaped, ensure_ascii=False))
        elif len(self._table) < TABLE_ROWS:
            self._table.append(shaped)
        self.rows += 1

    def _start_csv(self) -> None:
        if self._csv is None:
            self._csv = csv.DictWriter(self.stream, self.columns, lineterminator="\n")
            self._csv.writeheader()

    def close(self, completed: bool = True) -> None:
        """End the output: the JSON array's bracket, the table itself, or the CSV header of an
        empty result. ``completed`` False (the command failed) writes nothing more for no rows."""
        if self.fmt == "json" and (self.rows or completed):
            self.stream.write("\n]\n" if self.rows else "[]\n")
        elif self.fmt == "csv" and completed:
            self._start_csv()
        elif self.fmt == "table" and (self.rows or completed):
            self._draw_table()
        self.stream.flush()

    def _draw_table(self) -> None:
        from rich.table import Table  # noqa: PLC0415 (imported when a table is drawn)

        table = Table(show_lines=False)
        # A column empty in every row is left out: on a narrow terminal every column counts.
        shown = [key for key in self.columns if any(_text(row.get(key)) for row in self._table)]
        shown = shown or list(self.columns[:1])
        for column in shown:
            longest = max((len(_text(row.get(column))) for row in self._table), default=0)
            if column in _WHOLE:  # never cut or wrap a number, a code or a word: others give way
                table.add_column(column, no_wrap=True, min_width=max(len(column), longest))
            else:  # free text wraps between words, and breaks a word only when it must
                table.add_column(column, overflow="fold", min_width=min(len(column), 12))
        for row in self._table:
            table.add_row(*(_text(row.get(key)) for key in shown))
        # On a terminal, its width; in a file or pipe, wide enough not to cut numbers.
        width = None if self.stream.isatty() else 200
        Console(file=self.stream, highlight=False, width=width).print(table)
        if self.rows > len(self._table):
            click.echo(
                f"... and {self.rows - len(self._table)} more rows; use --format csv to export all",
                file=self.stream,
            )


_WHOLE: Final = frozenset(
    {"number", "outcome", "carrier", "status", "sub_status", "code", "check_digit", "line", "tracking"}
)
"""Columns of short values that a table never breaks."""


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


def _carrier_name(info: CarrierInfo | None) -> str | None:
    """The carrier list's name of a carrier, for any key (``carrier`` names only the 23 of
    ``Carrier``, and UNKNOWN for the others)."""
    return None if info is None else info.name


def outcome_rows(result: BatchResult[Any]) -> Iterator[dict[str, Any]]:
    """One output row per number of a request's result."""
    for item in result.accepted:
        if isinstance(item, TrackInfo):
            event = item.latest_event
            yield {
                "number": item.number,
                "outcome": "accepted",
                "carrier": _name(item.carrier),
                "carrier_name": _carrier_name(item.carrier_info),
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
                "carrier_name": _carrier_name(item.carrier_info),
                "recovered": item.recovered,
                "suspect": item.number_suspect or None,
            }
    for rejection in result.rejected:
        yield refused_row(rejection)
    for failure in result.failed:
        yield failed_row(failure)


def refused_row(rejection: Rejection) -> dict[str, Any]:
    """The row of a rejected number."""
    return {
        "number": rejection.number,
        "outcome": "rejected",
        "code": rejection.code.name,
        "message": rejection.message,
    }


def failed_row(failure: Failure) -> dict[str, Any]:
    """The row of a number whose request failed."""
    return {
        "number": failure.number,
        "outcome": "failed",
        "code": type(failure.error).__name__,
        "message": str(failure.error),
    }
