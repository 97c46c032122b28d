"""Pages of the hotline module: the registry with each hotline's scorecard chart, citizen cases (callers masked,
an audited "查看完整信息"), the case workflow, covert test calls (confidential) and xlsx ledgers.

Views stay thin: lists come from selectors (scoped by visible_to), single records from core.access.access
(invisible → 404, not allowed → 403), writes from services; a service's AppError is shown in Chinese.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiandu.core import exports
from jiandu.core.access import access, can, require, visible_to
from jiandu.core.deadlines import Warning
from jiandu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiandu.core.forms import show_error
from jiandu.core.paging import Paginator
from jiandu.organizations.enums import OrgKind
from jiandu.organizations.models import Org, Site
from jiandu.organizations.org_filters import org_filter

from . import selectors, services
from .enums import CASE_STATUS_CSS, MAX_WAIT_SECONDS, CaseStatus, TestCallStatus
from .forms import AnswerForm, AssignForm, CallbackForm, CaseForm, CloseForm, HotlineForm, TestCallForm
from .masking import mask_name, mask_phone
from .models import Hotline, HotlineCase, TestCall

PAGE_SIZE = 20
FORM_ERRORS = (ValidationFailed, Conflict, PermissionDenied)


def _query(request) -> str:
    return urlencode([(k, v) for k, values in request.GET.lists() if k != "page" for v in values if v])


# --- The registry ---


@login_required
@require_GET
def hotline_list(request):
    """服务热线: the registry; with the test-call scorecard for those who may see test calls."""
    require(request.user, "view", Hotline)
    hotlines = list(selectors.hotlines_for(request.user))
    see_calls = can(request.user, "view", TestCall)
    cards = {c.hotline_id: c for c in selectors.test_call_scorecard(request.user)} if see_calls else {}
    counts = selectors.case_counts_by_hotline(request.user)
    for h in hotlines:
        h.card = cards.get(h.pk)
        h.case_count = counts.get(h.pk, 0)
    return render(
        request,
        "hotline/hotline_list.html",
        {
            "hotlines": hotlines,
            "see_calls": see_calls,
            "can_create": can(request.user, "create", Hotline),
            "can_create_call": can(request.user, "create", TestCall),
            "can_export": can(request.user, "export", Hotline),
            "max_wait": MAX_WAIT_SECONDS,
        },
    )


@login_required
@require_GET
def hotline_export(request):
    """服务热线台账: the registry with cases and the test-call scorecard (for those who may see test calls)."""
    return exports.respond(request, "hotlines")


@login_required
@require_GET
def hotline_detail(request, pk):
    hotline = access(request.user, Hotline, pk, qs=selectors.hotlines_for(request.user))
    see_calls = can(request.user, "view", TestCall)
    card = selectors.test_call_scorecard(request.user, hotline=hotline) if see_calls else None
    series = selectors.test_call_series(request.user, hotline) if see_calls else []
    cases = selectors.with_case_display(selectors.cases_for(request.user).filter(hotline=hotline)[:10])
    return render(
        request,
        "hotline/hotline_detail.html",
        {
            "hotline": hotline,
            "card": card,
            "series": series,
            "see_calls": see_calls,
            "cases": cases,
            "can_change": can(request.user, "change", hotline),
            "can_create_case": can(request.user, "create", HotlineCase),
            "can_create_call": can(request.user, "create", TestCall),
            "max_wait": MAX_WAIT_SECONDS,
        },
    )


def _hotline_form(request, data=None, initial=None):
    user = request.user
    orgs = visible_to(user, Org).filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT], is_active=True).order_by("path")
    groups = visible_to(user, Org).filter(kind=OrgKind.GROUP, is_active=True).order_by("path")
    sites = visible_to(user, Site).filter(site_type="hotline", is_active=True).order_by("code")
    return HotlineForm(data, initial=initial, orgs=orgs, groups=groups, sites=sites)


@login_required
@require_http_methods(["GET", "POST"])
def hotline_create(request):
    require(request.user, "create", Hotline)
    form = _hotline_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            hotline = services.hotline_create(
                actor=request.user,
                name=d["name"],
                number=d["number"],
                operating_org=d["operating_org"],
                group=d["group"],
                hours=d["hours"],
                topic=d["topic"],
                site=d["site"],
                is_active=d["is_active"],
            )
        except FORM_ERRORS as e:
            show_error(form, e)
        else:
            messages.success(request, f"已登记{hotline.name}。")
            return redirect("hotline:hotline_detail", pk=hotline.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "hotline/form.html", {"form": form, "title": "登记服务热线"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def hotline_edit(request, pk):
    hotline = access(request.user, Hotline, pk, action="change")
    initial = {f: getattr(hotline, f) for f in services.HOTLINE_FIELDS}
    initial["version"] = hotline.version
    form = _hotline_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.hotline_update(
                actor=request.user,
                hotline=hotline,
                expected_version=d["version"],
                **{f: d[f] for f in services.HOTLINE_FIELDS},
            )
        except FORM_ERRORS as e:
            show_error(form, e)
        else:
            messages.success(request, "已保存。")
            return redirect("hotline:hotline_detail", pk=hotline.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "hotline/form.html", {"form": form, "title": f"修改：{hotline.name}", "back": hotline}, status=status
    )


# --- Cases ---


@login_required
@require_GET
def case_list(request):
    """热线工单: filters by hotline, status, colour, routed org (with its units), period, keyword; callers masked."""
    require(request.user, "view", HotlineCase)
    filters = selectors.parse_case_filters(request.user, request.GET)
    page = Paginator(selectors.apply_case_filters(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_case_display(page.object_list)
    return render(
        request,
        "hotline/case_list.html",
        {
            "page": page,
            "filters": filters,
            "hotline_options": selectors.hotlines_for(request.user),
            "org_filter": org_filter(request.user, "hotline-routed", filters.routed_org),
            "statuses": CaseStatus.choices,
            "warnings": [(w, Warning(w).label) for w in selectors.WARNING_FILTERS],
            "export_query": _query(request),
            "can_create": can(request.user, "create", HotlineCase),
            "can_export": can(request.user, "export", HotlineCase),
            "status_css": CASE_STATUS_CSS,
        },
    )


@login_required
@require_GET
def case_export(request):
    """热线工单台账 of the filtered cases (callers masked), at once or in the background; audited."""
    return exports.respond(request, "hotline_cases")


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    require(request.user, "create", HotlineCase)
    initial = {"received_at": timezone.localtime().replace(second=0, microsecond=0)}
    if request.GET.get("hotline"):
        initial["hotline"] = request.GET["hotline"]
    form = CaseForm(request.POST or None, initial=initial, hotlines=selectors.hotline_choices(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_create(actor=request.user, **d)
        except FORM_ERRORS as e:
            show_error(form, e)
        else:
            messages.success(request, f"已受理登记工单{case.number}。")
            return redirect("hotline:case_detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "hotline/form.html", {"form": form, "title": "受理登记热线工单"}, status=status)


def _case(request, pk, action="view") -> HotlineCase:
    qs = HotlineCase.objects.select_related("hotline", "group", "routed_org", "problem", "answered_by")
    return access(request.user, HotlineCase, pk, action=action, qs=qs)


def _case_page(request, case, *, personal=None, forms=None, status=200):
    actions = services.case_actions(request.user, case)
    forms = forms or {}
    orgs = selectors.routed_org_choices(request.user)
    initial = {"version": case.version}
    if actions["assign"] and "assign" not in forms:
        forms["assign"] = AssignForm(initial={**initial, "routed_org": case.hotline.operating_org_id}, orgs=orgs)
    if actions["answer"] and "answer" not in forms:
        forms["answer"] = AnswerForm(initial=initial)
    if actions["callback"] and "callback" not in forms:
        forms["callback"] = CallbackForm(initial=initial)
    if actions["close"] and "close" not in forms:
        forms["close"] = CloseForm(initial=initial)
    case.warning = selectors.case_warning(case)
    return render(
        request,
        "hotline/case_detail.html",
        {
            "case": case,
            "actions": actions,
            "forms": forms,
            "personal": personal,
            "caller_name_masked": mask_name(case.caller_name),
            "caller_phone_masked": mask_phone(case.caller_phone),
            "events": selectors.case_events(request.user, case),
            "status_css": CASE_STATUS_CSS,
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request, pk):
    return _case_page(request, _case(request, pk))


@login_required
@require_POST
def case_personal(request, pk):
    """查看完整信息: the unmasked caller on this page only; every view is audited (services.case_personal_data)."""
    case = _case(request, pk, action="view_personal")
    personal = services.case_personal_data(actor=request.user, case=case)
    response = _case_page(request, case, personal=personal)
    response["Cache-Control"] = "no-store"
    return response


MOVE_FORMS = {"assign": AssignForm, "answer": AnswerForm, "callback": CallbackForm, "close": CloseForm}
MOVE_DONE = {"assign": "已交办。", "answer": "已答复。", "callback": "已记录回访。", "close": "工单已办结。"}


@login_required
@require_POST
def case_move(request, pk, move):
    """One button of the workflow table (交办、答复、回访、办结)."""
    if move not in MOVE_FORMS:
        return redirect("hotline:case_detail", pk=pk)
    case = _case(request, pk, action=move)
    kwargs = {"orgs": selectors.routed_org_choices(request.user)} if move == "assign" else {}
    form = MOVE_FORMS[move](request.POST, **kwargs)
    if form.is_valid():
        d = dict(form.cleaned_data)
        version = d.pop("version", None)
        func = getattr(services, f"case_{move}")
        try:
            func(actor=request.user, case=case, expected_version=version, **d)
        except FORM_ERRORS as e:
            show_error(form, e)
        else:
            messages.success(request, MOVE_DONE[move])
            return redirect("hotline:case_detail", pk=case.pk)
    return _case_page(request, case, forms={move: form}, status=400)


@login_required
@require_POST
def case_to_problem(request, pk):
    case = _case(request, pk, action="to_problem")
    try:
        problem = services.case_to_problem(actor=request.user, case=case)
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已转为问题{problem.number}，交{problem.responsible_org.name}整改。")
    return redirect("hotline:case_detail", pk=case.pk)


# --- Test calls (confidential) ---


@login_required
@require_GET
def call_list(request):
    require(request.user, "view", TestCall)
    filters = selectors.parse_call_filters(request.GET)
    page = Paginator(selectors.apply_call_filters(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/call_list.html",
        {
            "page": page,
            "filters": filters,
            "hotline_options": selectors.hotlines_for(request.user),
            "statuses": TestCallStatus.choices,
            "export_query": _query(request),
            "can_create": can(request.user, "create", TestCall),
            "can_export": can(request.user, "export", TestCall),
            "scorecards": selectors.test_call_scorecard(request.user),
        },
    )


@login_required
@require_GET
def call_export(request):
    """暗访测试台账 of the filtered test calls, at once or in the background; audited."""
    return exports.respond(request, "test_calls")


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    """安排/登记暗访测试: plan a call, or record one just made (phone-friendly)."""
    require(request.user, "create", TestCall)
    initial = {"planned_at": timezone.localtime().replace(second=0, microsecond=0)}
    if request.GET.get("hotline"):
        initial["hotline"] = request.GET["hotline"]
    form = TestCallForm(request.POST or None, initial=initial, hotlines=selectors.hotline_choices(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            call = services.test_call_create(
                actor=request.user,
                hotline=d["hotline"],
                planned_at=d["planned_at"],
                question=d["question"],
                note=d["note"],
                result=form.result(),
            )
        except FORM_ERRORS as e:
            show_error(form, e)
        else:
            messages.success(request, "已登记测试结果。" if call.status == TestCallStatus.DONE else "已安排暗访测试。")
            return redirect("hotline:call_detail", pk=call.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "hotline/call_form.html", {"form": form, "title": "暗访测试"}, status=status)


def _call(request, pk, action="view") -> TestCall:
    qs = TestCall.objects.select_related("hotline", "hotline__operating_org", "group", "caller", "problem")
    return access(request.user, TestCall, pk, action=action, qs=qs)


@login_required
@require_GET
def call_detail(request, pk):
    call = _call(request, pk)
    return render(
        request,
        "hotline/call_detail.html",
        {"call": call, "actions": services.test_call_actions(request.user, call), "max_wait": MAX_WAIT_SECONDS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_record(request, pk):
    call = _call(request, pk, action="record")
    planned = timezone.localtime(call.called_at or call.planned_at)
    initial = {
        "hotline": call.hotline_id,
        "planned_at": planned.replace(second=0, microsecond=0),
        "question": call.question,
        "note": call.note,
        "connected": "" if call.connected is None else ("1" if call.connected else "0"),
        "wait_seconds": call.wait_seconds,
        "answer_correct": "" if call.answer_correct is None else ("1" if call.answer_correct else "0"),
        "quality_score": call.quality_score,
        "version": call.version,
    }
    hotlines = selectors.hotlines_for(request.user).filter(pk=call.hotline_id)
    form = TestCallForm(request.POST or None, initial=initial, hotlines=hotlines)
    if request.method == "POST" and form.is_valid():
        result = form.result()
        if result is None:
            form.add_error("connected", "请选择拨打结果。")
        else:
            try:
                services.test_call_record(
                    actor=request.user,
                    call=call,
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                    **result,
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, "已登记测试结果。")
                return redirect("hotline:call_detail", pk=call.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "hotline/call_form.html", {"form": form, "title": "登记测试结果", "call": call}, status=status
    )


@login_required
@require_POST
def call_to_problem(request, pk):
    call = _call(request, pk, action="to_problem")
    try:
        problem = services.test_call_to_problem(actor=request.user, call=call)
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已转为问题{problem.number}，交{problem.responsible_org.name}整改。")
    return redirect("hotline:call_detail", pk=call.pk)
