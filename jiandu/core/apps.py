from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiandu.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import audit_archive, audit_review, exports, freshness, policies, signals  # noqa: F401  (jobs, …)

        freshness.connect()
