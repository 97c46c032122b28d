from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from jiandu.core import audit, otp
from jiandu.core.enums import EventType
from jiandu.core.errors import AppError
from jiandu.core.passwords import password_expired
from jiandu.core.views import lockout_response


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="动态验证码（6位）或恢复码；须使用动态验证码登录的账号（如组长、管理员）必填。",
    )


class AuthFailed(AppError):
    status = 401


ErrorBody = inline_serializer("TokenError", {"code": serializers.CharField(), "message": serializers.CharField()})


class ObtainToken(APIView):
    """POST {"username", "password"[, "otp"]} → {"token"}. The same rules as the login page: the lockout, the
    forced password change, and the 动态验证码 for the accounts that need it (a wrong code is a failed login)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenRequest,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(ErrorBody, description="请求内容有误，或须先在网页上修改密码、绑定动态验证码。"),
            401: OpenApiResponse(
                ErrorBody,
                description="用户名或密码不正确（authentication_failed）；缺少（otp_required）或错误的动态验证码（otp_invalid）。",
            ),
            429: OpenApiResponse(ErrorBody, description="连续失败次数过多，已锁定（locked）。"),
        },
    )
    def post(self, request):
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data.pop("otp", "")
        user = authenticate(request._request, **data.validated_data)
        if user is None or not user.is_active:
            raise AppError("用户名或密码不正确。", code="authentication_failed")
        if user.must_change_password or password_expired(user):
            raise AppError("请先在网页上修改密码。", code="password_change_required")
        device = None
        if otp.is_protected(user):
            if otp.totp_device(user) is None:
                raise AppError("该账号须先在网页上登录并绑定动态验证码。", code="otp_setup_required")
            if not otp.normalise(code):
                raise AuthFailed("该账号须输入动态验证码。", code="otp_required")
            if not AxesProxyHandler.is_allowed(request._request, {"username": user.get_username()}):
                return lockout_response(request._request)
            device = otp.verify(user, code)
            if device is None:
                otp.record_failure(request._request, user)
                raise AuthFailed("动态验证码不正确或已使用。", code="otp_invalid")
        token, _ = Token.objects.get_or_create(user=user)
        details = {"channel": "api"}
        if device is not None:
            details["second_factor"] = "recovery_code" if device._meta.model_name == "staticdevice" else "totp"
        audit.record(EventType.LOGIN, actor=user, obj=user, details=details)
        return Response({"token": token.key})
