"""Figure 8: run the ``track17`` command line and write its own peak RSS (MB) to a file at exit.

Usage: python -m bench._rss RSS_FILE [track17 arguments...]
"""

from __future__ import annotations

import atexit
import resource
import sys
from pathlib import Path

from track17_facade.cli import main


def _write_peak(path: Path) -> None:
    path.write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


if __name__ == "__main__":
    target = Path(sys.argv[1])
    sys.argv = ["track17", *sys.argv[2:]]
    atexit.register(_write_peak, target)
    main()
