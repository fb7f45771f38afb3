"""The documentation's Python examples (the README's and the guides' in ``docs/``), for the tests
that run them as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
GUIDES = ROOT / "docs" / "guides"
_MARKED = re.compile(r"<!-- example: ([\w-]+) -->\s*```python\n(.*?)```", re.S)


def documents() -> list[Path]:
    """Every Markdown file a reader is given: the README and the site's pages."""
    return [README, *sorted((ROOT / "docs").rglob("*.md"))]


def guide(name: str) -> str:
    """The text of ``docs/guides/NAME.md``."""
    return (GUIDES / f"{name}.md").read_text()


def examples() -> dict[str, tuple[Path, str]]:
    """Every marked example: its name, the file it is in, and its source."""
    found: dict[str, tuple[Path, str]] = {}
    for path in documents():
        for name, source in _MARKED.findall(path.read_text()):
            assert name not in found, f"example {name!r} is in both {found[name][0]} and {path}"
            found[name] = (path, source)
    return found


def readme_example(name: str) -> str:
    """The Python block that follows ``<!-- example: NAME -->`` in the README or a guide."""
    found = examples().get(name)
    assert found, f"no documentation file has an example {name!r}"
    return found[1]


def run_example(name: str, source: str | None = None, **names: Any) -> dict[str, Any]:
    """Execute an example (or a given variant of its source), with ``names`` defined first (what
    the text around it says the reader has: a store, a raw body, ...); returns its namespace."""
    namespace: dict[str, Any] = {"__name__": f"docs_{name}", **names}
    code = readme_example(name) if source is None else source
    exec(compile(code, f"docs:{name}", "exec"), namespace)  # noqa: S102
    return namespace
