"""Pages of problems (问题整改): the ledger with filters, colour chips and bulk urging; detail with timeline;
registration (also from an activity or a document), edit, the workflow forms, urging and the xlsx export.

Views stay thin: lists come from selectors (scoped by visible_to), single records from core.access.access
(invisible → 404 page, not allowed → 403 page), writes from services; a service's AppError is shown in Chinese.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from jiandu.core import exports, freshness
from jiandu.core.access import access, can, principal, require, visible_to
from jiandu.core.deadlines import Warning
from jiandu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiandu.core.forms import show_error
from jiandu.core.paging import Paginator
from jiandu.organizations.enums import GROUP_ROLES, OrgKind
from jiandu.organizations.models import Org, Site
from jiandu.organizations.org_filters import org_filter

from . import selectors, services, urging
from .enums import URGE_RANK, ProblemStatus, SourceKind, UrgeLevel
from .forms import (
    WARNING_LABELS,
    BulkUrgeForm,
    CloseForm,
    ProblemForm,
    ReasonForm,
    RectificationForm,
    ReopenForm,
    UrgeForm,
)
from .models import Category, Problem

PAGE_SIZE = 20
FORM_ERRORS = (ValidationFailed, Conflict, PermissionDenied)
FILTER_KEYS = (
    "status", "warning", "group", "org", "org_only", "category", "severity", "source", "from", "to", "q", "repeat",
    "urged", "org_text",
)  # fmt: skip


def _params(request) -> list[tuple[str, str]]:
    """The filters in the query string as (name, value) pairs: `group` may repeat."""
    return [(k, v) for k, values in request.GET.lists() if k in FILTER_KEYS for v in values if v]


def _filter_context(request, filters) -> dict:
    user = request.user
    return {
        "filters": filters,
        "group_options": selectors.group_choices(user),
        "org_filter": org_filter(user, "problem-filter", filters.org),
        "categories": selectors.categories(),
        "severities": selectors.severities(),
        "statuses": selectors.STATUS_FILTERS,
        "sources": SourceKind.choices,
        "warnings": [(w, WARNING_LABELS[w]) for w in selectors.WARNING_FILTERS],
        "params": _params(request),
        "query": urlencode(_params(request)),
    }


# --- List, export, bulk urging ---


@login_required
@require_GET
def problem_list(request):
    """问题整改台账: filters, counts per colour (over the other filters), 20 per page, bulk urging."""
    require(request.user, "view", Problem)
    filters = selectors.parse_filters(request.user, request.GET)
    qs = selectors.list_rows(selectors.apply_filters(request.user, filters))
    with freshness.snapshot():  # the kept count and the chips check the same counters: read them once
        page = Paginator(qs, PAGE_SIZE, ids_first=True, app="problems").get_page(request.GET.get("page"))
        chips = _chips(request, filters, wait=False)
    page.object_list = selectors.with_warnings(page.object_list)
    if chips is None:  # a province's problems to count: the list first, the chips in a second request
        chips = {"url": f"{reverse('problems:problem_chips')}?{urlencode(_params(request))}"}
    return render(
        request,
        "problems/problem_list.html",
        {
            "page": page,
            "chips": chips,
            "can_create": can(request.user, "create", Problem),
            "can_export": can(request.user, "export", Problem),
            "can_urge": can(request.user, "urge", Problem),
            "can_configure": can(request.user, "change", Category),
            **_filter_context(request, filters),
        },
    )


def _chips(request, filters, *, wait: bool = True) -> dict | None:
    """The colour chips: each colour's count over the other filters and the list URL that adds the colour (None:
    not counted yet, see selectors.warning_chips)."""
    counts = selectors.warning_chips(request.user, filters, wait=wait)
    if counts is None:
        return None
    chip_params = [(k, v) for k, v in _params(request) if k != "warning"]
    colours = (Warning.RED, Warning.YELLOW, Warning.GREEN, Warning.CLOSED_LATE)
    return {
        "colours": [
            {
                "colour": c,
                "label": WARNING_LABELS[c],
                "count": counts[c],
                "query": urlencode([*chip_params, ("warning", c)]),
            }
            for c in colours
        ]
    }


@login_required
@require_GET
def problem_chips(request):
    """The colour chips alone, for a list whose chips take long to count (a province's problems read cold): the
    list comes first and asks for them (htmx)."""
    require(request.user, "view", Problem)
    filters = selectors.parse_filters(request.user, request.GET)
    return render(request, "problems/_chips.html", {"chips": _chips(request, filters), "filters": filters})


@login_required
@require_GET
def problem_export(request):
    """The filtered ledger as .xlsx (all filtered rows, not one page): at once when small, else in the
    background (jiandu.core.exports); audited as an export."""
    return exports.respond(request, "problems")


def _bulk_targets(request, data):
    filters = selectors.parse_filters(request.user, data)
    qs = selectors.apply_filters(request.user, filters)
    ids = [int(i) for i in data.getlist("ids") if str(i).isdigit()]
    scope = "selected" if data.get("scope") == "selected" else "all"
    if scope == "selected":
        qs = qs.filter(pk__in=ids)
    urgeable = qs.filter(
        status__in=urging.URGEABLE, group_id__in=principal(request.user).org_ids(*GROUP_ROLES)
    ).order_by()
    return filters, qs, urgeable, scope, ids


@login_required
@require_http_methods(["GET", "POST"])
def problem_bulk_urge(request):
    """批量催办 of all filtered records (or the selected ones): first a page with the count to confirm, then the
    urge. If the filtered set changed in between, the count is shown again instead of urging blindly."""
    require(request.user, "urge", Problem)
    data = request.POST if request.method == "POST" else request.GET
    filters, qs, urgeable, scope, ids = _bulk_targets(request, data)
    count, total = urgeable.count(), qs.count()
    form = BulkUrgeForm(request.POST or None, initial={"level": UrgeLevel.URGE, "confirm": count})
    status, stale = 200, ""
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["confirm"] != count:
                stale = f"筛选结果已变化，现有{count}条可催办，请确认后再提交。"
                form = BulkUrgeForm(initial={"level": form.cleaned_data["level"], "confirm": count})
            else:
                try:
                    result = urging.problems_urge_bulk(
                        actor=request.user,
                        problems=qs,
                        level=form.cleaned_data["level"],
                        note=form.cleaned_data["note"],
                    )
                except FORM_ERRORS as e:
                    show_error(form, e)
                else:
                    level = UrgeLevel(form.cleaned_data["level"]).label
                    messages.success(request, f"已{level}{result['urged']}条问题，已通知责任单位联络员。")
                    query = urlencode(filters.as_query())
                    return redirect(reverse("problems:problem_list") + (f"?{query}" if query else ""))
        status = 400
    return render(
        request,
        "problems/bulk_urge.html",
        {
            "form": form,
            "count": count,
            "total": total,
            "stale": stale,
            "scope": scope,
            "ids": ids,
            "hidden": filters.as_query(),
            "query": urlencode(filters.as_query()),
        },
        status=status,
    )


# --- Detail ---


@login_required
@require_GET
def problem_detail(request, pk):
    problem = access(
        request.user, Problem, pk, qs=Problem.objects.select_related(*selectors.LIST_RELATED, "found_org", "created_by")
    )
    detail = selectors.problem_detail(request.user, problem)
    actions = services.problem_actions(request.user, problem)
    return render(
        request,
        "problems/problem_detail.html",
        {"problem": problem, "detail": detail, "actions": actions},
    )


def _back(problem):
    return redirect("problems:problem_detail", pk=problem.pk)


# --- Registration and edit ---


def _source_from(request):
    """?activity=<id> or ?document=<id>: the source record (if the user may see it) for prefilling."""
    from jiandu.activities.models import Activity
    from jiandu.documents.models import Document

    activity_id = request.GET.get("activity") or request.POST.get("source_activity")
    document_id = request.GET.get("document") or request.POST.get("source_document")
    if activity_id:
        return SourceKind.ACTIVITY, access(request.user, Activity, activity_id), None
    if document_id:
        return SourceKind.DOCUMENT, None, access(request.user, Document, document_id)
    return SourceKind.DIRECT, None, None


def _site_options(activity):
    if activity is None:
        return []
    return list(activity.sites.order_by("code").only("code", "name")[:300])


def _form(request, *, problem=None, data=None, files=None, source=None) -> ProblemForm:
    user = request.user
    groups = selectors.registering_groups(user)
    initial = {}
    if problem is not None:
        group_ids = [problem.group_id]
        initial = {
            "description": problem.description,
            "category": problem.category_id,
            "severity": problem.severity_id,
            "responsible_org": problem.responsible_org_id,
            "site_code": problem.site.code if problem.site else "",
            "root_cause": problem.root_cause,
            "deadline_mode": problem.deadline_mode,
            "deadline": problem.deadline,
            "deadline_days": problem.deadline_days,
            "internal_note": problem.internal_note,
            "version": problem.version,
        }
    else:
        group_ids = list(groups.values_list("pk", flat=True))
        kind, activity, document = source or (SourceKind.DIRECT, None, None)
        initial["source_kind"] = kind
        initial["deadline_mode"] = "date"
        initial["severity"] = selectors.severities().values_list("pk", flat=True).first()
        if activity is not None:
            initial.update(source_activity=activity.pk, group=activity.group_id)
            target = activity.target_orgs.filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT]).order_by("-depth").first()
            if target:
                initial["responsible_org"] = target.pk
            sites = _site_options(activity)
            if len(sites) == 1:
                initial["site_code"] = sites[0].code
        if document is not None:
            initial.update(source_document=document.pk, group=document.group_id)
            first = document.recipients.order_by("org__path").first()
            if first:
                initial["responsible_org"] = first.org_id
    return ProblemForm(
        data,
        files,
        initial=initial,
        groups=groups,
        org_choices=selectors.responsible_org_choices(user, group_ids),
        categories=selectors.categories(include=problem.category_id if problem else None),
        severities=selectors.severities(include=problem.severity_id if problem else None),
        editing=problem is not None,
    )


def _site(request, form) -> tuple[Site | None, bool]:
    code = (form.cleaned_data.get("site_code") or "").strip()
    if not code:
        return None, True
    site = visible_to(request.user, Site).filter(code=code).first()
    if site is None:
        form.add_error("site_code", f"点位编码“{code}”不存在或无权选择。")
        return None, False
    return site, True


def _form_page(request, form, *, problem=None, source=None, status=200):
    _kind, activity, document = source or (SourceKind.DIRECT, None, None)
    return render(
        request,
        "problems/problem_form.html",
        {
            "form": form,
            "problem": problem,
            "source_activity": activity,
            "source_document": document,
            "site_options": _site_options(activity),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request):
    """登记问题, directly or from an activity (?activity=) or a document (?document=) that found it."""
    require(request.user, "create", Problem)
    source = _source_from(request)
    if request.method == "GET":
        return _form_page(request, _form(request, source=source), source=source)
    form = _form(request, data=request.POST, files=request.FILES, source=source)
    if form.is_valid():
        site, ok = _site(request, form)
        if ok:
            d = form.cleaned_data
            kind, activity, document = source
            try:
                problem = services.problem_create(
                    actor=request.user,
                    group=d["group"],
                    description=d["description"],
                    category=d["category"],
                    severity=d["severity"],
                    responsible_org=Org.objects.filter(pk=d["responsible_org"]).first(),
                    deadline=d["deadline"],
                    deadline_mode=d["deadline_mode"],
                    deadline_days=d["deadline_days"],
                    site=site,
                    root_cause=d["root_cause"],
                    internal_note=d["internal_note"],
                    source_kind=kind,
                    source_activity=activity,
                    source_document=document,
                    photos=d["photos"],
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                note = "（屡查屡犯，已关联前次问题）" if problem.is_repeat else ""
                messages.success(request, f"问题已登记，编号 {problem.number}{note}。已通知责任单位联络员。")
                return _back(problem)
    return _form_page(request, form, source=source, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request, pk):
    problem = access(request.user, Problem, pk, action="change", qs=Problem.objects.select_related("site", "group"))
    if problem.status == ProblemStatus.CLOSED:
        messages.error(request, "问题已销号，不能修改；如需继续整改，请组长先“重新整改”。")
        return _back(problem)
    if request.method == "GET":
        return _form_page(request, _form(request, problem=problem), problem=problem)
    form = _form(request, problem=problem, data=request.POST)
    if form.is_valid():
        site, ok = _site(request, form)
        if ok:
            d = form.cleaned_data
            try:
                problem = services.problem_update(
                    actor=request.user,
                    problem=problem,
                    expected_version=d["version"],
                    description=d["description"],
                    category=d["category"],
                    severity=d["severity"],
                    responsible_org=Org.objects.filter(pk=d["responsible_org"]).first(),
                    site=site,
                    root_cause=d["root_cause"],
                    deadline_mode=d["deadline_mode"],
                    deadline=d["deadline"] or problem.deadline,
                    deadline_days=d["deadline_days"],
                    internal_note=d["internal_note"],
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, "问题已保存。")
                return _back(problem)
    return _form_page(request, form, problem=problem, status=400)


# --- Workflow forms ---

ACTION_PAGES = {
    # name: (form class, page title, button, success message, icon)
    "start": (RectificationForm, "开始整改", "开始整改", "已开始整改。", "play-circle"),
    "report": (RectificationForm, "报告整改进展", "提交进展", "整改进展已报告。", "journal-plus"),
    "submit": (RectificationForm, "提交核查", "提交核查", "整改情况已提交，等待纪检监察组核查。", "send-check"),
    "return": (ReasonForm, "退回重改", "退回重改", "已退回重改，已通知责任单位联络员。", "arrow-counterclockwise"),
    "close": (CloseForm, "销号", "确认销号", "问题已销号。", "check2-circle"),
    "reopen": (ReopenForm, "重新整改", "重新整改", "问题已重新整改，已通知责任单位联络员。", "arrow-repeat"),
}


def _run(name, user, problem, d):
    version = d.get("version")
    if name in ("start", "submit"):
        service = services.problem_start if name == "start" else services.problem_submit
        return service(
            actor=user,
            problem=problem,
            note=d["note"],
            measures=d["measures"],
            before=d["before"],
            after=d["after"],
            files=d["files"],
            expected_version=version,
        )
    if name == "report":
        services.problem_report(
            actor=user,
            problem=problem,
            note=d["note"],
            measures=d["measures"],
            before=d["before"],
            after=d["after"],
            files=d["files"],
        )
        return problem
    if name == "return":
        return services.problem_return(actor=user, problem=problem, reason=d["note"], expected_version=version)
    if name == "close":
        return services.problem_close(actor=user, problem=problem, note=d["note"], expected_version=version)
    return services.problem_reopen(
        actor=user, problem=problem, reason=d["note"], deadline=d.get("deadline"), expected_version=version
    )


def _action_view(name):
    form_class, title, button, success, icon = ACTION_PAGES[name]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        problem = access(
            request.user, Problem, pk, action=name, qs=Problem.objects.select_related("group", "responsible_org")
        )
        form = form_class(request.POST or None, request.FILES or None, initial={"version": problem.version})
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    problem = _run(name, request.user, problem, form.cleaned_data)
                except FORM_ERRORS as e:
                    show_error(form, e)
                else:
                    messages.success(request, success)
                    return _back(problem)
            status = 400
        return render(
            request,
            "problems/problem_action.html",
            {"form": form, "problem": problem, "title": title, "button": button, "icon": icon, "name": name},
            status=status,
        )

    view.__name__ = f"problem_{name}"
    return view


problem_start = _action_view("start")
problem_report = _action_view("report")
problem_submit = _action_view("submit")
problem_return = _action_view("return")
problem_close = _action_view("close")
problem_reopen = _action_view("reopen")


@login_required
@require_http_methods(["GET", "POST"])
def problem_urge(request, pk):
    """催办 one problem: 提示/催办 by the group; 督办单/问题通报 (a draft document) by the group leader."""
    problem = access(request.user, Problem, pk, action="urge", qs=Problem.objects.select_related("group"))
    escalate = can(request.user, "escalate", problem)
    form = UrgeForm(request.POST or None, escalate=escalate, initial={"level": urging.next_level(problem)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                urge = urging.problem_urge(
                    actor=request.user,
                    problem=problem,
                    level=form.cleaned_data["level"],
                    note=form.cleaned_data["note"],
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                label = urge.get_level_display()
                extra = f"，已起草{label}草稿（{urge.document.title}），请审核签发" if urge.document else ""
                messages.success(request, f"已{label}{extra}。已通知责任单位联络员。")
                return _back(problem)
        status = 400
    return render(
        request,
        "problems/problem_action.html",
        {
            "form": form,
            "problem": problem,
            "title": "催办",
            "button": "发送",
            "icon": "megaphone",
            "name": "urge",
            "urge_rank": URGE_RANK[problem.urge_level or ""],
        },
        status=status,
    )
