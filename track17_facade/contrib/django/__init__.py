"""track17 in a Django project: a ready webhook view, the store and client from settings, the
store's change feed applied to the app's own rows, and ``manage.py`` commands.

Add the app and a ``TRACK17`` setting::

    INSTALLED_APPS = [..., "track17_facade.contrib.django"]
    TRACK17 = {
        "API_KEY": os.environ["TRACK17_API_KEY"],   # or a sequence: the current key first
        "STORE_URL": None,                          # None: the app's own default database
        "APPLY_CHANGES": "shop.tracking.update_orders",
    }

then route the view (``path("webhooks/17track", webhook_view)``), run ``manage.py migrate``, and
``manage.py track17_register RR123456789CN ...`` / ``manage.py track17_sync`` from cron.

Only this package imports Django: ``track17_facade`` and its store never do.
"""

from __future__ import annotations

try:
    import django  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover - depends on what is installed
    raise ModuleNotFoundError(
        "track17_facade.contrib.django needs Django (and the store extra): "
        "pip install 'track17[store]' django",
        name=exc.name,
    ) from None

from track17_facade.contrib.django._core import (
    ChangeHandler,
    Track17Settings,
    apply_changes,
    async_webhook_view,
    close_stores,
    database_url,
    get_client,
    get_settings,
    get_store,
    receive,
    webhook_view,
)

__all__ = [
    "ChangeHandler",
    "Track17Settings",
    "apply_changes",
    "async_webhook_view",
    "close_stores",
    "database_url",
    "get_client",
    "get_settings",
    "get_store",
    "receive",
    "webhook_view",
]
