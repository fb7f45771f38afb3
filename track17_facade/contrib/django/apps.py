"""The Django app: add ``"track17_facade.contrib.django"`` to ``INSTALLED_APPS``."""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["Track17Config"]


class Track17Config(AppConfig):  # type: ignore[misc]  # Django ships no types
    """track17's Django app: the change-feed cursor model and the ``track17_sync`` and
    ``track17_register`` management commands."""

    name = "track17_facade.contrib.django"
    label = "track17"
    verbose_name = "17TRACK"
    default_auto_field = "django.db.models.BigAutoField"
