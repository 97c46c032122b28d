"""Logins and logouts go to the audit chain (the only signals in the project: they are not business rules)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit, login_sessions
from .enums import EventType, Outcome


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    details = {"channel": _channel(request)}
    device = getattr(user, "otp_device", None)
    if device is not None:
        details["second_factor"] = "recovery_code" if device._meta.model_name == "staticdevice" else "totp"
    audit.record(EventType.LOGIN, actor=user, obj=user, details=details)
    login_sessions.session_started(request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(EventType.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        EventType.LOGIN_FAILED,
        username=username,
        object_type="organizations.user",
        object_repr=username,
        outcome=Outcome.FAILURE,
        details={"channel": _channel(request), "reason": kwargs.get("reason", "password")},
    )


def _channel(request) -> str:
    return "api" if request is not None and request.path.startswith("/api/") else "web"
