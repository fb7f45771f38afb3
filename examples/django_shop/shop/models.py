"""The shop's orders."""

from django.db import models


class Order(models.Model):
    """An order shipped with a tracking number; ``status`` follows 17TRACK's."""

    tracking_number = models.CharField(max_length=50, unique=True)
    status = models.CharField(max_length=40, blank=True, default="")
    """17TRACK's main status ("InTransit", "Delivered", ...); empty until it is first known."""
    track17_change = models.BigIntegerField(default=0)
    """The store change the status came from: a row only moves to a later one."""
