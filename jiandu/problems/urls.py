from django.urls import path

from . import config_views, views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="problem_list"),
    path("chips/", views.problem_chips, name="problem_chips"),
    path("new/", views.problem_create, name="problem_create"),
    path("export.xlsx", views.problem_export, name="problem_export"),
    path("bulk-urge/", views.problem_bulk_urge, name="problem_bulk_urge"),
    path("<int:pk>/", views.problem_detail, name="problem_detail"),
    path("<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("<int:pk>/start/", views.problem_start, name="problem_start"),
    path("<int:pk>/report/", views.problem_report, name="problem_report"),
    path("<int:pk>/submit/", views.problem_submit, name="problem_submit"),
    path("<int:pk>/return/", views.problem_return, name="problem_return"),
    path("<int:pk>/close/", views.problem_close, name="problem_close"),
    path("<int:pk>/reopen/", views.problem_reopen, name="problem_reopen"),
    path("<int:pk>/urge/", views.problem_urge, name="problem_urge"),
]

urlpatterns += [
    path("settings/categories/", config_views.category_list, name="category_list"),
    path("settings/categories/new/", config_views.category_create, name="category_create"),
    path("settings/categories/<int:pk>/edit/", config_views.category_edit, name="category_edit"),
    path("settings/severities/", config_views.severity_list, name="severity_list"),
    path("settings/severities/new/", config_views.severity_create, name="severity_create"),
    path("settings/severities/<int:pk>/edit/", config_views.severity_edit, name="severity_edit"),
]
