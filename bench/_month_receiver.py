"""``track17 shipments serve``, with the store's clock read from a file: the month's sandbox clock.

``python -m bench._month_receiver CLOCK_FILE [track17 arguments]`` runs the command line exactly as
``track17`` does, except that the store's "now" (when a shipment was last heard of, which ones
``sync`` finds stale) is the sandbox time written in ``CLOCK_FILE`` rather than the wall clock:
the month runs 30 sandbox days in minutes, and a receiver on the wall clock would make every
shipment look heard of in the future. ``ShipmentStore(url, clock=sandbox.clock)`` does the same in
one process.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["FileClock"]


class FileClock:
    """The time written (ISO 8601, UTC) in a file; the month replaces the file atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text()).replace(tzinfo=UTC)


def main() -> None:
    """Run the command line with the store's clock swapped for the file's."""
    clock = FileClock(Path(sys.argv[1]))
    import track17_facade.shipments._store as store_module

    store_module.utc_now = clock
    sys.argv = ["track17", *sys.argv[2:]]
    from track17_facade.cli import main as track17

    track17()


if __name__ == "__main__":
    main()
