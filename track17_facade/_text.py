"""Values shown in messages, cut short: a huge bad value cannot flood an error or a log line."""

from __future__ import annotations

__all__ = ["SHOWN_CHARS", "shorten", "shown"]

SHOWN_CHARS = 60
"""Longer input values are cut to this many characters in rejections (a tracking number has 50)."""


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters (the last one an ellipsis), for messages."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def shown(value: object) -> str:
    """``repr(value)``, cut to ``SHOWN_CHARS`` so that a huge bad value cannot flood a message."""
    return shorten(repr(value))
