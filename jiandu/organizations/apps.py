from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "jiandu.organizations"
    label = "organizations"
    verbose_name = "组织机构"

    def ready(self):
        from . import access  # noqa: F401  (registers the access policies)
