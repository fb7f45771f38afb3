"""The Chromium that the sandbox page's tests, its screenshots (``docs/screenshots.py``) and its
benchmark (figure 18) drive through Playwright: the system's (Debian's ``chromium`` package, what
``.ci/run`` installs) or the one ``TRACK17_CHROMIUM`` names. Playwright downloads none of its own."""

from __future__ import annotations

import os
import shutil

FLAGS = [
    # Chromium's own background connections are refused on a closed network, many at a time;
    # a browser that only looks at a local page needs none of them.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium to drive: ``$TRACK17_CHROMIUM``, or the system's; None when there is none."""
    named = os.environ.get("TRACK17_CHROMIUM")
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
