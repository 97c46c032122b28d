"""xlsx ledgers of sampling (DESIGN §7): plans, a plan's assignments, checks and stock counts. Every export is
authorized and audited (EXPORT) with its filters and row count."""

from datetime import date

from django.db.models import Count
from django.utils import timezone

from jiandu.core import exports
from jiandu.core.access import access
from jiandu.core.xlsx import Column

from . import selectors
from .models import Check, SamplingPlan, Stock

PLAN_COLUMNS = [
    Column("id", "计划ID", 8),
    Column("title", "计划名称", 40),
    Column("group", "纪检监察组", 30),
    Column("campaign", "专项监督", 26),
    Column("status", "状态", 10),
    Column("population", "总体点位数", 12),
    Column("sample", "抽中点位数", 12),
    Column("checked", "已检查", 10),
    Column("seed", "随机种子", 36),
    Column("population_hash", "总体快照哈希(SHA-256)", 66),
    Column("drawn_at", "抽取时间", 18),
    Column("published_at", "公开时间", 18),
]
ASSIGNMENT_COLUMNS = [
    Column("order", "序号", 8),
    Column("stratum", "分层", 20),
    Column("code", "点位编码", 14),
    Column("site", "点位名称", 36),
    Column("org", "责任单位", 22),
    Column("inspectors", "检查人员", 22),
    Column("checked", "是否已检查", 12),
]
CHECK_COLUMNS = [
    Column("id", "检查ID", 8),
    Column("checked_at", "检查时间", 18),
    Column("code", "点位编码", 14),
    Column("site", "点位名称", 36),
    Column("site_type", "点位类型", 14),
    Column("org", "责任单位", 22),
    Column("group", "纪检监察组", 30),
    Column("plan", "抽查计划", 30),
    Column("inspectors", "检查人员", 22),
    Column("passed", "合格项", 8),
    Column("failed", "不合格项", 10),
    Column("failed_items", "不合格内容", 40),
    Column("problems", "问题编号", 22),
    Column("note", "总体情况", 40),
]
STOCK_COLUMNS = [
    Column("counted_on", "日期", 12),
    Column("code", "点位编码", 14),
    Column("site", "点位名称", 36),
    Column("org", "责任单位", 22),
    Column("resource", "物资", 10),
    Column("total", "总数", 10),
    Column("damaged", "损坏数", 10),
    Column("replenished", "补充数", 10),
    Column("reinforced", "加固数", 10),
    Column("group", "纪检监察组", 30),
]


def _local(dt):
    return timezone.localtime(dt).replace(tzinfo=None) if dt else None


def plan_rows(plans, user=None):
    """One row per plan with its current draw (draws prefetched, checks counted in the query)."""
    records = plans.annotate(n_checks=Count("checks", distinct=True)).prefetch_related("draws")
    for plan in exports.each(records):
        draw = next((d for d in plan.draws.all() if d.superseded_at is None), None)
        yield {
            "id": plan.pk,
            "title": plan.title,
            "group": plan.group.name if plan.group else "全省（派驻机构管理室）",
            "campaign": plan.campaign.title if plan.campaign else "",
            "status": plan.get_status_display(),
            "population": draw.population_size if draw else None,
            "sample": draw.sample_size if draw else None,
            "checked": plan.n_checks,
            "seed": draw.seed if draw else "",
            "population_hash": draw.population_hash if draw else "",
            "drawn_at": _local(draw.drawn_at) if draw else None,
            "published_at": _local(plan.published_at),
        }


def assignment_rows(assignments, user=None):
    """The tasks of a plan's current draw (site and org joined, inspectors prefetched per chunk)."""
    for a in exports.each(assignments):
        yield {
            "order": a.order,
            "stratum": a.stratum,
            "code": a.site.code,
            "site": a.site.name,
            "org": a.site.responsible_org.name,
            "inspectors": "、".join(u.display_name for u in a.inspectors.all()),
            "checked": "是" if a.checked else "否",
        }


def check_rows(checks, user=None):
    """Checks with their item results, problems and inspectors (prefetched per chunk: no query per row)."""
    records = checks.prefetch_related("results__problem", "inspectors")
    for c in exports.each(records):
        results = list(c.results.all())
        failed = [r for r in results if r.result == "fail"]
        yield {
            "id": c.pk,
            "checked_at": _local(c.checked_at),
            "code": c.site.code,
            "site": c.site.name,
            "site_type": c.site.get_site_type_display(),
            "org": c.site.responsible_org.name,
            "group": c.group.name,
            "plan": c.plan.title if c.plan else "",
            "inspectors": "、".join(u.display_name for u in c.inspectors.all()),
            "passed": sum(1 for r in results if r.result == "pass"),
            "failed": len(failed),
            "failed_items": "；".join(f"{r.text}（{r.note}）" if r.note else r.text for r in failed),
            "problems": "、".join(r.problem.number for r in failed if r.problem_id),
            "note": c.note,
        }


def stock_rows(stock, user=None):
    for s in exports.each(stock):
        yield {
            "counted_on": s.counted_on,
            "code": s.site.code,
            "site": s.site.name,
            "org": s.site.responsible_org.name,
            "resource": s.get_resource_display(),
            "total": s.total,
            "damaged": s.damaged,
            "replenished": s.replenished,
            "reinforced": s.reinforced,
            "group": s.group.name,
        }


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items() if v}


def select_plans(user, params) -> exports.Selection:
    """The plan list's filters (?q=&status=)."""
    q, status = (params.get("q") or "").strip(), params.get("status") or ""
    return exports.Selection(selectors.plans_for(user, q=q, status=status), _filters({"q": q, "status": status}))


def select_assignments(user, params, *, pk) -> exports.Selection:
    """The tasks of one plan, which must be visible and exportable by `user` (else 404 / 403)."""
    plan = access(user, SamplingPlan, pk, action="export")
    return exports.Selection(
        selectors.assignments_of(user, plan), {"plan": plan.pk}, obj=plan, title=f"{plan.title}·检查任务"
    )


def select_checks(user, params) -> exports.Selection:
    """The check list's filters (?site_type=&date_from=&date_to=&group=)."""
    site_type = params.get("site_type") or ""
    d1, d2 = _date(params.get("date_from")), _date(params.get("date_to"))
    groups = selectors.group_ids_param(params)
    checks = selectors.checks_for(user, site_type=site_type, date_from=d1, date_to=d2, groups=groups)
    return exports.Selection(
        checks, _filters({"site_type": site_type, "date_from": d1, "date_to": d2, "group": groups})
    )


def select_stock(user, params) -> exports.Selection:
    """The stock list's filters (?resource=&date_from=&date_to=)."""
    resource = params.get("resource") or ""
    d1, d2 = _date(params.get("date_from")), _date(params.get("date_to"))
    stock = selectors.stock_for(user, resource=resource, date_from=d1, date_to=d2)
    return exports.Selection(stock, _filters({"resource": resource, "date_from": d1, "date_to": d2}))


PLANS = exports.register(
    exports.Ledger(
        name="sampling_plans",
        title="双随机抽查计划台账",
        sheet="抽查计划",
        model=SamplingPlan,
        columns=PLAN_COLUMNS,
        select=select_plans,
        rows=plan_rows,
    )
)
ASSIGNMENTS = exports.register(
    exports.Ledger(
        name="sampling_assignments",
        title="检查任务",
        model=SamplingPlan,
        columns=ASSIGNMENT_COLUMNS,
        select=select_assignments,
        rows=assignment_rows,
    )
)
CHECKS = exports.register(
    exports.Ledger(
        name="sampling_checks",
        title="检查结果台账",
        sheet="检查结果",
        model=Check,
        columns=CHECK_COLUMNS,
        select=select_checks,
        rows=check_rows,
    )
)
STOCK = exports.register(
    exports.Ledger(
        name="sampling_stock",
        title="物资状况台账",
        sheet="物资状况",
        model=Stock,
        columns=STOCK_COLUMNS,
        select=select_stock,
        rows=stock_rows,
    )
)
