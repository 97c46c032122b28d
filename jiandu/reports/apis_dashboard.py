"""GET /api/v1/dashboard/ — the figures of the dashboard (领导驾驶舱) as JSON, with the same access and scope as the
page: ?from=&to=&preset=&group= (group may repeat). A role without a dashboard (the admin roles) gets 403."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jiandu.core.access import require

from .dashboard import dashboard
from .models import Briefing
from .scope import PRESETS, parse_scope


class DashboardFigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="数字的代码，如 activities、method.phone_check、problems.rate")
    label = serializers.CharField(help_text="名称")
    value = serializers.FloatField(allow_null=True, help_text="数值（比率为百分数）；无数据时为 null")
    text = serializers.CharField(help_text="页面上的写法，如 28次、50余天、92.9%")
    url = serializers.CharField(help_text="明细列表的地址（同一期间和范围）")
    records = serializers.IntegerField(
        allow_null=True, help_text="明细列表的记录数（数值不是记录数时：驻点天数对应的活动数、比率的分子等）"
    )
    note = serializers.CharField(help_text="说明")


class DashboardSectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="activities / documents / problems / sampling / hotline")
    title = serializers.CharField()
    figures = DashboardFigureSerializer(many=True)
    breakdown = DashboardFigureSerializer(many=True, help_text="分项：按方式、按文种、按点位类型")


class DashboardReportedSerializer(serializers.Serializer):
    dataset = serializers.CharField(help_text="数据集")
    indicator = serializers.CharField(help_text="指标")
    unit = serializers.CharField()
    value = serializers.DecimalField(max_digits=24, decimal_places=4, help_text="截至期末的汇总值")
    text = serializers.CharField(help_text="规范写法，如 41.4万人次、近300万元")
    url = serializers.CharField(help_text="数据集汇总页")
    group = serializers.CharField(help_text="数据集所属纪检监察组")


class DashboardBoardRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text="责任单位 id")
    label = serializers.CharField(help_text="责任单位")
    open = serializers.IntegerField(help_text="未销号问题数")
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()
    green = serializers.IntegerField()
    url = serializers.CharField(help_text="该单位未销号问题列表")
    urls = serializers.DictField(child=serializers.CharField(), help_text="各颜色的问题列表：red、yellow、green")


ScopeSerializer = type(
    "DashboardScopeSerializer",
    (serializers.Serializer,),
    {
        "from": serializers.DateField(allow_null=True, help_text="起始日期"),
        "to": serializers.DateField(allow_null=True, help_text="截止日期"),
        "groups": serializers.ListField(
            child=serializers.IntegerField(), allow_null=True, help_text="纪检监察组 id；null 为可见的全部"
        ),
        "label": serializers.CharField(help_text="期间与范围的中文说明"),
        "errors": serializers.ListField(child=serializers.CharField(), help_text="被忽略的输入的说明"),
    },
)


class DashboardSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    on = serializers.DateField(help_text="红黄绿灯的计算日期")
    as_of = serializers.DateField(help_text="填报数据的截止日期")
    sections = DashboardSectionSerializer(many=True, help_text="仅含有权查看的板块")
    reported = DashboardReportedSerializer(many=True)
    board = DashboardBoardRowSerializer(many=True, help_text="未销号问题红黄绿灯看板（按责任单位，不含下级）")
    charts = serializers.DictField(
        help_text="图表数据：weekly、groups、topics、board（categories、series[name, data, urls]）"
    )


PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="起始日期（ISO）"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="截止日期（ISO）"),
    OpenApiParameter(
        "preset", OpenApiTypes.STR, enum=[k for k, _label in PRESETS], description="快捷期间；不带日期时默认 all"
    ),
    OpenApiParameter("group", OpenApiTypes.INT, many=True, explode=True, description="纪检监察组 id，可重复"),
]


class DashboardView(APIView):
    """领导驾驶舱的全部数字，只含调用者有权查看的记录；每个数字带明细列表的地址。"""

    @extend_schema(
        summary="领导驾驶舱",
        parameters=PARAMETERS,
        responses={
            200: DashboardSerializer,
            403: OpenApiResponse(description="无权查看驾驶舱（系统、安全、审计管理员）：{code, message}"),
        },
    )
    def get(self, request):
        require(request.user, "dashboard", Briefing)
        scope = parse_scope(request.user, request.query_params)
        data = dashboard(request.user, scope).as_dict()
        data["scope"]["errors"] = scope.errors
        return Response(DashboardSerializer(data).data)


urlpatterns = [path("", DashboardView.as_view(), name="api-dashboard")]
