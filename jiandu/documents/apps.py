from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "jiandu.documents"
    label = "documents"
    verbose_name = "监督文书"

    def ready(self):
        from . import access, io, todo  # noqa: F401  (registers the access policies, ledger exports, to-do)
