"""The shop's test set-up: a throwaway PostgreSQL cluster for the test database (the store
shares it), and the sandbox as 17TRACK."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import fast_limiter, missing, unique_key
from tests.postgres import PostgresServer, find_binaries
from track17_facade.contrib.django import close_stores
from track17_facade.sandbox import Sandbox


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> Iterator[None]:
    """The test database in a cluster of its own (pytest-django creates ``test_shop`` in it)."""
    binaries = find_binaries()
    if binaries is None:
        missing("PostgreSQL is not installed")
    server = PostgresServer(binaries)
    settings.DATABASES["default"].update(HOST="127.0.0.1", PORT=str(server.port), USER="postgres")
    yield
    server.close()


@pytest.fixture(scope="session", autouse=True)
def _stores(django_db_setup: Any) -> Iterator[None]:
    """Close the stores before the test database is dropped (their connections would hold it)."""
    yield
    close_stores()


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    """The sandbox, and the shop's TRACK17 settings pointing at it."""
    key = unique_key()
    with Sandbox(api_keys=(key,), rate=10_000, webhook_retry_delays=(0.01, 0.01)) as box:
        settings.TRACK17 = {
            **settings.TRACK17,
            "API_KEY": key,
            "BASE_URL": box.base_url_for("v2.4"),
            "CLIENT_OPTIONS": {"rate_limiter": fast_limiter(key)},
        }
        yield box


@pytest.fixture(autouse=True)
def _empty_store(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Empty the store's tables after each test: they are not Django models, so the flush that
    ends a ``transactional_db`` test leaves them as they are."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'track17\\_%%' "
            "AND tablename NOT IN ('track17_schema_version', 'track17_change_cursor')"
        )
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
