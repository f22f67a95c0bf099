from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "subject", "status", "created_at")
    list_filter = ("kind", "status", "channel")
    search_fields = ("recipient", "subject")
