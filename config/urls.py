from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from jiandu.core import attachments, export_views, login_views
from jiandu.core import views as core_views
from jiandu.core.headers import csp_exception

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", login_views.LoginView.as_view(), name="login"),
    path("accounts/otp/", login_views.otp_verify, name="otp_verify"),
    path("accounts/otp/setup/", login_views.otp_setup, name="otp_setup"),
    path("accounts/otp/recovery-codes/", login_views.otp_recovery_codes, name="otp_recovery_codes"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.password_change, name="password_change"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("audit/export/", core_views.audit_export, name="audit_export"),
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/<int:pk>/", export_views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("files/<int:pk>/", attachments.attachment_download, name="attachment"),
    path("files/<int:pk>/thumb/", attachments.attachment_thumbnail, name="attachment_thumb"),
    path("org/", include("jiandu.organizations.urls")),
    path("activities/", include("jiandu.activities.urls")),
    path("documents/", include("jiandu.documents.urls")),
    path("problems/", include("jiandu.problems.urls")),
    path("sampling/", include("jiandu.sampling.urls")),
    path("hotline/", include("jiandu.hotline.urls")),
    path("stats/", include("jiandu.stats.urls")),
    path("reports/", include("jiandu.reports.urls")),
    path("notifications/", include("jiandu.notifications.urls")),
    path("api/v1/", include("jiandu.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's bundle injects a <style> element: only this page allows inline styles (docs/deployment.md).
    path(
        "api/docs/",
        csp_exception(SpectacularSwaggerSplitView.as_view(url_name="api-schema"), style_src="'self' 'unsafe-inline'"),
        name="api-docs",
    ),
]


handler404 = "jiandu.core.views.error_404"
handler403 = "jiandu.core.views.error_403"
handler500 = "jiandu.core.views.error_500"
