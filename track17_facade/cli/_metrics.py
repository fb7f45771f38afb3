"""``--metrics-port``: the long-running commands' OpenTelemetry metrics, served for Prometheus.

The SDK, its Prometheus exporter and prometheus-client (the ``prometheus`` extra) are imported
only when the option is given.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from track17_facade.cli._common import fail

__all__ = ["metrics_option", "serve_metrics"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_HOST = "127.0.0.1"
SERVICE_NAME = "track17"
"""The ``service.name`` of the metrics' resource (Prometheus's ``target_info``)."""

Address = tuple[str, int]


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> Address | None:
    if value is None:
        return None
    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise click.BadParameter(f"expected PORT or HOST:PORT (a port from 0 to 65535), got {value!r}")
    return host.strip("[]") or DEFAULT_HOST, int(port)


def metrics_option(command: F) -> F:
    """The ``--metrics-port`` option, given to the command as ``metrics: Address | None``."""
    return click.option(
        "--metrics-port",
        "metrics",
        metavar="[HOST:]PORT",
        callback=_address,
        help="Serve the metrics for Prometheus at http://HOST:PORT/metrics (HOST: 127.0.0.1 unless "
        "given; 0 picks a free port). Needs pip install 'track17[prometheus]'.",
    )(command)


def serve_metrics(address: Address) -> None:
    """Install OpenTelemetry's SDK with a Prometheus reader as this process's meter provider, and
    serve its metrics over HTTP from a background thread; print the URL on stderr."""
    try:
        from opentelemetry import metrics  # noqa: PLC0415 (an optional extra)
        from opentelemetry.exporter.prometheus import PrometheusMetricReader  # noqa: PLC0415
        from opentelemetry.sdk.metrics import MeterProvider  # noqa: PLC0415
        from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
        from prometheus_client import start_http_server  # noqa: PLC0415
    except ImportError:
        raise click.UsageError(
            "--metrics-port needs OpenTelemetry's Prometheus exporter: pip install 'track17[prometheus]'"
        ) from None
    host, port = address
    try:
        server, _ = start_http_server(port, addr=host)
    except OSError as exc:
        fail(f"cannot serve metrics on {host}:{port}: {exc.strerror or exc}", 2)
        return
    provider = MeterProvider(
        resource=Resource.create({"service.name": SERVICE_NAME}), metric_readers=[PrometheusMetricReader()]
    )
    metrics.set_meter_provider(provider)
    bound_port = server.server_address[1]
    click.echo(f"track17 shipments: metrics at http://{host}:{bound_port}/metrics", err=True)
    sys.stderr.flush()
