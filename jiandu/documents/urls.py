from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("export.xlsx", views.document_export, name="document_export"),
    path("replies/", views.reply_tracking, name="reply_tracking"),
    path("replies/export.xlsx", views.reply_export, name="reply_export"),
    path("numbering/", views.numbering_rules, name="numbering_rules"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/issue/", views.document_issue, name="document_issue"),
    path("<int:pk>/close/", views.document_close, name="document_close"),
    path("<int:pk>/docx/", views.document_docx_download, name="document_docx"),
    path("<int:pk>/recipients/<int:rpk>/acknowledge/", views.recipient_acknowledge, name="recipient_acknowledge"),
    path("<int:pk>/recipients/<int:rpk>/reply/", views.recipient_reply, name="recipient_reply"),
]
