"""Figure 9's fresh process: ``python -m bench._fresh BASE_URL ADMIN_URL KEY COUNT JOBS``.

Runs ``JOBS`` jobs (register, then get_track_info, of ``COUNT`` numbers each) one after another
in this new process, with one client per job and the key's process-wide limiter, as a user's
script would; prints, as one JSON line, where each job's requests start and end in the sandbox's
request log and the limiter's margin after each job.
"""

from __future__ import annotations

import json
import sys

import httpx

from bench._shared import numbers
from track17_facade import Track17Client


def _logged(admin_url: str, key: str) -> int:
    """How many requests the sandbox has logged so far."""
    answer = httpx.get(f"{admin_url}/requests", headers={"17token": key}, timeout=30)
    answer.raise_for_status()
    return len(answer.json()["requests"])


def main() -> int:
    base_url, admin_url, key, count, jobs = sys.argv[1:6]
    report = []
    for job in range(int(jobs)):
        batch = numbers(int(count), prefix=f"R{chr(ord('A') + job)}")
        before = _logged(admin_url, key)
        with Track17Client(key, base_url=base_url) as client:
            registered = client.register(batch)
            tracked = client.get_track_info(batch)
            margin = client.rate_limit_margin
        assert len(registered.accepted) == len(tracked.accepted) == int(count), "numbers lost"
        report.append({"first": before, "last": _logged(admin_url, key), "margin": margin})
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
