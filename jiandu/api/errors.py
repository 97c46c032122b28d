"""API errors are {"code": "...", "message": "中文说明"} (DESIGN §12), whatever raised them."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jiandu.core.errors import AppError

DRF_MESSAGES = {
    "not_authenticated": "请先登录或提供有效的令牌。",
    "authentication_failed": "身份认证失败。",
    "permission_denied": "您没有执行此操作的权限。",
    "not_found": "记录不存在或无权查看。",
    "method_not_allowed": "不支持该请求方法。",
    "parse_error": "请求内容格式错误。",
    "unsupported_media_type": "不支持的内容类型。",
    "throttled": "请求过于频繁，请稍后再试。",
    "not_acceptable": "无法满足请求的内容格式。",
}


def exception_handler(exc, context):
    if isinstance(exc, AppError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, OverflowError):
        # An integer beyond the database's range in a filter or an id (SQLite refuses to bind it): no record
        # can match, and the request is malformed, not the server.
        return Response({"code": "invalid", "message": "参数数值超出范围。"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "message": "提交的内容有误。", "fields": exc.detail}
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response.status_code = status.HTTP_401_UNAUTHORIZED
    detail = exc.detail if isinstance(exc.detail, str) else ""
    message = DRF_MESSAGES.get(code) if code != "permission_denied" or not detail else detail
    response.data = {"code": code, "message": message or str(detail) or "请求失败。"}
    return response
