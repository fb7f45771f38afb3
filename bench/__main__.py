"""Run the benchmark suite and print a table; write bench/results.json (or results-smoke.json).

Every figure is a ratio against a floor or baseline measured in the same run, with the host's
noise beside it. Set BENCH_SMOKE=1 (or pass --smoke) for the small version CI runs so that the
suite cannot rot. Each family of figures is a module of this package, named for what it measures;
this runner only chooses the figures and writes the table.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

from bench import (
    carriers,
    cli,
    cold_start,
    decoding,
    faults,
    first_request,
    memory,
    pacing,
    page,
    store,
    workers,
)
from bench.report import HERE, HOST, NOISE_SAMPLES, ROWS, host_noise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", default=bool(os.environ.get("BENCH_SMOKE")))
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated figure numbers (e.g. 5,6): run only those, and replace their rows in "
        "the results file, keeping the others",
    )
    args = parser.parse_args()
    count = 240 if args.smoke else 2400
    # the 3/s runs of figures 1 and 9 (eight and five of them): in smoke, six requests each, still
    # more than a window's three, so that the pacing is exercised, in a second rather than three
    paced = 120 if args.smoke else 2400
    figures: dict[int, Callable[[], None]] = {
        1: partial(pacing.figure_bulk, paced),
        2: partial(pacing.figure_precision, count),
        3: partial(workers.figure_workers, count),
        4: partial(faults.figure_faults, count),
        5: partial(decoding.figure_decode, args.smoke),
        6: partial(decoding.figure_webhooks, args.smoke),
        7: partial(memory.figure_scale, args.smoke),
        8: partial(cli.figure_cli, args.smoke),
        9: partial(pacing.figure_pace, paced, args.smoke),
        10: partial(pacing.figure_model, args.smoke),
        11: partial(carriers.figure_carriers, args.smoke),
        12: partial(cli.figure_startup, args.smoke),
        13: partial(store.figure_store_receivers, args.smoke),
        14: partial(store.figure_store_sync, args.smoke),
        15: partial(store.figure_store_scale, args.smoke),
        16: partial(first_request.figure_first_request, args.smoke),
        17: partial(first_request.figure_regimes, args.smoke),
        18: partial(page.figure_page, args.smoke),
        19: partial(cold_start.figure_cold_start, args.smoke),
    }
    chosen = sorted({int(part) for part in args.only.split(",") if part.strip()}) or sorted(figures)
    print(f"track17 benchmarks ({'smoke' if args.smoke else 'full'}), Python {platform.python_version()}")
    for number in chosen:
        HOST.clear()
        HOST.update(host_noise(NOISE_SAMPLES[args.smoke]))
        figures[number]()
    target = HERE / ("results-smoke.json" if args.smoke else "results.json")
    earlier: list[dict[str, Any]] = []
    if args.only and target.exists():
        kept = json.loads(target.read_text())["figures"]
        earlier = [row for row in kept if int(row["figure"].split(".")[0]) not in chosen]
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "mode": "smoke" if args.smoke else "full",
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "figures": sorted([*earlier, *ROWS], key=lambda row: int(row["figure"].split(".")[0])),
    }
    if earlier:
        results["note"] = f"figures {args.only} from this run; the others from an earlier run"
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {target.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
