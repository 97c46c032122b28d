from django.urls import path

from . import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="problem_list"),
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
