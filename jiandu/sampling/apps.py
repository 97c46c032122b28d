from django.apps import AppConfig


class SamplingConfig(AppConfig):
    name = "jiandu.sampling"
    label = "sampling"
    verbose_name = "双随机抽查"

    def ready(self):
        from . import access, io  # noqa: F401  (registers the access policies and the ledger exports)
