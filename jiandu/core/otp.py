"""The second factor (DESIGN §9, §10): a TOTP code (django-otp) after the password for the roles in
`JIANDU_TOTP_ROLES`, with ten one-time recovery codes.

Between the password and the code the session is *not* logged in: `begin` keeps only the pending user's id
in the session, and `complete` calls `django.contrib.auth.login` once the code is right. So nothing, page or
API, is reachable with the password alone. A wrong code is a failed login (`user_login_failed`): it is
audited and counts toward the django-axes lockout (5 failures → 30 minutes), the one limit for both factors.
"""

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.urls import reverse
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .access import principal
from .enums import EventType

PENDING_KEY = "jiandu_otp_pending"  # {"user_id", "backend", "next", "at"} between password and code
FACTORS_KEY = "jiandu_login_factors"  # 1: logged in with the password only; 2: with the second factor too
PENDING_MAX_SECONDS = 10 * 60
RECOVERY_CODES = 10
TOTP_NAME = "动态验证码"
RECOVERY_NAME = "恢复码"


def is_protected(user) -> bool:
    """Does this account need the second factor? (holds any role of JIANDU_TOTP_ROLES)"""
    return bool(set(settings.JIANDU_TOTP_ROLES) & principal(user).roles)


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def normalise(code) -> str:
    """Spaces dropped, lower case (recovery codes are lower-case base32; digits are unaffected)."""
    return "".join(str(code or "").split()).lower()


def verify(user, code) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `code` (a current TOTP code, or an unused recovery code, which is then spent)."""
    code = normalise(code)
    if not code or len(code) > 16:
        return None
    return match_token(user, code)


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret for typing into an authenticator app, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code, drawn here (no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


# --- The login between the two factors ---


def begin(request, user, next_url: str) -> str:
    """The password was right and the account needs the code: remember who, log in nobody yet.
    Returns the URL of the next step (the code, or enrollment when the account has no device)."""
    request.session.pop(FACTORS_KEY, None)
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": int(time.time()),
    }
    return next_step_url(user)


def next_step_url(user) -> str:
    return reverse("otp_verify") if totp_device(user) else reverse("otp_setup")


def pending_user(request):
    """The user who gave the right password and owes the code, or None (none, expired or deactivated)."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if time.time() - pending.get("at", 0) > PENDING_MAX_SECONDS:
        del request.session[PENDING_KEY]
        return None
    user = auth.get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def complete(request, user, device) -> str:
    """Both factors are right: log the user in (the LOGIN event names the factor) and return where to go."""
    pending = request.session.pop(PENDING_KEY, {})
    user.otp_device = device  # django-otp keeps it in the session; the LOGIN audit event names it
    auth.login(request, user, backend=pending.get("backend", user.backend))
    request.session[FACTORS_KEY] = 2
    return pending.get("next") or reverse(settings.LOGIN_REDIRECT_URL)


def mark_password_only(request) -> None:
    """A login without the second factor (the account needed none). If the account later gains a protected
    role, SecondFactorMiddleware asks for the code before the next request goes on."""
    request.session[FACTORS_KEY] = 1


def step_up(request, user) -> str:
    """A session logged in with the password only belongs to an account that now needs the code: end it
    and make the code the next step."""
    backend = request.session.get(auth.BACKEND_SESSION_KEY, settings.AUTHENTICATION_BACKENDS[-1])
    request.session.flush()
    request.user = AnonymousUser()
    user.backend = backend
    return begin(request, user, reverse(settings.LOGIN_REDIRECT_URL))


def record_failure(request, user) -> None:
    """A wrong code is a failed login: audited (reason otp) and counted by django-axes."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request, reason="otp"
    )


# --- Devices ---


def enrollment_device(user) -> TOTPDevice:
    """The unconfirmed device shown on the enrollment page (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def confirm_enrollment(user, device: TOTPDevice, code) -> list[str] | None:
    """The first right code confirms the device; returns the new recovery codes (None if the code is wrong)."""
    if not device.verify_token(normalise(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(user)
    audit.record(EventType.UPDATE, actor=user, obj=user, details={"action": "otp_enrolled"})
    return codes


@transaction.atomic
def regenerate_recovery_codes(user) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    audit.record(EventType.UPDATE, actor=user, obj=user, details={"action": "otp_recovery_codes"})
    return codes


def _new_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def remove_devices(user) -> int:
    """Drop every second-factor device of the account (it enrolls again at the next login)."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return removed
