"""The change-feed cursor's table."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import migrations, models

__all__ = ["Migration"]


class Migration(migrations.Migration):  # type: ignore[misc]  # Django ships no types
    """Creates ``track17_change_cursor``."""

    initial = True
    dependencies: ClassVar[list[Any]] = []
    operations: ClassVar[list[Any]] = [
        migrations.CreateModel(
            name="ChangeCursor",
            fields=[
                ("name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("change_id", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "track17_change_cursor"},
        ),
    ]
