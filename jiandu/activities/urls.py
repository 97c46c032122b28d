from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_create, name="activity_create"),
    path("export.xlsx", views.activity_export, name="activity_export"),
    path("import/", views.activity_import, name="activity_import"),
    path("site-options/", views.site_options, name="site_options"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/attachments/", views.activity_attach, name="activity_attach"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/delete/",
        views.activity_attachment_delete,
        name="activity_attachment_delete",
    ),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/export.xlsx", views.campaign_export, name="campaign_export"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
]
