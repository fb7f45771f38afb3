"""``python -m track17_facade.sandbox``: serve a sandbox until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from collections.abc import Sequence
from typing import Any

from track17_facade.sandbox._faults import FaultKind
from track17_facade.sandbox._records import DEFAULT_API_KEY
from track17_facade.sandbox._server import Sandbox


def _announce(sandbox: Sandbox) -> None:
    print(f"track17 sandbox on {sandbox.base_url}", flush=True)
    print(f"API v2.4 on {sandbox.base_url_for('v2.4')}", flush=True)
    print(f"API key: {sandbox.api_key}", flush=True)
    print(f"Page: {sandbox.page_url} (open it in a browser: shipments, requests, pushes, live)", flush=True)
    admin = sandbox.admin_url
    print(f'Admin: POST {admin}/advance {{"seconds": 3600}}, GET {admin}/stats', flush=True)


def _ranged(kind: type[int] | type[float], low: float, high: float | None = None) -> Any:
    """An argparse type: a number of ``kind`` from ``low`` to ``high``, else a usage error."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind.__name__}, got {text!r}") from None
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            bounds = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, print the base URL and key, and serve."""
    parser = argparse.ArgumentParser(
        prog="python -m track17_facade.sandbox", description="A local, stateful 17TRACK server."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=_ranged(int, 0, 65535), default=8017, help="0 picks a free port")
    parser.add_argument("--api-key", action="append", help=f"accepted key (default {DEFAULT_API_KEY})")
    parser.add_argument("--rate", type=_ranged(int, 1), default=3, help="requests per key per window")
    parser.add_argument("--window", type=_ranged(float, 0.001), default=1.0, help="rate window in seconds")
    parser.add_argument("--latency", type=_ranged(float, 0), default=0.0, help="seconds to hold each answer")
    parser.add_argument(
        "--arrival-jitter",
        type=_ranged(float, 0),
        default=0.0,
        help="up to this many seconds before stamping an arrival",
    )
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--quota", type=_ranged(int, 0), default=None)
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument(
        "--webhook-format",
        choices=("v1", "v2"),
        default=None,
        help="the shape of every push (default: the shape of the API version each number came through)",
    )
    parser.add_argument(
        "--v1-shape",
        choices=("17track", "contract"),
        default="17track",
        help="write v1 answers and pushes as 17TRACK's service sends them (default), or as "
        "openapi.yaml names the fields",
    )
    for what, help_text in (
        ("drop", "share of pushes never delivered, 0 to 1"),
        ("repeat", "share of pushes delivered twice, 0 to 1"),
        ("reorder", "share of pushes delivered after the next one, 0 to 1"),
    ):
        parser.add_argument(f"--webhook-{what}", type=_ranged(float, 0, 1), default=0.0, help=help_text)
    parser.add_argument("--fault-rate", type=_ranged(float, 0, 1), default=0.0, help="0 to 1")
    parser.add_argument(
        "--fault-kinds", default=",".join(kind.value for kind in FaultKind), help="comma-separated"
    )
    args = parser.parse_args(argv)
    known = {kind.value for kind in FaultKind}
    unknown = [kind for kind in args.fault_kinds.split(",") if kind and kind not in known]
    if unknown:
        parser.error(f"unknown fault kinds: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    if args.webhook_url is not None and not args.webhook_url.startswith(("http://", "https://")):
        parser.error(f"--webhook-url must be an http:// or https:// URL, got {args.webhook_url!r}")
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
        v1_shape=args.v1_shape,
        webhook_drop=args.webhook_drop,
        webhook_repeat=args.webhook_repeat,
        webhook_reorder=args.webhook_reorder,
        fault_rate=args.fault_rate,
        fault_kinds=tuple(FaultKind(kind) for kind in args.fault_kinds.split(",") if kind),
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            sandbox.serve_forever(args.host, args.port, on_ready=_announce)
    except OSError as exc:  # the port is taken, or the host is not an address of this machine
        print(
            f"track17 sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
