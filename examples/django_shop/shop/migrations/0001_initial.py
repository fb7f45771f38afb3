"""The orders table."""

from typing import Any, ClassVar

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: ClassVar[list[Any]] = []
    operations: ClassVar[list[Any]] = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("tracking_number", models.CharField(max_length=50, unique=True)),
                ("status", models.CharField(blank=True, default="", max_length=40)),
                ("track17_change", models.BigIntegerField(default=0)),
            ],
        ),
    ]
