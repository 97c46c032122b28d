from django.urls import include, path
from rest_framework.routers import DefaultRouter

from jiandu.activities import apis as activity_apis
from jiandu.documents import apis as document_apis
from jiandu.hotline import apis as hotline_apis
from jiandu.organizations.apis import OrgViewSet, UserViewSet
from jiandu.organizations.site_apis import SiteViewSet
from jiandu.problems import apis as problem_apis
from jiandu.reports import apis as report_apis
from jiandu.sampling import apis as sampling_apis
from jiandu.stats import apis as stats_apis

from .auth import ObtainToken
from .files import AttachmentFile

router = DefaultRouter()
router.register("orgs", OrgViewSet, basename="org")
router.register("sites", SiteViewSet, basename="site")
router.register("users", UserViewSet, basename="user")
activity_apis.register(router)
document_apis.register(router)
problem_apis.register(router)
sampling_apis.register(router)
hotline_apis.register(router)
stats_apis.register(router)
report_apis.register(router)

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="token"),
    path("files/<int:pk>/", AttachmentFile.as_view(), name="api-file"),
    path("dashboard/", include("jiandu.reports.apis_dashboard")),
    path("", include("jiandu.core.apis")),
    path("", include(router.urls)),
]
