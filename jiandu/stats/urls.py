from django.urls import path

from . import views

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
