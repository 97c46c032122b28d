"""REST endpoints of documents: /api/v1/documents/ (DESIGN §12). Same rules as the pages: records come from
visible_to (a document one may not see is 404), writes and workflow actions go through services (errors as
{"code", "message"}); recipient rows are only those the caller may see."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from jiandu.core.access import access, principal, visible_to
from jiandu.core.deadlines import Warning
from jiandu.core.errors import ValidationFailed
from jiandu.organizations.enums import GROUP_ROLES
from jiandu.organizations.models import Org

from . import selectors, services
from .docx import DOCX_CONTENT_TYPE, document_docx
from .enums import DocumentKind, DocumentStatus, RecipientStatus
from .models import Document

KIND_HELP = "文种：" + "，".join(f"{v} {label}" for v, label in DocumentKind.choices)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    mime_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("attachment", args=[obj.pk])


class RecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    org = serializers.IntegerField(source="org_id", read_only=True, help_text="主送单位 id")
    org_name = serializers.CharField(source="org.name", read_only=True)
    status = serializers.ChoiceField(choices=RecipientStatus.choices, read_only=True, help_text="签收/回复状态")
    warning = serializers.ChoiceField(choices=Warning.choices, read_only=True, help_text="回复预警")
    received_at = serializers.DateTimeField(read_only=True, allow_null=True)
    replied_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reply_text = serializers.CharField(read_only=True)
    attachments = AttachmentSerializer(source="reply_files", many=True, read_only=True)


class DocumentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, read_only=True, help_text=KIND_HELP)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    warning = serializers.ChoiceField(
        choices=Warning.choices, read_only=True, help_text="回复预警：主送单位中最严重的一个（仅计可见的主送记录）"
    )
    scope_label = serializers.CharField(read_only=True, help_text="如“6个方面12条”")
    recipients = RecipientSerializer(source="shown_recipients", many=True, read_only=True)
    attachments = AttachmentSerializer(source="files", many=True, read_only=True)
    confidential = serializers.SerializerMethodField(help_text="文书不涉密：主送单位的联络员可见（恒为 false）")

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "kind",
            "kind_display",
            "title",
            "body",
            "group",
            "group_name",
            "status",
            "status_display",
            "warning",
            "aspects_count",
            "items_count",
            "scope_label",
            "reply_due_on",
            "issued_on",
            "closed_on",
            "recipients",
            "attachments",
            "confidential",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_confidential(self, obj) -> bool:
        return False


class DocumentWriteSerializer(serializers.Serializer):
    group = serializers.IntegerField(required=False, help_text="纪检监察组 id；本人只在一个组时可省略（仅新建）")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, help_text=KIND_HELP)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    recipient_orgs = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="主送单位（驻在部门或下属单位）id"
    )
    aspects_count = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=999)
    items_count = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=999)
    reply_due_on = serializers.DateField(required=False, allow_null=True, help_text="回复期限；null 表示无需回复")
    version = serializers.IntegerField(required=False, min_value=1, help_text="修改时必填：读取时的版本号")


class IssueRequest(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text="读取时的版本号（可选）")


class AcknowledgeRequest(serializers.Serializer):
    org = serializers.IntegerField(required=False, help_text="主送单位 id；联络员只对应一个主送单位时可省略")


class ReplyRequest(serializers.Serializer):
    org = serializers.IntegerField(required=False, help_text="主送单位 id；联络员只对应一个主送单位时可省略")
    text = serializers.CharField(required=False, allow_blank=True, default="", help_text="回复内容")
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="回复材料（multipart）"
    )


class CloseRequest(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="办结说明")


FILTER_PARAMETERS = [
    OpenApiParameter("group", OpenApiTypes.INT, description="纪检监察组 id"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=DocumentKind.values, description=KIND_HELP),
    OpenApiParameter("status", OpenApiTypes.STR, enum=DocumentStatus.values, description="状态"),
    OpenApiParameter("warning", OpenApiTypes.STR, enum=Warning.values, description="预警颜色"),
    OpenApiParameter("org", OpenApiTypes.INT, description="主送单位 id（含其下级单位）"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="签发日期起"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="签发日期止"),
    OpenApiParameter("q", OpenApiTypes.STR, description="标题、正文或文号中的关键词"),
]
ERRORS = {
    400: OpenApiResponse(description="不允许的状态变更或内容有误：{code, message}"),
    403: OpenApiResponse(description="无权执行：{code, message}"),
    404: OpenApiResponse(description="不存在或无权查看"),
}


@extend_schema_view(
    list=extend_schema(summary="监督文书列表", parameters=FILTER_PARAMETERS),
    retrieve=extend_schema(summary="监督文书详情"),
    create=extend_schema(summary="起草文书", request=DocumentWriteSerializer, responses={201: DocumentSerializer}),
    update=extend_schema(summary="修改草稿（须带 version）", request=DocumentWriteSerializer),
    partial_update=extend_schema(summary="部分修改草稿（须带 version）", request=DocumentWriteSerializer),
)
class DocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """监督文书（监督建议书、工作通知、提示函、问题通报、督办单、意见建议）。草稿只有本组可见；签发后主送单位的联络员
    可见并签收、回复。没有删除。"""

    serializer_class = DocumentSerializer
    queryset = Document.objects.none()  # for the schema; records always come from get_queryset
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        filters = selectors.parse_filters(user, self.request.query_params if self.action == "list" else {})
        return selectors.apply_filters(user, filters)

    def get_object(self):
        return access(self.request.user, Document, self.kwargs["pk"], qs=self.get_queryset())

    def _out(self, document: Document, status_code=status.HTTP_200_OK) -> Response:
        document = selectors.documents_for(self.request.user).get(pk=document.pk)
        selectors.with_warnings([document])
        selectors.attach_files([document])
        return Response(DocumentSerializer(document, context=self.get_serializer_context()).data, status=status_code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        documents = selectors.with_warnings(page)
        selectors.attach_files(documents)
        return self.get_paginated_response(self.get_serializer(documents, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return self._out(self.get_object())

    def create(self, request, *args, **kwargs):
        d = _valid(DocumentWriteSerializer, request.data)
        group_id = d.get("group")
        if group_id is None:
            own = principal(request.user).org_ids(*GROUP_ROLES)
            if len(own) != 1:
                raise ValidationFailed("请指定纪检监察组（group）。", fields={"group": ["该字段是必填项。"]})
            group_id = next(iter(own))
        group = access(request.user, Org, group_id)
        document = services.document_create(
            actor=request.user,
            group=group,
            kind=d["kind"],
            title=d["title"],
            body=d.get("body", ""),
            recipients=_recipients(request.user, d.get("recipient_orgs") or []),
            aspects_count=d.get("aspects_count"),
            items_count=d.get("items_count"),
            reply_due_on=d.get("reply_due_on"),
        )
        return self._out(document, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        document = access(request.user, Document, kwargs["pk"], action="change")
        s = DocumentWriteSerializer(data=request.data, partial=partial)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if "version" not in d:
            raise ValidationFailed("修改文书须提供读取时的版本号 version。", fields={"version": ["该字段是必填项。"]})
        current = list(document.recipients.values_list("org_id", flat=True))

        def value(name):
            return d[name] if name in d else getattr(document, name)

        document = services.document_update(
            actor=request.user,
            document=document,
            expected_version=d["version"],
            kind=value("kind"),
            title=value("title"),
            body=value("body"),
            recipients=_recipients(request.user, d.get("recipient_orgs", current)),
            aspects_count=value("aspects_count"),
            items_count=value("items_count"),
            reply_due_on=value("reply_due_on"),
        )
        return self._out(document)

    @extend_schema(
        summary="签发（组长）：分配文号并发送给主送单位",
        request=IssueRequest,
        responses={200: DocumentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        d = _valid(IssueRequest, request.data)
        document = access(request.user, Document, pk, action="issue")
        document = services.document_issue(actor=request.user, document=document, expected_version=d.get("version"))
        return self._out(document)

    @extend_schema(
        summary="签收（主送单位联络员）", request=AcknowledgeRequest, responses={200: DocumentSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        d = _valid(AcknowledgeRequest, request.data)
        document = access(request.user, Document, pk)
        recipient = services.recipient_for(request.user, document, d.get("org"), action="acknowledge")
        services.document_acknowledge(actor=request.user, recipient=recipient)
        return self._out(document)

    @extend_schema(
        summary="回复（主送单位联络员）：文字和/或附件",
        request={"multipart/form-data": ReplyRequest, "application/json": ReplyRequest},
        responses={200: DocumentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        d = _valid(ReplyRequest, request.data)
        document = access(request.user, Document, pk)
        recipient = services.recipient_for(request.user, document, d.get("org"), action="reply")
        services.document_reply(actor=request.user, recipient=recipient, text=d.get("text", ""), files=d.get("files"))
        return self._out(document)

    @extend_schema(summary="办结（本组）", request=CloseRequest, responses={200: DocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        d = _valid(CloseRequest, request.data)
        document = access(request.user, Document, pk, action="close")
        document = services.document_close(actor=request.user, document=document, note=d.get("note", ""))
        return self._out(document)

    @extend_schema(
        summary="下载公文（.docx，GB/T 9704-2012 版式）",
        responses={(200, DOCX_CONTENT_TYPE): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        document = access(request.user, Document, pk, action="docx", qs=Document.objects.select_related("group"))
        data, filename = document_docx(actor=request.user, document=document)
        response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response


def _recipients(user, ids) -> list[Org]:
    orgs = visible_to(user, Org).in_bulk(ids)
    missing = [i for i in ids if i not in orgs]
    if missing:
        raise ValidationFailed("主送单位不存在或无权选择。", fields={"recipient_orgs": [f"无效的机构 id：{missing}"]})
    return [orgs[i] for i in ids]


def _valid(serializer_class, data) -> dict:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def register(router) -> None:
    """Add this module's endpoints to the /api/v1/ router."""
    router.register("documents", DocumentViewSet, basename="document")
