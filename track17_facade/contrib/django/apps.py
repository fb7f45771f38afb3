"""The Django app: add ``"track17_facade.contrib.django"`` to ``INSTALLED_APPS``."""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["Track17Config"]


class Track17Config(AppConfig):  # type: ignore[misc]  # Django ships no types
    """track17's Django app: the change-feed cursor model and the ``track17_sync`` and
    ``track17_register`` management commands."""

    name = "track17_facade.contrib.django"
    """The app's module, as ``INSTALLED_APPS`` names it."""
    label = "track17"
    """The app's short name: ``manage.py migrate track17``, and its models as ``track17.ChangeCursor``."""
    verbose_name = "17TRACK"
    """The name Django's admin shows for the app."""
    default_auto_field = "django.db.models.BigAutoField"
    """The primary key's type for a model of the app that declares none, fixed here rather than taken from
    the project's ``DEFAULT_AUTO_FIELD`` so that the app's migrations never depend on the project's
    settings (``ChangeCursor`` declares its own key)."""
