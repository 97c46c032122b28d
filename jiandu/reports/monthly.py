"""统计月报: the figures each group reports upward every month, 本月 and 本年累计 (1 January to the month's end),
as an .xlsx laid out like the paper form, and as a page that shows exactly what the file holds.

Every figure is counted from the records through the modules' selectors (scoped by visible_to), grouped by
group in one query each: the table of one group and the summary of all groups take the same number of queries.
Figures that depend on a state (销号, 回复, 逾期) are taken as they stood at the month's end (or today, for the
running month), from the dates in the records — the table of a past month does not change as work goes on.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from jiandu.activities import selectors as activities
from jiandu.activities.enums import Method
from jiandu.core import audit
from jiandu.core.access import require
from jiandu.core.cn import cn_date
from jiandu.core.deadlines import today
from jiandu.core.enums import EventType
from jiandu.core.xlsx import ReportCell, ReportSheet, write_report
from jiandu.documents import selectors as documents
from jiandu.documents.enums import DocumentKind
from jiandu.hotline import selectors as hotline
from jiandu.organizations.models import Org
from jiandu.problems import selectors as problems
from jiandu.sampling import selectors as sampling

from .models import Briefing

TITLE = "派驻监督工作统计月报表"
SUMMARY_TITLE = "派驻监督工作统计月报汇总表"


@dataclass(frozen=True)
class Item:
    """One line of the form: its section, label and unit; `sub` for a breakdown (其中) of the line above;
    `rate` = (numerator key, denominator key) for a percentage computed from two lines of the form."""

    key: str
    section: str
    label: str
    unit: str
    sub: bool = False
    rate: tuple[str, str] | None = None


ITEMS: list[Item] = [
    Item("activities", "一、监督检查", "监督检查次数", "次"),
    *[Item(f"method.{value}", "一、监督检查", str(label), "次", sub=True) for value, label in Method.choices],
    Item("stationed_days", "一、监督检查", "驻点监督天数", "天"),
    Item("activity_sites", "一、监督检查", "检查点位数", "个"),
    Item("documents", "二、监督文书", "印发监督文书", "份"),
    *[Item(f"kind.{value}", "二、监督文书", str(label), "份", sub=True) for value, label in DocumentKind.choices],
    Item("replies_due", "二、监督文书", "应回复", "份次"),
    Item("replies_on_time", "二、监督文书", "按期回复", "份次"),
    Item("reply_rate", "二、监督文书", "按期回复率", "%", rate=("replies_on_time", "replies_due")),
    Item("found", "三、问题整改", "发现问题", "个"),
    Item("closed", "三、问题整改", "已整改销号", "个"),
    Item("in_progress", "三、问题整改", "整改中", "个"),
    Item("overdue", "三、问题整改", "逾期未整改", "个"),
    Item("rectify_rate", "三、问题整改", "整改率", "%", rate=("closed", "found")),
    Item("urges", "三、问题整改", "催办次数", "次"),
    Item("repeats", "三、问题整改", "屡查屡犯", "个"),
    Item("sampling_sites", "四、双随机抽查", "抽查点位", "个"),
    Item("sampling_problems", "四、双随机抽查", "发现问题", "个"),
    Item("cases", "五、热线监督", "受理工单", "件"),
    Item("calls", "五、热线监督", "暗访测试次数", "次"),
    Item("calls_connected", "五、热线监督", "接通次数", "次"),
    Item("answer_rate", "五、热线监督", "接通率", "%", rate=("calls_connected", "calls")),
]

NOTES = [
    "1. 监督检查次数按活动起止日期与统计期间有交集计；驻点监督天数只计统计期间内的天数；"
    "检查点位数为活动所到点位（不重复计）。",
    "2. 监督文书按签发日期统计；应回复为设有回复期限、已回复或已过期限的主送份次，"
    "按期回复为在期限当日或之前回复的份次。",
    "3. 问题按登记日期统计，整改状态取统计截止日的情况：已整改销号＋整改中＋逾期未整改＝发现问题；"
    "催办次数为统计期间内发出的催办（含系统自动催办）。",
    "4. 双随机抽查点位按检查时间统计（不重复计），发现问题为由抽查登记的问题；暗访测试按计划时间统计已完成的测试。",
    "5. 整改率＝已整改销号÷发现问题；按期回复率＝按期回复÷应回复；接通率＝接通次数÷暗访测试次数。",
]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _with_rates(values: dict) -> dict:
    """Fill the percentages from their two lines (None when the denominator is 0)."""
    for item in ITEMS:
        if item.rate:
            num, den = (values.get(k, 0) for k in item.rate)
            values[item.key] = round(100 * num / den, 1) if den else None
    return values


def _figures(user, group_ids: list[int], date_from: date, date_to: date, on: date) -> dict[int, dict]:
    """{group id: {item key: value}} for the period, each module read once, grouped by group."""
    period = (date_from, date_to)
    acts = activities.figures_by_group(user, date_from=date_from, date_to=date_to, groups=group_ids)
    kinds = documents.kind_counts_by_group(user, date_from=date_from, date_to=date_to, groups=group_ids)
    replies = documents.reply_timeliness(
        user, by="group", date_from=date_from, date_to=date_to, on=on, groups=group_ids
    )
    rect = problems.rectification_by_group(user, date_from=date_from, date_to=date_to, on=on, groups=group_ids)
    urges = problems.urge_counts_by_group(user, date_from=date_from, date_to=date_to, groups=group_ids)
    checks = sampling.checks_by_group(user, period=period, groups=group_ids)
    cases = {r["key"]: r["count"] for r in hotline.case_counts(user, by="group_id", period=period, groups=group_ids)}
    calls = hotline.test_call_totals(user, by="group", period=period, groups=group_ids)
    out = {}
    for gid in group_ids:
        a = acts.get(gid, {"methods": {}, "stationed_days": 0, "sites": 0})
        k = kinds.get(gid, {})
        r = rect.get(gid, {})
        values = {f"method.{m}": a["methods"].get(m, 0) for m in Method.values}
        values["activities"] = sum(a["methods"].values())
        values["stationed_days"] = a["stationed_days"]
        values["activity_sites"] = a["sites"]
        values.update({f"kind.{kd}": k.get(kd, 0) for kd in DocumentKind.values})
        values["documents"] = sum(k.values())
        reply = replies.get(gid)
        values["replies_due"] = reply.due if reply else 0
        values["replies_on_time"] = reply.on_time if reply else 0
        for key in ("found", "closed", "in_progress", "overdue", "repeats"):
            values[key] = r.get(key, 0)
        values["urges"] = urges.get(gid, 0)
        values["sampling_sites"] = checks.get(gid, {}).get("sites", 0)
        values["sampling_problems"] = checks.get(gid, {}).get("problems", 0)
        values["cases"] = cases.get(gid, 0)
        call = calls.get(gid)
        values["calls"] = call.done if call else 0
        values["calls_connected"] = call.connected if call else 0
        out[gid] = _with_rates(values)
    return out


@dataclass
class MonthlyTable:
    """One group's (or the total's) figures for a month: `month` and `year_to_date` hold {item key: value}."""

    group: Org | None  # None: the total of several groups
    year: int
    month: int
    as_of: date  # states (销号, 回复, 逾期) as they stood on this day
    month_values: dict
    year_values: dict

    @property
    def month_label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def period(self) -> tuple[date, date]:
        return month_bounds(self.year, self.month)

    def rows(self) -> list[tuple[Item, object, object]]:
        return [(item, self.month_values.get(item.key), self.year_values.get(item.key)) for item in ITEMS]

    def value(self, key: str, column: str = "month"):
        return (self.month_values if column == "month" else self.year_values).get(key)


def monthly_tables(user, groups: list[Org], year: int, month: int, *, on: date | None = None) -> list[MonthlyTable]:
    """The monthly tables of `groups` for `year`-`month`, over what `user` may see: 本月 (the month) and 本年累计
    (1 January to the month's end). States are taken at the month's end, or `on` (default today) when earlier.
    A fixed number of queries, whatever the number of groups."""
    first, last = month_bounds(year, month)
    as_of = min(last, on or today())
    ids = [g.pk for g in groups]
    this_month = _figures(user, ids, first, last, as_of)
    this_year = _figures(user, ids, date(year, 1, 1), last, as_of)
    return [MonthlyTable(g, year, month, as_of, this_month[g.pk], this_year[g.pk]) for g in groups]


def monthly_table(user, group: Org, year: int, month: int, *, on: date | None = None) -> MonthlyTable:
    """统计月报 of one group (see monthly_tables)."""
    return monthly_tables(user, [group], year, month, on=on)[0]


def monthly_total(tables: list[MonthlyTable]) -> MonthlyTable:
    """The 合计 line of the summary: counts added up, percentages recomputed from the added lines."""
    first = tables[0]

    def total(column: str) -> dict:
        values = {i.key: sum(t.value(i.key, column) or 0 for t in tables) for i in ITEMS if not i.rate}
        return _with_rates(values)

    return MonthlyTable(None, first.year, first.month, first.as_of, total("month"), total("year"))


# --- Sheets: the same object is written to .xlsx and shown on the page ---


def _cell(item: Item, value) -> ReportCell:
    return ReportCell(value, fmt="pct" if item.rate else "int")


def _footer(width: int, preparer: str, filled_on: date) -> list[ReportCell]:
    left = max(2, width // 3)
    right = max(1, width - left - 1)
    return [
        ReportCell(f"填表人：{preparer}", colspan=left),
        ReportCell("审核人：", colspan=1),
        ReportCell(f"填报日期：{cn_date(filled_on)}", colspan=right, align="right"),
    ]


def _notes(table: MonthlyTable, width: int) -> list[list[ReportCell]]:
    first, last = table.period
    period = (
        f"说明：本月为{cn_date(first)}至{cn_date(last)}，本年累计为{cn_date(date(table.year, 1, 1))}至"
        f"{cn_date(last)}；整改、回复等状态取{cn_date(table.as_of)}的情况。"
    )
    return [[ReportCell(period, colspan=width)], *([ReportCell(n, colspan=width)] for n in NOTES)]


def group_sheet(table: MonthlyTable, *, preparer: str, filled_on: date) -> ReportSheet:
    """One group's form: 类别 | 指标 | 计量单位 | 数量（本月、本年累计）, sections merged down the first column."""
    width = 5
    body = []
    for section in dict.fromkeys(i.section for i in ITEMS):
        items = [(i, m, y) for i, m, y in table.rows() if i.section == section]
        for n, (item, month_value, year_value) in enumerate(items):
            label = item.label
            if item.sub and not items[n - 1][0].sub:
                label = f"其中：{label}"
            row = [] if n else [ReportCell(section, rowspan=len(items), bold=True, align="center")]
            row += [
                ReportCell(label, indent=2 if item.sub else 0),
                ReportCell(item.unit, align="center"),
                _cell(item, month_value),
                _cell(item, year_value),
            ]
            body.append(row)
    return ReportSheet(
        name=table.group.display_name,
        title=TITLE,
        widths=[16, 26, 10, 14, 14],
        before=[
            [
                ReportCell(f"填报单位：{table.group.name}", colspan=3),
                ReportCell(f"统计月份：{table.month_label}", colspan=2, align="right"),
            ]
        ],
        header=[
            [
                ReportCell("类别", rowspan=2),
                ReportCell("指标", rowspan=2),
                ReportCell("计量单位", rowspan=2),
                ReportCell("数量", colspan=2),
            ],
            [ReportCell("本月"), ReportCell("本年累计")],
        ],
        body=body,
        after=[*_notes(table, width), _footer(width, preparer, filled_on)],
    )


def summary_sheet(tables: list[MonthlyTable], *, preparer: str, filled_on: date) -> ReportSheet:
    """The summary: one row per group and a 合计 row; the lines of the form as columns (the breakdowns 其中 are
    on each group's sheet), headed 类别 / 指标（单位）/ 本月、本年累计. Printed on A3: it is wide."""
    items = [i for i in ITEMS if not i.sub]
    width = 2 + 2 * len(items)
    sections = list(dict.fromkeys(i.section for i in items))
    top = [ReportCell("序号", rowspan=3), ReportCell("纪检监察组", rowspan=3)]
    top += [ReportCell(s, colspan=2 * sum(1 for i in items if i.section == s)) for s in sections]
    middle = [ReportCell(f"{i.label}（{i.unit}）", colspan=2) for i in items]
    bottom = [ReportCell(label) for _ in items for label in ("本月", "本年累计")]
    body = []
    for n, t in enumerate(tables, start=1):
        row = [ReportCell(n, fmt="int", align="center"), ReportCell(t.group.name)]
        row += [_cell(i, t.value(i.key, column)) for i in items for column in ("month", "year")]
        body.append(row)
    total = monthly_total(tables)
    row = [ReportCell("合计", colspan=2, bold=True, align="center")]
    row += [_cell(i, total.value(i.key, column)) for i in items for column in ("month", "year")]
    body.append(row)
    return ReportSheet(
        name="汇总",
        title=SUMMARY_TITLE,
        widths=[6, 30] + [9] * (2 * len(items)),
        before=[
            [
                ReportCell(f"汇总范围：{len(tables)}个纪检监察组（分项见各组工作表）", colspan=width - 6),
                ReportCell(f"统计月份：{tables[0].month_label}", colspan=6, align="right"),
            ]
        ],
        header=[top, middle, bottom],
        body=body,
        after=[*_notes(tables[0], width), _footer(width, preparer, filled_on)],
        paper="A3",
    )


def monthly_sheets(
    user, groups: list[Org], year: int, month: int, *, summary: bool, on: date | None = None
) -> list[ReportSheet]:
    """The sheets of the file: with `summary`, the 汇总 sheet first, then one sheet per group."""
    tables = monthly_tables(user, groups, year, month, on=on)
    preparer, filled_on = user.display_name, on or today()
    sheets = [group_sheet(t, preparer=preparer, filled_on=filled_on) for t in tables]
    if summary and tables:
        sheets.insert(0, summary_sheet(tables, preparer=preparer, filled_on=filled_on))
    return sheets


def monthly_export(*, actor, groups: list[Org], year: int, month: int, summary: bool) -> bytes:
    """统计月报 as .xlsx (the sheets of monthly_sheets); audited as an EXPORT."""
    require(actor, "monthly", Briefing)
    data = write_report(monthly_sheets(actor, groups, year, month, summary=summary))
    audit.record(
        EventType.EXPORT,
        actor=actor,
        object_type="reports.monthly",
        object_repr=f"统计月报 {year}年{month}月",
        details={"groups": [g.pk for g in groups], "month": f"{year:04d}-{month:02d}", "summary": summary},
    )
    return data
