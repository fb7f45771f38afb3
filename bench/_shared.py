"""Helpers shared by the benchmarks: numbers, probes, a sandbox in another process."""

from __future__ import annotations

import time
import uuid

import httpx


def numbers(count: int, prefix: str = "RR") -> list[str]:
    """Distinct UPU-style numbers that the sandbox detects as China Post."""
    return [f"{prefix}{i:09d}CN" for i in range(count)]


def fresh_key() -> str:
    """A key no limiter of this process has seen."""
    return f"bench-{uuid.uuid4().hex[:12]}"


def round_trip(base_url: str, key: str) -> float:
    """Seconds for one 40-number gettrackinfo request, the floor's first round trip."""
    body = [{"number": number} for number in numbers(40, "ZZ")]
    with httpx.Client(base_url=base_url, headers={"17token": key}) as http:
        http.post("/gettracklist", json={})  # connect first, as a running client would be
        started = time.perf_counter()
        http.post("/gettrackinfo", json=body).raise_for_status()
        return time.perf_counter() - started
