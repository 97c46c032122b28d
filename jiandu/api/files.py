from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from jiandu.core.attachments import authorized_attachment, serve_attachment


class AttachmentFile(APIView):
    """GET /api/v1/files/{id}/ — an attachment's content, for token clients; visible iff its record is (404)."""

    @extend_schema(summary="下载附件", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        att = authorized_attachment(request.user, pk)
        return serve_attachment(att)
