"""Where the app's copy of the change feed has got to (``apply_changes``)."""

from __future__ import annotations

from django.db import models

__all__ = ["ChangeCursor"]


class ChangeCursor(models.Model):  # type: ignore[misc]  # Django ships no types
    """The id of the last store change an app applied to its own rows, one per ``name``: moved in
    the same transaction as those rows, so that they and it commit or roll back together."""

    name = models.CharField(max_length=100, primary_key=True)
    """Which reader this is (``apply_changes(..., name=...)``); "default" unless you run several."""
    change_id = models.BigIntegerField(default=0)
    """The last ``StatusChange.id`` applied (0: none yet)."""

    class Meta:
        db_table = "track17_change_cursor"
