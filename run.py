#!/usr/bin/env python3
"""Run nox with nothing but python3 and pip: ``python3 run.py [nox arguments]``.

    python3 run.py -s demo     the demo against the embedded sandbox
    python3 run.py             everything CI runs (contract, generated-code checks, lint, types, tests, docs)

The first run puts nox in a virtual environment of its own, ``.bootstrap/`` beside this file, and
later runs reuse it. It gets there without touching the system Python, so it works where
``pip install`` refuses with "externally-managed-environment" (PEP 668: stock Debian and Ubuntu)
and where ``python3 -m venv`` is missing (Debian without python3-venv): pip installs virtualenv
into a plain folder (``--target`` is allowed there), virtualenv makes the environment, and nox is
installed into it. nox then builds the project's own environments.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP = ROOT / ".bootstrap"
NOX = "nox>=2025.2.9"
VIRTUALENV = "virtualenv>=20.26"


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _quiet(*command: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(part) for part in command], check=True, env=env, stdout=subprocess.DEVNULL)


def _ensure_nox() -> Path:
    venv = BOOTSTRAP / "venv"
    python = _python(venv)
    found = python.exists() and subprocess.run([python, "-c", "import nox"], capture_output=True, check=False)
    if found and found.returncode == 0:
        return python
    print(f"run.py: installing nox into {venv} (once)", file=sys.stderr)
    tools = BOOTSTRAP / "virtualenv"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _quiet(*pip, "install", "--quiet", "--upgrade", "--target", tools, VIRTUALENV)
    _quiet(sys.executable, "-m", "virtualenv", "--quiet", venv, env={**os.environ, "PYTHONPATH": str(tools)})
    _quiet(python, "-m", "pip", "--disable-pip-version-check", "install", "--quiet", NOX)
    return python


def main() -> int:
    """Install nox if needed, then run it here with this script's arguments."""
    if sys.version_info < (3, 11):
        print(f"track17 needs Python 3.11 or newer; this is {sys.version.split()[0]}", file=sys.stderr)
        return 2
    python = _ensure_nox()
    return subprocess.call([python, "-m", "nox", *sys.argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
