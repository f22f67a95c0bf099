from django.contrib import admin

from reviews.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("product", "customer", "rating", "is_verified_purchase", "created_at")
    list_filter = ("rating", "is_verified_purchase")
    raw_id_fields = ("product", "customer")
