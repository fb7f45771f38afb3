"""The ``track17`` command line: bulk jobs from files, with progress, tables, exports and a
journal that lets a killed job resume. Needs the ``cli`` extra: ``pip install 'track17[cli]'``."""

from __future__ import annotations

import sys


def main() -> None:
    """The ``track17`` console script."""
    try:
        from track17_facade.cli._app import run  # noqa: PLC0415 (click and rich are an extra)
    except ImportError as exc:  # click or rich missing
        print(
            f"track17: the command line needs the 'cli' extra ({exc.name} is missing): "
            "pip install 'track17[cli]'",
            file=sys.stderr,
        )
        sys.exit(2)
    run()
