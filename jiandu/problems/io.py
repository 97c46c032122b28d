"""The xlsx ledger of problems (问题整改台账, DESIGN §7): the filtered list, audited as an export."""

from jiandu.core import audit
from jiandu.core.access import require
from jiandu.core.deadlines import Warning
from jiandu.core.enums import EventType
from jiandu.core.xlsx import Column, write_workbook

from .enums import ProblemStatus, SourceKind
from .models import Problem
from .selectors import with_warnings

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
CHUNK = 1000


def _warning_label(colour: str) -> str:
    return "" if colour == Warning.NONE else str(Warning(colour).label)


def problem_rows(problems):
    """Ledger rows of problems from selectors.problems_for (related rows joined), in chunks."""
    total = problems.count()
    for start in range(0, total, CHUNK):
        for p in with_warnings(problems[start : start + CHUNK]):
            yield {
                "number": p.number,
                "group": p.group.name,
                "description": p.description,
                "category": p.category.name,
                "severity": p.severity.name,
                "site": p.site.name if p.site else "",
                "responsible_org": p.responsible_org.name,
                "registered_on": p.registered_on,
                "deadline": p.deadline,
                "status": str(ProblemStatus(p.status).label),
                "warning": _warning_label(p.warning),
                "overdue_days": p.overdue_days,
                "urge_count": p.urge_count,
                "is_repeat": "是" if p.is_repeat else "否",
                "source": str(SourceKind(p.source_kind).label),
            }


def problem_export(*, actor, problems, filters: dict | None = None) -> tuple[bytes, int]:
    """The problem ledger of `problems` (already scoped to `actor`) as .xlsx; audited as an EXPORT."""
    require(actor, "export", Problem)
    rows = list(problem_rows(problems))
    data = write_workbook("问题整改台账", COLUMNS, rows)
    audit.record(
        EventType.EXPORT,
        actor=actor,
        object_type="problems.problem",
        object_repr="问题整改台账",
        details={"count": len(rows), "filters": filters or {}, "format": "xlsx"},
    )
    return data, len(rows)
