"""REST endpoints of problems: /api/v1/problems/ (DESIGN §12). Same rules as the pages: records come from
visible_to (a problem one may not see is 404), writes and workflow actions go through services (errors as
{"code", "message"}). No delete. The internal note is only in the body for those who may read it."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from jiandu.activities.models import Activity
from jiandu.core.access import access, allowed, principal, visible_ids, visible_to
from jiandu.core.deadlines import Warning
from jiandu.core.errors import ValidationFailed
from jiandu.documents.models import Document
from jiandu.organizations.enums import GROUP_ROLES
from jiandu.organizations.models import Org, Site

from . import selectors, services, urging
from .enums import DeadlineMode, ProblemStatus, SourceKind, UrgeLevel
from .models import Category, Problem, Severity

STATUS_HELP = "状态：" + "，".join(f"{v} {label}" for v, label in ProblemStatus.choices)
WARNING_HELP = "预警：green 绿灯，yellow 黄灯，red 红灯（逾期），none 无（按期销号），closed_late 逾期销号"


class ProblemSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ProblemStatus.choices, read_only=True, help_text=STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    warning = serializers.ChoiceField(choices=Warning.choices, read_only=True, help_text=WARNING_HELP)
    closed_late = serializers.SerializerMethodField(help_text="是否逾期销号")
    overdue_days = serializers.IntegerField(read_only=True, help_text="逾期天数（销号时或今天）")
    group_name = serializers.CharField(source="group.name", read_only=True)
    responsible_org_name = serializers.CharField(source="responsible_org.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    severity_name = serializers.CharField(source="severity.name", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True, allow_null=True, default=None)
    source_activity = serializers.SerializerMethodField(help_text="来源活动 id（仅对可查看该活动者给出）")
    source_document = serializers.SerializerMethodField(help_text="来源文书 id（仅对可查看该文书者给出）")
    repeat_of = serializers.SerializerMethodField(help_text="前次同类问题 id（屡查屡犯，仅对可查看者给出）")
    internal_note = serializers.SerializerMethodField(help_text="组内备注：仅本组和委机关可见，联络员恒为 null")
    confidential = serializers.SerializerMethodField(help_text="问题不涉密：责任单位的联络员可见（恒为 false）")
    urge_level = serializers.CharField(
        read_only=True, help_text="本轮最高催办级别：remind、urge、directive、bulletin 或空"
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "id",
            "number",
            "group",
            "group_name",
            "status",
            "status_display",
            "warning",
            "closed_late",
            "overdue_days",
            "description",
            "category",
            "category_name",
            "severity",
            "severity_name",
            "site",
            "site_name",
            "found_org",
            "responsible_org",
            "responsible_org_name",
            "root_cause",
            "registered_on",
            "deadline",
            "deadline_mode",
            "deadline_days",
            "closed_on",
            "source_kind",
            "source_activity",
            "source_document",
            "source_type",
            "source_id",
            "is_repeat",
            "repeat_of",
            "urge_level",
            "urge_count",
            "internal_note",
            "confidential",
            "version",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    def get_closed_late(self, obj) -> bool:
        return obj.warning == Warning.CLOSED_LATE

    def _shown(self, model, pk) -> int | None:
        """The id of a linked record if the viewer may see it. A list passes the visible ids of its page in
        the context (`visible`: {model: ids}, one query per model); a single record asks."""
        if pk is None:
            return None
        known = self.context.get("visible")
        if known is not None:
            return pk if pk in known[model] else None
        return pk if visible_ids(self._user(), model, [pk]) else None

    def get_source_activity(self, obj) -> int | None:
        return self._shown(Activity, obj.source_activity_id)

    def get_source_document(self, obj) -> int | None:
        return self._shown(Document, obj.source_document_id)

    def get_repeat_of(self, obj) -> int | None:
        return self._shown(Problem, obj.repeat_of_id)

    def get_internal_note(self, obj) -> str | None:
        return obj.internal_note if allowed(self._user(), "view_internal", obj) else None

    def get_confidential(self, obj) -> bool:
        return False

    def get_url(self, obj) -> str:
        return reverse("problems:problem_detail", args=[obj.pk])


class ProblemWriteSerializer(serializers.Serializer):
    group = serializers.IntegerField(required=False, help_text="纪检监察组 id；本人只在一个组时可省略（仅新建）")
    description = serializers.CharField(max_length=2000)
    category = serializers.IntegerField(help_text="问题类别 id")
    severity = serializers.IntegerField(help_text="严重程度 id")
    responsible_org = serializers.IntegerField(help_text="责任单位（驻在部门或下属单位/属地）id")
    site = serializers.IntegerField(required=False, allow_null=True, help_text="点位 id")
    found_org = serializers.IntegerField(required=False, allow_null=True, help_text="发现单位 id")
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    internal_note = serializers.CharField(required=False, allow_blank=True, default="", help_text="组内备注")
    registered_on = serializers.DateField(required=False, help_text="登记日期（默认今天，仅新建）")
    deadline_mode = serializers.ChoiceField(choices=DeadlineMode.choices, required=False, default=DeadlineMode.DATE)
    deadline = serializers.DateField(required=False, allow_null=True, help_text="整改期限（deadline_mode=date）")
    deadline_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices, required=False, default=SourceKind.DIRECT)
    source_activity = serializers.IntegerField(required=False, allow_null=True)
    source_document = serializers.IntegerField(required=False, allow_null=True)
    source_type = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    source_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    version = serializers.IntegerField(required=False, min_value=1, help_text="修改时必填：读取时的版本号")
    action = serializers.ChoiceField(
        choices=[("return", "退回重改"), ("close", "销号"), ("reopen", "重新整改")],
        required=False,
        help_text="修改时可选：在同一步中变更状态（本组）",
    )
    action_note = serializers.CharField(required=False, allow_blank=True, default="", help_text="状态变更的理由")


class ProblemRectificationRequest(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="整改情况")
    measures = serializers.CharField(required=False, allow_blank=True, default="", help_text="整改措施")
    before = serializers.ListField(child=serializers.FileField(), required=False, default=list, help_text="整改前照片")
    after = serializers.ListField(child=serializers.FileField(), required=False, default=list, help_text="整改后照片")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, help_text="佐证材料")
    version = serializers.IntegerField(required=False, min_value=1)


class ProblemReasonRequest(serializers.Serializer):
    reason = serializers.CharField(help_text="理由（必填）")
    version = serializers.IntegerField(required=False, min_value=1)


class ProblemReopenRequest(ProblemReasonRequest):
    deadline = serializers.DateField(required=False, allow_null=True, help_text="新的整改期限（可选）")


class ProblemCloseRequest(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="核查意见")
    version = serializers.IntegerField(required=False, min_value=1)


class ProblemUrgeRequest(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=UrgeLevel.choices,
        required=False,
        default=UrgeLevel.URGE,
        help_text="提示/催办；督办单、问题通报（组长）",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


FILTER_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=ProblemStatus.values, description=STATUS_HELP),
    OpenApiParameter("warning", OpenApiTypes.STR, enum=Warning.values, description=WARNING_HELP),
    OpenApiParameter("group", OpenApiTypes.INT, description="纪检监察组 id"),
    OpenApiParameter("responsible_org", OpenApiTypes.INT, description="责任单位 id（含其下级单位）"),
    OpenApiParameter("category", OpenApiTypes.INT, description="问题类别 id"),
    OpenApiParameter("severity", OpenApiTypes.INT, description="严重程度 id"),
    OpenApiParameter("source", OpenApiTypes.STR, enum=SourceKind.values, description="来源"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="登记日期起"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="登记日期止"),
    OpenApiParameter("q", OpenApiTypes.STR, description="编号、问题描述或点位名称中的关键词"),
    OpenApiParameter("repeat", OpenApiTypes.BOOL, description="仅屡查屡犯"),
]
ERRORS = {
    400: OpenApiResponse(description="不允许的状态变更或内容有误：{code, message}"),
    403: OpenApiResponse(description="无权执行：{code, message}"),
    404: OpenApiResponse(description="不存在或无权查看"),
    409: OpenApiResponse(description="版本冲突：该记录已被他人修改"),
}
MULTIPART = {"multipart/form-data": ProblemRectificationRequest, "application/json": ProblemRectificationRequest}


def _valid(serializer_class, data, partial=False) -> dict:
    s = serializer_class(data=data, partial=partial)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _ref(user, model, pk, field, label, **extra):
    if pk is None:
        return None
    obj = visible_to(user, model).filter(pk=pk, **extra).first()
    if obj is None:
        raise ValidationFailed(f"{label}不存在或无权选择。", fields={field: [f"无效的 id：{pk}"]})
    return obj


@extend_schema_view(
    list=extend_schema(summary="问题列表", parameters=FILTER_PARAMETERS),
    retrieve=extend_schema(summary="问题详情"),
    create=extend_schema(
        summary="登记问题", request=ProblemWriteSerializer, responses={201: ProblemSerializer, **ERRORS}
    ),
    update=extend_schema(
        summary="修改问题（须带 version）", request=ProblemWriteSerializer, responses={200: ProblemSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="部分修改问题（须带 version）",
        request=ProblemWriteSerializer,
        responses={200: ProblemSerializer, **ERRORS},
    ),
)
class ProblemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """问题整改：登记、整改（联络员开始整改、提交核查）、核查（退回重改、销号、重新整改）、催办。没有删除。"""

    serializer_class = ProblemSerializer
    queryset = Problem.objects.none()  # for the schema; records always come from get_queryset
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        filters = selectors.parse_filters(user, self.request.query_params if self.action == "list" else {})
        return selectors.apply_filters(user, filters)

    def get_object(self):
        return access(self.request.user, Problem, self.kwargs["pk"], qs=self.get_queryset())

    def _out(self, problem: Problem, status_code=status.HTTP_200_OK) -> Response:
        problem = selectors.problems_for(self.request.user).get(pk=problem.pk)
        selectors.with_warnings([problem])
        return Response(ProblemSerializer(problem, context=self.get_serializer_context()).data, status=status_code)

    def list(self, request, *args, **kwargs):
        page = selectors.with_warnings(self.paginate_queryset(self.get_queryset()))
        user = request.user
        visible = {
            Activity: visible_ids(user, Activity, [p.source_activity_id for p in page]),
            Document: visible_ids(user, Document, [p.source_document_id for p in page]),
            Problem: visible_ids(user, Problem, [p.repeat_of_id for p in page]),
        }
        context = {**self.get_serializer_context(), "visible": visible}
        return self.get_paginated_response(ProblemSerializer(page, many=True, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        problem = self.get_object()
        selectors.with_warnings([problem])
        return Response(self.get_serializer(problem).data)

    def _refs(self, d: dict) -> dict:
        user = self.request.user
        out = {}
        for name, model, label in (
            ("category", Category, "问题类别"),
            ("severity", Severity, "严重程度"),
            ("responsible_org", Org, "责任单位"),
            ("site", Site, "点位"),
            ("found_org", Org, "发现单位"),
        ):
            if name in d:
                out[name] = _ref(user, model, d[name], name, label)
        return out

    def create(self, request, *args, **kwargs):
        from jiandu.activities.models import Activity
        from jiandu.documents.models import Document

        d = _valid(ProblemWriteSerializer, request.data)
        group_id = d.get("group")
        if group_id is None:
            own = principal(request.user).org_ids(*GROUP_ROLES)
            if len(own) != 1:
                raise ValidationFailed("请指定纪检监察组（group）。", fields={"group": ["该字段是必填项。"]})
            group_id = next(iter(own))
        group = access(request.user, Org, group_id)
        problem = services.problem_create(
            actor=request.user,
            group=group,
            description=d["description"],
            root_cause=d.get("root_cause", ""),
            internal_note=d.get("internal_note", ""),
            registered_on=d.get("registered_on"),
            deadline=d.get("deadline"),
            deadline_mode=d.get("deadline_mode", DeadlineMode.DATE),
            deadline_days=d.get("deadline_days"),
            source_kind=d.get("source_kind", SourceKind.DIRECT),
            source_activity=_ref(request.user, Activity, d.get("source_activity"), "source_activity", "来源活动"),
            source_document=_ref(request.user, Document, d.get("source_document"), "source_document", "来源文书"),
            source_type=d.get("source_type", ""),
            source_id=d.get("source_id"),
            **self._refs(d),
        )
        return self._out(problem, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        problem = access(request.user, Problem, kwargs["pk"], action="change")
        s = ProblemWriteSerializer(data=request.data, partial=partial)
        s.is_valid(raise_exception=True)
        d = {k: v for k, v in s.validated_data.items() if k in request.data}
        if "version" not in d:
            raise ValidationFailed("修改问题须提供读取时的版本号 version。", fields={"version": ["该字段是必填项。"]})
        changes = {k: d[k] for k in [*services.EDITABLE_FIELDS, "internal_note"] if k in d}
        changes.update(self._refs(d))
        problem = services.problem_update(
            actor=request.user,
            problem=problem,
            expected_version=d["version"],
            action=d.get("action", ""),
            action_note=d.get("action_note", ""),
            **changes,
        )
        return self._out(problem)

    def _rectification(self, request, pk, name):
        d = _valid(ProblemRectificationRequest, request.data)
        problem = access(request.user, Problem, pk, action=name, qs=Problem.objects.select_related("responsible_org"))
        service = services.problem_start if name == "start" else services.problem_submit
        problem = service(
            actor=request.user,
            problem=problem,
            note=d.get("note", ""),
            measures=d.get("measures", ""),
            before=d.get("before"),
            after=d.get("after"),
            files=d.get("files"),
            expected_version=d.get("version"),
        )
        return self._out(problem)

    @extend_schema(
        summary="开始整改（责任单位联络员）", request=MULTIPART, responses={200: ProblemSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._rectification(request, pk, "start")

    @extend_schema(
        summary="提交核查（责任单位联络员）：整改情况或措施必填",
        request=MULTIPART,
        responses={200: ProblemSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._rectification(request, pk, "submit")

    @extend_schema(
        summary="退回重改（本组）：须填理由", request=ProblemReasonRequest, responses={200: ProblemSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        d = _valid(ProblemReasonRequest, request.data)
        problem = access(request.user, Problem, pk, action="return")
        problem = services.problem_return(
            actor=request.user, problem=problem, reason=d["reason"], expected_version=d.get("version")
        )
        return self._out(problem)

    @extend_schema(
        summary="销号（本组组长）", request=ProblemCloseRequest, responses={200: ProblemSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        d = _valid(ProblemCloseRequest, request.data)
        problem = access(request.user, Problem, pk, action="close")
        problem = services.problem_close(
            actor=request.user, problem=problem, note=d.get("note", ""), expected_version=d.get("version")
        )
        return self._out(problem)

    @extend_schema(
        summary="重新整改（本组组长）：须填理由",
        request=ProblemReopenRequest,
        responses={200: ProblemSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        d = _valid(ProblemReopenRequest, request.data)
        problem = access(request.user, Problem, pk, action="reopen")
        problem = services.problem_reopen(
            actor=request.user,
            problem=problem,
            reason=d["reason"],
            deadline=d.get("deadline"),
            expected_version=d.get("version"),
        )
        return self._out(problem)

    @extend_schema(
        summary="催办（本组）：提示、催办；督办单、问题通报由组长下发并起草文书草稿",
        request=ProblemUrgeRequest,
        responses={200: ProblemSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def urge(self, request, pk=None):
        d = _valid(ProblemUrgeRequest, request.data)
        problem = access(request.user, Problem, pk, action="urge")
        urging.problem_urge(actor=request.user, problem=problem, level=d["level"], note=d.get("note", ""))
        return self._out(problem)


def register(router) -> None:
    """Add this module's endpoints to the /api/v1/ router."""
    router.register("problems", ProblemViewSet, basename="problem")
