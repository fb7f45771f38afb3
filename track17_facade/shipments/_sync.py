"""``ShipmentStore.sync``: poll what pushes missed, adopt numbers registered elsewhere, and stop
tracking shipments delivered long ago."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from track17_facade.errors import InvalidInputError
from track17_facade.models import TrackInfo
from track17_facade.shipments._model import SyncReport
from track17_facade.status import TrackingStatus

if TYPE_CHECKING:
    from track17_facade._client import Track17Client
    from track17_facade.shipments._store import ShipmentStore

__all__ = ["run_sync"]


def run_sync(
    store: ShipmentStore,
    client: Track17Client,
    stale_after: timedelta,
    stop_after_delivered: timedelta | None,
    discover: bool,
) -> SyncReport:
    """The work of ``ShipmentStore.sync`` (see there)."""
    if not hasattr(client, "stream") or not hasattr(client, "api_version"):
        raise InvalidInputError(f"sync needs a Track17Client, got {type(client).__name__}")
    if hasattr(client, "aclose"):
        raise InvalidInputError(
            "sync needs a Track17Client (it runs in this thread); an AsyncTrack17Client cannot "
            "be driven from here: run it with asyncio.to_thread and a Track17Client instead"
        )
    for name, value in (("stale_after", stale_after), ("stop_after_delivered", stop_after_delivered)):
        if value is not None and (not isinstance(value, timedelta) or value < timedelta(0)):
            raise InvalidInputError(f"{name} must be a non-negative timedelta, got {value!r}")
    adopted = _discover(store, client) if discover else 0
    stopped = 0 if stop_after_delivered is None else _stop_delivered(store, client, stop_after_delivered)
    cutoff = datetime.now(UTC) - stale_after
    asked = refreshed = changed = unchanged = failed = 0
    with_carrier = client.api_version != "v1"
    for batch in client.stream("get_track_info", store._stale_items(cutoff, with_carrier)):
        asked += len(batch.accepted) + len(batch.rejected) + len(batch.failed)
        failed += len(batch.rejected) + len(batch.failed)
        for info in batch.accepted:
            assert isinstance(info, TrackInfo)
            applied, status_changed = store._apply_polled(info, client.api_version)
            if applied:
                refreshed += 1
                changed += status_changed
            else:
                unchanged += 1
    return SyncReport(
        asked=asked,
        refreshed=refreshed,
        changed=changed,
        unchanged=unchanged,
        failed=failed,
        adopted=adopted,
        stopped=stopped,
    )


def _discover(store: ShipmentStore, client: Track17Client) -> int:
    adopted = 0
    for entry in client.iter_track_list():
        tracking = entry.tracking_status is not TrackingStatus.STOPPED
        adopted += store._adopt(entry.number, entry.carrier, tracking, client.api_version)
    return adopted


def _stop_delivered(store: ShipmentStore, client: Track17Client, after: timedelta) -> int:
    cutoff = datetime.now(UTC) - after
    stopped = 0
    for batch in client.stream("stop_track", store._delivered_since(cutoff)):
        numbers = [accepted.number for accepted in batch.accepted]
        store._mark_stopped(numbers)
        stopped += len(numbers)
    return stopped
