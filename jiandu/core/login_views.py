"""Login in two steps for the accounts that need the second factor: password, then 动态验证码 (see otp.py)."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import otp
from .views import LoginForm, lockout_response

RECOVERY_SESSION_KEY = "jiandu_recovery_codes"  # shown once, right after enrollment


class LoginView(auth_views.LoginView):
    """Step one. An account that needs the code is not logged in here: it goes on to the code step."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if otp.is_protected(user):
            return redirect(otp.begin(self.request, user, self.get_success_url()))
        response = super().form_valid(form)
        otp.mark_password_only(self.request)
        return response


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


def _locked(request, user) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Step two: the 6-digit code of the authenticator app, or one of the recovery codes."""
    user = otp.pending_user(request)
    if user is None:
        return redirect("login")
    if otp.totp_device(user) is None:
        return redirect("otp_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _locked(request, user):
            return lockout_response(request)
        device = otp.verify(user, form.cleaned_data["code"])
        if device is not None:
            return redirect(otp.complete(request, user, device))
        otp.record_failure(request, user)
        form.add_error("code", "动态验证码不正确或已使用。连续失败5次将锁定30分钟。")
    return render(request, "registration/otp_verify.html", {"form": form, "pending": user})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """First login of an account that needs the code: scan the QR code (or type the secret), confirm with
    a code, and the ten recovery codes are shown once."""
    user = otp.pending_user(request)
    if user is None:
        return redirect("login")
    if otp.totp_device(user) is not None:
        return redirect("otp_verify")
    device = otp.enrollment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _locked(request, user):
            return lockout_response(request)
        codes = otp.confirm_enrollment(user, device, form.cleaned_data["code"])
        if codes is not None:
            next_url = otp.complete(request, user, device)
            request.session[RECOVERY_SESSION_KEY] = codes
            request.session["jiandu_after_recovery"] = next_url
            return redirect("otp_recovery_codes")
        otp.record_failure(request, user)
        form.add_error("code", "动态验证码不正确，请核对手机时间后重试。连续失败5次将锁定30分钟。")
    context = {"form": form, "pending": user, "qr_svg": otp.qr_svg(device), "secret": otp.secret_text(device)}
    return render(request, "registration/otp_setup.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_recovery_codes(request):
    """The recovery codes, shown once after enrollment; later the holder may replace them with new ones."""
    has_device = otp.totp_device(request.user) is not None
    if request.method == "POST" and has_device:
        codes = otp.regenerate_recovery_codes(request.user)
        messages.success(request, "已生成新的恢复码，原恢复码全部作废。")
    else:
        codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    next_url = request.session.pop("jiandu_after_recovery", None) if codes else None
    return render(
        request,
        "registration/otp_recovery_codes.html",
        {"codes": codes, "has_device": has_device, "next_url": next_url or "/"},
    )
