"""Figures 13, 14 and 15: the shipment store's receivers, sync, and the store at scale, with a
PostgreSQL cluster of the tests' kind (the work itself is in bench/_store.py and bench/_store_scale.py)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from bench.report import HERE, record


def _with_postgres(figure: int, run: Callable[[Callable[[], str] | None], None]) -> None:
    """``run`` with a PostgreSQL cluster of the tests' kind (its ``database`` factory), or with
    None where PostgreSQL's server programs are missing (outside CI)."""
    sys.path.insert(0, str(HERE.parent))
    from tests.postgres import PostgresServer, find_binaries

    binaries = find_binaries()
    if binaries is None and os.environ.get("CI"):
        raise SystemExit(
            f"figure {figure} needs PostgreSQL's server programs (Debian: apt-get install postgresql)"
        )
    server = None if binaries is None else PostgresServer(binaries, fsync=True)
    try:
        run(None if server is None else server.database)
    finally:
        if server is not None:
            server.close()


def figure_store_receivers(smoke: bool) -> None:
    """Figure 13 (bench/_store.py), with a PostgreSQL cluster of the tests' kind."""
    from bench._store import figure_receivers

    _with_postgres(13, lambda database: figure_receivers(record, smoke, database))


def figure_store_sync(smoke: bool) -> None:
    """Figure 14 (bench/_store.py)."""
    from bench._store import figure_sync

    figure_sync(record, smoke)


def figure_store_scale(smoke: bool) -> None:
    """Figure 15 (bench/_store_scale.py), with a PostgreSQL cluster of the tests' kind."""
    from bench._store_scale import figure

    _with_postgres(15, lambda database: figure(record, smoke, database))
