"""The README's Python examples, for the tests that run them as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_example(name: str) -> str:
    """The Python block that follows ``<!-- example: NAME -->`` in the README."""
    match = re.search(rf"<!-- example: {name} -->\s*```python\n(.*?)```", README.read_text(), re.S)
    assert match, f"README has no example {name!r}"
    return match.group(1)


def run_example(name: str, source: str | None = None) -> dict[str, Any]:
    """Execute an example (or a given variant of its source); returns its namespace."""
    namespace: dict[str, Any] = {"__name__": f"readme_{name}"}
    code = readme_example(name) if source is None else source
    exec(compile(code, f"README.md:{name}", "exec"), namespace)  # noqa: S102
    return namespace
