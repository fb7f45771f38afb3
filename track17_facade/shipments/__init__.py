"""A store of shipments kept current from 17TRACK's pushes and polls: nothing lost, nothing
applied twice, never turned back by a late push.

``pip install 'track17[store]'``, then:

```python
from track17_facade.shipments import ShipmentStore, webhook_app

store = ShipmentStore("sqlite:///shipments.db")  # or postgresql+psycopg://...
app = webhook_app(store, API_KEY)  # the push endpoint (ASGI)
store.sync(client)  # from cron: ask about what pushes missed
for change in store.changes(after=saved_cursor):  # each status change, once
    ...
```

Every update, pushed or polled, goes through one rule (``freshness``): a later latest-event
time wins; at an equal time, more events wins; anything else is stale.
"""

from __future__ import annotations

try:
    import sqlalchemy  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installed extras
    raise ModuleNotFoundError(
        "track17_facade.shipments needs the store extra: pip install 'track17[store]'", name=exc.name
    ) from None

from track17_facade.errors import StoreError, StoreSchemaError, StoreSetupError, StoreUnavailableError
from track17_facade.shipments._asgi import WebhookApp, webhook_app
from track17_facade.shipments._model import (
    KEEP_BODIES,
    KEEP_DIGESTS,
    Outcome,
    PruneReport,
    Receipt,
    ReceivedPush,
    Retention,
    Shipment,
    Source,
    StatusChange,
    SyncReport,
    freshness,
)
from track17_facade.shipments._store import ShipmentStore

__all__ = [
    "KEEP_BODIES",
    "KEEP_DIGESTS",
    "Outcome",
    "PruneReport",
    "Receipt",
    "ReceivedPush",
    "Retention",
    "Shipment",
    "ShipmentStore",
    "Source",
    "StatusChange",
    "StoreError",
    "StoreSchemaError",
    "StoreSetupError",
    "StoreUnavailableError",
    "SyncReport",
    "WebhookApp",
    "freshness",
    "webhook_app",
]
