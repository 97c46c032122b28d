import time

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from . import context, otp
from .errors import AppError, NotFound, PermissionDenied
from .passwords import password_expired


class RequestContextMiddleware:
    """Makes the client IP available to the audit log for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_ip(context.client_ip(request))
        try:
            return self.get_response(request)
        finally:
            context.reset_ip(token)


class IdleTimeoutMiddleware:
    """The session ends after SESSION_COOKIE_AGE (30 minutes) without a request, and each request pushes the end
    back (sliding). The session row is rewritten at most once a minute, not on every request (which would make
    every page a database write): the timeout is therefore between 29 and 30 minutes."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - int(session.get("_seen", 0)) >= self.REFRESH_SECONDS:
                session["_seen"] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


class SecondFactorMiddleware:
    """Between the password and the 动态验证码 nothing is reachable: every page leads to the code step (the
    session is not logged in, so the API refuses it too). A session logged in with the password only whose
    account has since gained a protected role is sent to the code step as well (see otp.py)."""

    ALLOWED_PREFIXES = ("/static/", "/accounts/login/", "/accounts/otp/", "/accounts/logout/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and request.session.get(otp.FACTORS_KEY) == 1 and otp.is_protected(user):
            next_url = otp.step_up(request, user)
            if not request.path.startswith("/api/"):
                return redirect(next_url)
        if not request.path.startswith(self.ALLOWED_PREFIXES) and not request.user.is_authenticated:
            pending = otp.pending_user(request)
            if pending is not None:
                return redirect(otp.next_step_url(pending))
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An account opened or reset by an admin, or whose password has expired (JIANDU_PASSWORD_MAX_AGE_DAYS),
    must set its own password before anything else."""

    # The recovery codes are shown once, right after a first login's TOTP enrollment: before the password change.
    ALLOWED_PREFIXES = (
        "/static/",
        "/accounts/password/",
        "/accounts/logout/",
        "/accounts/otp/recovery-codes/",
        "/api/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (getattr(user, "must_change_password", False) or password_expired(user))
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            return redirect(reverse("password_change"))
        return self.get_response(request)


class AppErrorMiddleware:
    """Pages: an AppError that reaches the top becomes a Chinese error page (404/403) or a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/") or not isinstance(exception, AppError):
            return None
        if isinstance(exception, NotFound):
            return render(request, "404.html", {"message": exception.message}, status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", {"message": exception.message}, status=403)
        messages.error(request, exception.message)
        return redirect(request.META.get("HTTP_REFERER") or reverse("home"))
