from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "jiandu.problems"
    label = "problems"
    verbose_name = "问题整改"

    def ready(self):
        from . import (
            access,  # noqa: F401  (registers the access policies)
            io,  # noqa: F401  (registers the ledger export)
            todo,  # noqa: F401  (registers the to-do provider)
            urging,  # noqa: F401  (registers the daily job)
        )
