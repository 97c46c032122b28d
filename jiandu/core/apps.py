from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiandu.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import exports, policies, signals  # noqa: F401  (export cleanup job; access policies; login audit)
