from django.contrib import admin

from orders.models import Cart, CartItem, Order, OrderLine, Promotion


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ("product",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "status", "total", "placed_at")
    list_filter = ("status",)
    search_fields = ("number", "customer__user__username")
    list_select_related = ("customer__user",)
    inlines = (OrderLineInline,)
    date_hierarchy = "placed_at"


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    raw_id_fields = ("product",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("customer", "updated_at")
    inlines = (CartItemInline,)


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ("code", "percent_off", "min_subtotal", "is_active", "valid_until")
