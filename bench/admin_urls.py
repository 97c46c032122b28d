"""The app's URLs plus /bench-admin/: a Django admin changelist on the same tables as the problem ledger and the
activity ledger, configured like them (columns, filters, search, order, page size) — the reference bench/run
compares our lists with. Bench-only (bench/settings_admin.py), never deployed."""

from django.contrib import admin
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as app_urlpatterns
from jiandu.activities.models import Activity
from jiandu.activities.views import PAGE_SIZE as ACTIVITY_PAGE_SIZE
from jiandu.problems.models import Problem
from jiandu.problems.views import PAGE_SIZE as PROBLEM_PAGE_SIZE

site = admin.AdminSite(name="bench_admin")


class OpenLookups:
    """Every lookup in the query string is allowed (the org subtree filter goes through the org's path)."""

    def lookup_allowed(self, lookup, value, request=None):
        return True


@admin.register(Problem, site=site)
class ProblemAdmin(OpenLookups, admin.ModelAdmin):
    list_display = ("number", "registered_on", "group", "responsible_org", "category", "severity", "site", "status",
                    "deadline", "closed_on")  # fmt: skip
    list_select_related = ("group", "category", "severity", "site", "responsible_org")
    list_filter = ("status", "group")
    search_fields = ("number", "description", "site__name")
    ordering = ("-registered_on", "-id")
    list_per_page = PROBLEM_PAGE_SIZE
    raw_id_fields = ("group", "category", "severity", "site", "found_org", "responsible_org", "repeat_of",
                     "source_activity", "source_document", "created_by")  # fmt: skip


@admin.register(Activity, site=site)
class ActivityAdmin(OpenLookups, admin.ModelAdmin):
    list_display = ("code", "start_date", "end_date", "group", "method", "title", "campaign", "leader")
    list_select_related = ("group", "campaign", "leader")
    list_filter = ("method", "group")
    search_fields = ("code", "title", "summary", "findings", "external_participants")
    ordering = ("-start_date", "-id")
    list_per_page = ACTIVITY_PAGE_SIZE
    raw_id_fields = ("group", "campaign", "leader", "created_by", "topics", "participants", "target_orgs", "sites")


urlpatterns = [path("bench-admin/", site.urls), *app_urlpatterns]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
