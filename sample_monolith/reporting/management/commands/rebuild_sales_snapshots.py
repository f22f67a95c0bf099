"""``manage.py rebuild_sales_snapshots``: recompute the daily sales table."""

from typing import Any

from django.core.management.base import BaseCommand

from reporting.tasks import rebuild_snapshots


class Command(BaseCommand):
    help = "Recompute reporting.DailySalesSnapshot from orders, lines and refunds."

    def handle(self, *args: Any, **options: Any) -> None:
        result = rebuild_snapshots.delay()
        if not result.ok:
            self.stderr.write(self.style.ERROR(f"failed: {result.error}"))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"{result.value} daily snapshots rebuilt"))
