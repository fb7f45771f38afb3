"""The API key, kept out of everything a user or a file can see.

A key is checked once, where it enters (``checked_api_key``): surrounding whitespace is removed
(what reading a key from a file leaves), and a key that still holds a control character or a
non-ASCII character is refused with a message that names the problem, never the key. Every key
that passes is remembered, and ``redact`` replaces it in a text with ``[api key]``.

``redact`` is the one place messages are scrubbed. It runs where text leaves the SDK: in
``Track17Error``'s constructor (so no exception message holds a key, whatever library text it
wraps), in a filter on the SDK's loggers, and in the command line's writers (its output, its
messages and its journal).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Final

REDACTED: Final = "[api key]"
MIN_REDACTED_LENGTH: Final = 4
"""Keys shorter than this are not searched for in texts (they would match ordinary words); real
17TRACK keys are 32 characters."""


class _Known:
    """Every key the SDK was given, longest first (should one key hold another), ordered once when
    a key is added because ``redact`` runs on every exception and every cell the CLI writes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: set[str] = set()
        self.longest_first: tuple[str, ...] = ()

    def add(self, *secrets: str) -> None:
        if self._keys.issuperset(secrets):  # a receiver checks its keys on every push
            return
        with self._lock:
            self._keys.update(secrets)
            self.longest_first = tuple(sorted(self._keys, key=len, reverse=True))


_KNOWN = _Known()


def checked_api_key(api_key: object, owner: str) -> str:
    """``api_key`` stripped of surrounding whitespace and remembered for ``redact``.

    Raises:
        InvalidInputError: not a string, empty, or holding a control or non-ASCII character.
    """
    from track17_facade.errors import InvalidInputError  # noqa: PLC0415 (errors imports this module)

    if not isinstance(api_key, str):
        raise InvalidInputError(f"{owner}: api_key must be a string, got {type(api_key).__name__}")
    key = api_key.strip()
    if not key:
        raise InvalidInputError(f"{owner}: api_key must be a non-empty string")
    for position, char in enumerate(key):
        if not " " <= char <= "~":
            kind = "a non-ASCII" if ord(char) > 0x7F else "a control"
            raise InvalidInputError(
                f"{owner}: api_key holds {kind} character (U+{ord(char):04X} at position {position + 1}); "
                "a 17TRACK key is printable ASCII: check where it was read from"
            )
    remember(key)
    return key


def checked_api_keys(api_key: object, owner: str) -> tuple[str, ...]:
    """The keys a push may be signed with, from one key or a sequence of them (the current key
    first, then the previous ones still valid while a rotation takes effect), each checked as
    ``checked_api_key`` checks one.

    Raises:
        TypeError: neither a string nor a sequence of strings (``bytes`` included: decode it).
        InvalidInputError: an empty sequence (a receiver with no key must fail closed), or a key
            that ``checked_api_key`` refuses.
    """
    from track17_facade.errors import InvalidInputError  # noqa: PLC0415 (errors imports this module)

    if isinstance(api_key, str):
        return (checked_api_key(api_key, owner),)
    if isinstance(api_key, bytes | bytearray | memoryview) or not isinstance(api_key, Sequence):
        raise TypeError(
            f"{owner}: api_key must be a string or a sequence of strings (current key first), "
            f"got {type(api_key).__name__}"
        )
    if not api_key:
        raise InvalidInputError(
            f"{owner}: api_key is an empty sequence: at least one key is needed to verify pushes"
        )
    keys: list[str] = []
    for position, key in enumerate(api_key):
        if not isinstance(key, str):
            raise TypeError(f"{owner}: api_key[{position}] must be a string, got {type(key).__name__}")
        checked = checked_api_key(key, f"{owner} (api_key[{position}])")
        if checked not in keys:
            keys.append(checked)
    return tuple(keys)


def remember(secret: str) -> None:
    """Have ``redact`` hide ``secret`` (and its escaped form, as a repr shows it) from now on."""
    if len(secret) >= MIN_REDACTED_LENGTH:
        _KNOWN.add(secret, repr(secret)[1:-1])


def redact(text: str) -> str:
    """``text`` with every remembered key replaced by ``[api key]``."""
    for secret in _KNOWN.longest_first:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that formats each record once and hides every remembered key in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def redacting_logger(name: str) -> logging.Logger:
    """The logger ``name``, with a ``RedactingFilter`` (added once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(existing, RedactingFilter) for existing in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger
