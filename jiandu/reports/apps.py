from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jiandu.reports"
    label = "reports"
    verbose_name = "统计报表"

    def ready(self):
        from . import access, dashboard  # noqa: F401  (the access policy of reports and briefings; a daily job)
