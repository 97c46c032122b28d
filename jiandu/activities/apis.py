"""REST endpoints /api/v1/activities/ and /api/v1/campaigns/ (DESIGN §12). Same rules as the pages: records
come from visible_to (a record one may not see is 404 — a liaison sees none), writes go through the services
(errors as {"code", "message"}). No delete: an activity is a record of what happened."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from jiandu.core.access import access, visible_to
from jiandu.core.errors import ValidationFailed
from jiandu.core.models import Attachment
from jiandu.organizations.models import Org, Site, User

from . import campaign_services, selectors, services
from .enums import Method
from .models import Activity, Campaign, Topic


def register(router) -> None:
    """Add this module's endpoints to the /api/v1/ router."""
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("campaigns", CampaignViewSet, basename="campaign")


# --- Serializers ---


class ActivityAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（按所属活动的权限检查）")
    thumb_url = serializers.SerializerMethodField(help_text="缩略图地址；非图片为 null")

    class Meta:
        model = Attachment
        fields = ["id", "purpose", "original_name", "mime_type", "size", "sha256", "caption", "url", "thumb_url"]

    def get_url(self, obj) -> str:
        return reverse("attachment", args=[obj.pk])

    def get_thumb_url(self, obj) -> str | None:
        return reverse("attachment_thumb", args=[obj.pk]) if obj.thumbnail else None


class ActivitySerializer(serializers.ModelSerializer):
    group_name = serializers.CharField(source="group.name", read_only=True)
    method_display = serializers.CharField(source="get_method_display", read_only=True, help_text="方式（中文）")
    topics = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="监督主题 id")
    participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    target_orgs = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    attachments = serializers.SerializerMethodField(help_text="照片与附件")

    class Meta:
        model = Activity
        fields = [
            "id",
            "code",
            "group",
            "group_name",
            "method",
            "method_display",
            "confidential",
            "title",
            "topics",
            "campaign",
            "start_date",
            "end_date",
            "days",
            "leader",
            "participants",
            "external_participants",
            "target_orgs",
            "sites",
            "summary",
            "findings",
            "attachments",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ActivityAttachmentSerializer(many=True))
    def get_attachments(self, obj):
        by_owner = self.context.get("attachments")
        if by_owner is None:
            by_owner = _attachments_for([obj.pk])
        items = by_owner.get(obj.pk, [])
        return ActivityAttachmentSerializer(items, many=True).data


def _attachments_for(activity_ids) -> dict[int, list]:
    ct = ContentType.objects.get_for_model(Activity)
    out: dict[int, list] = {}
    for att in Attachment.objects.filter(owner_type=ct, owner_id__in=list(activity_ids)).order_by("sort_order", "id"):
        out.setdefault(att.owner_id, []).append(att)
    return out


class ActivityWriteSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.none(), required=False, help_text="纪检监察组 id（新增时必填，本人所在的组）"
    )
    method = serializers.ChoiceField(choices=Method.choices, help_text="方式代码，如 on_site、covert、stationed")
    title = serializers.CharField(max_length=200)
    topics = serializers.PrimaryKeyRelatedField(many=True, queryset=Topic.objects.all(), required=False)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.none(), required=False, allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, help_text="驻点监督必填")
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    participants = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False)
    external_participants = serializers.CharField(max_length=500, required=False, allow_blank=True)
    target_orgs = serializers.PrimaryKeyRelatedField(many=True, queryset=Org.objects.none(), required=False)
    sites = serializers.PrimaryKeyRelatedField(many=True, queryset=Site.objects.none(), required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    findings = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text="修改时必填：读取时的版本号")

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            user = request.user
            fields["group"].queryset = selectors.recording_groups(user)
            fields["campaign"].queryset = visible_to(user, Campaign)
            fields["target_orgs"].child_relation.queryset = visible_to(user, Org)
            fields["sites"].child_relation.queryset = visible_to(user, Site)
        return fields


ACTIVITY_FILTERS = [
    OpenApiParameter("group", OpenApiTypes.INT, description="纪检监察组 id"),
    OpenApiParameter("method", OpenApiTypes.STR, enum=Method.values, description="方式"),
    OpenApiParameter("topic", OpenApiTypes.INT, description="监督主题 id"),
    OpenApiParameter("campaign", OpenApiTypes.INT, description="专项监督 id"),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="期间起（与活动日期范围有交集）"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="期间止"),
    OpenApiParameter("org", OpenApiTypes.INT, description="监督对象单位 id（含下级；也匹配点位的责任单位）"),
    OpenApiParameter("site", OpenApiTypes.INT, description="监督点位 id"),
    OpenApiParameter("q", OpenApiTypes.STR, description="编号、标题、摘要、问题、外部人员中的关键词"),
]

ACTIVITY_KEYS = [
    "method",
    "title",
    "start_date",
    "end_date",
    "topics",
    "campaign",
    "leader",
    "participants",
    "external_participants",
    "target_orgs",
    "sites",
    "summary",
    "findings",
]


@extend_schema_view(
    list=extend_schema(summary="监督检查活动列表", parameters=ACTIVITY_FILTERS),
    retrieve=extend_schema(summary="监督检查活动详情"),
    create=extend_schema(summary="登记监督检查活动", request=ActivityWriteSerializer, responses=ActivitySerializer),
    update=extend_schema(
        summary="修改监督检查活动（须带 version）", request=ActivityWriteSerializer, responses=ActivitySerializer
    ),
    partial_update=extend_schema(
        summary="部分修改监督检查活动（须带 version）", request=ActivityWriteSerializer, responses=ActivitySerializer
    ),
)
class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """监督检查活动。明察暗访、四不两直为保密活动；驻在部门联络员看不到任何活动（列表为空，详情 404）。"""

    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()  # for the schema; records always come from get_queryset

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return (
                selectors.parse_filters(user, self.request.query_params)
                .apply(user)
                .prefetch_related("participants", "target_orgs")
            )
        return selectors.activity_detail_qs(user)

    def get_object(self):
        action = "change" if self.action in ("update", "partial_update") else "view"
        return access(self.request.user, Activity, self.kwargs["pk"], action=action, qs=self.get_queryset())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = self.get_serializer_context() | {"attachments": _attachments_for(a.pk for a in page)}
        return self.get_paginated_response(ActivitySerializer(page, many=True, context=context).data)

    def _read(self, pk):
        return ActivitySerializer(selectors.activity_detail_qs(self.request.user).get(pk=pk)).data

    def create(self, request, *args, **kwargs):
        serializer = ActivityWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        if "group" not in d:
            raise ValidationFailed("请提供纪检监察组 group。", fields={"group": ["该字段是必填项。"]})
        activity = services.activity_create(
            actor=request.user, group=d["group"], **{k: d[k] for k in ACTIVITY_KEYS if k in d}
        )
        return Response(self._read(activity.pk), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        activity = self.get_object()
        serializer = ActivityWriteSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        if "version" not in d:
            raise ValidationFailed("修改活动须提供读取时的版本号 version。", fields={"version": ["该字段是必填项。"]})
        current = {
            "method": activity.method,
            "title": activity.title,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "topics": list(activity.topics.all()),
            "campaign": activity.campaign,
            "leader": activity.leader,
            "participants": list(activity.participants.all()),
            "external_participants": activity.external_participants,
            "target_orgs": list(activity.target_orgs.all()),
            "sites": list(activity.sites.all()),
            "summary": activity.summary,
            "findings": activity.findings,
        }
        values = {k: d.get(k, current[k]) for k in ACTIVITY_KEYS}
        services.activity_update(actor=request.user, activity=activity, expected_version=d["version"], **values)
        return Response(self._read(activity.pk))


class CampaignProgressSerializer(serializers.Serializer):
    planned_checks = serializers.IntegerField(allow_null=True)
    planned_sites = serializers.IntegerField(allow_null=True)
    planned_days = serializers.IntegerField(allow_null=True)
    checks = serializers.IntegerField(help_text="已开展检查次数（关联活动数）")
    sites = serializers.IntegerField(help_text="已检查点位数（去重）")
    days = serializers.IntegerField(help_text="驻点天数")


class CampaignSerializer(serializers.ModelSerializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.none(), required=False, allow_null=True, help_text="纪检监察组 id；null 为全省"
    )
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all())
    topic_name = serializers.CharField(source="topic.name", read_only=True)
    scope_orgs = serializers.PrimaryKeyRelatedField(many=True, queryset=Org.objects.none(), required=False)
    progress = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False, min_value=1, help_text="修改时必填：读取时的版本号")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "group",
            "group_name",
            "title",
            "topic",
            "topic_name",
            "start_date",
            "end_date",
            "scope_orgs",
            "description",
            "planned_checks",
            "planned_sites",
            "planned_days",
            "progress",
            "version",
        ]
        read_only_fields = ["id"]
        validators = []  # the service checks uniqueness with a Chinese message
        extra_kwargs = {"description": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["group"].queryset = selectors.campaign_groups(request.user)
            fields["scope_orgs"].child_relation.queryset = visible_to(request.user, Org)
        return fields

    @extend_schema_field(CampaignProgressSerializer)
    def get_progress(self, obj):
        progress = (self.context.get("progress") or {}).get(obj.pk)
        if progress is None:
            progress = selectors.campaign_progress(self.context["request"].user, obj)
        return CampaignProgressSerializer(progress).data


CAMPAIGN_KEYS = [
    "title",
    "topic",
    "start_date",
    "end_date",
    "scope_orgs",
    "description",
    "planned_checks",
    "planned_sites",
    "planned_days",
]


@extend_schema_view(
    list=extend_schema(
        summary="专项监督列表",
        parameters=[
            OpenApiParameter("group", OpenApiTypes.INT, description="纪检监察组 id"),
            OpenApiParameter("topic", OpenApiTypes.INT, description="监督主题 id"),
            OpenApiParameter("q", OpenApiTypes.STR, description="名称或工作要求中的关键词"),
        ],
    ),
    retrieve=extend_schema(summary="专项监督详情（含进度）"),
    create=extend_schema(summary="新建专项监督"),
    update=extend_schema(summary="修改专项监督（须带 version）"),
    partial_update=extend_schema(summary="部分修改专项监督（须带 version）"),
)
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """专项监督：主题、期间、范围、计划目标及完成进度（按可见的关联活动计算）。"""

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()

    def get_queryset(self):
        p = self.request.query_params
        return selectors.campaigns_for(
            self.request.user, group=p.get("group") or None, topic=p.get("topic") or None, q=p.get("q", "")
        ).prefetch_related("scope_orgs")

    def get_object(self):
        action = "change" if self.action in ("update", "partial_update") else "view"
        return access(self.request.user, Campaign, self.kwargs["pk"], action=action, qs=self.get_queryset())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = self.get_serializer_context() | {"progress": selectors.campaigns_progress(request.user, page)}
        return self.get_paginated_response(CampaignSerializer(page, many=True, context=context).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        campaign = campaign_services.campaign_create(
            actor=request.user, group=d.get("group"), **{k: d[k] for k in CAMPAIGN_KEYS if k in d}
        )
        return Response(self.get_serializer(campaign).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        campaign = self.get_object()
        serializer = self.get_serializer(campaign, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        if "version" not in d:
            raise ValidationFailed(
                "修改专项监督须提供读取时的版本号 version。", fields={"version": ["该字段是必填项。"]}
            )
        values = {k: d[k] if k in d else getattr(campaign, k) for k in CAMPAIGN_KEYS if k != "scope_orgs"}
        values["scope_orgs"] = d["scope_orgs"] if "scope_orgs" in d else list(campaign.scope_orgs.all())
        campaign = campaign_services.campaign_update(
            actor=request.user, campaign=campaign, expected_version=d["version"], **values
        )
        return Response(self.get_serializer(Campaign.objects.get(pk=campaign.pk)).data)
