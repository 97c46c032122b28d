"""The request being served, for the few things that need it far from the view (the audit's client IP)."""

from contextvars import ContextVar

_request_ip: ContextVar[str | None] = ContextVar("jiandu_request_ip", default=None)


def set_ip(ip: str | None):
    return _request_ip.set(ip)


def reset_ip(token) -> None:
    _request_ip.reset(token)


def current_ip() -> str | None:
    return _request_ip.get()


def client_ip(request) -> str | None:
    """The peer address. Behind a reverse proxy, configure it to set REMOTE_ADDR (we do not trust X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR") or None
