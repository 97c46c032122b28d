from django.urls import path

from .views import briefing, dashboard, monthly, scorecard

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("scorecard/", scorecard.scorecard, name="scorecard"),
    path("scorecard/export.xlsx", scorecard.scorecard_export, name="scorecard_export"),
    path("monthly/", monthly.monthly, name="monthly"),
    path("monthly/export.xlsx", monthly.monthly_export, name="monthly_export"),
    path("briefings/", briefing.briefing_list, name="briefing_list"),
    path("briefings/new/", briefing.briefing_create, name="briefing_create"),
    path("briefings/<int:pk>/", briefing.briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/docx/", briefing.briefing_docx, name="briefing_docx"),
]
