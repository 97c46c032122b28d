"""The optional limit of concurrent sessions per account (JIANDU_MAX_SESSIONS_PER_USER, 0: unlimited).

Each login is noted (UserSession); when the account then has more live sessions than the limit, the oldest
are ended and each ending is audited (LOGOUT, reason session_limit). Works with any session engine.
"""

from importlib import import_module

from django.conf import settings

from . import audit
from .enums import EventType


def _store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_started(request, user) -> None:
    limit = settings.JIANDU_MAX_SESSIONS_PER_USER
    if not limit or request is None or not hasattr(request, "session"):
        return
    from jiandu.organizations.models import UserSession

    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    rows = list(UserSession.objects.filter(user=user).exclude(session_key=key).order_by("created_at", "pk"))
    live = [r for r in rows if _store().exists(r.session_key)]
    UserSession.objects.filter(pk__in=[r.pk for r in rows if r not in live]).delete()
    UserSession.objects.update_or_create(session_key=key, defaults={"user": user})
    for row in live[: max(0, len(live) + 1 - limit)]:
        _store(row.session_key).delete()
        row.delete()
        audit.record(EventType.LOGOUT, actor=user, obj=user, details={"reason": "session_limit"})


def session_rekeyed(old_key: str | None, new_key: str | None) -> None:
    """The session got a new key (after a password change); keep counting it."""
    from jiandu.organizations.models import UserSession

    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
