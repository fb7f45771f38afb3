"""Fail when a generated package lacks the module of something its contract holds.

    python generator/check_modules.py CONTRACT PACKAGE_DIR PACKAGE

openapi-python-client, on a part of a contract it cannot read (a ``$ref`` typo), warns and leaves
that part's module out; ``generate`` then deleted ``models/track_info.py``. This names every
module the contract calls for (a model per object, an endpoint per operation, named as the
generator names them) that PACKAGE_DIR lacks, so that ``generate`` and ``check_generated`` never
pass, or write, a package missing one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from contract_diff import load, pascal, python_name


def expected_modules(spec: dict[str, object]) -> dict[str, str]:
    """Module of the generated package -> the contract element it holds."""
    expected = {f"models/{python_name(name)}.py": f"object {name}" for name in load(spec).directions}
    components = (spec.get("components") or {}).get("schemas") or {}
    for name, schema in components.items():
        if isinstance(schema, dict) and ("properties" in schema or "enum" in schema):  # a model or an enum
            expected.setdefault(f"models/{python_name(pascal(name))}.py", f"schema {name}")
    paths = spec.get("paths") or {}
    assert isinstance(paths, dict)
    for path, item in paths.items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                tag = python_name((operation.get("tags") or ["default"])[0])
                expected[f"api/{tag}/{python_name(operation['operationId'])}.py"] = (
                    f"operation {method.upper()} {path}"
                )
    return expected


def main(contract: str, directory: str, package: str) -> int:
    """Print each missing module; 1 when one is missing."""
    spec = yaml.safe_load(Path(contract).read_text())
    missing = [
        f"generated/{package}/{module}: {element} is still in {contract}"
        for module, element in sorted(expected_modules(spec).items())
        if not (Path(directory) / module).exists()
    ]
    for line in missing:
        print(f"missing {line}")
    if missing:
        print(f"the generation of {package} is incomplete; nothing was written")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
