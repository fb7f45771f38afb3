"""What every ``track17`` command shares: exit codes, the --format and --output options, and
turning expected failures into a message and an exit code."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

import click

from track17_facade._secrets import redact
from track17_facade.cli._input import InputError
from track17_facade.cli._job import EXIT_SOME_FAILED
from track17_facade.cli._journal import JournalError
from track17_facade.cli._output import FORMATS
from track17_facade.errors import (
    AuthenticationError,
    InvalidInputError,
    StoreSchemaError,
    StoreSetupError,
    Track17Error,
)

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_REFUSED_KEY",
    "EXIT_USAGE",
    "FILE",
    "FORMAT",
    "OUTPUT",
    "broken_pipe",
    "expected_errors",
    "fail",
    "output_to",
    "rows_out",
]

EXIT_USAGE, EXIT_REFUSED_KEY = 2, 3
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C
EXIT_BROKEN_PIPE = 141  # the shell's status for a writer whose reader went away (128 + SIGPIPE)
F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int) -> None:
    """End the command: the message (with any known key scrubbed) on stderr, and ``code``."""
    click.echo(f"track17: {redact(message)}", err=True)
    sys.exit(code)


def interrupted() -> None:
    """Ctrl-C: say so (and, for a command with a journal, that running it again resumes), then
    end at once. Requests still in flight are abandoned rather than waited for: a journal marks
    them sent, and the same command finds out what became of them."""
    context = click.get_current_context(silent=True)
    resumable = context is not None and "journal" in context.params
    advice = " (with --journal, the same command resumes the job)" if resumable else ""
    click.echo(f"track17: interrupted{advice}", err=True)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(EXIT_INTERRUPTED)  # not sys.exit: that would wait for the requests still in flight


def broken_pipe() -> None:
    """The reader went away (``track17 ... | head -1``): stop quietly, as a shell tool does."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so that the final flush at exit finds nothing to write
    sys.exit(EXIT_BROKEN_PIPE)


def expected_errors(command: F) -> F:
    """Expected failures end with a message and an exit code, never a traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AuthenticationError as exc:
            fail(str(exc), EXIT_REFUSED_KEY)
        except (InputError, JournalError, InvalidInputError, StoreSetupError, StoreSchemaError) as exc:
            fail(str(exc), EXIT_USAGE)
        except sqlite3.Error as exc:  # the journal could not be written (disk full, file removed)
            fail(f"the journal could not be written: {exc}", EXIT_SOME_FAILED)
        except Track17Error as exc:
            fail(f"{type(exc).__name__}: {exc}", EXIT_SOME_FAILED)
        except KeyboardInterrupt:
            interrupted()
        except BrokenPipeError:
            broken_pipe()

    return run  # type: ignore[return-value]


FILE = click.argument("inputs", nargs=-1, metavar="FILE|NUMBER...")
"""One job file (``-``: stdin) or tracking numbers: ``Inputs.parse`` tells which."""
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: table on a terminal, else csv).",
)
OUTPUT = click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    metavar="PATH",
    help="Write the results to this file instead of stdout.",
)


def rows_out(command: F) -> F:
    """The ``--format`` and ``--output`` options of a command that writes rows."""
    return FORMAT(OUTPUT(command))


@contextlib.contextmanager
def output_to(path: str | None) -> Iterator[IO[str] | None]:
    """The ``--output`` file, open for writing and closed after (None: stdout)."""
    if path is None or path == "-":
        yield None
        return
    try:
        handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    with handle:
        yield handle
