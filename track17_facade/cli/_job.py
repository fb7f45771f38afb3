"""One bulk command over one job file: reading it, the journal's say on each number, the stream
of requests, and the rows written back in the order of the file."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, Final

from rich.console import Console

from track17_facade._batching import CheckDigits, ItemKind, check_digit_screen, stream_batches
from track17_facade._constants import StreamMethod
from track17_facade.cli._input import Inputs, Row
from track17_facade.cli._journal import Admission, Journal
from track17_facade.cli._output import (
    OUTCOME_COLUMNS,
    STATUS_COLUMNS,
    Output,
    failed_row,
    outcome_rows,
    refused_row,
)
from track17_facade.models import BatchResult

if TYPE_CHECKING:
    from rich.progress import Progress

    from track17_facade import Track17Client

EXIT_OK, EXIT_SOME_FAILED = 0, 1
LINES_KEPT: Final = 4096
"""Input lines remembered for naming refused rows: the stream refuses a row within one request's
worth of reading it, so a few thousand is plenty and memory stays flat."""
_ITEM_PREFIX: Final = re.compile(r"^item \d+: ")


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
        if row["outcome"] not in ("accepted", "would send"):
            self.codes[f"{row['outcome']} {row.get('code')}"] += 1

    def line(self) -> str:
        """The summary as one line of text."""
        if self.outcomes["would send"]:
            sendable, refused = self.outcomes["would send"], self.outcomes["rejected"]
            return f"would send {sendable}, rejected {refused}; nothing was sent"
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
        """0 when every number was accepted (or would be sent), else 1."""
        return EXIT_OK if not (self.outcomes["rejected"] or self.outcomes["failed"]) else EXIT_SOME_FAILED


def progress_bar(console: Console, inputs: Inputs, quiet: bool) -> Progress | None:
    """A progress bar for a job over ``inputs`` on a terminal (a file is counted then only)."""
    if quiet or not sys.stderr.isatty():
        return None
    # Imported when a bar is drawn: `--help`, files and pipes never need it.
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[progress.data.speed]{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    progress.add_task("numbers", total=inputs.count(), rate="")
    return progress


class InputOrder:
    """Rows put back in the order of the job file, whatever order their requests finish in.

    Each number read gets the next position; a row is written once every row before it has been.
    What waits is at most the requests in flight (a few hundred rows), so memory stays flat.
    """

    def __init__(self, write: Callable[[Mapping[str, Any], bool], None]) -> None:
        self._write = write
        self._next = 0
        self._assigned = 0
        self._waiting: dict[int, tuple[Mapping[str, Any], bool]] = {}

    def place(self) -> int:
        """The position of the next row read."""
        self._assigned += 1
        return self._assigned - 1

    def put(self, position: int, row: Mapping[str, Any], from_journal: bool = False) -> None:
        """The row at ``position``; written now if every earlier one has been."""
        self._waiting[position] = (row, from_journal)
        while self._next in self._waiting:
            self._write(*self._waiting.pop(self._next))
            self._next += 1

    def flush(self) -> None:
        """Write whatever still waits, in order (the end of a job, or a job that stopped)."""
        for position in sorted(self._waiting):
            self._write(*self._waiting.pop(position))
        self._next = self._assigned


class Job:
    """One bulk command over one job file (or numbers given as arguments), with or without a
    journal."""

    def __init__(
        self,
        client_factory: Callable[[], Track17Client],
        method: StreamMethod,
        inputs: Inputs,
        out: IO[str] | None,
        fmt: str | None,
        console: Console,
        quiet: bool,
        carrier: str | None = None,
        check_digits: CheckDigits = "off",
    ) -> None:
        self.client_factory, self.method, self.inputs = client_factory, method, inputs
        self.carrier, self.check_digits = carrier, check_digits
        self.out = Output(fmt, STATUS_COLUMNS if method == "get_track_info" else OUTCOME_COLUMNS, out)
        self.console = console
        self.tally = Tally()
        self.order = InputOrder(self._write)
        self.journal: Journal | None = None
        self.in_doubt: set[str] = set()
        self.lines: dict[int, tuple[int, int]] = {}  # stream item index -> (file line, position)
        self.positions: dict[str, int] = {}  # number (upper case) -> position, while in flight
        self.seen: set[str] = set()  # without a journal: the numbers read in this run
        self.progress = progress_bar(console, inputs, quiet)

    def _write(self, row: Mapping[str, Any], from_journal: bool) -> None:
        self.out.write(row)
        self.tally.add(row, from_journal)
        if self.progress is not None:
            task = self.progress.tasks[0]
            self.progress.update(task.id, advance=1, rate=f"{task.speed or 0:.0f}/s")

    def admit(self, number: str) -> bool:
        """Whether to send ``number`` in this run (the journal's outcomes are written here).
        Numbers are compared without regard to letter case, as 17TRACK does."""
        if self.journal is None:
            if number.upper() in self.seen:
                return False
            self.seen.add(number.upper())
            return True
        admission, recorded = self.journal.admit(number)
        if admission is Admission.DONE and recorded is not None:
            self.order.put(self.order.place(), recorded, from_journal=True)
        if admission is Admission.IN_DOUBT:
            self.in_doubt.add(number)
        return admission in (Admission.SEND, Admission.IN_DOUBT)

    def items(self, rows: Iterator[Row]) -> Iterator[object]:
        """The facade items to send, read lazily."""
        index = 0
        for row in rows:
            number = row.number.strip()
            if not self.admit(number):
                continue
            position = self.order.place()
            self.positions[number.upper()] = position
            self.lines[index] = (row.line, position)  # rows refused before sending name their line
            self.lines.pop(index - LINES_KEPT, None)
            index += 1
            yield row.item(with_metadata=self.method == "register", carrier=self.carrier)

    def _position(self, row: Mapping[str, Any], index: int | None) -> int | None:
        by_number = self.positions.pop(str(row["number"]).upper(), None)
        if index is not None and index in self.lines:
            return self.lines[index][1]
        return by_number

    def _name_lines(self, rows_of: list[tuple[dict[str, Any], int | None]]) -> None:
        """Rows refused before sending say "line 12" of the file, not "item 12" of this run."""
        for row, index in rows_of:
            refused_here = _ITEM_PREFIX.match(str(row.get("message", "")))  # 17TRACK's keep their words
            if index is not None and index in self.lines and refused_here:
                line = self.lines[index][0]
                row["message"] = f"line {line}: {_ITEM_PREFIX.sub('', str(row.get('message', '')))}"

    def _place_result(self, rows_of: list[tuple[dict[str, Any], int | None]]) -> None:
        for row, index in rows_of:
            position = self._position(row, index)
            if position is None:  # an answer naming a number this run never read
                self.order.put(self.order.place(), row)
            else:
                self.order.put(position, row)

    def run(self, journal_path: str | None) -> int:
        """Run the job; returns the exit code."""
        client = self.client_factory()  # a missing key is refused before the journal counts a run
        self.journal = journal = Journal(journal_path, self.method) if journal_path else None
        completed = False
        try:
            with client, self.inputs.rows() as rows:
                if self.progress is not None:
                    self.progress.start()
                stream = client.stream(
                    self.method,
                    self.items(rows),
                    before_send=None if journal is None else journal.sending,
                    in_doubt=self.in_doubt,
                    check_digits=self.check_digits,
                )
                for result in stream:
                    produced = _indexed_rows(result)
                    self._name_lines(produced)
                    if journal is not None:
                        journal.record([row for row, _ in produced])  # one transaction per request
                    self._place_result(produced)
            completed = True
        finally:
            self.order.flush()
            if self.progress is not None:
                self.progress.stop()
            self.out.close(completed or self.out.rows > 0)
            if journal is not None:
                journal.close()
        self.console.print(f"{self.inputs.label}: {self.tally.line()}", soft_wrap=True)
        return self.tally.exit_code

    def dry_run(self, kind: ItemKind) -> int:
        """Check the file and write what would be sent, sending nothing."""
        completed = False
        try:
            with self.inputs.rows() as rows:
                for batch in stream_batches(
                    kind, self.items(rows), screen=check_digit_screen(self.check_digits)
                ):
                    rows_of: list[tuple[dict[str, Any], int | None]] = [
                        ({"number": item.number, "outcome": "would send"}, None) for item in batch.chunk
                    ]
                    rows_of += [(refused_row(rejection), rejection.index) for rejection in batch.rejected]
                    self._name_lines(rows_of)
                    self._place_result(rows_of)
            completed = True
        finally:
            self.order.flush()
            self.out.close(completed or self.out.rows > 0)
        self.console.print(f"{self.inputs.label}: {self.tally.line()}", soft_wrap=True)
        return self.tally.exit_code


def _indexed_rows(result: BatchResult[Any]) -> list[tuple[dict[str, Any], int | None]]:
    """A request's rows, each with the stream index of a row refused before sending (else None)."""
    indexed: list[tuple[dict[str, Any], int | None]] = [
        (row, None) for row in outcome_rows(BatchResult(result.accepted, (), ()))
    ]
    indexed += [(refused_row(rejection), rejection.index) for rejection in result.rejected]
    indexed += [(failed_row(failure), None) for failure in result.failed]
    return indexed
