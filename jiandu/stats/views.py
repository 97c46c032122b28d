"""Pages of reported statistics (统计填报): data sets, completeness, the entry form, pivot with chart and roll-up,
approval and locking, xlsx export and import. Thin: lists from selectors, single records through core.access.access
(invisible → 404 page), writes through services, errors shown in Chinese."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiandu.core import exports
from jiandu.core.access import access, can, principal, require, visible_to
from jiandu.core.deadlines import warning_for
from jiandu.core.errors import AppError, ImportFailed, NotFound
from jiandu.core.paging import Paginator
from jiandu.organizations.enums import COMMISSION_ROLES
from jiandu.organizations.models import Org

from . import io, selectors, services
from .access import in_group, liaison_covers, may_enter
from .models import DataSet, DataValue, Indicator, Period
from .periods import parse_code

PAGE_SIZE = 50


def _dataset(request, pk, action="view") -> DataSet:
    return access(request.user, DataSet, pk, action=action, qs=DataSet.objects.select_related("group"))


def _period(dataset, code) -> Period:
    if not code:
        raise NotFound("请选择统计周期。")
    key = parse_code(code)
    if key.kind != dataset.frequency:
        raise NotFound("统计周期与数据集的填报频率不符。")
    return services.period_get(key)


def _org(request, pk) -> Org:
    return access(request.user, Org, pk)


@login_required
@require_GET
def dataset_list(request):
    """统计填报: the data sets one may see, with their group, frequency and reporting orgs."""
    require(request.user, "view", DataSet)
    qs = selectors.datasets_for(request.user).filter(is_active=True)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs.order_by("group__sort_order", "name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/dataset_list.html",
        {
            "page": page,
            "q": q,
            "can_create": can(request.user, "create", DataSet),
            "can_indicators": can(request.user, "create", Indicator),
        },
    )


def _targets(dataset: DataSet, user) -> list[Org]:
    """Orgs whose figures can be rolled up or approved: the reporting orgs and their parents (visible ones)."""
    reporting = list(dataset.reporting_orgs.all())
    ids = {o.pk for o in reporting} | {o.parent_id for o in reporting if o.parent_id}
    return list(visible_to(user, Org).filter(pk__in=ids).order_by("path"))


def _default_root(dataset: DataSet, user) -> Org | None:
    reporting = list(dataset.reporting_orgs.all())
    parents = {o.parent_id for o in reporting}
    if len(reporting) > 1 and len(parents) == 1 and None not in parents:
        root = visible_to(user, Org).filter(pk=parents.pop()).first()
        if root is not None:
            return root
    visible = [o for o in _targets(dataset, user) if o in reporting]
    return visible[0] if visible else None


@login_required
@require_GET
def dataset_detail(request, pk):
    """Indicators, reporting orgs, rules and completeness per period, with the links to enter and approve."""
    dataset = _dataset(request, pk)
    user, p = request.user, principal(request.user)
    periods = list(reversed(selectors.expected_periods(dataset)))[:26]
    reporting = list(dataset.reporting_orgs.order_by("path"))
    enterable = [o for o in reporting if may_enter(p, dataset, o)]
    rows = selectors.completeness(dataset, periods, org_ids=None)
    for c in rows:
        c.warning = warning_for(c.due, closed_on=c.due if c.reported >= c.expected else None)
    return render(
        request,
        "stats/dataset_detail.html",
        {
            "dataset": dataset,
            "indicators": selectors.dataset_indicators(dataset),
            "reporting": reporting,
            "enterable": enterable,
            "rules": dataset.rules.select_related("left", "right"),
            "completeness": rows,
            "can_approve": can(user, "approve", dataset),
            "can_change": can(user, "change", dataset),
            "can_import": bool(enterable),
            "root": _default_root(dataset, user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, pk):
    """填报: one org × one period, every indicator of the data set at once; shows whether it is locked."""
    dataset = _dataset(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    org = _org(request, data.get("org"))
    period = _period(dataset, data.get("period"))
    if not dataset.reporting_orgs.filter(pk=org.pk).exists():
        raise NotFound(f"{org.name}不是该数据集的填报单位。")
    p = principal(request.user)
    indicators = selectors.dataset_indicators(dataset)
    current = {v.indicator_id: v for v in DataValue.objects.filter(dataset=dataset, org=org, period=period)}
    if not (p.has(*COMMISSION_ROLES) or in_group(p, dataset.group_id) or liaison_covers(p, org)):
        raise NotFound()  # a liaison reads only their own subtree's figures
    lock = services.lock_of(dataset, org, period)
    editable = may_enter(p, dataset, org) and not (lock and lock.status == "locked")
    errors, error_message, status = {}, "", 200
    if request.method == "POST":
        values = {i.pk: request.POST.get(f"v_{i.pk}", "") for i in indicators}
        comments = {i.pk: request.POST.get(f"c_{i.pk}", "") for i in indicators}
        versions = {i.pk: request.POST.get(f"ver_{i.pk}") for i in indicators if request.POST.get(f"ver_{i.pk}")}
        try:
            services.datavalue_set_many(
                actor=request.user,
                dataset=dataset,
                org=org,
                period=period,
                values=values,
                comments=comments,
                versions=versions,
            )
        except AppError as e:
            if e.status == 403:
                raise
            errors, error_message, status = e.fields, e.message, 400
        else:
            messages.success(request, f"已保存{org.display_name}{period.name}的数据。")
            return redirect(
                f"{reverse('stats:entry', args=[dataset.pk])}?{urlencode({'org': org.pk, 'period': period.code})}"
            )
    rows = []
    for ind in indicators:
        v = current.get(ind.pk)
        posted = request.method == "POST"
        rows.append(
            {
                "indicator": ind,
                "value": request.POST.get(f"v_{ind.pk}", "") if posted else (_plain(v.value) if v else ""),
                "comment": request.POST.get(f"c_{ind.pk}", "") if posted else (v.comment if v else ""),
                "version": v.version if v else 0,
                "stored": v,
                "errors": errors.get(ind.code, []),
            }
        )
    return render(
        request,
        "stats/entry.html",
        {
            "dataset": dataset,
            "org": org,
            "period": period,
            "rows": rows,
            "lock": lock,
            "editable": editable,
            "error_message": error_message,
            "due": services.due_on(dataset, period),
            "rules": dataset.rules.select_related("left", "right"),
        },
        status=status,
    )


def _plain(value) -> str:
    text = format(value.normalize(), "f")
    return text


@login_required
@require_GET
def pivot(request, pk):
    """Org × period for one indicator, with the roll-up totals and a chart (ECharts, served locally)."""
    dataset = _dataset(request, pk)
    indicators = selectors.dataset_indicators(dataset)
    if not indicators:
        raise NotFound("该数据集没有指标。")
    by_pk = {str(i.pk): i for i in indicators}
    indicator = by_pk.get(request.GET.get("indicator", ""), indicators[0])
    targets = _targets(dataset, request.user)
    root = _org(request, request.GET["root"]) if request.GET.get("root") else _default_root(dataset, request.user)
    if root is None:
        raise NotFound()
    keys = selectors.expected_periods(dataset)
    periods = [services.period_get(k) for k in keys[-12:]]
    pv = selectors.pivot(request.user, indicator=indicator, root=root, periods=periods, dataset=dataset)
    return render(
        request,
        "stats/pivot.html",
        {
            "dataset": dataset,
            "indicators": indicators,
            "indicator": indicator,
            "targets": targets,
            "root": root,
            "pivot": pv,
            "table": [
                {
                    "row": r,
                    "cells": [r.by_period.get((indicator.pk, p.code)) for p in periods],
                    "total": r.values[indicator.pk],
                }
                for r in pv.rows
            ],
        },
    )


@login_required
@require_GET
def approvals(request, pk):
    """审核锁定: per period, the orgs whose figures can be approved, their completeness and state."""
    dataset = _dataset(request, pk)
    targets = _targets(dataset, request.user)
    keys = list(reversed(selectors.expected_periods(dataset)))[:12]
    periods = {k.code: services.period_get(k) for k in keys}
    existing = {(a.org_id, a.period.code): a for a in selectors.approvals_for(request.user, dataset=dataset)}
    reporting = list(dataset.reporting_orgs.all())
    done = set(
        DataValue.objects.filter(dataset=dataset, period__in=periods.values())
        .values_list("org_id", "period__code")
        .distinct()
    )
    rows = []
    for k in keys:
        for org in targets:
            expected = [o for o in reporting if o.path.startswith(org.path)]
            reported = [o for o in expected if (o.pk, k.code) in done]
            rows.append(
                {
                    "period": periods[k.code],
                    "org": org,
                    "expected": len(expected),
                    "reported": len(reported),
                    "approval": existing.get((org.pk, k.code)),
                }
            )
    return render(
        request,
        "stats/approvals.html",
        {"dataset": dataset, "rows": rows, "can_approve": can(request.user, "approve", dataset)},
    )


def _approval_target(request, pk, action):
    dataset = _dataset(request, pk, action=action)
    return dataset, _org(request, request.POST.get("org")), _period(dataset, request.POST.get("period"))


@login_required
@require_POST
def approve(request, pk):
    dataset, org, period = _approval_target(request, pk, "approve")
    try:
        services.approval_approve(
            actor=request.user, dataset=dataset, org=org, period=period, lock=request.POST.get("lock", "1") == "1"
        )
    except AppError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已审核并锁定{org.display_name}{period.name}的数据。")
    return redirect(request.POST.get("next") or reverse("stats:approvals", args=[dataset.pk]))


@login_required
@require_POST
def unlock(request, pk):
    dataset, org, period = _approval_target(request, pk, "unlock")
    try:
        services.approval_unlock(
            actor=request.user, dataset=dataset, org=org, period=period, reason=request.POST.get("reason", "")
        )
    except AppError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已解锁{org.display_name}{period.name}的数据，解锁原因已记入审计日志。")
    return redirect(reverse("stats:approvals", args=[dataset.pk]))


@login_required
@require_GET
def export(request, pk):
    """The data set's values one may see, filtered by org (with sub-units) and period, as .xlsx (also the import
    template), at once or in the background; audited as an export."""
    return exports.respond(request, "stats_values", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_values(request, pk):
    """导入: an .xlsx in the export format; all or nothing, errors by row and column."""
    dataset = _dataset(request, pk, action="import")
    import_error, status = None, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            import_error, status = ImportFailed([(None, "文件", "请选择要导入的 Excel 文件。")]), 400
        else:
            try:
                count = io.datavalue_import(actor=request.user, dataset=dataset, upload=upload)
            except ImportFailed as e:
                import_error, status = e, 400
            else:
                messages.success(request, f"导入成功：共写入{count}个数值。")
                return redirect("stats:dataset_detail", pk=dataset.pk)
    return render(request, "stats/import.html", {"dataset": dataset, "import_error": import_error}, status=status)
