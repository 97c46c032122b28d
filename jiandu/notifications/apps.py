from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jiandu.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self):
        from . import access  # noqa: F401
