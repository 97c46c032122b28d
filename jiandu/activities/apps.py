from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "jiandu.activities"
    label = "activities"
    verbose_name = "监督检查活动"

    def ready(self):
        from . import access, io  # noqa: F401  (registers the access policies and the ledger exports)
