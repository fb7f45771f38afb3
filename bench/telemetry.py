"""What OpenTelemetry costs track17 (docs/guides/operating.md, "The cost"): ``python -m bench.telemetry``.

1. Import: the modules ``import track17_facade`` (and its clients and store) loads with the API
   installed and as if it were not (an import blocker), and the import time of each.
2. The hooks of a one-number ``register`` (the call's span and counts, the request's span and
   count, the pacing record), with the API and no SDK, and as without the package.
3. A one-number ``register`` against the sandbox over loopback, both ways, interleaved (noisy on
   a busy host: the hooks' figure is the one to trust).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import timeit

import httpx

from track17_facade import Track17Client, _telemetry
from track17_facade.models import Accepted, BatchResult
from track17_facade.ratelimit import shared_limiter
from track17_facade.sandbox import Sandbox

BLOCKED = "import sys; sys.modules['opentelemetry'] = None; "
IMPORT = "import sys, track17_facade, track17_facade._client, track17_facade.shipments; "


def _modules(prefix: str) -> set[str]:
    code = prefix + IMPORT + "print('\\n'.join(sys.modules))"
    return set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )


def _import_us(prefix: str) -> float:
    code = prefix + "import track17_facade"
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    line = [line for line in run.stderr.splitlines() if line.endswith("| track17_facade")][-1]
    return float(line.split("|")[1])


def imports(runs: int = 21) -> tuple[float, float]:
    """Median microseconds of ``import track17_facade`` with the API installed and without,
    interleaved so that the host's load falls on both alike."""
    both: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        both[0].append(_import_us(""))
        both[1].append(_import_us(BLOCKED))
    return statistics.median(both[0]), statistics.median(both[1])


def _off() -> None:
    _telemetry._acquired, _telemetry._instruments = True, None


def _on() -> None:
    import opentelemetry  # noqa: F401 (as an application using the API has: track17 waits for it)

    _telemetry._acquired, _telemetry._instruments = False, None


def hooks(n: int = 20_000) -> tuple[float, float]:
    """Microseconds the hooks of one register take: with the API and no SDK, and without."""

    class Client:
        api_version = "v1"

    class Operation:
        name = "register"

    result = BatchResult((Accepted("RR000000001CN"),), (), ())
    request = httpx.Request("POST", "http://127.0.0.1:8000/track/v1/register")
    response = httpx.Response(200)

    @_telemetry.traced_bulk
    def bulk(client: object, operation: object) -> BatchResult[Accepted]:
        _telemetry.paced(request, "v1")
        _telemetry.send(lambda _: response, request, "v1")
        return result

    figures = []
    for switch in (_on, _off):
        switch()
        figures.append(min(timeit.repeat(lambda: bulk(Client(), Operation()), number=n, repeat=5)) / n * 1e6)
    _on()
    return figures[0], figures[1]


def register(rounds: int = 10, calls: int = 100) -> tuple[float, float]:
    """Median microseconds of a one-number register: with the API and no SDK, and without."""
    key = "bench-telemetry-key-0123456789"
    limiter = shared_limiter(key, 100_000.0, assume_used=False)
    with (
        Sandbox(api_keys=(key,), rate=1_000_000) as box,
        Track17Client(key, base_url=box.base_url, rate_limiter=limiter) as client,
    ):
        numbers = (f"RR{i:09d}CN" for i in range(1, 10**9))

        def run() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                assert client.register([next(numbers)]).ok
            return (time.perf_counter() - started) / calls * 1e6

        run()
        both: tuple[list[float], list[float]] = ([], [])
        for _ in range(rounds):
            for switch, figures in zip((_on, _off), both, strict=True):
                switch()
                figures.append(run())
        _on()
    return statistics.median(both[0]), statistics.median(both[1])


def main() -> None:
    installed, blocked = _modules(""), _modules(BLOCKED) - {"opentelemetry"}  # the blocker's entry
    otel = any(name.startswith("opentelemetry") for name in installed)
    print(
        f"import: {len(installed)} modules with the API installed, {len(blocked)} without, the same ones: "
        f"{installed == blocked}; opentelemetry among them: {otel}"
    )
    with_api, without = imports()
    print(f"import track17_facade: {with_api:.0f} us with the API, {without:.0f} us without (medians of 21)")
    with_api, without = hooks()
    print(
        f"hooks of a one-number register: {with_api:.1f} us with the API and no SDK, {without:.1f} us without"
    )
    with_api, without = register()
    print(
        f"one-number register over loopback: {with_api:.0f} us with the API, no SDK; {without:.0f} us without"
    )


if __name__ == "__main__":
    main()
