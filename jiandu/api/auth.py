from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from jiandu.core import audit
from jiandu.core.enums import EventType
from jiandu.core.errors import AppError


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class ObtainToken(APIView):
    """POST {"username", "password"} → {"token"}. Goes through the same lockout as the login page."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequest, responses=inline_serializer("Token", {"token": serializers.CharField()}))
    def post(self, request):
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if user is None or not user.is_active:
            raise AppError("用户名或密码不正确。", code="authentication_failed")
        if user.must_change_password:
            raise AppError("请先在网页上修改初始密码。", code="password_change_required")
        token, _ = Token.objects.get_or_create(user=user)
        audit.record(EventType.LOGIN, actor=user, obj=user, details={"channel": "api"})
        return Response({"token": token.key})
