"""xlsx ledgers of the hotline module (DESIGN §7): cases (callers masked), test calls, the hotline registry; audited
exports through jiandu.core.exports."""

from jiandu.core import exports
from jiandu.core.access import can
from jiandu.core.deadlines import Warning, today
from jiandu.core.xlsx import Column

from . import selectors
from .enums import CaseStatus, Satisfaction, TestCallStatus
from .masking import mask_name, mask_phone
from .models import Hotline, HotlineCase, TestCall
from .selectors import case_warning

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


def _yes_no(v):
    return "" if v is None else ("是" if v else "否")


CASE_FIELDS = (
    "number", "hotline__name", "received_at", "caller_name", "caller_phone", "issue", "category",
    "routed_org__name", "answer_due_on", "status", "answered_at", "satisfaction", "substantiated",
    "problem__number", "group__name",
)  # fmt: skip


def case_rows(cases, user=None):
    """Ledger rows: the caller is ALWAYS masked, whoever exports. Hotline, group, org, problem joined: plain
    values read in one query per chunk; the colour by the list's rule (selectors.case_warning), labels looked
    up once."""
    on = today()
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    satisfactions = {value: str(label) for value, label in Satisfaction.choices}
    colours = {value: str(label) for value, label in Warning.choices} | {Warning.NONE: ""}
    for c in exports.each_value(cases, CASE_FIELDS, CHUNK, named=True):
        yield {
            "number": c.number,
            "hotline": c.hotline__name,
            "received_at": exports.local_time(c.received_at),
            "caller_name": mask_name(c.caller_name),
            "caller_phone": mask_phone(c.caller_phone),
            "issue": c.issue,
            "category": c.category,
            "routed_org": c.routed_org__name or "",
            "answer_due_on": c.answer_due_on,
            "status": statuses[c.status],
            "warning": colours[case_warning(c, on=on)],
            "answered_at": exports.local_time(c.answered_at),
            "satisfaction": satisfactions[c.satisfaction] if c.satisfaction else "",
            "substantiated": _yes_no(c.substantiated),
            "problem": c.problem__number or "",
            "group": c.group__name,
        }


failed = TestCall.failed.fget  # the rules of the model, read off a row of values (its field names)
failure_reasons = TestCall.failure_reasons.fget


def _result(call) -> str:
    if failed(call):
        return "不合格：" + "、".join(failure_reasons(call))
    return "合格" if call.status == TestCallStatus.DONE else ""


CALL_FIELDS = (
    "hotline__name", "hotline__number", "group__name", "planned_at", "called_at", "caller__full_name",
    "caller__username", "status", "connected", "wait_seconds", "answer_correct", "quality_score",
    "problem__number", "note",
)  # fmt: skip


def call_rows(calls, user=None):
    """Ledger rows of test calls (hotline, group, caller and problem joined), streamed as plain values (one query
    per chunk); the result by the model's own rules (TestCall.failed, failure_reasons)."""
    statuses = {value: str(label) for value, label in TestCallStatus.choices}
    for c in exports.each_value(calls, CALL_FIELDS, CHUNK, named=True):
        yield {
            "hotline": c.hotline__name,
            "number": c.hotline__number,
            "group": c.group__name,
            "planned_at": exports.local_time(c.planned_at),
            "called_at": exports.local_time(c.called_at),
            "caller": c.caller__full_name or c.caller__username or "",  # User.display_name; none: ""
            "status": statuses[c.status],
            "connected": _yes_no(c.connected),
            "wait_seconds": c.wait_seconds,
            "answer_correct": _yes_no(c.answer_correct),
            "quality_score": c.quality_score,
            "result": _result(c),
            "problem": c.problem__number or "",
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
