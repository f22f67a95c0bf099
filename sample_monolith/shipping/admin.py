from django.contrib import admin

from shipping.models import Carrier, Shipment


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "order", "carrier", "status", "shipped_at")
    list_filter = ("status", "carrier")
    search_fields = ("tracking_number", "order__number")
    list_select_related = ("order", "carrier")
