"""Figure 17's process: ``python -m bench._regimes KEY FAST_URL FAST_COUNT SLOW_URL SLOW_COUNT``.

With one key, in this one new process: a job at 50 requests/s against FAST_URL (FAST_COUNT 0:
none), then a job at 3/s against SLOW_URL, as a script that does a quick bulk pass and then a
careful one would. Prints the slow job's margin at its end as JSON.
"""

from __future__ import annotations

import json
import sys

from bench._shared import numbers
from track17_facade import Track17Client


def main() -> int:
    key, fast_url, fast_count, slow_url, slow_count = sys.argv[1:6]
    if int(fast_count):
        with Track17Client(key, base_url=fast_url, requests_per_second=50) as client:
            assert client.register(numbers(int(fast_count), "RF")).ok
    with Track17Client(key, base_url=slow_url) as client:
        batch = numbers(int(slow_count), "RS")
        assert client.register(batch).ok and client.get_track_info(batch).ok
        print(json.dumps({"margin": client.rate_limit_margin}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
