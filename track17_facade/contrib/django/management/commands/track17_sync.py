"""``manage.py track17_sync``: ask 17TRACK about what pushes missed, then apply the store's
changes to the app's rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from track17_facade.contrib.django._core import apply_changes, get_client, get_settings, get_store
from track17_facade.errors import Track17Error

__all__ = ["Command"]


class Command(BaseCommand):  # type: ignore[misc]  # Django ships no types
    """``store.sync`` with the client and store of ``settings.TRACK17``, then ``apply_changes``."""

    help = "Poll 17TRACK for shipments the pushes missed, then apply the store's changes to the app's rows."
    """The summary ``manage.py help track17_sync`` prints."""

    def add_arguments(self, parser: Any) -> None:
        """``--stale-after HOURS`` (12) and ``--discover``."""
        parser.add_argument("--stale-after", type=float, default=12.0, metavar="HOURS")
        parser.add_argument("--discover", action="store_true", help="adopt numbers registered elsewhere")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run it; a refused key or an unreachable database is a ``CommandError``."""
        try:
            with get_client() as client:
                report = get_store().sync(
                    client, stale_after=timedelta(hours=options["stale_after"]), discover=options["discover"]
                )
            applied = apply_changes() if get_settings().apply_changes is not None else 0
        except Track17Error as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"asked {report.asked}, refreshed {report.refreshed}, changed {report.changed}, "
            f"failed {report.failed}; {applied} changes applied"
        )
