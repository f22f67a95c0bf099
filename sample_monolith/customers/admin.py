from django.contrib import admin

from customers.models import Address, Customer, WishlistItem


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


class WishlistInline(admin.TabularInline):
    model = WishlistItem
    extra = 0
    raw_id_fields = ("product",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("user", "phone", "loyalty_points", "marketing_opt_in", "created_at")
    search_fields = ("user__username", "user__email")
    inlines = (AddressInline, WishlistInline)


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("customer", "line1", "city", "country", "is_default")
    list_filter = ("country",)
