from django.urls import include, path
from rest_framework.routers import DefaultRouter

from jiandu.organizations.apis import OrgViewSet, UserViewSet
from jiandu.organizations.site_apis import SiteViewSet

from .auth import ObtainToken

router = DefaultRouter()
router.register("orgs", OrgViewSet, basename="org")
router.register("sites", SiteViewSet, basename="site")
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="token"),
    path("", include(router.urls)),
]
