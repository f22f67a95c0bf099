from django.contrib import admin

from reporting.models import DailySalesSnapshot


@admin.register(DailySalesSnapshot)
class DailySalesSnapshotAdmin(admin.ModelAdmin):
    list_display = ("day", "orders_count", "units_sold", "gross_revenue", "refunded_amount")
    date_hierarchy = "day"
