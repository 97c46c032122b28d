"""考评 per host department (DESIGN §4 reports): how well each department (or each responsible org) puts right
what the groups found, answers their documents and runs its hotlines.

Every figure comes from the modules' selectors, which read through `visible_to` and take the report's scope: a
group's staff see the departments of their group's records only. Per department, the records of its units are
rolled up to it (a hospital to 省卫健委); a locality outside every department to the top of its chain (南关区 to
长春市). Timeliness is computed from dates, never typed in. The number of queries does not grow with the rows.
"""

from dataclasses import dataclass, field
from datetime import date

from jiandu.core import audit
from jiandu.core.access import require
from jiandu.core.cn import cn_date
from jiandu.core.deadlines import today
from jiandu.core.enums import EventType
from jiandu.core.xlsx import ReportCell, ReportSheet, write_report
from jiandu.documents import selectors as documents
from jiandu.documents.selectors import ReplyTimeliness
from jiandu.hotline import selectors as hotline
from jiandu.hotline.selectors import CallTotals
from jiandu.organizations.enums import OrgKind
from jiandu.organizations.models import Org
from jiandu.problems import selectors as problems

from .models import Briefing
from .scope import ReportScope

BY_CHOICES = [("department", "按驻在部门汇总"), ("org", "按责任单位分列")]

# On-time rectification rate colours of the chart (and of the cells): green from 90 %, yellow from 60 %, else red.
RATE_GOOD, RATE_FAIR = 90, 60


@dataclass(frozen=True)
class Measure:
    key: str  # attribute of DepartmentScore, and the ?sort= key
    label: str
    section: str  # the upper header it stands under
    fmt: str  # ReportCell format: int, pct, dec1, dec2
    note: str  # the footnote that explains it


COMPOSITE_NOTE = (
    "下列四项中可计算各项的算术平均（百分制）：整改按期率、文书按期回复率、热线接通率、热线平均得分×20；"
    "某项无数据时不计入，四项均无数据的单位不参加排名。排名按综合得分从高到低，得分相同名次相同。"
)

MEASURES = [
    Measure("problems", "问题数", "问题整改", "int", "期间内登记（按登记日期）、由本单位负责整改的问题数。"),
    Measure("closed", "已销号", "问题整改", "int", "上述问题中已核查销号的问题数。"),
    Measure("overdue_open", "逾期未整改", "问题整改", "int", "上述问题中尚未销号且已过整改期限的问题数。"),
    Measure(
        "on_time_rate",
        "整改按期率",
        "问题整改",
        "pct",
        "按期销号数 ÷（已销号数 + 逾期未整改数）。期限未到、尚在整改的问题不计入分母。",
    ),
    Measure(
        "mean_overdue_days",
        "平均逾期天数",
        "问题整改",
        "dec1",
        "逾期问题的逾期天数之和 ÷ 逾期问题数；逾期销号的计至销号日，逾期未整改的计至统计截止日。",
    ),
    Measure(
        "urges",
        "催办次数",
        "问题整改",
        "int",
        "上述问题累计被催办（提示、催办、督办单、问题通报，含系统自动催办）的次数。",
    ),
    Measure(
        "repeats",
        "屡查屡犯",
        "问题整改",
        "int",
        "上述问题中被认定为屡查屡犯（同一点位或单位、同类问题再次发生）的问题数。",
    ),
    Measure(
        "replies_due",
        "应回复",
        "文书回复",
        "int",
        "期间内签发、设有回复期限的监督文书中，已回复或已过回复期限的主送份次。",
    ),
    Measure(
        "reply_rate",
        "按期回复率",
        "文书回复",
        "pct",
        "在回复期限当日或之前回复的份次 ÷ 应回复份次；回复日期取自回复记录，不可填报。",
    ),
    Measure("calls_done", "暗访测试", "热线暗访", "int", "本单位（及下属单位）运营的热线在期间内完成的暗访测试次数。"),
    Measure("answer_rate", "接通率", "热线暗访", "pct", "接通次数 ÷ 完成的暗访测试次数。"),
    Measure("mean_score", "平均得分", "热线暗访", "dec2", "有评分的暗访测试的服务质量平均分（5分制）。"),
    Measure("composite", "综合得分", "", "dec1", COMPOSITE_NOTE),
]
MEASURE_KEYS = {m.key for m in MEASURES}


@dataclass
class DepartmentScore:
    """One row of the scorecard: a host department (its units rolled up) or one responsible org."""

    org: Org
    problems: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue_open: int = 0
    overdue_days: int = 0  # days past the deadline: of those closed late (at closing) and of those still open
    urges: int = 0
    repeats: int = 0
    replies: ReplyTimeliness = field(default_factory=ReplyTimeliness)
    calls: CallTotals = field(default_factory=CallTotals)
    rank: int | None = None

    @property
    def closed_late(self) -> int:
        return self.closed - self.closed_on_time

    @property
    def overdue(self) -> int:
        """Problems that went past their deadline: closed late, or still open after it."""
        return self.closed_late + self.overdue_open

    @property
    def on_time_rate(self) -> float | None:
        """整改按期率 in percent: closed on time / (closed + open past the deadline)."""
        due = self.closed + self.overdue_open
        return round(100 * self.closed_on_time / due, 1) if due else None

    @property
    def mean_overdue_days(self) -> float | None:
        return round(self.overdue_days / self.overdue, 1) if self.overdue else None

    @property
    def replies_due(self) -> int:
        return self.replies.due

    @property
    def reply_rate(self) -> float | None:
        return self.replies.rate

    @property
    def calls_done(self) -> int:
        return self.calls.done

    @property
    def answer_rate(self) -> float | None:
        return self.calls.answer_rate

    @property
    def mean_score(self) -> float | None:
        return self.calls.mean_score

    @property
    def composite(self) -> float | None:
        """综合得分: the mean of the measures on a 0–100 scale that can be computed (see COMPOSITE_NOTE)."""
        parts = [self.on_time_rate, self.reply_rate, self.answer_rate]
        if self.mean_score is not None:
            parts.append(self.mean_score * 20)
        parts = [p for p in parts if p is not None]
        return round(sum(parts) / len(parts), 1) if parts else None

    @property
    def rate_colour(self) -> str:
        """green / yellow / red for the on-time rate (the chart's colours); "" when there is none."""
        rate = self.on_time_rate
        if rate is None:
            return ""
        return "green" if rate >= RATE_GOOD else "yellow" if rate >= RATE_FAIR else "red"


def _roll_up_targets(orgs: list[Org], by: str) -> dict[int, Org]:
    """{org id: the org its figures count under}. by="org": itself. by="department": the top-most department
    at or above it; a unit outside every department climbs its chain of units (南关区 → 长春市). One query."""
    if by == "org":
        return {o.pk: o for o in orgs}
    tree = Org.objects.in_bulk({i for o in orgs for i in o.ancestor_ids()})
    out = {}
    for o in orgs:
        chain = [tree[i] for i in o.ancestor_ids() if i in tree]  # from the root down to o
        target = next((a for a in chain if a.kind == OrgKind.DEPARTMENT), None)
        if target is None:
            target = o
            if o.kind == OrgKind.UNIT:
                for above in reversed(chain[:-1]):
                    if above.kind != OrgKind.UNIT:
                        break
                    target = above
        out[o.pk] = target
    return out


def _rank(rows: list[DepartmentScore]) -> None:
    """Competition ranking by the composite score (1, 2, 2, 4); rows without a score get no rank."""
    scored = sorted((r for r in rows if r.composite is not None), key=lambda r: -r.composite)
    for i, r in enumerate(scored):
        r.rank = scored[i - 1].rank if i and r.composite == scored[i - 1].composite else i + 1


def _tree_order(row: DepartmentScore):
    return (row.org.sort_order, row.org.path)


def department_scorecard(user, scope: ReportScope, *, on: date | None = None, by: str = "department") -> list:
    """考评 rows over what `user` may see in `scope` (period and groups), as things stood on `on` (default today),
    in the order of the org tree: problems registered in the period (problems.selectors.scorecard), replies to
    documents issued in the period (documents.selectors.reply_timeliness), test calls planned in the period on
    the hotlines each org runs (hotline.selectors.test_call_totals). by="department" rolls units up to their
    host department; by="org" gives each responsible org its own row. A fixed number of queries."""
    if by not in dict(BY_CHOICES):
        raise ValueError(f"by must be one of {[k for k, _ in BY_CHOICES]}")
    on = on or today()
    groups = scope.group_ids
    score_rows = problems.scorecard(user, date_from=scope.date_from, date_to=scope.date_to, on=on, groups=groups)
    replies = documents.reply_timeliness(
        user, by="org", date_from=scope.date_from, date_to=scope.date_to, on=on, groups=groups
    )
    calls = hotline.test_call_totals(user, by="operating_org", period=scope.period, groups=groups)
    orgs = {r.org.pk: r.org for r in score_rows}
    missing = (set(replies) | set(calls)) - set(orgs)
    if missing:
        orgs.update(Org.objects.in_bulk(missing))
    targets = _roll_up_targets(list(orgs.values()), by)
    rows: dict[int, DepartmentScore] = {}

    def row_of(org_id: int) -> DepartmentScore:
        target = targets[org_id]
        return rows.setdefault(target.pk, DepartmentScore(org=target))

    for s in score_rows:
        row = row_of(s.org.pk)
        for name in ("closed", "closed_on_time", "open", "overdue_open", "overdue_days", "urges", "repeats"):
            setattr(row, name, getattr(row, name) + getattr(s, name))
        row.problems += s.total
    for org_id, replied in replies.items():
        row_of(org_id).replies.add(replied)
    for org_id, totals in calls.items():
        row_of(org_id).calls.add(totals)
    out = sorted(rows.values(), key=_tree_order)
    _rank(out)
    return out


def sort_rows(rows: list[DepartmentScore], sort: str) -> tuple[list[DepartmentScore], str, bool]:
    """Rows sorted by ?sort=key or -key (descending). Stable: equal values keep the org tree's order; rows
    without a value come last either way. Unknown keys sort by the tree. Returns (rows, key, descending)."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in MEASURE_KEYS and key != "org":
        key, descending = "org", False
    base = sorted(rows, key=_tree_order)
    if key == "org":
        return (base[::-1] if descending else base), key, descending
    valued = [r for r in base if getattr(r, key) is not None]
    empty = [r for r in base if getattr(r, key) is None]
    valued.sort(key=lambda r: getattr(r, key), reverse=descending)  # sort() stays stable with reverse=True
    return valued + empty, key, descending


# --- The .xlsx ---


def scorecard_sheet(rows: list[DepartmentScore], scope: ReportScope, *, by: str, on: date) -> ReportSheet:
    """The scorecard as a report sheet: title, scope line, two-level headers, one row per org, footnotes."""
    unit_label = "驻在部门" if by == "department" else "责任单位"
    sections: list[tuple[str, int]] = []
    for m in MEASURES:
        if m.section and sections and sections[-1][0] == m.section:
            sections[-1] = (m.section, sections[-1][1] + 1)
        elif m.section:
            sections.append((m.section, 1))
    top = [ReportCell("排名", rowspan=2), ReportCell(unit_label, rowspan=2)]
    top += [ReportCell(name, colspan=n) for name, n in sections]
    top += [ReportCell(m.label, rowspan=2) for m in MEASURES if not m.section]
    second = [ReportCell(m.label) for m in MEASURES if m.section]
    body = [
        [ReportCell(r.rank, fmt="int", align="center"), ReportCell(r.org.name)]
        + [ReportCell(getattr(r, m.key), fmt=m.fmt) for m in MEASURES]
        for r in rows
    ]
    width = 2 + len(MEASURES)
    after = [[ReportCell("说明：", colspan=width, bold=True)]]
    after += [[ReportCell(f"{m.label}：{m.note}", colspan=width)] for m in MEASURES]
    after.append([ReportCell(f"导出日期：{cn_date(today())}", colspan=width)])
    return ReportSheet(
        name="考评",
        title=f"驻在部门考评表（{unit_label}）",
        widths=[6, 30] + [10] * len(MEASURES),
        before=[
            [
                ReportCell(f"范围：{scope.label}", colspan=width - 4),
                ReportCell(f"统计截至：{cn_date(on)}", colspan=4, align="right"),
            ]
        ],
        header=[top, second],
        body=body,
        after=after,
    )


def scorecard_export(*, actor, scope: ReportScope, by: str = "department", sort: str = "org") -> tuple[bytes, int]:
    """The scorecard of `actor` in `scope` as .xlsx, in the order asked for; audited as an EXPORT."""
    require(actor, "scorecard", Briefing)
    on = today()
    rows, _key, _desc = sort_rows(department_scorecard(actor, scope, on=on, by=by), sort)
    data = write_report([scorecard_sheet(rows, scope, by=by, on=on)])
    audit.record(
        EventType.EXPORT,
        actor=actor,
        object_type="reports.scorecard",
        object_repr="驻在部门考评表",
        details={"count": len(rows), "scope": scope.as_params(), "by": by, "sort": sort, "format": "xlsx"},
    )
    return data, len(rows)
