"""Names a module gives only when first asked for (PEP 562), from the module that builds them:
a process pays for their classes only once it uses one."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, MutableMapping
from typing import Any


def deferred(
    namespace: MutableMapping[str, Any], source: str, names: Collection[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a module whose ``namespace`` (its ``globals()``)
    gives ``names`` from the module ``source`` when first asked for, then as plain attributes."""
    module = namespace["__name__"]

    def __getattr__(name: str) -> Any:  # noqa: N807 (a module's own hook)
        if name in names:
            value = getattr(importlib.import_module(source), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    def __dir__() -> list[str]:  # noqa: N807 (a module's own hook)
        return sorted({*namespace, *names})

    return __getattr__, __dir__
