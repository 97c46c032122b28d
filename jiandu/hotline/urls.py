from django.urls import path

from . import views

app_name = "hotline"
urlpatterns = [
    path("", views.hotline_list, name="hotline_list"),
    path("new/", views.hotline_create, name="hotline_create"),
    path("export.xlsx", views.hotline_export, name="hotline_export"),
    path("<int:pk>/", views.hotline_detail, name="hotline_detail"),
    path("<int:pk>/edit/", views.hotline_edit, name="hotline_edit"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export/", views.case_export, name="case_export"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/personal/", views.case_personal, name="case_personal"),
    path("cases/<int:pk>/to-problem/", views.case_to_problem, name="case_to_problem"),
    path("cases/<int:pk>/<slug:move>/", views.case_move, name="case_move"),
    path("test-calls/", views.call_list, name="call_list"),
    path("test-calls/export/", views.call_export, name="call_export"),
    path("test-calls/new/", views.call_create, name="call_create"),
    path("test-calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("test-calls/<int:pk>/record/", views.call_record, name="call_record"),
    path("test-calls/<int:pk>/to-problem/", views.call_to_problem, name="call_to_problem"),
]
