"""A pytest plugin, registered through the ``pytest11`` entry point: ``track17_sandbox``.

In a project that installed ``track17[sandbox]``, any test can ask for a running sandbox:

```python
def test_my_importer(track17_sandbox):
    client = Track17Client(track17_sandbox.api_key, base_url=track17_sandbox.base_url)
    ...
```

Override the ``track17_sandbox_options`` fixture to configure it (rate, latency, faults, ...).
The sandbox is imported only when the fixture is used, so the plugin costs nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

__all__ = ["track17_sandbox", "track17_sandbox_options"]

if TYPE_CHECKING:
    from track17_facade.sandbox import Sandbox


@pytest.fixture
def track17_sandbox_options() -> dict[str, Any]:
    """Keyword arguments for the sandbox of ``track17_sandbox`` (override in your conftest)."""
    return {}


@pytest.fixture
def track17_sandbox(track17_sandbox_options: dict[str, Any]) -> Iterator[Sandbox]:
    """A sandbox serving on a free loopback port for the duration of one test."""
    try:
        from track17_facade.sandbox import Sandbox  # noqa: PLC0415 - only when the fixture is used
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise pytest.UsageError(
            "the track17_sandbox fixture needs the sandbox extra: pip install 'track17[sandbox]'"
        ) from exc
    with Sandbox(**track17_sandbox_options) as sandbox:
        yield sandbox
