from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "jiandu.hotline"
    label = "hotline"
    verbose_name = "热线监督"

    def ready(self):
        from . import access, io, todo  # noqa: F401  (registers the access policies, ledger exports, to-do)
