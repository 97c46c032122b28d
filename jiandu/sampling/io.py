"""xlsx ledgers of sampling (DESIGN §7): plans, a plan's assignments, checks and stock counts. Every export is
authorized and audited (EXPORT) with its filters and row count."""

from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import require
from jiandu.core.enums import EventType
from jiandu.core.xlsx import Column, write_workbook

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


def _audit(actor, object_type: str, repr_: str, count: int, filters: dict) -> None:
    audit.record(
        EventType.EXPORT,
        actor=actor,
        object_type=object_type,
        object_repr=repr_,
        details={"format": "xlsx", "rows": count, "filters": filters},
    )


def plans_export(*, actor, plans, filters: dict) -> tuple[bytes, int]:
    require(actor, "export", SamplingPlan)
    rows = []
    for plan in plans.prefetch_related("draws"):
        draw = next((d for d in plan.draws.all() if d.superseded_at is None), None)
        rows.append(
            {
                "id": plan.pk,
                "title": plan.title,
                "group": plan.group.name if plan.group else "全省（派驻机构管理室）",
                "campaign": plan.campaign.title if plan.campaign else "",
                "status": plan.get_status_display(),
                "population": draw.population_size if draw else None,
                "sample": draw.sample_size if draw else None,
                "checked": plan.checks.count(),
                "seed": draw.seed if draw else "",
                "population_hash": draw.population_hash if draw else "",
                "drawn_at": _local(draw.drawn_at) if draw else None,
                "published_at": _local(plan.published_at),
            }
        )
    _audit(actor, "sampling.samplingplan", "双随机抽查计划台账", len(rows), filters)
    return write_workbook("抽查计划", PLAN_COLUMNS, rows), len(rows)


def assignments_export(*, actor, plan, assignments) -> tuple[bytes, int]:
    require(actor, "export", plan)
    rows = [
        {
            "order": a.order,
            "stratum": a.stratum,
            "code": a.site.code,
            "site": a.site.name,
            "org": a.site.responsible_org.name,
            "inspectors": "、".join(u.display_name for u in a.inspectors.all()),
            "checked": "是" if a.checked else "否",
        }
        for a in assignments
    ]
    _audit(actor, "sampling.samplingplan", f"{plan.title}·检查任务", len(rows), {"plan": plan.pk})
    return write_workbook("检查任务", ASSIGNMENT_COLUMNS, rows), len(rows)


def checks_export(*, actor, checks, filters: dict) -> tuple[bytes, int]:
    require(actor, "export", Check)
    rows = []
    for c in checks.prefetch_related("results__problem", "inspectors"):
        results = list(c.results.all())
        failed = [r for r in results if r.result == "fail"]
        rows.append(
            {
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
        )
    _audit(actor, "sampling.check", "检查结果台账", len(rows), filters)
    return write_workbook("检查结果", CHECK_COLUMNS, rows), len(rows)


def stock_export(*, actor, stock, filters: dict) -> tuple[bytes, int]:
    require(actor, "export", Stock)
    rows = [
        {
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
        for s in stock
    ]
    _audit(actor, "sampling.stock", "物资状况台账", len(rows), filters)
    return write_workbook("物资状况", STOCK_COLUMNS, rows), len(rows)
