"""REST endpoints of reported statistics (DESIGN §12): /api/v1/indicators/ (no delete) and /api/v1/data-values/
with the actions approve/ and unlock/. Same rules as the pages: records from visible_to, writes through services,
errors as {"code", "message"}."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jiandu.core.access import access, visible_to
from jiandu.core.errors import ValidationFailed
from jiandu.organizations.models import Org

from . import services
from .enums import Aggregation, ApprovalStatus
from .models import DataSet, DataValue, Indicator

ERRORS = {
    400: OpenApiResponse(description="内容有误、周期已锁定或校验规则不通过：{code, message}"),
    403: OpenApiResponse(description="无权执行：{code, message}"),
    404: OpenApiResponse(description="不存在或无权查看"),
    409: OpenApiResponse(description="版本冲突：该记录已被他人修改"),
}


class IndicatorSerializer(serializers.ModelSerializer):
    aggregation = serializers.ChoiceField(
        choices=Aggregation.choices, help_text="汇总方式：sum 求和，max 最大值，last 最新值"
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "unit",
            "aggregation",
            "decimals",
            "wording",
            "description",
            "is_active",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {
            "code": {"validators": []},
            "version": {"required": False, "help_text": "修改时必填：读取时的版本号"},
        }


class DataValueSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code", read_only=True, help_text="周期编码，如 2022-W16")
    period_name = serializers.CharField(source="period.name", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    group = serializers.IntegerField(source="dataset.group_id", read_only=True, help_text="数据集所属纪检监察组 id")
    locked = serializers.SerializerMethodField(help_text="该周期是否已对该单位审核锁定")

    class Meta:
        model = DataValue
        fields = [
            "id", "dataset", "group", "indicator", "indicator_code", "org", "org_name", "period", "period_name",
            "value", "comment", "entered_by", "entered_at", "locked", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_locked(self, obj) -> bool:
        locks = self.context.get("locks")
        if locks is None:
            lock = services.lock_of(obj.dataset, obj.org, obj.period)
            return bool(lock and lock.status == ApprovalStatus.LOCKED)
        return any(d == obj.dataset_id and p == obj.period_id and obj.org.path.startswith(path) for d, p, path in locks)


class DataValueWriteSerializer(serializers.Serializer):
    dataset = serializers.IntegerField(help_text="数据集 id")
    indicator = serializers.IntegerField(help_text="指标 id")
    org = serializers.IntegerField(help_text="填报单位 id")
    period = serializers.CharField(help_text="周期编码：2022-W16、2022-04、2022-04-27 或 2022-03-11~2022-04-27")
    value = serializers.DecimalField(max_digits=18, decimal_places=4, help_text="数值（不能为负）")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    version = serializers.IntegerField(required=False, min_value=0, help_text="修改时：读取时的版本号")


class DataValueUpdateSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=18, decimal_places=4)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=200)
    version = serializers.IntegerField(required=False, min_value=1, help_text="读取时的版本号")


class ApprovalRequest(serializers.Serializer):
    dataset = serializers.IntegerField(help_text="数据集 id")
    org = serializers.IntegerField(help_text="单位 id（审核锁定该单位及其下级单位的数据）")
    period = serializers.CharField(help_text="周期编码")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="解锁原因（解锁时必填）")


class ApprovalResult(serializers.Serializer):
    dataset = serializers.IntegerField()
    org = serializers.IntegerField()
    period = serializers.CharField()
    status = serializers.CharField(help_text="approved 已审核，locked 已锁定，unlocked 已解锁")


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


@extend_schema_view(
    list=extend_schema(summary="统计指标列表"),
    retrieve=extend_schema(summary="统计指标详情"),
    create=extend_schema(summary="新增统计指标（管理室、组长）", responses={201: IndicatorSerializer, **ERRORS}),
    update=extend_schema(summary="修改统计指标（须带 version）", responses={200: IndicatorSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="部分修改统计指标（须带 version）", responses={200: IndicatorSerializer, **ERRORS}
    ),
)
class IndicatorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """统计指标（编码、名称、计量单位、汇总方式、小数位数）。没有删除：停用请将 is_active 设为 false。"""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.none()

    def get_queryset(self):
        return visible_to(self.request.user, Indicator).order_by("code")

    def get_object(self):
        return access(self.request.user, Indicator, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        d = _valid(IndicatorSerializer, request.data)
        d.pop("version", None)
        indicator = services.indicator_create(actor=request.user, **d)
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        indicator = access(request.user, Indicator, kwargs["pk"], action="change")
        s = IndicatorSerializer(data=request.data, partial=partial)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        version = d.pop("version", None)
        if version is None:
            raise ValidationFailed("修改指标须提供读取时的版本号 version。", fields={"version": ["该字段是必填项。"]})
        indicator = services.indicator_update(actor=request.user, indicator=indicator, expected_version=version, **d)
        return Response(IndicatorSerializer(indicator).data)


FILTERS = [
    OpenApiParameter("dataset", OpenApiTypes.INT, description="数据集 id"),
    OpenApiParameter("indicator", OpenApiTypes.INT, description="指标 id"),
    OpenApiParameter("org", OpenApiTypes.INT, description="单位 id（含下级单位）"),
    OpenApiParameter("period", OpenApiTypes.STR, description="周期编码，如 2022-W16"),
]


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        raise ValidationFailed(f"“{value}”不是有效的 id。") from None


@extend_schema_view(
    list=extend_schema(summary="统计数据列表", parameters=FILTERS),
    retrieve=extend_schema(summary="统计数据详情"),
    create=extend_schema(
        summary="填报一个数值（联络员或本组）",
        request=DataValueWriteSerializer,
        responses={201: DataValueSerializer, **ERRORS},
    ),
    update=extend_schema(
        summary="修改一个数值", request=DataValueUpdateSerializer, responses={200: DataValueSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="修改一个数值", request=DataValueUpdateSerializer, responses={200: DataValueSerializer, **ERRORS}
    ),
)
class DataValueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """统计数据：每个单位、每个周期、每个指标一个数值。校验规则、非负、锁定与页面相同；联络员只看到本单位（含下级）的数据。"""

    serializer_class = DataValueSerializer
    queryset = DataValue.objects.none()

    def get_queryset(self):
        q = self.request.query_params if self.action == "list" else {}
        qs = visible_to(self.request.user, DataValue).select_related("dataset", "indicator", "org", "period")
        if (v := _int(q.get("dataset"))) is not None:
            qs = qs.filter(dataset_id=v)
        if (v := _int(q.get("indicator"))) is not None:
            qs = qs.filter(indicator_id=v)
        if (v := _int(q.get("org"))) is not None:
            org = visible_to(self.request.user, Org).filter(pk=v).first()
            qs = qs.filter(org__path__startswith=org.path) if org else qs.none()
        if q.get("period"):
            qs = qs.filter(period__code=q["period"])
        return qs.order_by("period__start_date", "org__path", "indicator__code", "pk")

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        if self.action == "list":
            from .models import Approval

            ctx["locks"] = list(
                visible_to(self.request.user, Approval)
                .filter(status=ApprovalStatus.LOCKED)
                .values_list("dataset_id", "period_id", "org__path")
            )
        return ctx

    def get_object(self):
        return access(self.request.user, DataValue, self.kwargs["pk"], qs=self.get_queryset())

    def _write(self, *, dataset, org, period, indicator_id, value, comment, version):
        services.datavalue_set_many(
            actor=self.request.user,
            dataset=dataset,
            org=org,
            period=period,
            values={indicator_id: value},
            comments={indicator_id: comment},
            versions={indicator_id: version} if version is not None else None,
        )
        dv = self.get_queryset().get(dataset=dataset, org=org, period=period, indicator_id=indicator_id)
        return DataValueSerializer(dv, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        d = _valid(DataValueWriteSerializer, request.data)
        dataset = access(request.user, DataSet, d["dataset"])
        org = access(request.user, Org, d["org"])
        period = services.period_get(d["period"])
        if not dataset.members.filter(indicator_id=d["indicator"]).exists():
            raise ValidationFailed("指标不属于该数据集。", fields={"indicator": ["指标不属于该数据集。"]})
        data = self._write(
            dataset=dataset, org=org, period=period, indicator_id=d["indicator"], value=d["value"],
            comment=d.get("comment", ""), version=d.get("version"),
        )  # fmt: skip
        return Response(data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        dv = self.get_object()
        s = DataValueUpdateSerializer(data=request.data, partial=partial)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        data = self._write(
            dataset=dv.dataset, org=dv.org, period=dv.period, indicator_id=dv.indicator_id,
            value=d.get("value", dv.value), comment=d.get("comment", dv.comment), version=d.get("version"),
        )  # fmt: skip
        return Response(data)

    def _target(self, request, action_name):
        d = _valid(ApprovalRequest, request.data)
        dataset = access(request.user, DataSet, d["dataset"], action=action_name)
        org = access(request.user, Org, d["org"])
        return d, dataset, org, services.period_get(d["period"])

    @extend_schema(
        summary="审核并锁定（本组组长）：该单位及其下级单位该周期的数据",
        request=ApprovalRequest,
        responses={200: ApprovalResult, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def approve(self, request):
        _d, dataset, org, period = self._target(request, "approve")
        approval = services.approval_approve(actor=request.user, dataset=dataset, org=org, period=period)
        return Response({"dataset": dataset.pk, "org": org.pk, "period": period.code, "status": approval.status})

    @extend_schema(
        summary="解锁（本组组长，须填写原因，记入审计日志）",
        request=ApprovalRequest,
        responses={200: ApprovalResult, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def unlock(self, request):
        d, dataset, org, period = self._target(request, "unlock")
        services.approval_unlock(actor=request.user, dataset=dataset, org=org, period=period, reason=d.get("reason"))
        return Response({"dataset": dataset.pk, "org": org.pk, "period": period.code, "status": "unlocked"})


def register(router) -> None:
    """Add this module's endpoints to the /api/v1/ router."""
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("data-values", DataValueViewSet, basename="data-value")
