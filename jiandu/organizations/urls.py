from django.urls import path

from . import site_views, views

app_name = "organizations"

urlpatterns = [
    # Org tree
    path("", views.org_tree, name="org_tree"),
    path("orgs/new/", views.org_create, name="org_create"),
    path("orgs/export.xlsx", views.org_export, name="org_export"),
    path("orgs/import/", views.org_import, name="org_import"),
    path("orgs/typeahead/", views.org_typeahead, name="org_typeahead"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<int:pk>/move/", views.org_move, name="org_move"),
    # Assignments
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/export.xlsx", views.assignment_export, name="assignment_export"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    # Users and grants
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/export.xlsx", views.user_export, name="user_export"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/otp-reset/", views.user_reset_second_factor, name="user_reset_second_factor"),
    path("users/<int:pk>/grants/new/", views.grant_create, name="grant_create"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    # Sites
    path("sites/", site_views.site_list, name="site_list"),
    path("sites/new/", site_views.site_create, name="site_create"),
    path("sites/export.xlsx", site_views.site_export, name="site_export"),
    path("sites/import/", site_views.site_import, name="site_import"),
    path("sites/attributes/", site_views.site_attribute_fields, name="site_attribute_fields"),
    path("sites/<int:pk>/", site_views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", site_views.site_edit, name="site_edit"),
]
