"""The package's public surface: every exported name resolves, and importing the package (or the
command line) loads only what is used."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys

import pytest

import track17_facade
from track17_facade.sandbox import Sandbox


def test_every_exported_name_resolves_to_its_modules_object() -> None:
    exported = set(track17_facade.__all__) - {"__version__"}
    assert exported == set(track17_facade._EXPORTS)
    for name, module in track17_facade._EXPORTS.items():
        assert getattr(track17_facade, name) is getattr(importlib.import_module(module), name), name
    assert set(track17_facade.__all__) <= set(dir(track17_facade))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Trak17Client'"):
        track17_facade.Trak17Client  # noqa: B018


def _loaded_after(code: str) -> set[str]:
    """The top-level modules loaded by ``code`` in a new interpreter."""
    shown = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(shown.split())


def test_importing_the_package_loads_no_http_stack_and_no_generated_package() -> None:
    loaded = _loaded_after("import track17_facade")
    assert not loaded & {"httpx", "track17_client", "track17_client_v2", "asyncio"}


def test_the_command_line_starts_without_the_http_stack_or_its_drawing() -> None:
    loaded = _loaded_after("import track17_facade.cli._app")
    assert not loaded & {"httpx", "track17_client", "track17_client_v2", "rich.progress", "rich.table"}


def test_a_client_loads_only_its_own_versions_generated_models() -> None:
    loaded = _loaded_after(
        "from track17_facade import Track17Client\nTrack17Client('k' * 32, requests_per_second=1000).close()"
    )
    assert "track17_client.models" in loaded and "track17_client_v2.models" not in loaded


def test_every_bulk_operation_has_a_method_written_from_the_table() -> None:
    """The table in generator/bulk_methods.py names each bulk method once, the same ones a stream
    can run, and the clients hold what it writes (check_twins compares the text)."""
    import importlib.util
    import inspect
    import sys
    import typing
    from pathlib import Path

    from track17_facade import AsyncTrack17Client, Track17Client
    from track17_facade._constants import StreamMethod

    path = Path(__file__).resolve().parent.parent / "generator" / "bulk_methods.py"
    spec = importlib.util.spec_from_file_location("bulk_methods", path)
    assert spec is not None and spec.loader is not None
    table = importlib.util.module_from_spec(spec)
    sys.modules["bulk_methods"] = table  # dataclasses look their module up while it loads
    spec.loader.exec_module(table)
    names = [operation.name for operation in table.OPERATIONS]
    assert sorted(names) == sorted(typing.get_args(StreamMethod))
    source = inspect.getsource(AsyncTrack17Client)
    for operation in table.OPERATIONS:
        assert table.method(operation).splitlines()[0] in source
        assert (
            getattr(Track17Client, operation.name).__doc__
            == getattr(AsyncTrack17Client, operation.name).__doc__
        )


def test_a_sync_client_loads_no_asyncio_and_no_endpoint_before_its_first_call() -> None:
    loaded = _loaded_after(
        "from track17_facade import Track17Client\nTrack17Client('k' * 32, requests_per_second=1000).close()"
    )
    assert "asyncio" not in loaded
    assert not {name for name in loaded if name.startswith("track17_client.api.")}
    models = {name for name in loaded if name.startswith("track17_client.models.")}
    assert 0 < len(models) <= 10, sorted(models)  # the bodies' and answers' classes, not all 100


NOT_FOR_A_REGISTER = {
    "asyncio",
    "concurrent.futures",  # one request runs on the caller's thread
    "opentelemetry",  # installed here, but never imported by the process itself
    "track17_client_v2",
    "track17_client.api.tracking.get_track_info",
    "track17_client.models.change_carrier_request",
    "track17_client.models.change_info_request",
    "track17_client.models.track_list_request",
    "track17_client.models.track_number_request",
    "track17_facade._api_v2",
    "track17_facade._decisions",  # no attempt fails, so nothing is retried or given up
    "track17_facade._number_checks",  # no check digit is checked
    "track17_facade._track_models",  # no tracking information, quota, list or change is read
    "track17_facade.carriers._search",  # no carrier is named by its name
    "track17_facade._decoders_v2",
    "track17_facade.cli",
    "track17_facade.sandbox",
    "track17_facade.shipments",
    "track17_facade.webhooks",
}
"""What a fresh process's one-number register does not use: another API version, another
operation's endpoint and bodies, a thread pool, OpenTelemetry where nothing could record, the
models of tracking information, the carriers' number formats and search, the retry decisions of
a failed attempt, the command line, the store, the receiver."""


def test_a_fresh_process_s_one_number_register_loads_nothing_it_does_not_use(sandbox: Sandbox) -> None:
    assert importlib.util.find_spec("opentelemetry") is not None  # else its absence proves nothing
    loaded = _loaded_after(
        "from track17_facade import Track17Client\n"
        f"with Track17Client({sandbox.api_key!r}, base_url={sandbox.base_url!r}) as client:\n"
        "    assert client.register(['RR000000001CN']).ok"
    )
    assert "track17_client.api.tracking.register_tracking" in loaded  # it did register
    unused = loaded & NOT_FOR_A_REGISTER
    assert not unused


def test_a_generated_models_package_gives_every_model_when_named() -> None:
    from track17_client import models

    assert models.__all__ and all(getattr(models, name).__name__ == name for name in models.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        models.Nope  # noqa: B018
