"""What a command reads: numbers given as arguments, or a job file read lazily (one number per
line, or a CSV with a ``number`` column)."""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from attrs import frozen

from track17_facade.carriers import Carrier
from track17_facade.models import REGISTRATION_METADATA, Registration

CSV_COLUMNS = ("number", "carrier", *REGISTRATION_METADATA)
"""The CSV columns the command line reads (others are ignored)."""


class InputError(Exception):
    """The input cannot be read as a job file; the message says where and why."""


@frozen
class Row:
    """One input row: a number, and what a CSV gave beside it."""

    number: str
    line: int
    carrier: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()

    def item(self, with_metadata: bool, carrier: str | None = None) -> object:
        """The facade item for this row: the number, a (number, carrier) pair, or a Registration
        (``with_metadata``: for register). A carrier is a key, a ``Carrier`` member's name
        ("ROYAL_MAIL"), or any carrier name ("Royal Mail"), which the facade resolves (or rejects,
        listing the candidates). ``carrier`` stands in for a row that names none."""
        chosen = _carrier(self.carrier if self.carrier and self.carrier.strip() else carrier)
        if with_metadata and self.metadata:
            texts: dict[str, Any] = dict(self.metadata)  # text columns (REGISTRATION_METADATA) only
            return Registration(self.number, chosen, **texts)
        if with_metadata and chosen is not None:
            return (self.number, chosen)
        return self.number


def _carrier(text: str | None) -> Carrier | str | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, but no carrier key
        return Carrier(int(text))
    try:
        return Carrier[text.upper()]
    except KeyError:
        return text


@contextmanager
def opened(path: str) -> Iterator[IO[str]]:
    """The file at ``path`` (``-``: stdin) as text, UTF-8 (a BOM is skipped)."""
    if path == "-":
        yield io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
        return
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        yield handle


def _lines(handle: IO[str], name: str) -> Iterator[tuple[int, str]]:
    """Non-blank lines that are not ``#`` comments, with their line numbers."""
    try:
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if text and not text.startswith("#"):
                yield number, line
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
"""The CSV separators understood, as messages name them."""


def _header(line: str) -> tuple[str, list[str]] | None:
    """The delimiter and column names of a CSV header naming a ``number`` column, or None."""
    for delimiter in DELIMITERS:
        names = [column.strip().lower() for column in next(csv.reader([line], delimiter=delimiter))]
        if "number" in names:
            return delimiter, names
    return None


def rows(handle: IO[str], name: str) -> Iterator[Row]:
    """The rows of a job file, read as they are consumed.

    A first line naming a ``number`` column (separated by commas, semicolons, tabs or bars) makes
    the file a CSV with optional ``carrier``, ``tag``, ``order_no``, ``lang`` and ``param``
    columns; otherwise each line is a number. Blank lines and lines starting with ``#`` are
    skipped.
    """
    lines = _lines(handle, name)
    first = next(lines, None)
    if first is None:
        return
    header = _header(first[1])
    if header is None:
        for delimiter, said in DELIMITERS.items():
            if delimiter in first[1].strip() and len(next(csv.reader([first[1]], delimiter=delimiter))) > 1:
                raise InputError(
                    f"{name}, line {first[0]}: a CSV needs a 'number' column; its header "
                    f"{first[1].strip()!r} (separated by {said}) has none"
                )
        yield Row(first[1].strip(), first[0])
        yield from (Row(line.strip(), at) for at, line in lines)
        return
    delimiter, names = header
    columns = {column: names.index(column) for column in CSV_COLUMNS if column in names}
    for line_number, line in lines:  # one record per line: quoted fields may not span lines
        try:
            record = next(csv.reader([line], delimiter=delimiter))
        except csv.Error as exc:
            raise InputError(f"{name}, line {line_number}: not a readable CSV row ({exc})") from None
        cell = dict.fromkeys(CSV_COLUMNS, "")
        for column, index in columns.items():
            cell[column] = record[index].strip() if index < len(record) else ""
        metadata = tuple((key, cell[key]) for key in REGISTRATION_METADATA if cell[key])
        yield Row(cell["number"], line_number, cell["carrier"] or None, metadata)


def count_rows(path: str) -> int | None:
    """How many data lines a file holds (for the progress bar); None for stdin or unreadable."""
    if path == "-":
        return None
    total, header = 0, False
    try:
        with open(path, "rb") as handle:
            for line in handle:
                text = line.strip()
                if text and not text.startswith(b"#"):
                    header = header or (total == 0 and b"number" in re.split(rb"[,;\t|]", text.lower()))
                    total += 1
    except OSError:
        return None
    return total - header


_PATH_LIKE = re.compile(r"[/\\.~]")
"""Characters a file name has and a tracking number never does."""


@frozen
class Inputs:
    """Where a command's numbers come from: one FILE (``-``: stdin), or numbers as arguments
    (``track17 status 1Z999AA10123456784 RR123456785CN``)."""

    path: str | None
    numbers: tuple[str, ...] = ()

    @classmethod
    def parse(cls, arguments: Sequence[str]) -> Inputs:
        """The arguments as one FILE or as numbers.

        One argument that names an existing file, or ``-``, is a FILE; otherwise every argument
        is a number. An argument that looks like a file name (it has a ``/``, a ``.`` or a ``~``)
        but names no file is an error, never a number: a typo in a file name must not be
        registered, and charged, as a tracking number.

        Raises:
            InputError: no argument, a missing file, a directory, or files mixed with numbers.
        """
        if not arguments:
            raise InputError("give a FILE ('-' for stdin) or tracking numbers")
        if len(arguments) == 1 and (arguments[0] == "-" or os.path.exists(arguments[0])):
            if os.path.isdir(arguments[0]):
                raise InputError(f"{arguments[0]} is a directory, not a file of numbers")
            return cls(arguments[0])
        for argument in arguments:
            if argument == "-" or os.path.exists(argument):
                raise InputError(f"give one FILE or tracking numbers, not both ({argument} is a file)")
            if _PATH_LIKE.search(argument):
                raise InputError(f"no such file: {argument}")
        return cls(None, tuple(arguments))

    @property
    def label(self) -> str:
        """How messages name the input: the file, or "3 numbers"."""
        if self.path is not None:
            return self.path
        return "1 number" if len(self.numbers) == 1 else f"{len(self.numbers)} numbers"

    def count(self) -> int | None:
        """How many rows there are (for a progress bar); None when unknown (stdin)."""
        return len(self.numbers) if self.path is None else count_rows(self.path)

    @contextmanager
    def rows(self) -> Iterator[Iterator[Row]]:
        """The rows, read lazily from the file (opened and closed here), or the arguments'
        numbers (``line`` is the argument's position, from 1)."""
        if self.path is None:
            yield (Row(number.strip(), index) for index, number in enumerate(self.numbers, start=1))
            return
        with opened(self.path) as handle:
            yield rows(handle, self.path)
