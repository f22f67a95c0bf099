"""Abstract base models shared by the apps."""

from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Adds ``created_at`` (settable, for imports and seeds) and ``updated_at``."""

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
