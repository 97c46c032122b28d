"""REST endpoint of the site registry: /api/v1/sites/ (DESIGN §12). Same rules as the pages: records come from
visible_to (a site one may not see is 404), writes go through site_services (errors as {"code", "message"})."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from jiandu.core.access import access, visible_to
from jiandu.core.errors import ValidationFailed

from .enums import SiteType
from .models import Org, Site
from .site_selectors import parse_filters
from .site_services import site_create, site_set_active, site_update


class SiteSerializer(serializers.ModelSerializer):
    # Declared, so that no model unique validator answers before the service (which gives the Chinese error).
    code = serializers.CharField(max_length=40, help_text="点位编码，唯一。")
    site_type = serializers.ChoiceField(choices=SiteType.choices, help_text="点位类型代码，如 tent_site。")
    site_type_display = serializers.CharField(
        source="get_site_type_display", read_only=True, help_text="点位类型（中文）"
    )
    responsible_org = serializers.PrimaryKeyRelatedField(queryset=Org.objects.none(), help_text="责任单位 id")
    responsible_org_name = serializers.CharField(source="responsible_org.name", read_only=True)
    longitude = serializers.DecimalField(
        max_digits=10,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text="经度，−180～180，与纬度同时给出或同时为空。",
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text="纬度，−90～90。",
    )
    attributes = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text='该类型的属性，如帐篷设置点 {"tent_count": 120, "quilt_count": 300}；未知的键被忽略。',
    )
    is_active = serializers.BooleanField(required=False, help_text="启用；停用须有停用权限。")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="修改时必填：读取时的版本号；记录已被他人修改则返回 409。"
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "code",
            "name",
            "site_type",
            "site_type_display",
            "address",
            "responsible_org",
            "responsible_org_name",
            "longitude",
            "latitude",
            "attributes",
            "is_active",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"address": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["responsible_org"].queryset = visible_to(request.user, Org)
        return fields


FILTER_PARAMETERS = [
    OpenApiParameter("site_type", OpenApiTypes.STR, enum=SiteType.values, description="点位类型"),
    OpenApiParameter("org", OpenApiTypes.INT, description="责任单位 id（含其下级单位）"),
    OpenApiParameter("q", OpenApiTypes.STR, description="名称、编码或地址中的关键词"),
    OpenApiParameter("active", OpenApiTypes.BOOL, description="true 仅启用，false 仅停用"),
]


@extend_schema_view(
    list=extend_schema(summary="监督点位列表", parameters=FILTER_PARAMETERS),
    retrieve=extend_schema(summary="监督点位详情"),
    create=extend_schema(summary="新增监督点位"),
    update=extend_schema(summary="修改监督点位（须带 version）"),
    partial_update=extend_schema(summary="部分修改监督点位（须带 version）"),
)
class SiteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """监督点位（社区、帐篷设置点、医疗机构、隔离点……）。没有删除：不再使用的点位请停用（is_active=false）。"""

    serializer_class = SiteSerializer
    queryset = Site.objects.none()  # for the schema; records always come from get_queryset

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return parse_filters(user, self.request.query_params).apply(user)
        return visible_to(user, Site).select_related("responsible_org")

    def get_object(self):
        action = "change" if self.action in ("update", "partial_update") else "view"
        return access(self.request.user, Site, self.kwargs["pk"], action=action, qs=self.get_queryset())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        site = site_create(
            actor=request.user,
            site_type=d["site_type"],
            code=d["code"],
            name=d["name"],
            responsible_org=d["responsible_org"],
            address=d.get("address", ""),
            longitude=d.get("longitude"),
            latitude=d.get("latitude"),
            attributes=d.get("attributes"),
            is_active=d.get("is_active", True),
        )
        return Response(self.get_serializer(site).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        site = self.get_object()
        serializer = self.get_serializer(site, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        if "version" not in d:
            raise ValidationFailed("修改点位须提供读取时的版本号 version。", fields={"version": ["该字段是必填项。"]})

        def value(name):
            return d[name] if name in d else getattr(site, name)

        with transaction.atomic():
            site = site_update(
                actor=request.user,
                site=site,
                expected_version=d["version"],
                site_type=value("site_type"),
                code=value("code"),
                name=value("name"),
                responsible_org=value("responsible_org"),
                address=value("address"),
                longitude=value("longitude"),
                latitude=value("latitude"),
                attributes=value("attributes"),
            )
            if "is_active" in d and d["is_active"] != site.is_active:
                site = site_set_active(
                    actor=request.user, site=site, is_active=d["is_active"], expected_version=site.version
                )
        site = Site.objects.select_related("responsible_org").get(pk=site.pk)
        return Response(self.get_serializer(site).data)
