"""REST endpoints of briefings (DESIGN §12): /api/v1/briefings/ — list and read the kept briefings one may see;
create with {scope, from, to, format} generates and keeps one and answers its text (json, md) or its .docx."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from jiandu.core.access import access, require, visible_to

from . import briefing as text
from . import services
from .models import Briefing
from .scope import scope_groups

ERRORS = {
    400: OpenApiResponse(description="内容有误（期间、范围或格式）：{code, message}"),
    403: OpenApiResponse(description="无权生成简报：{code, message}"),
}


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    heading = serializers.CharField(help_text="一、总体情况 …")
    paragraphs = serializers.ListField(child=serializers.CharField())
    photos = serializers.ListField(child=serializers.IntegerField(), help_text="照片附件 id（/api/v1/files/{id}/）")


class BriefingSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True)
    scope = serializers.PrimaryKeyRelatedField(source="scope_groups", many=True, read_only=True)
    text = serializers.SerializerMethodField(help_text="全文（Markdown）")

    class Meta:
        model = Briefing
        fields = [
            "id",
            "number",
            "title",
            "issuer",
            "group",
            "scope",
            "date_from",
            "date_to",
            "sections",
            "closing",
            "text",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_text(self, b) -> str:
        return text.as_markdown(b.title, services.subtitle(b), b.sections, b.closing)


class BriefingRequestSerializer(serializers.Serializer):
    scope = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="纪检监察组 id 列表；空为可查看的全部",
    )
    date_from = serializers.DateField(help_text="起始日期，如 2022-03-01")
    date_to = serializers.DateField(help_text="截止日期，如 2022-05-20")
    format = serializers.ChoiceField(choices=["json", "md", "docx"], default="json")

    def to_internal_value(self, data):
        if hasattr(data, "copy"):
            data = data.copy()
        for src, dst in (("from", "date_from"), ("to", "date_to")):  # DESIGN §12 names them from/to
            if src in data and dst not in data:
                data[dst] = data[src]
        return super().to_internal_value(data)


@extend_schema_view(
    list=extend_schema(summary="工作简报列表"),
    retrieve=extend_schema(summary="工作简报详情（含全文）"),
    create=extend_schema(
        summary="生成工作简报",
        description="按范围（scope：纪检监察组 id 列表）和期间（from、to）生成并保存简报；format=json 返回正文，"
        "md 返回 Markdown，docx 返回公文格式文件。",
        request=BriefingRequestSerializer,
        responses={201: BriefingSerializer, (201, "text/markdown"): OpenApiTypes.STR, **ERRORS},
    ),
)
class BriefingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = BriefingSerializer
    queryset = Briefing.objects.none()

    def get_queryset(self):
        return visible_to(self.request.user, Briefing).prefetch_related("scope_groups").order_by("-created_at", "-id")

    def get_object(self):
        return access(self.request.user, Briefing, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        require(request.user, "create", Briefing)
        s = BriefingRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        groups = None
        if d["scope"]:
            allowed = {g.pk: g for g in scope_groups(request.user)}
            unknown = [i for i in d["scope"] if i not in allowed]
            if unknown:
                return Response(
                    {"code": "invalid", "message": f"范围中有不存在或无权查看的纪检监察组：{unknown}"},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            groups = [allowed[i] for i in d["scope"]]
        b = services.briefing_create(actor=request.user, groups=groups, date_from=d["date_from"], date_to=d["date_to"])
        if d["format"] == "json":
            return Response(BriefingSerializer(b).data, status=status.HTTP_201_CREATED)
        data, content_type, name = services.briefing_export(actor=request.user, briefing=b, fmt=d["format"])
        response = HttpResponse(data, content_type=content_type, status=201)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response


def register(router) -> None:
    router.register("briefings", BriefingViewSet, basename="briefing")
