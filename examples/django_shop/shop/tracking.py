"""Orders kept in step with the store: ``TRACK17["APPLY_CHANGES"]`` names this function."""

from collections.abc import Sequence

from shop.models import Order
from track17_facade.shipments import StatusChange


def update_orders(changes: Sequence[StatusChange]) -> None:
    """Apply the store's status changes to the orders, oldest first. Called inside
    the shop's transaction with the feed's cursor (``apply_changes``); the
    ``track17_change`` guard also makes a change applied twice, or an older one
    after a newer one, leave the row as it is."""
    for change in changes:
        Order.objects.filter(
            tracking_number=change.number,
            track17_change__lt=change.id,
        ).update(status=change.new_status.name_17track, track17_change=change.id)
