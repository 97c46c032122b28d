from django.urls import path

from . import config_views, views

app_name = "stats"

urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("<int:pk>/", views.dataset_detail, name="dataset_detail"),
    path("<int:pk>/entry/", views.entry, name="entry"),
    path("<int:pk>/pivot/", views.pivot, name="pivot"),
    path("<int:pk>/approvals/", views.approvals, name="approvals"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/unlock/", views.unlock, name="unlock"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/import/", views.import_values, name="import"),
]

urlpatterns += [
    path("indicators/", config_views.indicator_list, name="indicator_list"),
    path("indicators/new/", config_views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", config_views.indicator_edit, name="indicator_edit"),
    path("new/", config_views.dataset_create, name="dataset_create"),
    path("<int:pk>/edit/", config_views.dataset_edit, name="dataset_edit"),
    path("<int:pk>/rules/", config_views.rules, name="rules"),
    path("<int:pk>/rules/<int:rule_pk>/delete/", config_views.rule_delete, name="rule_delete"),
]
