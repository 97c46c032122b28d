"""领导驾驶舱: the figures of the dashboard for a viewer, a period and a scope of groups (DESIGN §4 reports).

Every figure is read through the modules' selectors, which see only what the viewer may see (visible_to), and
carries the URL of the list that shows the records behind it, with the same filters: the scope's period and
groups plus the figure's own filter. A section the viewer may not open at all (a liaison: activities, sampling,
test calls) is left out rather than shown as zero.

The whole dashboard takes a fixed number of queries, whatever the number of records: at most 20 — activities 7
(by method, stationed days, by group and the groups' names, by topic, starts and ends per day for the weekly
trend), documents 3 (by kind, by group, by week), problems 4 (summary, by group, by week, colour board), sampling
1, test calls 1, reported figures 4 (data sets, their indicators, the indicators by code, the pre-aggregated
totals or, for a liaison, the values) — plus the viewer's grants, read once per request (fewer for a liaison,
whose sections are fewer). A commission viewer's activities, documents, problems and test calls are read per group
and module instead (_records_per_group: five, two, three and one grouped queries, for the groups whose figures of
that module changed only) and summed, with the names of the groups, topics and orgs they show; sampling and the
reported figures are kept per module too: 23 at most, one of which reads every counter of jiandu.core.freshness
at once (freshness.snapshot: the whole dashboard's, each module's rows and sums, sampling's, the reported
figures').
"""

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote_plus

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from jiandu.activities import selectors as activities
from jiandu.activities.enums import Method
from jiandu.activities.models import Activity
from jiandu.core import freshness
from jiandu.core.access import can, sees_every_business_record, visible_to, within_groups
from jiandu.core.cn import cn_amount, cn_date, cn_week
from jiandu.core.deadlines import today
from jiandu.core.jobs import register_daily
from jiandu.documents import selectors as documents
from jiandu.documents.models import Document
from jiandu.hotline import selectors as hotline
from jiandu.hotline.enums import TestCallStatus
from jiandu.hotline.models import TestCall
from jiandu.organizations.enums import COMMISSION_ROLES
from jiandu.problems import selectors as problems
from jiandu.problems.models import Problem
from jiandu.sampling import selectors as sampling
from jiandu.sampling.models import Check
from jiandu.stats import selectors as stats
from jiandu.stats.models import DataSet, DataSetIndicator

from .scope import ReportScope

MAX_WEEKS = 520  # the weekly trend shows at most the last ten years of an open-ended period
# The colour board shows the responsible orgs with the most overdue problems; a province has ~1,800 of them, and
# the rest are summed in one line that links to the list of all open problems.
BOARD_LIMIT = 30


@dataclass(frozen=True)
class Figure:
    """One number of the dashboard and where its records are.

    `records` is how many records the drill-down lists when that is not the value itself (stationed days: the
    stationed activities; a rate: the records of its numerator; urges: the problems urged); `counted_by` names
    the element of the list page that shows that total (`list-count`, or `site-count` for distinct sites)."""

    key: str
    label: str
    value: int | float | Decimal | None
    text: str
    url: str = ""
    records: int | None = None
    note: str = ""
    counted_by: str = "list-count"
    tone: str = ""  # a Bootstrap colour for the figure: danger (overdue), success (rectified)

    @property
    def expected_count(self) -> int | None:
        return self.records if self.records is not None else self.value


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]
    breakdown_title: str = ""
    breakdown: list[Figure] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(f.value for f in self.figures)


@dataclass(frozen=True)
class Reported:
    """An indicator of a data set in scope, summed as of the period end (统计填报)."""

    dataset: str
    indicator: str
    unit: str
    value: Decimal
    text: str
    url: str
    group: str = ""


@dataclass
class Dashboard:
    scope: ReportScope
    on: date
    as_of: date
    sections: list[Section]
    reported: list[Reported] | None  # None: the viewer may not read reported statistics
    charts: dict  # for ECharts (dashboard.js): categories, series and the URL of every bar or cell
    board: list[dict] | None  # open problems per responsible org × colour, with URLs; None: no access
    board_more: dict | None = None  # beyond BOARD_LIMIT: {"orgs", "open", "url"}

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def figures(self) -> list[Figure]:
        """Every figure of every section (headline and breakdown)."""
        return [f for s in self.sections for f in (*s.figures, *s.breakdown)]

    @property
    def empty(self) -> bool:
        return all(s.empty for s in self.sections) and not self.reported

    def as_dict(self) -> dict:
        """The figures as plain data, for the API."""
        return {
            "scope": {
                "from": self.scope.date_from,
                "to": self.scope.date_to,
                "groups": self.scope.group_ids,
                "label": self.scope.label,
            },
            "on": self.on,
            "as_of": self.as_of,
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "figures": [_figure_dict(f) for f in s.figures],
                    "breakdown": [_figure_dict(f) for f in s.breakdown],
                }
                for s in self.sections
            ],
            "reported": [asdict(r) for r in self.reported or []],
            "board": self.board or [],
            "board_more": self.board_more,
            "charts": self.charts,
        }


def _figure_dict(f: Figure) -> dict:
    return {k: getattr(f, k) for k in ("key", "label", "value", "text", "url", "records", "note")}


# --- Drill-down URLs ---


class _Links:
    """The list URLs of the scope: each module names its period parameters its own way."""

    DATES = {
        "activities:activity_list": ("date_from", "date_to"),
        "sampling:check_list": ("date_from", "date_to"),
    }

    def __init__(self, scope: ReportScope):
        self.scope = scope
        self.paths: dict[str, str] = {}  # a chart links a thousand bars to a few lists: each reversed once
        self.groups = [f"group={pk}" for pk in scope.group_ids or []]

    def __call__(self, name: str, *, period: tuple[date | None, date | None] | None = None, **extra) -> str:
        start, end = period if period is not None else self.scope.period
        names = self.DATES.get(name, ("from", "to"))
        # ISO dates and ids need no quoting (a chart of ten years has 1,500 links: urlencode would cost 20 ms)
        pairs = []
        if start:
            pairs.append(f"{names[0]}={start.isoformat()}")
        if end:
            pairs.append(f"{names[1]}={end.isoformat()}")
        pairs += self.groups
        for k, v in extra.items():
            if v is not None and v != "":
                pairs.append(f"{k}={v}" if type(v) is int else f"{k}={quote_plus(str(v))}")
        path = self.paths.get(name) or self.paths.setdefault(name, reverse(name))
        return f"{path}?{'&'.join(pairs)}" if pairs else path


def _n(value: int, unit: str) -> str:
    return f"{value}{unit}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


# --- Sections ---


def _activity_section(link, by_method, days: int) -> Section:
    total = sum(r["count"] for r in by_method)
    stationed = next((r for r in by_method if r["key"] == Method.STATIONED), None)
    return Section(
        key="activities",
        title="监督检查",
        figures=[
            Figure("activities", "监督检查活动", total, _n(total, "次"), link("activities:activity_list")),
            Figure(
                "stationed_days",
                "驻点监督天数",
                days,
                _n(days, "天"),
                link("activities:activity_list", method=Method.STATIONED),
                records=stationed["count"] if stationed else 0,
                note=f"驻点监督{stationed['count'] if stationed else 0}次",
            ),
        ],
        breakdown_title="按方式",
        breakdown=[
            Figure(
                f"method.{r['key']}",
                r["label"],
                r["count"],
                _n(r["count"], "次"),
                link("activities:activity_list", method=r["key"]),
            )
            for r in by_method
        ],
    )


def _document_section(link, by_kind) -> Section:
    total = sum(r["count"] for r in by_kind)
    url, sent = "documents:document_list", documents.SENT
    return Section(
        key="documents",
        title="监督文书",
        figures=[Figure("documents", "印发监督文书", total, _n(total, "份"), link(url, status=sent))],
        breakdown_title="按文种",
        breakdown=[
            Figure(
                f"kind.{r['key']}", r["label"], r["count"], _n(r["count"], "份"), link(url, kind=r["key"], status=sent)
            )
            for r in by_kind
        ],
    )


def _problem_section(link, s: problems.ProblemSummary) -> Section:
    url = "problems:problem_list"
    closed_url = link(url, status="closed")
    return Section(
        key="problems",
        title="问题整改",
        figures=[
            Figure("problems.found", "发现问题", s.found, _n(s.found, "个"), link(url)),
            Figure("problems.closed", "已整改销号", s.closed, _n(s.closed, "个"), closed_url, tone="success"),
            Figure("problems.open", "未销号", s.open, _n(s.open, "个"), link(url, status=problems.UNCLOSED)),
            Figure(
                "problems.overdue",
                "逾期未整改（红灯）",
                s.red,
                _n(s.red, "个"),
                link(url, warning="red"),
                tone="danger" if s.red else "",
            ),
            Figure(
                "problems.rate",
                "整改率",
                s.closed_rate,
                _percent(s.closed_rate),
                closed_url,
                records=s.closed,
                note=f"已销号{s.closed}个 / 发现{s.found}个",
            ),
            Figure(
                "problems.urges",
                "催办次数",
                s.urges,
                _n(s.urges, "次"),
                link(url, urged=1),
                records=s.urged,
                note=f"涉及问题{s.urged}个",
            ),
        ],
    )


def _sampling_section(link, by_type) -> Section:
    total = sum(r["count"] for r in by_type)
    url = "sampling:check_list"
    return Section(
        key="sampling",
        title="抽查检查",
        figures=[Figure("sites_checked", "抽查点位", total, _n(total, "个"), link(url), counted_by="site-count")],
        breakdown_title="按点位类型",
        breakdown=[
            Figure(
                f"site_type.{r['key']}",
                r["label"],
                r["count"],
                _n(r["count"], "个"),
                link(url, site_type=r["key"]),
                counted_by="site-count",
            )
            for r in by_type
        ],
    )


def _hotline_section(link, done: int, connected: int) -> Section:
    rate = round(100 * connected / done, 1) if done else None
    url = "hotline:call_list"
    return Section(
        key="hotline",
        title="热线暗访测试",
        figures=[
            Figure("test_calls", "暗访测试", done, _n(done, "次"), link(url, status=TestCallStatus.DONE)),
            Figure("test_calls.connected", "接通", connected, _n(connected, "次"), link(url, connected=1)),
            Figure(
                "test_calls.rate",
                "接通率",
                rate,
                _percent(rate),
                link(url, connected=1),
                records=connected,
                note=f"接通{connected}次 / 测试{done}次",
            ),
        ],
    )


# --- Reported figures (统计填报) ---


def _reported(user, scope, as_of) -> list[Reported]:
    """The indicators of the data sets in scope (active at some time in the period), each summed as of the period
    end over the values the viewer may see."""
    qs = within_groups(visible_to(user, DataSet).filter(is_active=True), scope.group_ids)
    if scope.date_to:
        qs = qs.filter(start_date__lte=scope.date_to)
    if scope.date_from:
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=scope.date_from))
    # plain values: a province has 200 data sets of ~20 indicators each (model instances cost 70 ms)
    datasets = list(
        qs.order_by("group__sort_order", "group__path", "name").values_list(
            "pk", "name", "group__short_name", "group__name"
        )
    )
    members: dict[int, list[tuple]] = {}
    rows = (
        DataSetIndicator.objects.filter(dataset_id__in=[d[0] for d in datasets])
        .order_by("sort_order", "id")
        .values_list("dataset_id", "indicator_id", "indicator__code", "indicator__name", "indicator__unit",
                     "indicator__wording")
    )  # fmt: skip
    for dataset_id, *indicator in rows:
        members.setdefault(dataset_id, []).append(indicator)
    codes = sorted({m[1] for ms in members.values() for m in ms})
    if not codes:
        return []
    totals = stats.reported_totals(user, codes, as_of, groups=scope.group_ids)
    # An indicator is summed over every data set in scope, so it is one row however many data sets (of however
    # many groups) report it; the row opens the first data set's pivot.
    sharing: dict[str, int] = {}
    for ms in members.values():
        for m in ms:
            sharing[m[1]] = sharing.get(m[1], 0) + 1
    out, seen = [], set()
    for dataset_id, name, group_short, group_name in datasets:
        for indicator_id, code, indicator, unit, wording in members.get(dataset_id, ()):
            value = totals.get(code)
            if value is None or code in seen:
                continue
            seen.add(code)
            shared = sharing[code] > 1
            out.append(
                Reported(
                    dataset=f"{name}等{sharing[code]}个数据集" if shared else name,
                    indicator=indicator,
                    unit=unit,
                    value=value,
                    text=cn_amount(value, unit, mode=wording, exact_below=100_000),
                    url=f"{reverse('stats:pivot', args=[dataset_id])}?{urlencode({'indicator': indicator_id})}",
                    group="" if shared else (group_short or group_name or ""),
                )
            )
    return out


# --- Charts ---


def _weeks(scope, series: list[list[dict]]) -> list[date]:
    """The Mondays from the first to the last week holding a record of any series (at most MAX_WEEKS)."""
    keys = [date.fromisoformat(r["key"]) for rows in series for r in rows]
    if not keys:
        return []
    first, last = min(keys), max(keys)
    first = max(first, last - timedelta(weeks=MAX_WEEKS - 1))
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def _week_start(monday: date, *, one_year: bool) -> str:
    """The axis label of a week: its Monday, with the year when the weeks span several years."""
    return f"{monday.month}月{monday.day}日" if one_year else f"{monday.year}年{monday.month}月{monday.day}日"


def _week_period(scope, monday: date) -> tuple[date, date]:
    start, end = monday, monday + timedelta(days=6)
    if scope.date_from:
        start = max(start, scope.date_from)
    if scope.date_to:
        end = min(end, scope.date_to)
    return start, end


def _weekly_chart(scope, link, series: list[tuple[str, str, list[dict], dict]]) -> dict:
    """series: (name, list URL name, rows keyed by Monday, extra filters)."""
    weeks = _weeks(scope, [rows for _n, _u, rows, _e in series])
    periods = [_week_period(scope, w) for w in weeks]
    out = {
        "categories": [_week_start(w, one_year=weeks[0].year == weeks[-1].year) for w in weeks],
        "titles": [f"{cn_week(w)}（{cn_date(a)}至{cn_date(b)}）" for w, (a, b) in zip(weeks, periods, strict=True)],
        "series": [],
    }
    for name, url, rows, extra in series:
        counts = {r["key"]: r["count"] for r in rows}
        out["series"].append(
            {
                "name": name,
                "data": [counts.get(w.isoformat(), 0) for w in weeks],
                "urls": [link(url, period=p, **extra) for p in periods],
            }
        )
    return out


def _group_chart(scope, series: list[tuple[str, str, list[dict], dict]]) -> dict:
    """Bars per group (in the order of the scope's choices), one series per module; each bar links to the list
    of that one group over the period."""
    names = {g.pk: g.display_name for g in scope.choices}
    order = {g.pk: i for i, g in enumerate(scope.choices)}
    for _n, _u, rows, _e in series:
        for r in rows:
            names.setdefault(r["key"], r["label"])
    keys = {r["key"] for _n, _u, rows, _e in series for r in rows if r["count"]}
    keys = sorted(keys, key=lambda k: (order.get(k, len(order)), names[k]))
    group_link = _Links(ReportScope(scope.date_from, scope.date_to, None))
    out = {"categories": [names[k] for k in keys], "series": []}
    for name, url, rows, extra in series:
        counts = {r["key"]: r["count"] for r in rows}
        out["series"].append(
            {
                "name": name,
                "data": [counts.get(k, 0) for k in keys],
                "urls": [group_link(url, group=k, **extra) for k in keys],
            }
        )
    return out


def _board_chart(board: list[dict]) -> dict:
    """The colour board as stacked bars: one bar per responsible org, red / yellow / green."""
    return {
        "categories": [r["label"] for r in board],
        "series": [
            {"name": label, "colour": c, "data": [r[c] for r in board], "urls": [r["urls"][c] for r in board]}
            for c, label in (("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯"))
        ],
    }


def _board(link, rows: list[dict]) -> list[dict]:
    url = "problems:problem_list"
    return [
        {
            **r,
            "url": link(url, org=r["key"], org_only=1, status=problems.UNCLOSED),
            "urls": {c: link(url, org=r["key"], org_only=1, warning=c) for c in ("red", "yellow", "green")},
        }
        for r in rows
    ]


# --- The dashboard ---


def dashboard(user, scope: ReportScope, *, on: date | None = None, wait: bool = True) -> Dashboard | None:
    """Every figure and chart of the dashboard for `user` over `scope` (period and groups), with colours as of
    `on` (default today) and reported figures as of the period end (or `on`). Cached per viewer, scope and day,
    and recomputed after any write in scope (jiandu.core.freshness); computing takes a fixed number of queries
    (see the module docstring). With wait=False, None when a commission viewer's figures would take long to
    read (a province cold: seconds; freshness.cached_sum): the page then shows progress and asks again."""
    on = on or today()
    parts = (user.pk, scope.date_from, scope.date_to, scope.group_ids, on)
    with freshness.snapshot():  # the whole page's counters, then each module's: read once
        board = freshness.cached("dashboard", parts, lambda: _dashboard(user, scope, on, wait), groups=scope.group_ids)
    if board is not None:
        board.scope = scope  # this request's scope (its messages about ignored input)
    return board


# The problem lists read before anyone looks: the ledger as the menu opens it, and its open problems.
WARM_PROBLEM_LISTS = ({}, {"status": problems.UNCLOSED})


@register_daily("reports.warm_dashboards")
def warm_dashboards(day: date) -> dict:
    """Each commission viewer's dashboard of the day for every quick period (本月 … 全部), and the colour chips of
    the problem lists they open most (WARM_PROBLEM_LISTS), read before anyone looks: read cold, a province's
    figures take seconds. The parts they share (_records_per_group, the chips per group) are read for the first
    viewer and only summed for the others. Its name sorts after the other daily jobs, so the day's colours and
    escalations are in. Worth it only where the cache is shared by every process (Redis): the embedded default
    keeps a cache per process, which this job's process would fill for itself alone."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache
    from django.http import QueryDict

    from jiandu.organizations.models import User

    from .scope import PRESETS, parse_scope

    if isinstance(caches["default"], LocMemCache) or not getattr(settings, "JIANDU_FIGURE_CACHE", True):
        return {"skipped": "缓存不在进程间共享"}
    viewers = User.objects.filter(is_active=True, grants__role__in=COMMISSION_ROLES).distinct().order_by("pk")
    boards = lists = 0
    for user in viewers:
        for key, _label in PRESETS:
            dashboard(user, parse_scope(user, {"preset": key}), on=day)
            boards += 1
        if can(user, "view", Problem):
            for params in WARM_PROBLEM_LISTS:
                problems.warning_chips(user, problems.parse_filters(user, QueryDict(mutable=True) | params))
                lists += 1
    return {"dashboards": boards, "problem_lists": lists}


@dataclass
class _Records:
    """The figures of the big tables (activities, documents, problems) over a scope, as the sections and charts
    take them: rows [{"key", "label", "count", …}] in each selector's order. None: the viewer may not see them."""

    by_method: list | None = None
    stationed_days: int = 0
    activity_weeks: list = field(default_factory=list)
    activity_groups: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    by_kind: list | None = None
    document_weeks: list = field(default_factory=list)
    document_groups: list = field(default_factory=list)
    summary: problems.ProblemSummary | None = None
    problem_weeks: list = field(default_factory=list)
    problem_groups: list = field(default_factory=list)
    board: list = field(default_factory=list)  # the responsible orgs with open problems, the most overdue first
    board_rest: tuple[int, int] = (0, 0)  # beyond BOARD_LIMIT: orgs, their open problems
    calls: tuple[int, int] | None = None  # test calls done, connected


def _records(user, scope: ReportScope, on: date) -> _Records:
    """The scope's figures read at once by the modules' selectors (a viewer with narrower sight: a group, a
    department)."""
    period = {"date_from": scope.date_from, "date_to": scope.date_to, "groups": scope.group_ids}
    r = _Records()
    if can(user, "view", Activity):
        r.by_method = activities.activity_counts(user, by="method", **period)
        r.stationed_days = activities.stationed_days(user, **period)
        r.activity_weeks = activities.activity_counts(user, by="week", **period)
        r.activity_groups = activities.activity_counts(user, by="group", **period)
        r.topics = activities.activity_counts(user, by="topic", **period)
    if can(user, "view", Document):
        r.by_kind = documents.document_counts(user, by="kind", **period)
        r.document_weeks = documents.document_counts(user, by="week", **period)
        r.document_groups = documents.document_counts(user, by="group", **period)
    if can(user, "view", Problem):
        r.summary = problems.problem_summary(user, on=on, **period)
        r.problem_weeks = problems.problem_counts(user, by="week", **period)
        r.problem_groups = problems.problem_counts(user, by="group", **period)
        rows = problems.open_by_responsible_org(user, on=on, **period)
        r.board = rows[:BOARD_LIMIT]
        r.board_rest = (len(rows[BOARD_LIMIT:]), sum(row["open"] for row in rows[BOARD_LIMIT:]))
    if can(user, "view", TestCall):
        cards = hotline.test_call_scorecard(user, period=scope.period, groups=scope.group_ids)
        r.calls = (sum(c.done for c in cards), sum(c.connected for c in cards))
    return r


# A commission viewer's figures of each module, per group: flat {key: number} dicts that freshness.cached_sum adds
# up (keys are tuples whose first item says what is counted), then the rows the sections and charts take.


def _flat_activities(group_id: int, acts: dict) -> dict:
    out: dict = {}
    for method, (n, d) in acts["methods"].items():
        out["method", method, 0] = n
        out["method", method, 1] = d
    out["group", group_id] = sum(n for n, _d in acts["methods"].values())
    out.update({("topic", t): n for t, n in acts["topics"].items()})
    out.update({("week", k): n for k, n in acts["weeks"].items()})
    out["stationed_days",] = acts["stationed_days"]
    return out


def _flat_documents(group_id: int, docs: dict) -> dict:
    out: dict = {("kind", k): n for k, n in docs["kinds"].items()}
    out["group", group_id] = sum(docs["kinds"].values())
    out.update({("week", k): n for k, n in docs["weeks"].items()})
    return out


def _flat_problems(group_id: int, probs: dict) -> dict:
    out: dict = {("summary", k): v for k, v in asdict(probs["summary"]).items()}
    out["group", group_id] = probs["summary"].found
    out.update({("week", k): n for k, n in probs["weeks"].items()})
    for org_id, colours in probs["board"].items():
        out.update({("board", org_id, c): n for c, n in colours.items()})
    return out


def _flat_calls(_group_id: int, totals) -> dict:
    return {("done",): totals.done, ("connected",): totals.connected}


def _by_kind(total: dict) -> dict[str, dict]:
    """A module's summed figures {(kind, *rest): n} as {kind: {rest: n}} (rest a single item: that item)."""
    out: dict[str, dict] = {}
    for (kind, *rest), n in total.items():
        out.setdefault(kind, {})[rest[0] if len(rest) == 1 else tuple(rest)] = n
    return out


def _week_rows(counts: dict) -> list[dict]:
    return [{"key": k, "label": cn_week(date.fromisoformat(k)), "count": n} for k, n in sorted(counts.items()) if n]


def _group_rows(counts: dict, *, short: bool = False) -> list[dict]:
    from jiandu.organizations.models import Org

    names = Org.objects.filter(pk__in=[g for g, n in counts.items() if n]).values_list("pk", "name", "short_name")
    label = {pk: (short_name if short else "") or name for pk, name, short_name in names}
    return [{"key": g, "label": label[g], "count": n} for g, n in counts.items() if n]


def _activity_rows(total: dict) -> dict:
    from jiandu.activities.models import Topic

    f = _by_kind(total)
    methods = f.get("method", {})
    topics = f.get("topic", {})
    rows = Topic.objects.filter(pk__in=topics).order_by("sort_order", "name").values_list("pk", "name")
    return {
        "by_method": [
            {"key": v, "label": str(label), "count": methods[v, 0], "days": methods.get((v, 1), 0)}
            for v, label in Method.choices
            if (v, 0) in methods
        ],
        "stationed_days": f.get("stationed_days", {}).get((), 0),
        "activity_weeks": _week_rows(f.get("week", {})),
        "activity_groups": _group_rows(f.get("group", {}), short=True),
        "topics": [{"key": pk, "label": name, "count": topics[pk], "days": 0} for pk, name in rows],
    }


def _document_rows(total: dict) -> dict:
    from jiandu.documents.enums import DocumentKind

    f = _by_kind(total)
    kinds = f.get("kind", {})
    return {
        "by_kind": [
            {"key": v, "label": str(label), "count": kinds[v]} for v, label in DocumentKind.choices if kinds.get(v)
        ],
        "document_weeks": _week_rows(f.get("week", {})),
        "document_groups": _group_rows(f.get("group", {})),
    }


def _problem_rows(total: dict) -> dict:
    from jiandu.organizations.models import Org

    f = _by_kind(total)
    summary = dict.fromkeys(("found", "closed", "open", "red", "yellow", "green", "urges", "urged"), 0)
    summary.update(f.get("summary", {}))
    board: dict[int, dict[str, int]] = {}
    for (org, colour), n in f.get("board", {}).items():
        board.setdefault(org, {"open": 0, "red": 0, "yellow": 0, "green": 0})[colour] = n
    # The board's first BOARD_LIMIT orgs, the most overdue first: the names and paths (the order among equals) of
    # those that may be among them only, not of the ~1,800 of a province.
    colours = sorted(board.items(), key=lambda kv: (-kv[1]["red"], -kv[1]["yellow"]))
    last = colours[BOARD_LIMIT - 1][1] if len(colours) >= BOARD_LIMIT else {"red": 0, "yellow": 0}
    candidates = [pk for pk, row in colours if (row["red"], row["yellow"]) >= (last["red"], last["yellow"])]
    orgs = {
        pk: (name, path) for pk, name, path in Org.objects.filter(pk__in=candidates).values_list("pk", "name", "path")
    }
    top = sorted(candidates, key=lambda pk: (-board[pk]["red"], -board[pk]["yellow"], orgs[pk][1]))[:BOARD_LIMIT]
    shown = set(top)
    rest = [row["open"] for pk, row in colours if pk not in shown]
    return {
        "summary": problems.ProblemSummary(**summary),
        "problem_weeks": _week_rows(f.get("week", {})),
        "problem_groups": _group_rows(f.get("group", {})),
        "board": [{"key": pk, "label": orgs[pk][0], **board[pk]} for pk in top],
        "board_rest": (len(rest), sum(rest)),
    }


def _call_rows(total: dict) -> dict:
    return {"calls": (total.get(("done",), 0), total.get(("connected",), 0))}


def _records_per_group(user, scope: ReportScope, on: date, wait: bool = True) -> _Records | None:
    """The same figures for a commission viewer, whose scope is many groups (the province: 200): read per group and
    module by the modules' grouped selectors, kept per group and module and summed (jiandu.core.freshness
    .cached_sum), then made into rows kept per module — after a write in one group only that group's figures of
    the written module are read again, and only that module's rows made again: not the province's million
    records, nor the group's other modules."""
    from jiandu.organizations.selectors import every_group_id

    ids = scope.group_ids if scope.group_ids is not None else every_group_id()
    period = {"date_from": scope.date_from, "date_to": scope.date_to}
    modules = (  # the model whose sight shows it, its app (the counters its figures depend on), its figures, rows
        (Activity, "activities", lambda g: activities.dashboard_by_group(user, groups=g, **period), _flat_activities,
         _activity_rows),
        (Document, "documents", lambda g: documents.dashboard_by_group(user, groups=g, **period), _flat_documents,
         _document_rows),
        (Problem, "problems", lambda g: problems.dashboard_by_group(user, groups=g, on=on, **period), _flat_problems,
         _problem_rows),
        (TestCall, "hotline", lambda g: hotline.test_call_totals(user, by="group", period=scope.period, groups=g),
         _flat_calls, _call_rows),
    )  # fmt: skip
    # Commission roles see every business record (core.access.sees_every_business_record): their figures depend on
    # which modules they may view, not on who they are — one set of parts serves every commission viewer. Kept a
    # day: the counters make them fresh, and the daily job (warm_dashboards) reads them before the first viewer.
    parts = ("commission", scope.date_from, scope.date_to, on)
    r = _Records()
    for model, app, by_group, flat, rows in modules:
        if not can(user, "view", model):
            continue

        def compute(missing: list[int], by_group=by_group, flat=flat) -> dict[int, dict]:
            # Every group of the province missing (a cold cache): read the tables whole rather than by a list of
            # 200 ids, which SQLite would follow through the group index, a million lookups.
            every = scope.group_ids is None and len(missing) == len(ids)
            figures = by_group(None if every else missing)
            return {g: {k: n for k, n in flat(g, figures[g]).items() if n} for g in missing if g in figures}

        def summed(app=app, compute=compute, rows=rows) -> dict | None:
            total = freshness.cached_sum(
                f"dashboard-{app}", parts, compute, ids, app=app, timeout=freshness.DAY, wait=wait
            )
            return None if total is None else rows(total)

        fields = freshness.cached(
            f"dashboard-{app}-rows", (parts, ids), summed, groups=scope.group_ids, app=app, timeout=freshness.DAY
        )
        if fields is None:
            return None
        for name, value in fields.items():
            setattr(r, name, value)
    return r


def _dashboard(user, scope: ReportScope, on: date, wait: bool = True) -> Dashboard | None:
    as_of = scope.date_to or on
    link = _Links(scope)
    sections: list[Section] = []
    weekly: list[tuple] = []
    by_group: list[tuple] = []
    charts: dict = {}
    many = sees_every_business_record(user)
    rec = _records_per_group(user, scope, on, wait) if many else _records(user, scope, on)
    if rec is None:
        return None

    def kept(app: str, compute):
        """A commission viewer's figures of one module, shared by every commission viewer and kept until a write
        to that module in scope (as _records_per_group's parts): a write elsewhere does not read them again."""
        if not many:
            return compute()
        parts = ("commission", scope.date_from, scope.date_to, scope.group_ids, as_of)
        return freshness.cached(
            f"dashboard-{app}", parts, compute, groups=scope.group_ids, app=app, timeout=freshness.DAY
        )

    if rec.by_method is not None:
        url = "activities:activity_list"
        sections.append(_activity_section(link, rec.by_method, rec.stationed_days))
        weekly.append(("监督检查活动", url, rec.activity_weeks, {}))
        by_group.append(("监督检查活动", url, rec.activity_groups, {}))
        charts["topics"] = {
            "categories": [r["label"] for r in rec.topics],
            "series": [
                {
                    "name": "监督检查活动",
                    "data": [r["count"] for r in rec.topics],
                    "urls": [link(url, topic=r["key"]) for r in rec.topics],
                }
            ],
        }
    if rec.by_kind is not None:
        url, sent = "documents:document_list", {"status": documents.SENT}
        sections.append(_document_section(link, rec.by_kind))
        weekly.append(("监督文书", url, rec.document_weeks, sent))
        by_group.append(("监督文书", url, rec.document_groups, sent))
    board = board_more = None
    if rec.summary is not None:
        url = "problems:problem_list"
        sections.append(_problem_section(link, rec.summary))
        weekly.append(("发现问题", url, rec.problem_weeks, {}))
        by_group.append(("发现问题", url, rec.problem_groups, {}))
        board = _board(link, rec.board)  # the most overdue first
        if rec.board_rest[0]:
            orgs, open_ = rec.board_rest
            board_more = {"orgs": orgs, "open": open_, "url": link(url, status=problems.UNCLOSED)}
    if can(user, "view", Check):
        by_type = kept(
            "sampling",
            lambda: sampling.sites_checked(user, by="site_type", period=scope.period, groups=scope.group_ids),
        )
        sections.append(_sampling_section(link, by_type))
    if rec.calls is not None:
        sections.append(_hotline_section(link, *rec.calls))
    reported = kept("stats", lambda: _reported(user, scope, as_of)) if can(user, "view", DataSet) else None

    charts["weekly"] = _weekly_chart(scope, link, weekly)
    charts["groups"] = _group_chart(scope, by_group)
    if board is not None:
        charts["board"] = _board_chart(board)
    return Dashboard(
        scope=scope,
        on=on,
        as_of=as_of,
        sections=sections,
        reported=reported,
        charts=charts,
        board=board,
        board_more=board_more,
    )
