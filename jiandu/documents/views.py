"""Pages of documents (监督文书): list with filters, detail with recipients and timeline, draft form, workflow
buttons, reply form, reply tracking, numbering rules, xlsx and .docx downloads.

Views stay thin: lists come from selectors (scoped by visible_to), single records from core.access.access
(invisible → 404 page, not allowed → 403 page), writes from services; a service's AppError is shown in Chinese.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiandu.core import exports
from jiandu.core.access import access, can, group_ids, principal, require
from jiandu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiandu.core.forms import show_error
from jiandu.core.paging import Paginator
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES
from jiandu.organizations.models import Org
from jiandu.organizations.org_filters import org_filter

from . import selectors, services
from .access import may_set_numbering
from .docx import DOCX_CONTENT_TYPE, document_docx
from .enums import DocumentKind, DocumentStatus, RecipientStatus
from .forms import WARNING_CHOICES, DocumentForm, NumberingRuleForm, ReplyForm
from .models import Document, DocumentRecipient, NumberingRule

PAGE_SIZE = 20
FORM_ERRORS = (ValidationFailed, Conflict, PermissionDenied)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _filter_context(request, filters, *, statuses) -> dict:
    user = request.user
    return {
        "filters": filters,
        "group_options": selectors.group_choices(user),
        "org_filter": org_filter(user, "document-filter", filters.org),
        "kinds": DocumentKind.choices,
        "statuses": statuses,
        "warnings": WARNING_CHOICES,
        "params": {k: v for k, v in request.GET.items() if k != "page" and v},
        "export_query": urlencode([(k, v) for k, vs in request.GET.lists() if k != "page" for v in vs if v]),
    }


# --- List, export ---


@login_required
@require_GET
def document_list(request):
    """监督文书: filters by group, kind, status, warning colour, recipient org (with its units), period, keyword."""
    require(request.user, "view", Document)
    filters = selectors.parse_filters(request.user, request.GET)
    documents = selectors.apply_filters(request.user, filters)
    page = Paginator(documents, PAGE_SIZE, app="documents").get_page(request.GET.get("page"))
    page.object_list = selectors.with_warnings(page.object_list)
    return render(
        request,
        "documents/document_list.html",
        {
            "page": page,
            "can_create": can(request.user, "create", Document),
            "can_export": can(request.user, "export", Document),
            "can_numbering": can(request.user, "change", NumberingRule),
            **_filter_context(request, filters, statuses=selectors.STATUS_FILTERS),
        },
    )


@login_required
@require_GET
def document_export(request):
    """The filtered ledger as .xlsx (编号, 文种, 标题, 纪检监察组, 主送单位, …), at once or in the background;
    audited as an export."""
    return exports.respond(request, "documents")


# --- Reply tracking ---


@login_required
@require_GET
def reply_tracking(request):
    """回复跟踪: one row per recipient of every sent document one may see, with its colour."""
    require(request.user, "view", Document)
    filters = selectors.parse_filters(request.user, request.GET, statuses=RecipientStatus.values)
    rows = selectors.apply_tracking_filters(request.user, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_recipient_warnings(page.object_list)
    return render(
        request,
        "documents/reply_tracking.html",
        {
            "page": page,
            "can_export": can(request.user, "export", Document),
            **_filter_context(request, filters, statuses=RecipientStatus.choices),
        },
    )


@login_required
@require_GET
def reply_export(request):
    """The filtered reply tracking as .xlsx, at once or in the background; audited as an export."""
    return exports.respond(request, "document_replies")


# --- Detail and workflow ---


@login_required
@require_GET
def document_detail(request, pk):
    document = access(
        request.user, Document, pk, qs=Document.objects.select_related("group", "issued_by", "drafted_by")
    )
    detail = selectors.document_detail(request.user, document)
    for r in detail.recipients:
        r.actions = services.recipient_actions(request.user, r, document)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "detail": detail,
            "actions": services.document_actions(request.user, document),
            "liaison_view": _is_liaison_only(request.user),
            # Problems found through a document are registered by its own group (problems.problem_create rule).
            "can_register_problem": document.number and document.group_id in group_ids(request.user),
        },
    )


def _is_liaison_only(user) -> bool:
    """A liaison sees only their own recipient rows (the page says so)."""
    return not principal(user).has(*COMMISSION_ROLES, *GROUP_ROLES)


def _back(document):
    return redirect("documents:document_detail", pk=document.pk)


@login_required
@require_POST
def document_issue(request, pk):
    document = access(request.user, Document, pk, action="issue")
    try:
        document = services.document_issue(
            actor=request.user, document=document, expected_version=request.POST.get("version") or None
        )
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已签发，文号：{document.number}。主送单位的联络员现在可以签收。")
    return _back(document)


@login_required
@require_POST
def document_close(request, pk):
    document = access(request.user, Document, pk, action="close")
    try:
        document = services.document_close(actor=request.user, document=document, note=request.POST.get("note", ""))
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "文书已办结。")
    return _back(document)


def _recipient(request, pk, rpk, action) -> DocumentRecipient:
    document = access(request.user, Document, pk)
    return access(
        request.user,
        DocumentRecipient,
        rpk,
        action=action,
        qs=DocumentRecipient.objects.filter(document=document).select_related("org", "document"),
    )


@login_required
@require_POST
def recipient_acknowledge(request, pk, rpk):
    recipient = _recipient(request, pk, rpk, "acknowledge")
    try:
        services.document_acknowledge(actor=request.user, recipient=recipient)
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"{recipient.org.display_name}已签收。")
    return _back(recipient.document)


@login_required
@require_http_methods(["GET", "POST"])
def recipient_reply(request, pk, rpk):
    recipient = _recipient(request, pk, rpk, "reply")
    document = recipient.document
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.document_reply(
                    actor=request.user,
                    recipient=recipient,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["files"],
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, "回复已提交。")
                return _back(document)
        status = 400
    return render(
        request,
        "documents/reply_form.html",
        {"form": form, "document": document, "recipient": recipient},
        status=status,
    )


@login_required
@require_GET
def document_docx_download(request, pk):
    document = access(request.user, Document, pk, action="docx", qs=Document.objects.select_related("group"))
    data, filename = document_docx(actor=request.user, document=document)
    return _download(data, filename, DOCX_CONTENT_TYPE)


# --- Drafts ---


def _form(request, *, document=None, data=None, files=None) -> DocumentForm:
    groups = selectors.drafting_groups(request.user)
    if document is not None:
        groups = Org.objects.filter(pk=document.group_id)
        group_ids = [document.group_id]
    else:
        group_ids = list(groups.values_list("pk", flat=True))
    initial = {}
    if document is not None:
        initial = {
            "group": document.group_id,
            "kind": document.kind,
            "title": document.title,
            "body": document.body,
            "aspects_count": document.aspects_count,
            "items_count": document.items_count,
            "reply_due_on": document.reply_due_on,
            "recipients": list(document.recipients.values_list("org_id", flat=True)),
            "version": document.version,
        }
    else:
        kind = request.GET.get("kind")
        if kind in DocumentKind.values:
            initial["kind"] = kind
    return DocumentForm(
        data,
        files,
        initial=initial,
        groups=groups,
        recipient_choices=selectors.recipient_org_choices(request.user, group_ids),
    )


def _form_page(request, form, document=None, status=200):
    return render(request, "documents/document_form.html", {"form": form, "document": document}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request):
    require(request.user, "create", Document)
    if request.method == "GET":
        return _form_page(request, _form(request))
    form = _form(request, data=request.POST, files=request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            document = services.document_create(
                actor=request.user,
                group=d["group"],
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                recipients=form.recipient_orgs(),
                aspects_count=d["aspects_count"],
                items_count=d["items_count"],
                reply_due_on=d["reply_due_on"],
                files=d["files"],
            )
        except FORM_ERRORS as e:
            show_error(form, e)
        else:
            messages.success(request, "草稿已保存。组长签发后将编号并发送给主送单位。")
            return _back(document)
    return _form_page(request, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    document = access(request.user, Document, pk, action="change", qs=Document.objects.select_related("group"))
    if document.status != DocumentStatus.DRAFT:
        messages.error(request, "文书已签发，不能再修改。")
        return _back(document)
    if request.method == "GET":
        return _form_page(request, _form(request, document=document), document)
    form = _form(request, document=document, data=request.POST, files=request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            document = services.document_update(
                actor=request.user,
                document=document,
                expected_version=d["version"],
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                recipients=form.recipient_orgs(),
                aspects_count=d["aspects_count"],
                items_count=d["items_count"],
                reply_due_on=d["reply_due_on"],
                files=d["files"],
            )
        except FORM_ERRORS as e:
            show_error(form, e)
        else:
            messages.success(request, "草稿已保存。")
            return _back(document)
    return _form_page(request, form, document, status=400)


# --- Numbering rules ---


@login_required
@require_http_methods(["GET", "POST"])
def numbering_rules(request):
    """文号设置: the office sets every group's prefix, a group leader their own group's."""
    require(request.user, "change", NumberingRule)
    rows = selectors.numbering_rules_for(request.user)
    errors: dict[int, str] = {}
    if request.method == "POST":
        group = access(request.user, Org, request.POST.get("group"))
        if not may_set_numbering(principal(request.user), group.pk):
            raise PermissionDenied("只有派驻机构管理室或本组组长可以设置该组的文号前缀。")
        form = NumberingRuleForm(request.POST)
        if form.is_valid():
            try:
                services.numbering_rule_set(
                    actor=request.user,
                    group=group,
                    prefix=form.cleaned_data["prefix"],
                    expected_version=form.cleaned_data["version"],
                )
            except FORM_ERRORS as e:
                errors[group.pk] = e.message
            else:
                messages.success(request, f"已设置{group.name}的文号前缀。")
                return redirect("documents:numbering_rules")
        else:
            errors[group.pk] = "；".join(m for ms in form.errors.values() for m in ms)
        rows = selectors.numbering_rules_for(request.user)
        for r in rows:
            if r["group"].pk == group.pk:
                r["submitted"] = request.POST.get("prefix", "")
    year = timezone.localdate().year
    for r in rows:
        r["error"] = errors.get(r["group"].pk, "")
        r["example"] = services.format_number(r["rule"].prefix, year, 1) if r["rule"] else ""
    return render(
        request,
        "documents/numbering_rules.html",
        {"rows": rows, "year": year},
        status=400 if errors else 200,
    )
