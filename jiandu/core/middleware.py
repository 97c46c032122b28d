from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from . import context
from .errors import AppError, NotFound, PermissionDenied


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


class PasswordChangeRequiredMiddleware:
    """An account opened or reset by an admin must set its own password before anything else."""

    ALLOWED_PREFIXES = ("/static/", "/accounts/password/", "/accounts/logout/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
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
