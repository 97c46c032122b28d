"""xlsx ledgers of the hotline module (DESIGN §7): cases (callers masked), test calls, the hotline registry; audited
exports through jiandu.core.exports."""

from django.utils import timezone

from jiandu.core import exports
from jiandu.core.access import can
from jiandu.core.deadlines import Warning
from jiandu.core.xlsx import Column

from . import selectors
from .enums import CaseStatus, Satisfaction, TestCallStatus
from .models import Hotline, HotlineCase, TestCall
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

CHUNK = exports.CHUNK


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def _yes_no(v):
    return "" if v is None else ("是" if v else "否")


def case_rows(cases, user=None):
    """Ledger rows: the caller is ALWAYS masked, whoever exports. Hotline, group, org, problem joined."""
    for chunk in exports.chunks(cases, CHUNK):
        for c in with_case_display(chunk):
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


def call_rows(calls, user=None):
    """Ledger rows of test calls (hotline, group, caller and problem joined)."""
    for c in exports.each(calls, CHUNK):
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


HOTLINE_COLUMNS = [
    Column("name", "热线名称", 24),
    Column("number", "号码", 14),
    Column("operating_org", "运营单位", 26),
    Column("group", "纪检监察组", 26),
    Column("hours", "服务时间", 16),
    Column("status", "状态", 8),
    Column("cases", "工单数", 10),
    Column("calls", "暗访测试次数", 12),
    Column("answer_rate", "接通率", 10),
    Column("mean_wait", "平均等待秒数", 12),
    Column("mean_score", "平均评分", 10),
    Column("failed", "不合格次数", 10),
]


def hotline_rows(hotlines, user):
    """The registry with each hotline's cases and test-call scorecard, as on the page: the test-call columns
    stay empty for whoever may not see test calls (confidential). Three queries in all."""
    see_calls = can(user, "view", TestCall)
    cards = {c.hotline_id: c for c in selectors.test_call_scorecard(user)} if see_calls else {}
    cases = selectors.case_counts_by_hotline(user)
    for h in exports.each(hotlines, CHUNK):
        card = cards.get(h.pk)
        yield {
            "name": h.name,
            "number": h.number,
            "operating_org": h.operating_org.name,
            "group": h.group.name if h.group_id else "",
            "hours": h.hours,
            "status": "启用" if h.is_active else "停用",
            "cases": cases.get(h.pk, 0),
            "calls": (card.done if card else 0) if see_calls else None,
            "answer_rate": f"{card.answer_rate:.1%}" if card and card.answer_rate is not None else None,
            "mean_wait": card.mean_wait if card else None,
            "mean_score": card.mean_score if card else None,
            "failed": (card.failed if card else 0) if see_calls else None,
        }


def select_cases(user, params) -> exports.Selection:
    filters = selectors.parse_case_filters(user, params)
    return exports.Selection(selectors.apply_case_filters(user, filters), filters.as_params())


def select_calls(user, params) -> exports.Selection:
    filters = selectors.parse_call_filters(params)
    return exports.Selection(selectors.apply_call_filters(user, filters), filters.as_params())


def select_hotlines(user, params) -> exports.Selection:
    return exports.Selection(selectors.hotlines_for(user))


CASES = exports.register(
    exports.Ledger(
        name="hotline_cases",
        title="热线工单台账",
        model=HotlineCase,
        columns=CASE_COLUMNS,
        select=select_cases,
        rows=case_rows,
    )
)
CALLS = exports.register(
    exports.Ledger(
        name="test_calls",
        title="暗访测试台账",
        model=TestCall,
        columns=CALL_COLUMNS,
        select=select_calls,
        rows=call_rows,
    )
)
HOTLINES = exports.register(
    exports.Ledger(
        name="hotlines",
        title="服务热线台账",
        sheet="服务热线",
        model=Hotline,
        columns=HOTLINE_COLUMNS,
        select=select_hotlines,
        rows=hotline_rows,
    )
)
