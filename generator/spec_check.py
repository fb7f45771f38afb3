"""Validate contracts against the OpenAPI schema of their version, with a short error.

    python generator/spec_check.py openapi.yaml openapi-v2.4.yaml

openapi-spec-validator's own command prints, for a dangling ``$ref``, the whole contract it could
not resolve the reference in (34 KB for ``openapi-v2.4.yaml``), and for a schema error the whole
offending object. This calls its API and says, in a few lines per contract, where (the JSON path,
or the lines that hold the reference) and what is wrong. Exit status 1 when a contract is invalid.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import yaml
from jsonschema.exceptions import ValidationError
from openapi_spec_validator import validate
from referencing.exceptions import PointerToNowhere, Unresolvable

_LONGEST = 300
"""Characters of the validator's message kept: it quotes the offending object in full."""


def _lines_with(text: str, needle: str) -> str:
    lines = [str(number) for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return f"line {', '.join(lines[:5])}" if lines else "no line found"


def problem(path: Path) -> str | None:
    """What is wrong with the contract at ``path``, in a few lines; None when it is valid."""
    text = path.read_text()
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "somewhere"
        return f"{path.name}: not YAML ({where}): {getattr(exc, 'problem', exc)}"
    if not isinstance(spec, dict):
        return f"{path.name}: not a mapping at the top, so no OpenAPI document"
    try:
        validate(spec)
    except PointerToNowhere as exc:
        ref = f"#{exc.ref}" if exc.ref.startswith("/") else exc.ref
        return f"{path.name}: $ref {ref!r} points at nothing ({_lines_with(text, ref)})"
    except Unresolvable as exc:
        return f"{path.name}: a $ref cannot be resolved: {str(exc)[:_LONGEST]}"
    except ValidationError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "(top level)"
        message = exc.message if len(exc.message) <= _LONGEST else exc.message[:_LONGEST] + " ..."
        return f"{path.name}: at {where}: {message}"
    return None


def main(paths: Iterable[str]) -> int:
    """Check each contract; print one verdict per contract."""
    failed = False
    for name in paths:
        found = problem(Path(name))
        failed |= found is not None
        print(found or f"{name}: valid OpenAPI")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
