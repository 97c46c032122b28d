"""Telling people: in-app notifications (the bell) and email (console backend by default, SMTP by settings)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from jiandu.core.access import visible_to

from .models import Notification

log = logging.getLogger(__name__)


def notify(
    *, recipients, title: str, body: str = "", url: str = "", kind: str = "", obj=None, email: bool = True
) -> list[Notification]:
    """Create one notification per distinct active recipient; email those with an address after commit.

    Callers are services that have already decided who is concerned (e.g. the liaisons of a responsible org).
    """
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    rows = [
        Notification(
            recipient=u,
            kind=kind,
            title=title[:200],
            body=body,
            url=url,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
        )
        for u in people.values()
    ]
    Notification.objects.bulk_create(rows)
    if email:
        addresses = [u.email for u in people.values() if u.email]
        if addresses:
            transaction.on_commit(lambda: _send_email(title, body, url, addresses))
    return rows


def _send_email(title: str, body: str, url: str, addresses: list[str]) -> None:
    link = f"\n\n{settings.JIANDU_SITE_URL.rstrip('/')}{url}" if url else ""
    try:
        send_mail(f"【派驻监督工作平台】{title}", f"{body}{link}", None, addresses, fail_silently=False)
    except OSError:  # a mail server down must not fail the work that triggered the mail
        log.exception("notification email failed")


def unread_count(user) -> int:
    return visible_to(user, Notification).filter(read_at__isnull=True).count()


def mark_read(*, actor, ids=None) -> int:
    """Mark the actor's notifications read (all of them when ids is None)."""
    qs = visible_to(actor, Notification).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
