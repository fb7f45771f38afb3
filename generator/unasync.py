"""Write the synchronous client from the asyncio one.

    python generator/unasync.py [OUTPUT]

``track17_facade/_async_client.py`` is the only hand-written client. This script turns it into
``track17_facade/_client.py`` (or OUTPUT) the way httpcore writes its ``_sync`` package from its
``_async`` one: word for word, with asyncio's words replaced by their synchronous twins, then
formatted with ruff. What runs concurrently differs between the two (tasks or threads), so it
lives in ``_async_tasks`` and ``_sync_tasks``, which have the same names; the client only calls
them. ``python3 run.py -s check_generated`` fails when ``_client.py`` is not what this writes.

Written here rather than taken from the ``unasync`` package: that package works on whole
directories and a fixed word list, where this project needs one file, its own pairs of names, and
a few phrases of documentation.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "track17_facade" / "_async_client.py"
TARGET = ROOT / "track17_facade" / "_client.py"

WORDS = {
    # names of the two twins
    "AsyncTrack17Client": "Track17Client",
    "_async_tasks": "_sync_tasks",
    "AsyncPacedTransport": "PacedTransport",
    "drive_async": "drive_sync",
    "async_call": "sync_call",
    "list_async": "list_sync",
    "quota_async": "quota_sync",
    "get_async_httpx_client": "get_httpx_client",
    "traced_bulk_async": "traced_bulk",
    "traced_stream_async": "traced_stream",
    # asyncio's words
    "AsyncIterator": "Iterator",
    "AsyncGenerator": "Generator",
    "aclosing": "closing",
    "aclose": "close",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
}
"""Whole words replaced everywhere, code and documentation alike."""

SYNTAX = (
    (re.compile(r"\basync def\b"), "def"),
    (re.compile(r"\basync with\b"), "with"),
    (re.compile(r"\basync for\b"), "for"),
    (re.compile(r"\bawait "), ""),
    # an async generator cannot ``yield from``; a generator should
    (re.compile(r"for (\w+) in ([\w.]+):\n\s+yield \1\n"), r"yield from \2\n"),
)

PHRASES = {
    '"""AsyncTrack17Client: the asyncio client, and the source the synchronous ``Track17Client`` is\n'
    "generated from (``python3 run.py -s generate``, by ``generator/unasync.py``): edit this file, never\n"
    '``_client.py``."""': '"""Track17Client: the synchronous client. Generated from ``_async_client.py`` by\n'
    '``generator/unasync.py`` (``python3 run.py -s generate``): edit that file, never this one."""',
    "The asyncio client for the 17TRACK API; ``Track17Client`` is its synchronous twin, with the\n"
    "    same arguments and methods.": "The synchronous client for the 17TRACK API; "
    "``AsyncTrack17Client`` is its asyncio twin,\n    with the same arguments and methods.",
    "at once as asyncio tasks": "at once on a pool of threads",
    '"""Close the connection pool."""': '"""Close the connection pool and stop the worker threads."""',
}
"""Phrases of documentation, as the source reads once the words and syntax above are replaced."""


def unasync(source: str) -> str:
    """The synchronous twin of the asyncio client's source."""
    text = source
    for old, new in WORDS.items():
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    for pattern, replacement in SYNTAX:
        text = pattern.sub(replacement, text)
    for phrase, new in PHRASES.items():
        old = _after_words(phrase)
        if old not in text:
            raise SystemExit(f"generator/unasync.py: the source no longer has the phrase {old[:60]!r}")
        text = text.replace(old, new)
    return text


def _after_words(phrase: str) -> str:
    for old, new in WORDS.items():
        phrase = re.sub(rf"\b{re.escape(old)}\b", new, phrase)
    return phrase


def main(target: Path = TARGET) -> None:
    target.write_text(unasync(SOURCE.read_text()))
    ruff = [sys.executable, "-m", "ruff"]
    config = ["--config", str(ROOT / "pyproject.toml")]
    # the same ruff and settings as the lint session, on a path this script chose
    subprocess.run([*ruff, "check", *config, "--fix", "--quiet", str(target)], check=True, cwd=ROOT)  # noqa: S603
    subprocess.run([*ruff, "format", *config, "--quiet", str(target)], check=True, cwd=ROOT)  # noqa: S603


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
