"""GET /api/v1/audit-events/ (filtered, paginated, newest first) and GET /api/v1/audit-events/verify/ — for the
audit admin only (三员分立); the others get 403, as on the page. Filters as on the page: start, end, actor,
event_type, object_type, object_id, object, outcome."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jiandu.api.pagination import Pagination

from . import audit
from .access import require
from .audit_review import events_for, parse_filters
from .enums import EventType, Outcome
from .models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    event_type_label = serializers.CharField(source="get_event_type_display", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "occurred_at",
            "actor_id",
            "actor_username",
            "event_type",
            "event_type_label",
            "object_type",
            "object_id",
            "object_repr",
            "outcome",
            "details",
            "ip",
            "prev_hash",
            "hash",
        ]


class ChainReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="哈希链是否完整")
    checked = serializers.IntegerField(help_text="校验的在线事件数")
    message = serializers.CharField(help_text="中文结论；不完整时指出第一条问题事件")
    bad_seq = serializers.IntegerField(allow_null=True, help_text="第一条问题事件的序号")


FILTERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="开始日期（含）"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="结束日期（含）"),
    OpenApiParameter("actor", str, description="操作人用户名（包含）"),
    OpenApiParameter("event_type", str, enum=EventType.values, description="事件类型"),
    OpenApiParameter("object_type", str, description="对象类型，如 problems.problem"),
    OpenApiParameter("object_id", str, description="对象ID"),
    OpenApiParameter("object", str, description="对象名称（包含）"),
    OpenApiParameter("outcome", str, enum=Outcome.values, description="结果"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


class AuditEventList(APIView):
    @extend_schema(summary="审计日志", parameters=FILTERS, responses=AuditEventSerializer(many=True))
    def get(self, request):
        require(request.user, "view", AuditEvent)
        events = events_for(request.user, parse_filters(request.query_params))
        paginator = Pagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(AuditEventSerializer(page, many=True).data)


class AuditVerify(APIView):
    @extend_schema(summary="校验审计哈希链", responses=ChainReportSerializer)
    def get(self, request):
        require(request.user, "verify", AuditEvent)
        report = audit.verify_chain()
        return Response(
            {"ok": report.ok, "checked": report.checked, "message": report.message, "bad_seq": report.bad_seq}
        )


urlpatterns = [
    path("audit-events/", AuditEventList.as_view(), name="api-audit-events"),
    path("audit-events/verify/", AuditVerify.as_view(), name="api-audit-verify"),
]
