from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiandu.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import policies, signals  # noqa: F401  (access policies; login/logout audit)
