"""Pages of double-random spot checks: plans (list, form, detail with the draw and its public notice), the
inspector's assignments and the check form (made for a phone at the site), checks, stock and results, xlsx
exports. Records come from selectors / core.access; every write goes through the services."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiandu.core import exports
from jiandu.core.access import access, can, require
from jiandu.core.attachments import attachments_of
from jiandu.core.errors import AppError, Conflict, ValidationFailed
from jiandu.core.paging import Paginator
from jiandu.organizations.enums import SiteType
from jiandu.organizations.models import Org

from . import check_services, selectors, services
from .check_services import STOCK_RESOURCES, ItemAnswer, StockCount
from .enums import PLAN_STATUS_CSS, ItemResult, PlanStatus, Resource
from .forms import PlanForm, plan_initial
from .models import Assignment, Check, CheckItemResult, CheckTemplate, SamplingPlan, Stock

PAGE_SIZE = 20


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- Plans ---


@login_required
@require_GET
def plan_list(request):
    """双随机抽查计划: filters by status and keyword."""
    require(request.user, "view", SamplingPlan)
    q, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    plans = selectors.plans_for(request.user, q=q, status=status)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sampling/plan_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": PlanStatus.choices,
            "status_css": {str(k): v for k, v in PLAN_STATUS_CSS.items()},
            "can_create": can(request.user, "create", SamplingPlan),
            "can_edit_checklists": can(request.user, "change", CheckTemplate),
            "pending_tasks": selectors.my_assignments(request.user, pending_only=True).count(),
        },
    )


@login_required
@require_GET
def plan_export(request):
    """双随机抽查计划台账 of the filtered plans (?q=&status=); audited as an export."""
    return exports.respond(request, "sampling_plans")


def _plan_form(request, form, plan=None, status=200):
    return render(request, "sampling/plan_form.html", {"form": form, "plan": plan}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    require(request.user, "create", SamplingPlan)
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = services.plan_create(actor=request.user, group=form.cleaned_data.get("group"), **form.values())
            except AppError as e:
                form.add_service_error(e)
            else:
                messages.success(request, f"已创建抽查计划「{plan.title}」。")
                return redirect("sampling:plan_detail", pk=plan.pk)
        return _plan_form(request, form, status=400)
    return _plan_form(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = access(request.user, SamplingPlan, pk, action="change")
    form = PlanForm(request.POST or None, user=request.user, plan=plan, initial=plan_initial(plan))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.plan_update(
                    actor=request.user, plan=plan, expected_version=form.cleaned_data.get("version"), **form.values()
                )
            except (ValidationFailed, Conflict) as e:
                form.add_service_error(e)
            else:
                messages.success(request, "已保存。")
                return redirect("sampling:plan_detail", pk=plan.pk)
        return _plan_form(request, form, plan, status=400)
    return _plan_form(request, form, plan)


def _chart(progress) -> dict:
    """Data of the progress chart; the page hands it to plan_progress.js through json_data."""
    return {
        "labels": [r.label for r in progress.by_stratum] + [f"{r.label}（人员）" for r in progress.by_inspector],
        "checked": [r.checked for r in progress.by_stratum] + [r.checked for r in progress.by_inspector],
        "remaining": [r.remaining for r in progress.by_stratum] + [r.remaining for r in progress.by_inspector],
    }


@login_required
@require_GET
def plan_detail(request, pk):
    plan = access(request.user, SamplingPlan, pk)
    draw = plan.current_draw
    assignments = selectors.assignments_of(request.user, plan)
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    progress = selectors.plan_progress(request.user, plan)
    return render(
        request,
        "sampling/plan_detail.html",
        {
            "plan": plan,
            "draw": draw,
            "old_draws": plan.draws.exclude(pk=draw.pk if draw else None).order_by("-number"),
            "page": page,
            "progress": progress,
            "chart": _chart(progress),
            "events": plan.events.select_related("actor"),
            "status_css": PLAN_STATUS_CSS.get(plan.status, ""),
            "can_change": can(request.user, "change", plan) and plan.status == PlanStatus.DRAFT,
            "can_draw": can(request.user, "draw", plan)
            and plan.status in (PlanStatus.DRAFT, PlanStatus.DRAWN, PlanStatus.PUBLISHED),
            "can_publish": can(request.user, "publish", plan) and plan.status == PlanStatus.DRAWN,
            "can_close": can(request.user, "close", plan) and plan.status == PlanStatus.PUBLISHED,
            "scope": ", ".join(o.name for o in plan.orgs.all()) or "全省",
            "site_types": "、".join(str(SiteType(t).label) for t in plan.site_types) or "全部类型",
        },
    )


@login_required
@require_POST
def plan_draw(request, pk):
    plan = access(request.user, SamplingPlan, pk, action="draw")
    try:
        draw = services.plan_draw(
            actor=request.user,
            plan=plan,
            seed=request.POST.get("seed", ""),
            reason=request.POST.get("reason", ""),
            expected_version=request.POST.get("version") or None,
        )
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已完成第{draw.number}次抽取：抽中{draw.sample_size}个点位。请核对后公开。")
    return redirect("sampling:plan_detail", pk=pk)


@login_required
@require_POST
def plan_move(request, pk, move):
    action = {"publish": services.plan_publish, "close": services.plan_close}[move]
    plan = access(request.user, SamplingPlan, pk, action=move)
    try:
        action(actor=request.user, plan=plan, expected_version=request.POST.get("version") or None)
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已公开抽取结果。" if move == "publish" else "计划已结束。")
    return redirect("sampling:plan_detail", pk=pk)


@login_required
@require_GET
def plan_notice(request, pk):
    """The printable public notice of a draw (一公开): inputs, algorithm and result."""
    plan = access(request.user, SamplingPlan, pk)
    draw = plan.current_draw
    if draw is None:
        messages.error(request, "该计划尚未抽取。")
        return redirect("sampling:plan_detail", pk=pk)
    rows = list(draw.assignments_set.select_related("site", "site__responsible_org").prefetch_related("inspectors"))
    return render(request, "sampling/plan_notice.html", {"plan": plan, "draw": draw, "rows": rows})


@login_required
@require_GET
def assignment_export(request, pk):
    """The tasks of a plan's current draw as .xlsx (the plan must be visible: else 404); audited."""
    return exports.respond(request, "sampling_assignments", pk=pk)


# --- Inspectors: tasks and the check form (phone) ---


@login_required
@require_GET
def my_tasks(request):
    tasks = list(selectors.my_assignments(request.user)[:300])
    return render(
        request,
        "sampling/my_tasks.html",
        {"pending": [t for t in tasks if not t.checked], "done": [t for t in tasks if t.checked][:50]},
    )


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_http_methods(["GET", "POST"])
def check_form(request, assignment_id):
    assignment = access(request.user, Assignment, assignment_id, action="record")
    site = assignment.site
    items = check_services.checklist_for(site.site_type)
    resources = STOCK_RESOURCES.get(site.site_type, [])
    resource_labels = dict(Resource.choices)
    error, fields = None, {}
    for i in items:  # what was answered, shown again after an error
        i.chosen, i.note_value = request.POST.get(f"result_{i.pk}", ""), request.POST.get(f"note_{i.pk}", "")
    if request.method == "POST":
        answers = [
            ItemAnswer(
                item=i,
                result=request.POST.get(f"result_{i.pk}", ""),
                note=request.POST.get(f"note_{i.pk}", ""),
                photo=request.FILES.get(f"photo_{i.pk}"),
            )
            for i in items
            if request.POST.get(f"result_{i.pk}")
        ]
        stock = [
            StockCount(
                r,
                _int(request.POST.get(f"{r}_total"), -1),
                _int(request.POST.get(f"{r}_damaged")),
                _int(request.POST.get(f"{r}_replenished")),
                _int(request.POST.get(f"{r}_reinforced")),
            )
            for r in resources
            if (request.POST.get(f"{r}_total") or "").strip()
        ]
        try:
            check = check_services.check_record(
                actor=request.user,
                assignment=assignment,
                answers=answers,
                stock=stock,
                note=request.POST.get("note", ""),
            )
        except (ValidationFailed, Conflict) as e:
            error, fields = e.message, e.fields
        else:
            messages.success(request, f"已记录「{site.name}」的检查结果。")
            return redirect("sampling:check_detail", pk=check.pk)
    return render(
        request,
        "sampling/check_form.html",
        {
            "assignment": assignment,
            "site": site,
            "items": items,
            "results": ItemResult.choices,
            "resources": [(r, resource_labels[r]) for r in resources],
            "error": error,
            "fields": fields,
            "done": Check.objects.filter(assignment=assignment).first(),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def check_detail(request, pk):
    check = access(request.user, Check, pk)
    photos = {a.sort_order: a for a in attachments_of(check, "item")}
    results = list(check.results.select_related("problem"))
    for r in results:
        r.photo = photos.get(r.order)
    return render(
        request,
        "sampling/check_detail.html",
        {
            "check": check,
            "results": results,
            "stock": list(check.stock.all()),
            "can_problem": can(request.user, "create_problem", check),
        },
    )


@login_required
@require_POST
def result_problem(request, pk):
    """一键转为问题."""
    result = CheckItemResult.objects.select_related("check_record").filter(pk=pk).first()
    check = access(request.user, Check, result.check_record_id if result else 0, action="create_problem")
    try:
        problem = check_services.check_item_to_problem(actor=request.user, result=result)
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已登记问题{problem.number}，责成{problem.responsible_org.name}整改。")
    return redirect("sampling:check_detail", pk=check.pk)


# --- Ledgers and results ---


@login_required
@require_GET
def check_list(request):
    require(request.user, "view", Check)
    site_type = request.GET.get("site_type", "")
    d1, d2 = _date(request.GET.get("date_from")), _date(request.GET.get("date_to"))
    group_ids = selectors.group_ids_param(request.GET)
    checks = selectors.checks_for(request.user, site_type=site_type, date_from=d1, date_to=d2, groups=group_ids)
    if request.GET.get("format") == "xlsx":  # 检查结果台账, at once or in the background
        return exports.respond(request, "sampling_checks")
    page = Paginator(checks.prefetch_related("results"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sampling/check_list.html",
        {
            "page": page, "site_types": SiteType.choices, "site_type": site_type, "date_from": d1, "date_to": d2,
            "groups": Org.objects.filter(pk__in=group_ids).order_by("path") if group_ids else [],
            "site_count": selectors.distinct_sites(checks),
        },
    )  # fmt: skip


@login_required
@require_GET
def stock_list(request):
    require(request.user, "view", Stock)
    resource = request.GET.get("resource", "")
    d1, d2 = _date(request.GET.get("date_from")), _date(request.GET.get("date_to"))
    stock = selectors.stock_for(request.user, resource=resource, date_from=d1, date_to=d2)
    if request.GET.get("format") == "xlsx":  # 物资状况台账, at once or in the background
        return exports.respond(request, "sampling_stock")
    page = Paginator(stock, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sampling/stock_list.html",
        {"page": page, "resources": Resource.choices, "resource": resource, "date_from": d1, "date_to": d2},
    )


@login_required
@require_GET
def results(request):
    """抽查结果: sites checked by type / month / district, problems found and rectified, stock by district."""
    require(request.user, "view", Check)
    d1, d2 = _date(request.GET.get("date_from")), _date(request.GET.get("date_to"))
    period = (d1, d2)
    as_of = d2 or timezone.localdate()
    resource = request.GET.get("resource") or Resource.TENT
    by_type = selectors.sites_checked(request.user, by="site_type", period=period)
    by_month = selectors.sites_checked(request.user, by="month", period=period)
    stock = selectors.stock_totals(request.user, resource, by="district", as_of=as_of)
    chart = {
        "types": [r["label"] for r in by_type],
        "typeCounts": [r["count"] for r in by_type],
        "districts": [r["label"] for r in stock["rows"]],
        "total": [r["total"] for r in stock["rows"]],
        "damaged": [r["damaged"] for r in stock["rows"]],
        "reinforced": [r["reinforced"] for r in stock["rows"]],
    }
    return render(
        request,
        "sampling/results.html",
        {
            "by_type": by_type,
            "by_month": by_month,
            "by_district": selectors.sites_checked(request.user, by="district", period=period),
            "problems": selectors.problems_from_checks(request.user, period),
            "stock": stock,
            "resources": Resource.choices,
            "resource": resource,
            "date_from": d1,
            "date_to": d2,
            "chart": chart,
        },
    )
