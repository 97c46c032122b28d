from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "jiandu.stats"
    label = "stats"
    verbose_name = "统计填报"

    def ready(self):
        from . import access, io, todo  # noqa: F401  (registers the access policies, ledger export, to-do)
