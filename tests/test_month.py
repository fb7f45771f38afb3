"""The short month (``bench.month.SHORT``): three sandbox days of production with faults, on a real
``track17 shipments serve`` subprocess, SQLite and redis-server, checked end to end."""

from __future__ import annotations

import shutil

import attrs
import pytest

from bench.month import SHORT, run_month
from tests.conftest import missing


@pytest.fixture(autouse=True)
def _needs_redis_server() -> None:
    """The month paces through a real redis-server: fail in CI, skip elsewhere, without it."""
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed")


def test_a_short_month_with_a_sigkill_a_rotation_and_every_other_fault_loses_nothing() -> None:
    result = run_month(SHORT)

    assert result.failures == []
    names = [fault.name for fault in result.faults]
    assert any("SIGKILL" in name for name in names) and "key rotation" in names
    assert any(name.startswith("quota") for name in names) and any("Redis" in name for name in names)
    assert result.figures["receiver starts"] == 3  # the first, after the SIGKILL, after the rotation
    # pushes were lost on purpose and to the SIGKILL, and sync brought the store back all the same
    assert any(row["lost"] for row in result.timeline) and max(row["behind"] for row in result.timeline) > 0
    assert result.agreed["registered"] == result.agreed["quota_used"] == SHORT.numbers


def test_the_same_seed_gives_the_same_month() -> None:
    tiny = attrs.evolve(SHORT, days=2, numbers=16, burst=1)

    first, again = run_month(tiny), run_month(tiny)

    assert first.failures == again.failures == []
    assert first.agreed == again.agreed
    assert first.agreed["pushes"] > 0 and first.agreed["refused"]  # a month that held something
