# Carried from the monolith's billing.models.base by `demonolith extract`; unused code was left behind.
from django.db import models

from common.models import OrderLinked


class Billable(OrderLinked):
    """Two levels of abstract bases: the order relation is declared two classes up."""

    currency = models.CharField(max_length=3, default="EUR")

    class Meta:
        abstract = True
