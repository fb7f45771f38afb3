"""OpenTelemetry: what an operator graphs, read back through the SDK's in-memory reader and
exporter, from real calls over loopback HTTP against the sandbox."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.conftest import ClientFactory, unique_key
from tests.readme import readme_example
from tests.receiver import AsgiServer
from track17_facade import AuthenticationError, Track17Client
from track17_facade.sandbox import RawAnswer, Sandbox
from track17_facade.shipments import ShipmentStore, webhook_app

NUMBERS = [f"RR{i:09d}CN" for i in range(80)]


class Telemetry:
    """The process's SDK, set once (OpenTelemetry's global providers can be set only once):
    each ``metrics()`` gives what was recorded since the last one."""

    def __init__(self) -> None:
        delta = AggregationTemporality.DELTA
        self.reader = InMemoryMetricReader(preferred_temporality={Counter: delta, Histogram: delta})
        self.spans = InMemorySpanExporter()
        tracing = TracerProvider()
        tracing.add_span_processor(SimpleSpanProcessor(self.spans))
        metrics.set_meter_provider(MeterProvider(metric_readers=[self.reader]))
        trace.set_tracer_provider(tracing)

    def metrics(self) -> dict[str, list[Any]]:
        """Each metric's data points since the last call, by name."""
        found: dict[str, list[Any]] = {}
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    found.setdefault(metric.name, []).extend(metric.data.data_points)
        return found

    def reset(self) -> None:
        self.metrics()
        self.spans.clear()

    def finished(self) -> tuple[ReadableSpan, ...]:
        return tuple(self.spans.get_finished_spans())


_telemetry: Telemetry | None = None


@pytest.fixture
def otel() -> Telemetry:
    global _telemetry  # noqa: PLW0603 (one SDK per process)
    if _telemetry is None:
        _telemetry = Telemetry()
    _telemetry.reset()
    return _telemetry


def counted(points: list[Any], **attributes: object) -> int:
    """The sum of the counter's points whose attributes include these (``track17_api_version``
    for ``track17.api_version``)."""
    wanted = {NAMES.get(name, name): value for name, value in attributes.items()}
    return sum(
        point.value for point in points if all(point.attributes.get(k) == v for k, v in wanted.items())
    )


NAMES = {
    "track17_operation": "track17.operation",
    "track17_api_version": "track17.api_version",
    "track17_outcome": "track17.outcome",
    "http_response_status_code": "http.response.status_code",
    "error_type": "error.type",
    "track17_error_code": "track17.error_code",
}


def test_eighty_numbers_make_two_requests_counted_and_traced(
    otel: Telemetry, make_client: ClientFactory
) -> None:
    client = make_client()
    assert len(client.register(NUMBERS).accepted) == 80
    found = otel.metrics()
    version = client.api_version
    requests = found["track17.client.requests"]
    assert counted(requests, track17_operation="register", track17_api_version=version) == 2
    assert counted(requests, http_response_status_code=200) == 2
    numbers = found["track17.client.numbers"]
    assert counted(numbers, track17_operation="register", track17_outcome="accepted") == 80
    assert counted(numbers, track17_outcome="rejected") + counted(numbers, track17_outcome="failed") == 0
    assert sum(point.count for point in found["track17.client.pacing.wait"]) == 2

    spans = otel.finished()
    (call,) = [span for span in spans if span.name == "track17 register"]
    assert call.attributes is not None
    assert call.attributes["track17.accepted"] == 80
    children = [span for span in spans if span.parent and span.parent.span_id == call.context.span_id]
    assert [span.name for span in children] == ["POST", "POST"]
    url = httpx.URL(client.base_url)
    for span in children:
        assert span.kind is trace.SpanKind.CLIENT
        assert span.attributes == {
            "http.request.method": "POST",
            "server.address": url.host,
            "server.port": url.port,
            "url.full": f"{client.base_url}/register",
            "http.response.status_code": 200,
        }


def test_a_429_and_its_retry_are_counted(
    otel: Telemetry, make_client: ClientFactory, sandbox: Sandbox
) -> None:
    client = make_client()
    sandbox.faults.enqueue(RawAnswer(429, b"slow down", "text/plain", {"Retry-After": "0"}))
    assert client.register(NUMBERS[:5]).ok
    found = otel.metrics()
    requests = found["track17.client.requests"]
    assert counted(requests, http_response_status_code=429) == 1
    assert counted(requests, http_response_status_code=200) == 1
    retries = found["track17.client.retries"]
    assert counted(retries, track17_operation="register", error_type="RateLimitError") == 1
    refused = [dict(span.attributes or {}) for span in otel.finished()]
    assert [span["error.type"] for span in refused if span.get("http.response.status_code") == 429] == ["429"]


def test_a_refused_key_is_counted_whether_17track_says_it_in_the_status_or_the_body(
    otel: Telemetry, v1_client: Any, sandbox: Sandbox
) -> None:
    """17TRACK's v1 refuses a bad key with HTTP 200 and ``"code": 401`` in the body (a real
    answer, tests/data/real); a refusal by HTTP 401 is counted the same way."""
    real = (Path(__file__).parent / "data" / "real" / "v1" / "py17track-error_response.json").read_bytes()
    sandbox.faults.enqueue(RawAnswer(200, real, "application/json"))
    with pytest.raises(AuthenticationError):
        v1_client.register(NUMBERS[:1])
    found = otel.metrics()
    assert counted(found["track17.client.requests"], http_response_status_code=200) == 1
    refusals = found["track17.client.refusals"]
    assert counted(refusals, error_type="AuthenticationError", track17_error_code="401") == 1
    sandbox.faults.enqueue(RawAnswer(401, b"", "text/plain"))
    with pytest.raises(AuthenticationError):
        v1_client.register(NUMBERS[1:2])
    refusals = otel.metrics()["track17.client.refusals"]
    assert counted(refusals, error_type="AuthenticationError") == 1
    assert all("track17.error_code" not in point.attributes for point in refusals)


def test_a_stream_is_one_span_with_its_numbers_counted(otel: Telemetry, make_client: ClientFactory) -> None:
    client = make_client()
    results = list(client.stream("register", [*NUMBERS[:50], "bad"]))
    assert sum(len(result.accepted) for result in results) == 50
    numbers = otel.metrics()["track17.client.numbers"]
    assert counted(numbers, track17_outcome="accepted") == 50
    assert counted(numbers, track17_outcome="rejected") == 1
    spans = otel.finished()
    (call,) = [span for span in spans if span.name == "track17 register"]
    children = [span for span in spans if span.parent and span.parent.span_id == call.context.span_id]
    assert len(children) == 2


def test_the_quota_gauge_follows_get_quota(otel: Telemetry, v2_client: Any) -> None:
    assert v2_client.register(NUMBERS[:3]).ok
    quota = v2_client.get_quota()
    (point,) = otel.metrics()["track17.quota.remaining"]
    assert point.value == quota.remaining


def test_pushes_are_counted_by_outcome_and_the_store_lag_measured(otel: Telemetry, tmp_path: Path) -> None:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=1000, webhook_format="v2") as box,
        ShipmentStore(f"sqlite:///{tmp_path / 'store.db'}", clock=box.clock) as store,
        AsgiServer(webhook_app(store, key)) as web,
        Track17Client(
            key, base_url=box.base_url_for("v2.4"), api_version="v2.4", requests_per_second=1000
        ) as c,
    ):
        box.set_webhook(url=web.url + "/")
        assert c.register(NUMBERS[:4]).ok
        sent = box.advance(days=1)
        assert sent
        box.wait_for_deliveries(sent)
        refused = httpx.post(
            web.url + "/", content=b'{"event": "TRACKING_UPDATED"}', headers={"sign": "0" * 64}
        )
        assert refused.status_code == 401
    found = otel.metrics()
    pushes = found["track17.receiver.pushes"]
    assert counted(pushes, track17_outcome="applied", http_response_status_code=200) == sent
    assert counted(pushes, track17_outcome="unauthorized", http_response_status_code=401) == 1
    assert sum(point.count for point in found["track17.receiver.duration"]) == sent + 1
    (lag,) = found["track17.store.lag"]
    assert lag.attributes == {"track17.source": "push"}
    assert lag.count == sent
    assert 0 < lag.sum < sent * 86400  # each push trails its latest event by under the simulated day


def test_a_poll_that_catches_up_records_its_lag(otel: Telemetry, tmp_path: Path) -> None:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=1000) as box,
        ShipmentStore(f"sqlite:///{tmp_path / 'store.db'}", clock=box.clock) as store,
        Track17Client(
            key, base_url=box.base_url_for("v2.4"), api_version="v2.4", requests_per_second=1000
        ) as c,
    ):
        assert store.track(c, NUMBERS[:4]).ok
        box.advance(days=2)  # no webhook: only a poll hears of it
        otel.reset()
        report = store.sync(c, stale_after=timedelta(0))
    (lag,) = otel.metrics()["track17.store.lag"]
    assert lag.attributes == {"track17.source": "poll"}
    assert lag.count == report.refreshed > 0
    assert 0 < lag.sum <= report.refreshed * 2 * 86400


def test_the_key_appears_in_no_metric_attribute_or_span(otel: Telemetry, sandbox: Sandbox) -> None:
    wrong = f"wrong-{unique_key()}"
    with Track17Client(sandbox.api_key, base_url=sandbox.base_url_for("v2.4"), api_version="v2.4") as client:
        sandbox.faults.enqueue("500")
        assert client.register(NUMBERS[:2]).ok
        client.get_quota()
    with (
        Track17Client(wrong, base_url=sandbox.base_url, max_retries=0) as refused,
        pytest.raises(AuthenticationError),
    ):
        refused.register(NUMBERS[:2])
    data = otel.reader.get_metrics_data()
    assert data is not None
    recorded = data.to_json() + json.dumps([json.loads(span.to_json()) for span in otel.finished()])
    assert "track17.client.retries" in recorded
    assert '"error.type": "AuthenticationError"' in recorded
    assert sandbox.api_key not in recorded
    assert wrong not in recorded


SILENT = """
import sys
from track17_facade import Track17Client
from track17_facade.sandbox import Sandbox
import track17_facade._client, track17_facade.shipments
print(sorted(name for name in sys.modules if name.startswith("opentelemetry")))
sys.modules["opentelemetry"] = None  # from now on, as if the package were not installed
with Sandbox(api_keys=("k" * 20,)) as box, Track17Client("k" * 20, base_url=box.base_url) as client:
    assert len(client.register(["RR000000001CN"]).accepted) == 1
"""


def test_importing_track17_imports_nothing_of_opentelemetry_and_works_without_it() -> None:
    run = subprocess.run(
        [sys.executable, "-c", SILENT], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"  # the clients and the store imported, OpenTelemetry not


# -- --metrics-port -------------------------------------------------------------------------------


class Command:
    """A long-running ``track17 shipments ...`` process, with the URLs it printed on stderr."""

    def __init__(self, *args: str, lines: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "track17_facade.cli", *args], stderr=subprocess.PIPE, text=True
        )
        assert self.process.stderr is not None
        self.urls: list[str] = []
        printed: list[str] = []
        while len(self.urls) < lines:
            line = self.process.stderr.readline()
            assert line, "".join(printed)
            printed.append(line)
            self.urls += re.findall(r"http://[\d.]+:\d+/\S*", line)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        assert self.process.stderr is not None
        self.process.stderr.close()


def test_serve_exposes_its_receiver_metrics_for_prometheus(tmp_path: Path) -> None:
    key = unique_key()
    store = f"sqlite:///{tmp_path / 'store.db'}"
    serve = Command(
        "--api-key",
        key,
        "shipments",
        "serve",
        "--store",
        store,
        "--port",
        "0",
        "--metrics-port",
        "127.0.0.1:0",
        lines=2,
    )
    try:
        scrape, receiver = serve.urls
        assert scrape.endswith("/metrics")
        with (
            Sandbox(api_keys=(key,), rate=1000, webhook_format="v2", webhook_url=receiver) as box,
            Track17Client(key, base_url=box.base_url_for("v2.4"), api_version="v2.4") as client,
        ):
            assert client.register(NUMBERS[:3]).ok
            sent = box.advance(days=1)
            box.wait_for_deliveries(sent)
        text = httpx.get(scrape).text
    finally:
        serve.stop()
    assert "track17_receiver_pushes_total{" in text
    applied = re.search(
        r'^track17_receiver_pushes_total\{[^}]*track17_outcome="applied"[^}]*\} (\S+)$', text, re.M
    )
    assert applied and float(applied.group(1)) == sent
    assert "track17_receiver_duration_seconds_count" in text
    assert "track17_store_lag_seconds_count" in text
    assert key not in text


def test_sync_every_exposes_its_client_metrics_for_prometheus(tmp_path: Path, sandbox: Sandbox) -> None:
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    with (
        Track17Client(sandbox.api_key, base_url=sandbox.base_url) as client,
        ShipmentStore(store_url) as store,
    ):
        assert store.track(client, NUMBERS[:3]).ok
    sync = Command(
        "--api-key",
        sandbox.api_key,
        "--base-url",
        sandbox.base_url,
        "shipments",
        "sync",
        "--store",
        store_url,
        "--stale-after",
        "0s",
        "--every",
        "1h",
        "--metrics-port",
        "0",
        lines=1,
    )
    try:
        (scrape,) = sync.urls
        assert sync.process.stderr is not None
        assert "asked 3" in sync.process.stderr.readline()  # the first run is done
        text = httpx.get(scrape).text
    finally:
        sync.stop()
    requests = r'^track17_client_requests_total\{[^}]*track17_operation="gettrackinfo"[^}]*\} (\S+)$'
    found = re.search(requests, text, re.M)
    assert found and float(found.group(1)) >= 1
    assert "track17_client_numbers_total{" in text
    assert "track17_client_pacing_wait_seconds_count" in text
    assert sandbox.api_key not in text


def test_sync_refuses_metrics_port_without_every(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "track17_facade.cli",
            "--api-key",
            "k" * 20,
            "shipments",
            "sync",
            "--store",
            f"sqlite:///{tmp_path / 'store.db'}",
            "--metrics-port",
            "9464",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "--metrics-port needs --every" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_guide_s_sdk_wiring_exports_track17_s_metrics_and_spans(sandbox: Sandbox) -> None:
    original = 'Track17Client("YOUR-17TRACK-KEY")'
    source = readme_example("operating-sdk")
    assert original in source
    pointed = f"Track17Client({sandbox.api_key!r}, base_url={sandbox.base_url!r}, requests_per_second=1000)"
    # its own process: OpenTelemetry's global providers can be set once per process
    run = subprocess.run(
        [sys.executable, "-c", source.replace(original, pointed)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert '"name": "track17.client.requests"' in run.stdout  # the metrics, at exit
    assert '"name": "track17 register"' in run.stdout  # the call's span
    assert '"url.full": "' + sandbox.base_url + '/register"' in run.stdout  # its request's span
    assert sandbox.api_key not in run.stdout
