"""Figure 7: a client's memory and time per number as a bulk job grows."""

from __future__ import annotations

import json
import subprocess
import sys

from bench._shared import fresh_key
from bench.report import HERE, record
from track17_facade.sandbox import SandboxProcess


def figure_scale(smoke: bool) -> None:
    small, large = (2400, 20_000) if smoke else (2400, 100_000)
    key = fresh_key()
    with SandboxProcess(api_keys=(key,), rate=100_000) as box:
        output = subprocess.run(
            [sys.executable, "-m", "bench._scale", box.base_url, key, str(small), str(large)],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE.parent,
        ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    assert result["small_ok"] and result["large_ok"], "numbers lost"
    per_small = result["small_seconds"] / small
    per_large = result["large_seconds"] / large
    record(
        f"7. register {large}: peak RSS growth",
        result["rss_growth_mb"],
        "MB",
        "<= 60",
        result["rss_growth_mb"] <= 60,
        f"{result['large_seconds']:.1f}s",
    )
    record(
        f"7. time per number, {large} vs {small}",
        per_large / per_small,
        "x",
        "~1 (linear)",
        per_large / per_small <= 1.25,
        f"{per_large * 1e6:.0f} vs {per_small * 1e6:.0f} us/number",
    )
