"""``ShipmentStore.prune``: the retention applied, oldest first and a batch to a transaction, so
that pushes arriving meanwhile wait for one short transaction at most."""

from __future__ import annotations

from typing import TYPE_CHECKING

from track17_facade._secrets import redacting_logger
from track17_facade.errors import InvalidInputError
from track17_facade.shipments._model import PRUNE_BATCH, PruneReport

if TYPE_CHECKING:
    from track17_facade.shipments._store import ShipmentStore

__all__ = ["prune", "prune_after_receiving"]

logger = redacting_logger("track17.shipments")


def prune(store: ShipmentStore, batch: int) -> PruneReport:
    """The work of ``ShipmentStore.prune`` (see there)."""
    if batch < 1:
        raise InvalidInputError(f"batch must be at least 1, got {batch}")
    pruned = PruneReport(0, 0)
    while True:
        step = _prune_step(store, batch)
        pruned = PruneReport(pruned.bodies + step.bodies, pruned.digests + step.digests)
        if step.bodies < batch and step.digests < batch:
            return pruned


def _prune_step(store: ShipmentStore, limit: int) -> PruneReport:
    """One batch of each kind, each in its own transaction."""
    now, keep, sql = store.now(), store.retention, store._sql
    dropped = forgotten = 0
    if keep.bodies is not None:
        body_cutoff = now - keep.bodies
        dropped = store._db.write(lambda connection: sql.drop_bodies(connection, body_cutoff, limit))
    if keep.digests is not None:
        cutoff = now - keep.digests
        forgotten = store._db.write(lambda connection: sql.forget_pushes(connection, cutoff, limit))
    return PruneReport(dropped, forgotten)


def prune_after_receiving(store: ShipmentStore) -> None:
    """A batch of pruning after a push was stored: never the push's failure."""
    if store.retention.unbounded:
        return
    try:
        _prune_step(store, PRUNE_BATCH)
    except Exception:
        logger.warning("pruning the inbox failed; it is tried again later", exc_info=True)
