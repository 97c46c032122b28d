from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiandu.core.access import visible_to
from jiandu.core.paging import Paginator

from . import services
from .models import Notification


@login_required
def notification_list(request):
    """消息: my notifications, newest first; ?unread=1 shows the unread ones only."""
    qs = visible_to(request.user, Notification)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one read and follow its link."""
    services.mark_read(actor=request.user, ids=[pk])
    target = visible_to(request.user, Notification).filter(pk=pk).values_list("url", flat=True).first()
    return redirect(target or "notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    n = services.mark_read(actor=request.user)
    messages.success(request, f"已将{n}条消息标为已读。")
    return redirect("notifications:list")
