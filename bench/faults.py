"""Figure 4: a bulk job through 20% faults, every number accounted for once."""

from __future__ import annotations

import time

from bench._shared import fresh_key, numbers, round_trip
from bench.report import record, requests_for
from track17_facade import Track17Client
from track17_facade.sandbox import FaultKind, SandboxProcess


def figure_faults(count: int) -> None:
    key, probe = fresh_key(), fresh_key()
    kinds = (
        FaultKind.HTTP_500,
        FaultKind.HTTP_503,
        FaultKind.HTTP_520,
        FaultKind.DROP,
        FaultKind.TRUNCATED,
        FaultKind.DROP_AFTER_EFFECT,
        FaultKind.ERROR_AFTER_EFFECT,
    )
    with SandboxProcess(api_keys=(probe,)) as clean:
        first = round_trip(clean.base_url, probe)  # the floor's round trip, without faults
    with SandboxProcess(api_keys=(key,), rate=3, seed=7, fault_rate=0.2, fault_kinds=kinds) as box:
        batch = numbers(count)
        started = time.perf_counter()
        with Track17Client(key, base_url=box.base_url) as client:
            result = client.register(batch)
            wall = time.perf_counter() - started
            stats = box.stats()
            # a chunk whose retries ran out after an attempt took effect is registered and charged:
            # its failures say so, and sending them again as in doubt recovers them, uncharged
            in_doubt = {failure.number for failure in result.failed if failure.may_have_taken_effect}
            failed = [failure.number for failure in result.failed]
            again = [
                outcome
                for batch_ in client.stream("register", failed, in_doubt=in_doubt)
                for outcome in batch_.accepted
            ]
            final = box.stats()
    seen = [item.number for item in (*result.accepted, *result.rejected, *result.failed)]
    exactly_once = sorted(seen) == sorted(batch)
    charged_once = stats.quota_used == stats.registered <= len(result.accepted) + len(
        in_doubt
    ) and final.quota_used == final.registered == len(result.accepted) + len(again) == len(batch)
    floor = first + (requests_for(count) - 1) // 3
    faults = sum(stats.faults_injected.values())
    recovered = sum(1 for item in result.accepted if item.recovered)
    record(
        "4. 20% faults: numbers accounted once",
        float(exactly_once and charged_once),
        "bool",
        "1 (all)",
        exactly_once and charged_once,
        f"{len(result.accepted)} accepted ({recovered} recovered), {len(result.failed)} failed "
        f"({len(in_doubt)} in doubt, sent again: {len(again)} recovered), quota {final.quota_used}, "
        f"{faults} faults in {stats.requests} requests",
    )
    record(
        "4. 20% faults: wall time",
        wall / floor,
        "x floor",
        "report",
        None,
        f"{wall:.2f}s vs fault-free floor {floor:.2f}s",
    )
