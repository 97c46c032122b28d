"""Security response headers on every response: a Content-Security-Policy that names no origin but the app's own
(government networks are isolated: every script, style, font and image comes from this server), and a
Permissions-Policy. Referrer-Policy, X-Frame-Options, Cross-Origin-Opener-Policy, nosniff and HSTS come from
Django's SecurityMiddleware and XFrameOptionsMiddleware, configured in config/settings."""

from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy unless the view set its own (a scoped exception)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{name} {value}" for name, value in settings.JIANDU_CONTENT_SECURITY_POLICY.items())
        self.permissions = settings.JIANDU_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        if self.permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions
        return response


def policy_with(**overrides: str) -> str:
    """The site policy with some directives replaced (keyword names use _ for -)."""
    directives = {**settings.JIANDU_CONTENT_SECURITY_POLICY}
    directives.update({name.replace("_", "-"): value for name, value in overrides.items()})
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def csp_exception(view, **overrides: str):
    """A scoped exception for one view, e.g. Swagger UI, whose bundle injects a <style> element at run time."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = policy_with(**overrides)
        return response

    return wrapped
