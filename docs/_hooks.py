"""mkdocs hooks (mkdocs.yml names this file): charts the benchmarks draw are published from where
the benchmarks write them, so the site never shows a stale copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).parent.parent
CHARTS = {
    "images/pacing.png": ROOT / "bench" / "pacing.png"
}  # the site's path: the bench's file


def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    """Adds each benchmark chart to the site at its path under ``images/``."""
    for uri, source in CHARTS.items():
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files
