"""Nightly reporting jobs."""

from django.db import transaction

from common.tasks import shared_task
from reporting.queries import rebuild_daily_snapshots


@shared_task(name="reporting.rebuild_daily_snapshots")
def rebuild_snapshots() -> int:
    with transaction.atomic():
        return rebuild_daily_snapshots()
