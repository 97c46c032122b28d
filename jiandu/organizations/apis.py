"""REST endpoints of the org tree and accounts (DESIGN §12). Reads through visible_to, writes through services."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from jiandu.core.access import access, visible_to

from . import services
from .enums import OrgKind
from .models import Org, RoleGrant, User


class OrgSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Org
        fields = [
            "id",
            "kind",
            "kind_display",
            "parent",
            "code",
            "name",
            "short_name",
            "path",
            "depth",
            "sort_order",
            "is_active",
            "version",
        ]
        read_only_fields = ["path", "depth", "version"]


class OrgWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrgKind.choices)
    parent = serializers.IntegerField(required=False, allow_null=True)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    sort_order = serializers.IntegerField(required=False, default=0)
    is_active = serializers.BooleanField(required=False, default=True)
    version = serializers.IntegerField(required=False, allow_null=True)


@extend_schema_view(
    list=extend_schema(
        summary="组织机构列表",
        parameters=[
            OpenApiParameter("kind", str, enum=OrgKind.values, description="机构类型"),
            OpenApiParameter("parent", int, description="上级机构ID（只列直接下级）"),
            OpenApiParameter("within", int, description="机构ID：列出该机构及其全部下级"),
            OpenApiParameter("q", str, description="名称、简称或编码包含"),
        ],
    ),
    retrieve=extend_schema(summary="组织机构详情"),
    create=extend_schema(summary="新增机构", request=OrgWriteSerializer, responses=OrgSerializer),
    update=extend_schema(summary="修改机构（parent 不同则移动）", request=OrgWriteSerializer, responses=OrgSerializer),
    partial_update=extend_schema(exclude=True),
)
class OrgViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OrgSerializer
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        qs = visible_to(self.request.user, Org).order_by("path")
        params = self.request.query_params
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        if params.get("parent"):
            qs = qs.filter(parent_id=_int(params["parent"]))
        if params.get("within"):
            root = access(self.request.user, Org, _int(params["within"]))
            qs = qs.filter(path__startswith=root.path)
        if params.get("q"):
            from django.db.models import Q

            q = params["q"]
            qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
        return qs

    def get_object(self):
        return access(self.request.user, Org, self.kwargs["pk"])

    def _parent(self, data):
        return access(self.request.user, Org, data["parent"]) if data.get("parent") else None

    def create(self, request, *args, **kwargs):
        data = _valid(OrgWriteSerializer, request.data)
        org = services.org_create(
            actor=request.user,
            kind=data["kind"],
            parent=self._parent(data),
            code=data["code"],
            name=data["name"],
            short_name=data["short_name"],
            sort_order=data["sort_order"],
        )
        return Response(OrgSerializer(org).data, status=201)

    def update(self, request, *args, **kwargs):
        org = access(request.user, Org, kwargs["pk"], action="change")
        data = _valid(OrgWriteSerializer, request.data)
        version = data.get("version")
        parent = self._parent(data)
        if (parent.pk if parent else None) != org.parent_id:
            org = services.org_move(actor=request.user, org=org, new_parent=parent, expected_version=version)
            version = org.version
        org = services.org_update(
            actor=request.user,
            org=org,
            expected_version=version,
            code=data["code"],
            name=data["name"],
            short_name=data["short_name"],
            sort_order=data["sort_order"],
            is_active=data["is_active"],
        )
        return Response(OrgSerializer(org).data)


class GrantSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "role", "role_display", "org", "org_name"]


class UserSerializer(serializers.ModelSerializer):
    grants = GrantSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "phone",
            "org",
            "is_active",
            "must_change_password",
            "last_login",
            "grants",
            "version",
        ]


@extend_schema_view(
    list=extend_schema(summary="用户列表（管理员、派驻机构管理室可见全部；其他人只见本人）"),
    retrieve=extend_schema(summary="用户详情"),
)
class UserViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UserSerializer

    def get_queryset(self):
        return (
            visible_to(self.request.user, User)
            .select_related("org")
            .prefetch_related("grants__org")
            .order_by("username")
        )

    def get_object(self):
        return access(self.request.user, User, self.kwargs["pk"], qs=self.get_queryset())


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        from jiandu.core.errors import ValidationFailed

        raise ValidationFailed("参数必须是整数。") from None


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data
