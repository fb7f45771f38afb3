"""Figure 7, run in a fresh process so that its peak RSS is the client's alone.

Usage: python -m bench._scale BASE_URL API_KEY SMALL LARGE; prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from bench._shared import numbers
from track17_facade import Track17Client


def main() -> None:
    base_url, key, small, large = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with Track17Client(key, base_url=base_url, requests_per_second=2000) as client:
        client.register(numbers(40, "RW"))  # warm up: threads, connections
        idle_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        first = client.register(numbers(small, "RA"))
        small_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = client.register(numbers(large, "RB"))
        large_seconds = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "small_ok": len(first.accepted) == small,
                "large_ok": len(second.accepted) == large,
                "small_seconds": small_seconds,
                "large_seconds": large_seconds,
                "rss_growth_mb": (peak_kb - idle_kb) / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
