from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "jiandu.organizations"
    label = "organizations"
    verbose_name = "组织机构"

    def ready(self):
        from . import access, org_io, site_services  # noqa: F401  (access policies; ledger exports)
