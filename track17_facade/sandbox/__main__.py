"""``python -m track17_facade.sandbox``: serve a sandbox until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from track17_facade.sandbox._faults import FaultKind
from track17_facade.sandbox._server import DEFAULT_API_KEY, Sandbox


def _announce(sandbox: Sandbox) -> None:
    print(f"track17 sandbox on {sandbox.base_url}", flush=True)
    print(f"API v2.4 on {sandbox.base_url_for('v2.4')}", flush=True)
    print(f"API key: {sandbox.api_key}", flush=True)
    admin = sandbox.admin_url
    print(f'Admin: POST {admin}/advance {{"seconds": 3600}}, GET {admin}/stats', flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, print the base URL and key, and serve."""
    parser = argparse.ArgumentParser(
        prog="python -m track17_facade.sandbox", description="A local, stateful 17TRACK server."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8017, help="0 picks a free port")
    parser.add_argument("--api-key", action="append", help=f"accepted key (default {DEFAULT_API_KEY})")
    parser.add_argument("--rate", type=int, default=3, help="requests per key per window")
    parser.add_argument("--window", type=float, default=1.0, help="rate window in seconds")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to hold each answer")
    parser.add_argument(
        "--arrival-jitter", type=float, default=0.0, help="up to this many seconds before stamping an arrival"
    )
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--quota", type=int, default=None)
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--webhook-format", choices=("v1", "v2"), default="v1")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument(
        "--fault-kinds", default=",".join(kind.value for kind in FaultKind), help="comma-separated"
    )
    args = parser.parse_args(argv)
    sandbox = Sandbox(
        api_keys=tuple(args.api_key or [DEFAULT_API_KEY]),
        rate=args.rate,
        window=args.window,
        latency=args.latency,
        arrival_jitter=args.arrival_jitter,
        seed=args.seed,
        quota=args.quota,
        webhook_url=args.webhook_url,
        webhook_format=args.webhook_format,
        fault_rate=args.fault_rate,
        fault_kinds=tuple(FaultKind(kind) for kind in args.fault_kinds.split(",") if kind),
    )
    with contextlib.suppress(KeyboardInterrupt):
        sandbox.serve_forever(args.host, args.port, on_ready=_announce)
    return 0


if __name__ == "__main__":
    sys.exit(main())
