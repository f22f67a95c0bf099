from django.contrib import admin

from payments.models import Payment, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("provider_ref", "order", "amount", "method", "status", "created_at")
    list_filter = ("status", "method")
    search_fields = ("provider_ref", "order__number")
    inlines = (RefundInline,)


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("provider_ref", "payment", "amount", "created_at")
