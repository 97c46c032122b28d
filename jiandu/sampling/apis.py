"""REST endpoints /api/v1/sampling-plans/ (with draw, publish and proof), /api/v1/checks/ and /api/v1/stock/
(DESIGN §12). Same rules as the pages: records come from visible_to (a record one may not see is 404), writes go
through the services (errors as {"code", "message"})."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jiandu.core.access import access, principal, require, visible_to
from jiandu.core.errors import ValidationFailed
from jiandu.organizations.enums import GROUP_ROLES, SiteType
from jiandu.organizations.models import Org, Site, User

from . import check_services, selectors, services
from .check_services import ItemAnswer, StockCount
from .enums import ItemResult, PlanStatus, Resource, Stratify
from .models import Assignment, Check, CheckItemResult, CheckTemplateItem, SamplingPlan, Stock


def register(router) -> None:
    """Add this module's endpoints to the /api/v1/ router."""
    router.register("sampling-plans", SamplingPlanViewSet, basename="sampling-plan")
    router.register("checks", CheckViewSet, basename="check")
    router.register("stock", StockViewSet, basename="stock")


# --- Plans ---


class DrawSummarySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    seed = serializers.CharField()
    population_hash = serializers.CharField()
    population_size = serializers.IntegerField()
    sample_size = serializers.IntegerField()
    algorithm = serializers.CharField()
    algorithm_version = serializers.CharField()
    drawn_at = serializers.DateTimeField()
    reason = serializers.CharField()


class SamplingPlanSerializer(serializers.ModelSerializer):
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)
    status = serializers.ChoiceField(
        choices=PlanStatus.choices, read_only=True, help_text="draft/drawn/published/closed"
    )
    orgs = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    current_draw = serializers.SerializerMethodField()

    class Meta:
        model = SamplingPlan
        fields = [
            "id",
            "group",
            "group_name",
            "title",
            "campaign",
            "description",
            "site_types",
            "orgs",
            "exclude_days",
            "stratify",
            "sample_size",
            "sample_proportion",
            "strata_overrides",
            "inspectors",
            "inspectors_per_site",
            "status",
            "published_at",
            "current_draw",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema(responses=DrawSummarySerializer)
    def get_current_draw(self, obj) -> dict | None:
        draw = next((d for d in obj.draws.all() if d.superseded_at is None), None)
        if draw is None:
            return None
        return DrawSummarySerializer(
            {
                **{f: getattr(draw, f) for f in DrawSummarySerializer().fields if f != "sample_size"},
                "sample_size": draw.sample_size,
            }
        ).data


class PlanWriteSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.all(), required=False, allow_null=True, help_text="纪检监察组 id；null 为全省（管理室）"
    )
    title = serializers.CharField(max_length=120)
    campaign = serializers.IntegerField(required=False, allow_null=True, help_text="专项监督 id")
    description = serializers.CharField(required=False, allow_blank=True)
    # Plain strings (checked by the service): an enum here would name SiteType's choice set a second time.
    site_types = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="点位类型代码，如 community、tent_site、market；不填为全部类型",
    )
    orgs = serializers.PrimaryKeyRelatedField(many=True, queryset=Org.objects.all(), required=False)
    exclude_days = serializers.IntegerField(required=False, min_value=0)
    stratify = serializers.ChoiceField(choices=Stratify.choices, required=False)
    sample_size = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    sample_proportion = serializers.DecimalField(max_digits=5, decimal_places=4, required=False, allow_null=True)
    strata_overrides = serializers.DictField(
        required=False, help_text='{"分层键": {"size": 5} 或 {"proportion": "0.2"}}'
    )
    inspectors = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False)
    inspectors_per_site = serializers.IntegerField(required=False, min_value=1, max_value=10)
    version = serializers.IntegerField(required=False, min_value=1, help_text="修改时必填：读取时的版本号")


PLAN_KEYS = [
    "title",
    "description",
    "site_types",
    "orgs",
    "exclude_days",
    "stratify",
    "sample_size",
    "sample_proportion",
    "strata_overrides",
    "inspectors",
    "inspectors_per_site",
]


class DrawRequestSerializer(serializers.Serializer):
    seed = serializers.CharField(required=False, allow_blank=True, help_text="随机种子；留空由系统生成（32位十六进制）")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="重新抽取时必填")
    version = serializers.IntegerField(required=False, min_value=1)


class StratumProofSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    size = serializers.IntegerField(allow_null=True)
    proportion = serializers.CharField(allow_null=True)
    n = serializers.IntegerField(help_text="抽取数量")
    population = serializers.ListField(child=serializers.CharField(), help_text="该层总体点位编码（已排序）")
    sample = serializers.ListField(child=serializers.CharField(), help_text="抽中的点位编码（按排序值）")


class ProofSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    draw = serializers.IntegerField(help_text="第几次抽取")
    seed = serializers.CharField()
    algorithm = serializers.CharField()
    algorithm_version = serializers.CharField()
    population_hash = serializers.CharField(help_text="SHA-256(排序后的点位编码以换行连接)")
    population_size = serializers.IntegerField()
    strata = StratumProofSerializer(many=True)
    inspector_pool = serializers.ListField(child=serializers.DictField(), help_text="[{username, org_path}]")
    site_org_paths = serializers.DictField(child=serializers.CharField())
    inspectors_per_site = serializers.IntegerField()
    assignments = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    drawn_at = serializers.DateTimeField()
    reason = serializers.CharField()
    superseded_draws = serializers.ListField(child=serializers.DictField())


def _proof(plan: SamplingPlan) -> dict:
    draw = plan.current_draw
    if draw is None:
        raise ValidationFailed("该计划尚未抽取。", code="not_drawn")
    return {
        "plan": plan.pk,
        "draw": draw.number,
        "seed": draw.seed,
        "algorithm": draw.algorithm,
        "algorithm_version": draw.algorithm_version,
        "population_hash": draw.population_hash,
        "population_size": draw.population_size,
        "strata": [{**s, "sample": draw.sample.get(s["key"], [])} for s in draw.strata],
        "inspector_pool": draw.inspector_pool,
        "site_org_paths": draw.site_org_paths,
        "inspectors_per_site": plan.inspectors_per_site,
        "assignments": draw.assignments,
        "drawn_at": draw.drawn_at,
        "reason": draw.reason,
        "superseded_draws": [
            {
                "number": d.number,
                "seed": d.seed,
                "population_hash": d.population_hash,
                "reason": d.reason,
                "superseded_at": d.superseded_at,
            }
            for d in plan.draws.filter(superseded_at__isnull=False).order_by("number")
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="双随机抽查计划列表",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=PlanStatus.values, description="状态"),
            OpenApiParameter("q", OpenApiTypes.STR, description="计划名称关键词"),
        ],
    ),
    retrieve=extend_schema(summary="抽查计划详情"),
    create=extend_schema(summary="新建抽查计划（草稿）", request=PlanWriteSerializer, responses=SamplingPlanSerializer),
    partial_update=extend_schema(
        summary="修改抽查计划（草稿，须带 version）", request=PlanWriteSerializer, responses=SamplingPlanSerializer
    ),
)
class SamplingPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """双随机抽查计划：总体、分层、检查人员库；抽取（draw）、公开（publish）与核验数据（proof）。"""

    serializer_class = SamplingPlanSerializer
    queryset = SamplingPlan.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        p = self.request.query_params
        return selectors.plans_for(self.request.user, q=p.get("q", ""), status=p.get("status", "")).prefetch_related(
            "orgs", "inspectors", "draws"
        )

    def get_object(self, action_name="view"):
        return access(self.request.user, SamplingPlan, self.kwargs["pk"], action=action_name, qs=self.get_queryset())

    def _read(self, pk):
        return SamplingPlanSerializer(self.get_queryset().get(pk=pk)).data

    def _campaign(self, d):
        from jiandu.activities.models import Campaign

        if d.get("campaign") is None:
            return None
        campaign = visible_to(self.request.user, Campaign).filter(pk=d["campaign"]).first()
        if campaign is None:
            raise ValidationFailed("专项监督不存在或无权选择。", fields={"campaign": ["不存在或无权选择。"]})
        return campaign

    def create(self, request, *args, **kwargs):
        s = PlanWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        group = d.get("group")
        if group is None and not principal(request.user).has("office_staff"):
            mine = principal(request.user).org_ids(*GROUP_ROLES)
            group = Org.objects.filter(pk__in=mine).first() if len(mine) == 1 else None
        plan = services.plan_create(
            actor=request.user, group=group, campaign=self._campaign(d), **{k: d[k] for k in PLAN_KEYS if k in d}
        )
        return Response(self._read(plan.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object("change")
        s = PlanWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if "version" not in d:
            raise ValidationFailed("修改计划须提供读取时的版本号 version。", fields={"version": ["该字段是必填项。"]})
        values = {k: d[k] for k in PLAN_KEYS if k in d}
        if "campaign" in d:
            values["campaign"] = self._campaign(d)
        services.plan_update(actor=request.user, plan=plan, expected_version=d["version"], **values)
        return Response(self._read(plan.pk))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="抽取（或带原因重新抽取）", request=DrawRequestSerializer, responses=ProofSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        plan = self.get_object("draw")
        s = DrawRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        services.plan_draw(
            actor=request.user,
            plan=plan,
            seed=d.get("seed", ""),
            reason=d.get("reason", ""),
            expected_version=d.get("version"),
        )
        return Response(
            ProofSerializer(_proof(SamplingPlan.objects.get(pk=plan.pk))).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(summary="公开抽取结果", request=None, responses=SamplingPlanSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        plan = self.get_object("publish")
        services.plan_publish(actor=request.user, plan=plan, expected_version=request.data.get("version"))
        return Response(self._read(plan.pk))

    @extend_schema(summary="抽取核验数据：种子、总体哈希、算法、分层与抽取结果", responses=ProofSerializer)
    @action(detail=True, methods=["get"])
    def proof(self, request, pk=None):
        return Response(ProofSerializer(_proof(self.get_object())).data)


# --- Checks ---


class CheckItemResultSerializer(serializers.ModelSerializer):
    result = serializers.ChoiceField(choices=ItemResult.choices, help_text="pass/fail/na")
    problem_number = serializers.CharField(source="problem.number", default=None, read_only=True)

    class Meta:
        model = CheckItemResult
        fields = ["id", "item", "text", "result", "note", "problem", "problem_number"]
        read_only_fields = fields


class StockSerializer(serializers.ModelSerializer):
    resource = serializers.ChoiceField(choices=Resource.choices, read_only=True)

    class Meta:
        model = Stock
        fields = [
            "id",
            "site",
            "check_record",
            "group",
            "counted_on",
            "resource",
            "total",
            "damaged",
            "replenished",
            "reinforced",
        ]
        read_only_fields = fields


class CheckSerializer(serializers.ModelSerializer):
    site_code = serializers.CharField(source="site.code", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    responsible_org = serializers.IntegerField(source="site.responsible_org_id", read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    results = CheckItemResultSerializer(many=True, read_only=True)
    stock = StockSerializer(many=True, read_only=True)

    class Meta:
        model = Check
        fields = [
            "id",
            "site",
            "site_code",
            "site_name",
            "responsible_org",
            "plan",
            "assignment",
            "group",
            "inspectors",
            "checked_at",
            "note",
            "results",
            "stock",
            "version",
        ]
        read_only_fields = fields


class AnswerInSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="检查项 id")
    result = serializers.ChoiceField(choices=ItemResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class StockInSerializer(serializers.Serializer):
    resource = serializers.ChoiceField(choices=Resource.choices)
    total = serializers.IntegerField()
    damaged = serializers.IntegerField(required=False, default=0)
    replenished = serializers.IntegerField(required=False, default=0)
    reinforced = serializers.IntegerField(required=False, default=0)


class CheckWriteSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(required=False, allow_null=True, help_text="检查任务 id（抽中的点位）")
    site = serializers.IntegerField(required=False, allow_null=True, help_text="不属于计划的检查：点位 id")
    group = serializers.IntegerField(required=False, allow_null=True, help_text="不属于计划的检查：纪检监察组 id")
    checked_at = serializers.DateTimeField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    results = AnswerInSerializer(many=True)
    stock = StockInSerializer(many=True, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="检查结果列表",
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT, description="抽查计划 id"),
            OpenApiParameter("site_type", OpenApiTypes.STR, enum=SiteType.values, description="点位类型"),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
    ),
    retrieve=extend_schema(summary="检查结果详情"),
    create=extend_schema(summary="记录检查结果", request=CheckWriteSerializer, responses=CheckSerializer),
)
class CheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """检查结果：逐项合格/不合格/不适用，物资状况。联络员无权查看（通过问题整改模块看到由此产生的问题）。"""

    serializer_class = CheckSerializer
    queryset = Check.objects.none()

    def get_queryset(self):
        from .views import _date

        p = self.request.query_params
        plan = None
        if p.get("plan"):
            plan = (
                visible_to(self.request.user, SamplingPlan).filter(pk=p["plan"]).first()
                if p["plan"].isdigit()
                else None
            )
            if plan is None:
                return Check.objects.none()
        return selectors.checks_for(
            self.request.user,
            plan=plan,
            site_type=p.get("site_type", ""),
            date_from=_date(p.get("date_from")),
            date_to=_date(p.get("date_to")),
        ).prefetch_related("results__problem", "stock", "inspectors")

    def get_object(self):
        return access(self.request.user, Check, self.kwargs["pk"], qs=self.get_queryset())

    def create(self, request, *args, **kwargs):
        s = CheckWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        assignment = site = group = None
        if d.get("assignment"):
            assignment = access(request.user, Assignment, d["assignment"], action="record")
        elif d.get("site"):
            site = access(request.user, Site, d["site"])
            if d.get("group"):
                group = Org.objects.filter(pk=d["group"]).first()
        else:
            raise ValidationFailed("请提供检查任务 assignment 或点位 site。", fields={"assignment": ["必填。"]})
        items = {i.pk: i for i in CheckTemplateItem.objects.filter(pk__in=[a["item"] for a in d["results"]])}
        unknown = [a["item"] for a in d["results"] if a["item"] not in items]
        if unknown:
            raise ValidationFailed(f"检查项不存在：{unknown}。", fields={"results": ["检查项不存在。"]})
        answers = [ItemAnswer(item=items[a["item"]], result=a["result"], note=a.get("note", "")) for a in d["results"]]
        stock = [StockCount(**x) for x in d.get("stock", [])]
        kwargs = {"checked_at": d["checked_at"]} if d.get("checked_at") else {}
        check = check_services.check_record(
            actor=request.user,
            assignment=assignment,
            site=site,
            group=group,
            answers=answers,
            stock=stock,
            note=d.get("note", ""),
            **kwargs,
        )
        return Response(CheckSerializer(self.get_queryset().get(pk=check.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="物资状况列表",
        parameters=[
            OpenApiParameter("resource", OpenApiTypes.STR, enum=Resource.values, description="物资"),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
    ),
    retrieve=extend_schema(summary="物资状况详情"),
)
class StockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """物资状况（总数、损坏、补充、加固），随检查结果一并记录。"""

    serializer_class = StockSerializer
    queryset = Stock.objects.none()

    def get_queryset(self):
        from .views import _date

        p = self.request.query_params
        return selectors.stock_for(
            self.request.user,
            resource=p.get("resource", ""),
            date_from=_date(p.get("date_from")),
            date_to=_date(p.get("date_to")),
        )

    def get_object(self):
        require(self.request.user, "view", Stock)
        return access(self.request.user, Stock, self.kwargs["pk"], qs=self.get_queryset())
