"""工作简报 pages: generate for a scope and period, read and edit the text, export as .docx or Markdown."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from jiandu.core.access import access, can, require, visible_to
from jiandu.core.errors import AppError
from jiandu.core.forms import show_error
from jiandu.core.models import Attachment
from jiandu.core.paging import Paginator

from .. import services
from ..forms import BriefingEditForm, BriefingForm
from ..models import Briefing
from ..scope import scope_groups


def _new_form(request, data=None):
    today = timezone.localdate()
    initial = {"date_from": today.replace(day=1), "date_to": today}
    return BriefingForm(data, initial=initial, groups=scope_groups(request.user))


@login_required
def briefing_list(request):
    require(request.user, "view", Briefing)
    qs = visible_to(request.user, Briefing).select_related("group", "created_by").order_by("-created_at", "-id")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/briefing_list.html",
        {"page": page, "form": _new_form(request), "can_create": can(request.user, "create", Briefing)},
    )


@login_required
@require_http_methods(["POST"])
def briefing_create(request):
    require(request.user, "create", Briefing)
    form = _new_form(request, request.POST)
    if form.is_valid():
        try:
            b = services.briefing_create(
                actor=request.user,
                groups=form.chosen_groups() if "groups" in form.fields else None,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        except AppError as e:
            show_error(form, e)
        else:
            messages.success(request, f"简报已生成（{b.number}）。请核对正文、修改结束语后导出。")
            return redirect("reports:briefing_detail", pk=b.pk)
    qs = visible_to(request.user, Briefing).select_related("group", "created_by").order_by("-created_at", "-id")
    page = Paginator(qs, 20).get_page(1)
    return render(request, "reports/briefing_list.html", {"page": page, "form": form, "can_create": True}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def briefing_detail(request, pk):
    b = access(request.user, Briefing, pk)
    can_change = can(request.user, "change", b)
    form = BriefingEditForm(
        request.POST or None,
        sections=b.sections,
        initial={"title": b.title, "closing": b.closing, "version": b.version},
    )
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.briefing_delete(actor=request.user, briefing=b)
            messages.success(request, f"简报{b.number}已删除。")
            return redirect("reports:briefing_list")
        require(request.user, "change", b)
        if form.is_valid():
            try:
                services.briefing_update(
                    actor=request.user,
                    briefing=b,
                    title=form.cleaned_data["title"],
                    paragraphs=form.paragraphs(),
                    closing=form.cleaned_data["closing"],
                    version=form.cleaned_data["version"],
                )
            except AppError as e:
                show_error(form, e)
            else:
                messages.success(request, "简报已保存。")
                return redirect("reports:briefing_detail", pk=b.pk)
    photo_ids = [i for s in b.sections for i in s.get("photos", [])]
    photos = {a.pk: a for a in Attachment.objects.filter(pk__in=photo_ids)}
    sections = [_with_photos(s, photos) for s in b.sections]
    return render(
        request,
        "reports/briefing_detail.html",
        {
            "b": b,
            "form": form,
            "sections": sections,
            "closing_heading": services.text.closing_heading(b.sections),
            "subtitle": services.subtitle(b),
            "can_change": can_change,
            "editing": request.method == "POST" or request.GET.get("edit") == "1",
        },
        status=400 if request.method == "POST" else 200,
    )


def _with_photos(section: dict, photos: dict) -> dict:
    """Each paragraph with the photo whose caption it is (图为4月28日，…), as the article shows them; photos whose
    caption was edited away are listed after the section."""
    own = [photos[i] for i in section.get("photos", []) if i in photos]
    by_caption = {a.caption.rstrip("。"): a for a in own}
    items = [{"text": t, "photo": by_caption.pop(t.rstrip("。"), None)} for t in section["paragraphs"]]
    return {**section, "items": items, "photo_list": [a for a in own if a in by_caption.values()]}


@login_required
def briefing_docx(request, pk):
    """The briefing as .docx (GB/T 9704 layout) or, with ?format=md, as Markdown."""
    b = access(request.user, Briefing, pk, "export")
    data, content_type, name = services.briefing_export(
        actor=request.user, briefing=b, fmt=request.GET.get("format", "docx")
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
