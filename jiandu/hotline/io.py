"""xlsx ledgers of the hotline module (DESIGN §7): cases (callers masked) and test calls; audited exports."""

from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import require
from jiandu.core.deadlines import Warning
from jiandu.core.enums import EventType
from jiandu.core.xlsx import Column, write_workbook

from .enums import CaseStatus, Satisfaction, TestCallStatus
from .models import HotlineCase, TestCall
from .selectors import with_case_display

CASE_COLUMNS = [
    Column("number", "工单号", 14),
    Column("hotline", "热线", 24),
    Column("received_at", "来电时间", 18),
    Column("caller_name", "来电人", 10),
    Column("caller_phone", "来电号码", 16),
    Column("issue", "反映问题", 50),
    Column("category", "问题类别", 14),
    Column("routed_org", "承办单位", 24),
    Column("answer_due_on", "答复期限", 12),
    Column("status", "状态", 10),
    Column("warning", "预警", 10),
    Column("answered_at", "答复时间", 18),
    Column("satisfaction", "满意度", 10),
    Column("substantiated", "反映属实", 10),
    Column("problem", "转办问题", 16),
    Column("group", "纪检监察组", 28),
]

CALL_COLUMNS = [
    Column("hotline", "热线", 24),
    Column("number", "号码", 14),
    Column("group", "纪检监察组", 28),
    Column("planned_at", "计划时间", 18),
    Column("called_at", "拨打时间", 18),
    Column("caller", "拨打人", 12),
    Column("status", "状态", 10),
    Column("connected", "是否接通", 10),
    Column("wait_seconds", "等待秒数", 10),
    Column("answer_correct", "答复准确", 10),
    Column("quality_score", "评分", 8),
    Column("result", "结果", 30),
    Column("problem", "转办问题", 16),
    Column("note", "情况记录", 40),
]

CHUNK = 1000


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def _yes_no(v):
    return "" if v is None else ("是" if v else "否")


def case_rows(cases):
    """Ledger rows: the caller is ALWAYS masked, whoever exports."""
    total = cases.count()
    for start in range(0, total, CHUNK):
        for c in with_case_display(cases[start : start + CHUNK]):
            yield {
                "number": c.number,
                "hotline": c.hotline.name,
                "received_at": _local(c.received_at),
                "caller_name": c.caller_name_masked,
                "caller_phone": c.caller_phone_masked,
                "issue": c.issue,
                "category": c.category,
                "routed_org": c.routed_org.name if c.routed_org else "",
                "answer_due_on": c.answer_due_on,
                "status": str(CaseStatus(c.status).label),
                "warning": "" if c.warning == Warning.NONE else str(Warning(c.warning).label),
                "answered_at": _local(c.answered_at),
                "satisfaction": str(Satisfaction(c.satisfaction).label) if c.satisfaction else "",
                "substantiated": _yes_no(c.substantiated),
                "problem": c.problem.number if c.problem_id else "",
                "group": c.group.name,
            }


def _result(call) -> str:
    if call.failed:
        return "不合格：" + "、".join(call.failure_reasons)
    return "合格" if call.status == TestCallStatus.DONE else ""


def call_rows(calls):
    for c in calls.iterator(chunk_size=CHUNK):
        yield {
            "hotline": c.hotline.name,
            "number": c.hotline.number,
            "group": c.group.name,
            "planned_at": _local(c.planned_at),
            "called_at": _local(c.called_at),
            "caller": c.caller.display_name if c.caller_id else "",
            "status": str(TestCallStatus(c.status).label),
            "connected": _yes_no(c.connected),
            "wait_seconds": c.wait_seconds,
            "answer_correct": _yes_no(c.answer_correct),
            "quality_score": c.quality_score,
            "result": _result(c),
            "problem": c.problem.number if c.problem_id else "",
            "note": c.note,
        }


def _export(actor, model, title: str, columns, rows, filters: dict | None) -> tuple[bytes, int]:
    require(actor, "export", model)
    rows = list(rows)
    data = write_workbook(title, columns, rows)
    audit.record(
        EventType.EXPORT,
        actor=actor,
        object_type=model._meta.label_lower,
        object_repr=title,
        details={"count": len(rows), "filters": filters or {}, "format": "xlsx"},
    )
    return data, len(rows)


def case_export(*, actor, cases, filters: dict | None = None) -> tuple[bytes, int]:
    """热线工单台账 of `cases` (already scoped to `actor`), callers masked; audited as EXPORT."""
    return _export(actor, HotlineCase, "热线工单台账", CASE_COLUMNS, case_rows(cases), filters)


def call_export(*, actor, calls, filters: dict | None = None) -> tuple[bytes, int]:
    """暗访测试台账 (confidential: commission and groups only); audited as EXPORT."""
    return _export(actor, TestCall, "暗访测试台账", CALL_COLUMNS, call_rows(calls), filters)
