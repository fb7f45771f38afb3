"""Write the package's compact copy of 17TRACK's carrier list.

    python generator/bundle_carriers.py apicarrier.all.json 2025-04-13

reads 17TRACK's ``apicarrier.all.json`` (as published on the given day) and writes
``track17_facade/data/carriers.json.gz``, the copy ``CarrierDirectory.bundled()`` reads.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from track17_facade.carriers import CACHED_NAME, CarrierDirectory

TARGET = Path(__file__).resolve().parent.parent / "track17_facade" / "data" / CACHED_NAME


def main(source: str, published: str) -> None:
    directory = CarrierDirectory.from_json(Path(source).read_bytes(), date.fromisoformat(published))
    TARGET.write_bytes(directory.to_compact())
    print(f"{TARGET}: {len(directory)} carriers, {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
