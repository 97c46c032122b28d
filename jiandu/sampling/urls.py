from django.urls import path, re_path

from . import config_views, views

app_name = "sampling"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("export.xlsx", views.plan_export, name="plan_export"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/draw/", views.plan_draw, name="plan_draw"),
    re_path(r"^(?P<pk>\d+)/(?P<move>publish|close)/$", views.plan_move, name="plan_move"),
    path("<int:pk>/notice/", views.plan_notice, name="plan_notice"),
    path("<int:pk>/assignments.xlsx", views.assignment_export, name="assignment_export"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:assignment_id>/check/", views.check_form, name="check_form"),
    path("checks/", views.check_list, name="check_list"),
    path("checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("checks/results/<int:pk>/problem/", views.result_problem, name="result_problem"),
    path("stock/", views.stock_list, name="stock_list"),
    path("results/", views.results, name="results"),
]

# 检查清单设置 (configuration of the checklist of each site type)
urlpatterns += [
    path("checklists/", config_views.checklist_list, name="checklist_list"),
    path("checklists/<str:site_type>/", config_views.checklist_edit, name="checklist_edit"),
]
