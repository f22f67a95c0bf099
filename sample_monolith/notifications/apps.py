from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # @receiver-decorated handlers register on import.
        from inventory.signals import low_stock
        from notifications import receivers

        # The low-stock alert is connected explicitly (it predates the @receiver style).
        low_stock.connect(receivers.on_low_stock, dispatch_uid="notifications.low_stock")
