"""REST endpoints of the hotline module (DESIGN §12): /api/v1/hotlines/, /api/v1/hotline-cases/,
/api/v1/test-calls/. Same rules as the pages: records from visible_to (invisible → 404), writes and workflow
actions through services (errors as {"code", "message"}). The caller's name and phone are ALWAYS masked here;
test calls are confidential (a liaison gets an empty list and 404)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jiandu.activities.models import Topic
from jiandu.core.access import access, visible_to
from jiandu.core.deadlines import Warning
from jiandu.core.errors import ValidationFailed
from jiandu.organizations.models import Org, Site

from . import selectors, services
from .enums import CaseStatus, TestCallStatus
from .masking import mask_name, mask_phone
from .models import Hotline, HotlineCase, TestCall

ERRORS = {
    400: OpenApiResponse(description="不允许的状态变更或内容有误：{code, message}"),
    403: OpenApiResponse(description="无权执行：{code, message}"),
    404: OpenApiResponse(description="不存在或无权查看"),
}


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _get(user, model, pk, field):
    if pk is None:
        return None
    obj = visible_to(user, model).filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed("引用的记录不存在或无权选择。", fields={field: [f"无效的 id：{pk}"]})
    return obj


# --- Hotlines ---


class HotlineSerializer(serializers.ModelSerializer):
    operating_org_name = serializers.CharField(source="operating_org.name", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)

    class Meta:
        model = Hotline
        fields = [
            "id",
            "name",
            "number",
            "operating_org",
            "operating_org_name",
            "group",
            "group_name",
            "hours",
            "topic",
            "site",
            "is_active",
            "version",
        ]
        read_only_fields = fields


class HotlineWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    number = serializers.CharField(max_length=30)
    operating_org = serializers.IntegerField(help_text="运营单位 id（驻在部门或下属单位）")
    group = serializers.IntegerField(required=False, allow_null=True, help_text="监督的纪检监察组 id；省略则按监督关系")
    hours = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    topic = serializers.IntegerField(required=False, allow_null=True)
    site = serializers.IntegerField(required=False, allow_null=True, help_text="热线点位 id")
    is_active = serializers.BooleanField(required=False, default=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text="修改时：读取时的版本号")


@extend_schema_view(
    list=extend_schema(summary="服务热线列表"),
    retrieve=extend_schema(summary="服务热线详情"),
    create=extend_schema(summary="登记服务热线", request=HotlineWriteSerializer, responses={201: HotlineSerializer}),
    partial_update=extend_schema(summary="修改服务热线", request=HotlineWriteSerializer),
)
class HotlineViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """服务热线登记（12316、备春耕服务热线、12345 等）。"""

    serializer_class = HotlineSerializer
    queryset = Hotline.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.hotlines_for(self.request.user).order_by("pk")

    def get_object(self):
        return access(self.request.user, Hotline, self.kwargs["pk"], qs=self.get_queryset())

    def _refs(self, d, partial_of=None):
        user = self.request.user
        out = {}
        for key, model in (("operating_org", Org), ("group", Org), ("topic", Topic), ("site", Site)):
            if key in d:
                out[key] = (
                    _get(user, model, d[key], key) if model is not Topic else Topic.objects.filter(pk=d[key]).first()
                )
        return out

    def create(self, request, *args, **kwargs):
        d = _valid(HotlineWriteSerializer, request.data)
        refs = self._refs(d)
        hotline = services.hotline_create(
            actor=request.user,
            name=d["name"],
            number=d["number"],
            operating_org=refs["operating_org"],
            group=refs.get("group"),
            hours=d.get("hours", ""),
            topic=refs.get("topic"),
            site=refs.get("site"),
            is_active=d.get("is_active", True),
        )
        return Response(HotlineSerializer(hotline).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        hotline = access(request.user, Hotline, kwargs["pk"], action="change")
        s = HotlineWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        changes = {k: d[k] for k in ("name", "number", "hours", "is_active") if k in d}
        changes.update(self._refs(d))
        hotline = services.hotline_update(
            actor=request.user, hotline=hotline, expected_version=d.get("version"), **changes
        )
        return Response(HotlineSerializer(hotline).data)


# --- Cases ---


class HotlineCaseSerializer(serializers.ModelSerializer):
    hotline_name = serializers.CharField(source="hotline.name", read_only=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True, help_text="工单状态")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    warning = serializers.SerializerMethodField(help_text="答复预警：green/yellow/red/none/closed_late")
    caller_name = serializers.SerializerMethodField(help_text="来电人（脱敏，如 张**）")
    caller_phone = serializers.SerializerMethodField(help_text="来电号码（脱敏，如 138****5678）")
    routed_org_name = serializers.CharField(source="routed_org.name", read_only=True, allow_null=True)
    problem_number = serializers.CharField(source="problem.number", read_only=True, allow_null=True)
    confidential = serializers.SerializerMethodField(help_text="工单不涉密（恒为 false）；来电人信息始终脱敏")

    class Meta:
        model = HotlineCase
        fields = [
            "id",
            "number",
            "hotline",
            "hotline_name",
            "group",
            "received_at",
            "caller_name",
            "caller_phone",
            "issue",
            "category",
            "routed_org",
            "routed_org_name",
            "answer_due_on",
            "status",
            "status_display",
            "warning",
            "answer",
            "answered_at",
            "called_back_at",
            "satisfaction",
            "substantiated",
            "closed_at",
            "problem",
            "problem_number",
            "confidential",
            "version",
        ]
        read_only_fields = fields

    def get_warning(self, obj) -> str:
        return selectors.case_warning(obj)

    def get_caller_name(self, obj) -> str:
        return mask_name(obj.caller_name)

    def get_caller_phone(self, obj) -> str:
        return mask_phone(obj.caller_phone)

    def get_confidential(self, obj) -> bool:
        return False


class CaseCreateRequest(serializers.Serializer):
    hotline = serializers.IntegerField(help_text="热线 id")
    received_at = serializers.DateTimeField(help_text="来电时间")
    issue = serializers.CharField(help_text="反映问题")
    caller_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    caller_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    category = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="留空自动编号"
    )
    group = serializers.IntegerField(required=False, allow_null=True, help_text="纪检监察组 id；省略则为热线的监督组")


class CaseAssignRequest(serializers.Serializer):
    routed_org = serializers.IntegerField(help_text="承办单位 id")
    answer_due_on = serializers.DateField(help_text="答复期限")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class CaseAnswerRequest(serializers.Serializer):
    answer = serializers.CharField(help_text="答复内容")
    version = serializers.IntegerField(required=False, min_value=1)


class CaseCallbackRequest(serializers.Serializer):
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, help_text="满意度 1–5")
    substantiated = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="反映是否属实")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class CaseCloseRequest(serializers.Serializer):
    substantiated = serializers.BooleanField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class HotlineProblemCreatedSerializer(serializers.Serializer):
    problem = serializers.IntegerField(help_text="新问题 id")
    number = serializers.CharField(help_text="问题编号")


CASE_FILTERS = [
    OpenApiParameter("hotline", OpenApiTypes.INT, description="热线 id"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values, description="状态"),
    OpenApiParameter("warning", OpenApiTypes.STR, enum=Warning.values, description="预警颜色"),
    OpenApiParameter("org", OpenApiTypes.INT, description="承办单位 id（含下级）"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="来电日期起"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="来电日期止"),
    OpenApiParameter("q", OpenApiTypes.STR, description="工单号、反映问题或类别中的关键词"),
]


@extend_schema_view(
    list=extend_schema(summary="热线工单列表（来电人脱敏）", parameters=CASE_FILTERS),
    retrieve=extend_schema(summary="热线工单详情（来电人脱敏）"),
    create=extend_schema(summary="受理登记工单", request=CaseCreateRequest, responses={201: HotlineCaseSerializer}),
)
class HotlineCaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """热线工单：受理 → 交办 → 已答复 → 已回访 → 办结。"""

    serializer_class = HotlineCaseSerializer
    queryset = HotlineCase.objects.none()

    def get_queryset(self):
        user = self.request.user
        params = self.request.query_params if self.action == "list" else {}
        return selectors.apply_case_filters(user, selectors.parse_case_filters(user, params))

    def get_object(self):
        return access(self.request.user, HotlineCase, self.kwargs["pk"], qs=selectors.cases_for(self.request.user))

    def _out(self, case, code=status.HTTP_200_OK):
        case = selectors.cases_for(self.request.user).get(pk=case.pk)
        return Response(HotlineCaseSerializer(case).data, status=code)

    def create(self, request, *args, **kwargs):
        d = _valid(CaseCreateRequest, request.data)
        hotline = _get(request.user, Hotline, d["hotline"], "hotline")
        group = _get(request.user, Org, d.get("group"), "group")
        case = services.case_create(
            actor=request.user,
            hotline=hotline,
            group=group,
            received_at=d["received_at"],
            issue=d["issue"],
            caller_name=d["caller_name"],
            caller_phone=d["caller_phone"],
            category=d["category"],
            number=d["number"],
        )
        return self._out(case, status.HTTP_201_CREATED)

    @extend_schema(
        summary="交办（本组或管理室）", request=CaseAssignRequest, responses={200: HotlineCaseSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        d = _valid(CaseAssignRequest, request.data)
        case = access(request.user, HotlineCase, pk, action="assign")
        org = _get(request.user, Org, d["routed_org"], "routed_org")
        case = services.case_assign(
            actor=request.user,
            case=case,
            routed_org=org,
            answer_due_on=d["answer_due_on"],
            note=d["note"],
            expected_version=d.get("version"),
        )
        return self._out(case)

    @extend_schema(
        summary="答复（承办单位联络员）", request=CaseAnswerRequest, responses={200: HotlineCaseSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        d = _valid(CaseAnswerRequest, request.data)
        case = access(request.user, HotlineCase, pk, action="answer")
        case = services.case_answer(
            actor=request.user, case=case, answer=d["answer"], expected_version=d.get("version")
        )
        return self._out(case)

    @extend_schema(
        summary="回访（本组）", request=CaseCallbackRequest, responses={200: HotlineCaseSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def callback(self, request, pk=None):
        d = _valid(CaseCallbackRequest, request.data)
        case = access(request.user, HotlineCase, pk, action="callback")
        case = services.case_callback(
            actor=request.user,
            case=case,
            satisfaction=d["satisfaction"],
            substantiated=d["substantiated"],
            note=d["note"],
            expected_version=d.get("version"),
        )
        return self._out(case)

    @extend_schema(summary="办结（本组）", request=CaseCloseRequest, responses={200: HotlineCaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        d = _valid(CaseCloseRequest, request.data)
        case = access(request.user, HotlineCase, pk, action="close")
        case = services.case_close(
            actor=request.user,
            case=case,
            substantiated=d["substantiated"],
            note=d["note"],
            expected_version=d.get("version"),
        )
        return self._out(case)

    @extend_schema(
        summary="反映属实的工单转为问题（本组）",
        request=None,
        responses={201: HotlineProblemCreatedSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="to-problem")
    def to_problem(self, request, pk=None):
        case = access(request.user, HotlineCase, pk, action="to_problem")
        problem = services.case_to_problem(actor=request.user, case=case)
        return Response({"problem": problem.pk, "number": problem.number}, status=status.HTTP_201_CREATED)


# --- Test calls (confidential) ---


class TestCallSerializer(serializers.ModelSerializer):
    hotline_name = serializers.CharField(source="hotline.name", read_only=True)
    status = serializers.ChoiceField(
        choices=TestCallStatus.choices, read_only=True, help_text="planned 计划 / done 已完成"
    )
    failed = serializers.BooleanField(read_only=True, help_text="不合格：未接通、等待超时、答复不准确或评分≤2")
    failure_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    confidential = serializers.SerializerMethodField(help_text="暗访测试涉密：联络员不可见（恒为 true）")
    problem_number = serializers.CharField(source="problem.number", read_only=True, allow_null=True)

    class Meta:
        model = TestCall
        fields = [
            "id",
            "hotline",
            "hotline_name",
            "group",
            "planned_at",
            "called_at",
            "caller",
            "connected",
            "wait_seconds",
            "answer_correct",
            "quality_score",
            "question",
            "note",
            "status",
            "failed",
            "failure_reasons",
            "problem",
            "problem_number",
            "confidential",
            "version",
        ]
        read_only_fields = fields

    def get_confidential(self, obj) -> bool:
        return True


class TestCallCreateRequest(serializers.Serializer):
    hotline = serializers.IntegerField(help_text="热线 id")
    planned_at = serializers.DateTimeField(help_text="计划时间（登记结果时即拨打时间）")
    group = serializers.IntegerField(required=False, allow_null=True, help_text="纪检监察组 id；省略则为本人所在组")
    question = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    connected = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="给出则同时登记结果；省略只做计划"
    )
    wait_seconds = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3600)
    answer_correct = serializers.BooleanField(required=False, allow_null=True, default=None)
    quality_score = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)


class TestCallRecordRequest(serializers.Serializer):
    called_at = serializers.DateTimeField()
    connected = serializers.BooleanField()
    wait_seconds = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3600)
    answer_correct = serializers.BooleanField(required=False, allow_null=True, default=None)
    quality_score = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


CALL_FILTERS = [
    OpenApiParameter("hotline", OpenApiTypes.INT, description="热线 id"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=TestCallStatus.values, description="状态"),
    OpenApiParameter("result", OpenApiTypes.STR, enum=["failed", "passed"], description="结果"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="计划日期起"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="计划日期止"),
]


@extend_schema_view(
    list=extend_schema(summary="暗访测试列表（涉密）", parameters=CALL_FILTERS),
    retrieve=extend_schema(summary="暗访测试详情（涉密）"),
    create=extend_schema(
        summary="安排（或同时登记）暗访测试", request=TestCallCreateRequest, responses={201: TestCallSerializer}
    ),
)
class TestCallViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """暗访测试：委机关和本组可见；联络员不可见。"""

    serializer_class = TestCallSerializer
    queryset = TestCall.objects.none()

    def get_queryset(self):
        params = self.request.query_params if self.action == "list" else {}
        return selectors.apply_call_filters(self.request.user, selectors.parse_call_filters(params))

    def get_object(self):
        return access(self.request.user, TestCall, self.kwargs["pk"], qs=selectors.calls_for(self.request.user))

    def _out(self, call, code=status.HTTP_200_OK):
        call = selectors.calls_for(self.request.user).get(pk=call.pk)
        return Response(TestCallSerializer(call).data, status=code)

    def create(self, request, *args, **kwargs):
        d = _valid(TestCallCreateRequest, request.data)
        result = None
        if d.get("connected") is not None:
            result = {
                "called_at": d["planned_at"],
                "connected": d["connected"],
                "wait_seconds": d.get("wait_seconds"),
                "answer_correct": d.get("answer_correct"),
                "quality_score": d.get("quality_score"),
                "caller": None,
            }
        call = services.test_call_create(
            actor=request.user,
            hotline=_get(request.user, Hotline, d["hotline"], "hotline"),
            group=_get(request.user, Org, d.get("group"), "group"),
            planned_at=d["planned_at"],
            question=d["question"],
            note=d["note"],
            result=result,
        )
        return self._out(call, status.HTTP_201_CREATED)

    @extend_schema(summary="登记测试结果", request=TestCallRecordRequest, responses={200: TestCallSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        d = _valid(TestCallRecordRequest, request.data)
        call = access(request.user, TestCall, pk, action="record")
        version = d.pop("version", None)
        call = services.test_call_record(actor=request.user, call=call, expected_version=version, **d)
        return self._out(call)

    @extend_schema(
        summary="不合格的测试转为问题（本组）", request=None, responses={201: HotlineProblemCreatedSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="to-problem")
    def to_problem(self, request, pk=None):
        call = access(request.user, TestCall, pk, action="to_problem")
        problem = services.test_call_to_problem(actor=request.user, call=call)
        return Response({"problem": problem.pk, "number": problem.number}, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Add this module's endpoints to the /api/v1/ router."""
    router.register("hotlines", HotlineViewSet, basename="hotline")
    router.register("hotline-cases", HotlineCaseViewSet, basename="hotline-case")
    router.register("test-calls", TestCallViewSet, basename="test-call")
