"""The xlsx ledger of problems (问题整改台账, DESIGN §7): the filtered list, audited as an export."""

from jiandu.core import exports
from jiandu.core.deadlines import Warning, days_overdue, today
from jiandu.core.xlsx import Column

from . import selectors
from .enums import ProblemStatus, SourceKind
from .models import Problem
from .selectors import problem_warning

COLUMNS = [
    Column("number", "编号", 16),
    Column("group", "纪检监察组", 30),
    Column("description", "问题描述", 50),
    Column("category", "类别", 18),
    Column("severity", "严重程度", 10),
    Column("site", "点位", 30),
    Column("responsible_org", "责任单位", 28),
    Column("registered_on", "登记日期", 12),
    Column("deadline", "整改期限", 12),
    Column("status", "状态", 10),
    Column("warning", "预警", 10),
    Column("overdue_days", "逾期天数", 10),
    Column("urge_count", "催办次数", 10),
    Column("is_repeat", "是否屡查屡犯", 12),
    Column("source", "来源", 14),
]
CHUNK = exports.CHUNK


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


ROW_FIELDS = (
    "number", "group__name", "description", "category__name", "severity__name", "site__name",
    "responsible_org__name", "registered_on", "deadline", "status", "closed_on", "urge_count", "is_repeat",
    "source_kind",
)  # fmt: skip


def problem_rows(problems, user=None):
    """Ledger rows of problems from selectors.problems_for, streamed: plain values read with their joins in one
    query per chunk, by primary key (exports.value_chunks: no model instances, no query per row); colours by the
    list's own rule."""
    on = today()
    # Labels looked up once per export (in the language of the request), not translated per row.
    statuses, sources, colours = _labels(ProblemStatus.choices), _labels(SourceKind.choices), _labels(Warning.choices)
    colours[Warning.NONE] = ""
    for p in exports.each_value(problems, ROW_FIELDS, CHUNK, named=True):
        closed_on = p.closed_on if p.status == ProblemStatus.CLOSED else None
        yield {
            "number": p.number,
            "group": p.group__name,
            "description": p.description,
            "category": p.category__name,
            "severity": p.severity__name,
            "site": p.site__name or "",
            "responsible_org": p.responsible_org__name,
            "registered_on": p.registered_on,
            "deadline": p.deadline,
            "status": statuses[p.status],
            "warning": colours[problem_warning(p, on=on)],
            "overdue_days": days_overdue(p.deadline, closed_on=closed_on, on=on),
            "urge_count": p.urge_count,
            "is_repeat": "是" if p.is_repeat else "否",
            "source": sources[p.source_kind],
        }


def select_problems(user, params) -> exports.Selection:
    """The problem list's filters (?status=&warning=&group=&org=&…), as on the list page."""
    filters = selectors.parse_filters(user, params)
    return exports.Selection(selectors.apply_filters(user, filters), filters.as_params())


LEDGER = exports.register(
    exports.Ledger(
        name="problems",
        title="问题整改台账",
        model=Problem,
        columns=COLUMNS,
        select=select_problems,
        rows=problem_rows,
    )
)
