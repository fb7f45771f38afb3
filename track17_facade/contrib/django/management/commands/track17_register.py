"""``manage.py track17_register NUMBER ...``: register numbers with 17TRACK and add them to the
store."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from track17_facade.contrib.django._core import get_client, get_store
from track17_facade.errors import Track17Error

__all__ = ["Command"]


class Command(BaseCommand):  # type: ignore[misc]  # Django ships no types
    """``store.track`` with the client and store of ``settings.TRACK17``."""

    help = "Register tracking numbers with 17TRACK (and in the store); '-' reads them from stdin, one a line."
    """The summary ``manage.py help track17_register`` prints."""

    def add_arguments(self, parser: Any) -> None:
        """The numbers, or "-" for stdin."""
        parser.add_argument("numbers", nargs="+", metavar="NUMBER")

    def handle(self, *args: Any, **options: Any) -> None:
        """Register; each rejected or failed number is listed on stderr, and any makes the
        command fail (a ``CommandError``)."""
        numbers = [n for arg in options["numbers"] for n in (sys.stdin if arg == "-" else [arg])]
        numbers = [n.strip() for n in numbers if n.strip()]
        try:
            with get_client() as client:
                result = get_store().track(client, numbers)
        except Track17Error as exc:
            raise CommandError(str(exc)) from None
        for rejection in result.rejected:
            self.stderr.write(f"{rejection.number}: rejected, {rejection.code.name}: {rejection.message}")
        for failure in result.failed:
            self.stderr.write(f"{failure.number}: failed, {failure.error}")
        self.stdout.write(
            f"accepted {len(result.accepted)}, rejected {len(result.rejected)}, failed {len(result.failed)}"
        )
        if result.rejected or result.failed:
            raise CommandError(f"{len(result.rejected) + len(result.failed)} numbers not registered")
