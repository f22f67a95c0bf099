from django.contrib import admin

from inventory.models import StockItem, StockMovement, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "city", "is_active")


class StockMovementInline(admin.TabularInline):
    model = StockMovement
    extra = 0
    readonly_fields = ("delta", "reason", "reference", "created_at")


@admin.register(StockItem)
class StockItemAdmin(admin.ModelAdmin):
    list_display = ("product", "warehouse", "quantity", "low_stock_threshold")
    list_select_related = ("product", "warehouse")
    search_fields = ("product__sku", "product__name")
    inlines = (StockMovementInline,)
