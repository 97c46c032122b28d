"""Reads of problems, always scoped to the reader (DESIGN §6): the filtered ledger, colours and counts, one
problem's detail, figures for the reports module (counts, the scorecard per responsible org) and the to-do."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Sum

from jiandu.core import buckets, freshness
from jiandu.core.access import can, in_subtrees, principal, sees_every_business_record, visible_to, within_groups
from jiandu.core.cn import cn_week
from jiandu.core.deadlines import Warning, days_overdue, today, warning_for, warning_q
from jiandu.core.models import Attachment
from jiandu.core.search import matching
from jiandu.organizations.enums import GROUP_ROLES, OrgKind
from jiandu.organizations.models import Assignment, Org
from jiandu.organizations.org_filters import org_filter_choices, typed_org

from .enums import ProblemStatus, SourceKind
from .models import Category, Problem, ProblemEvent, Rectification, Severity, Urge

WARNING_FILTERS = [Warning.RED, Warning.YELLOW, Warning.GREEN, Warning.CLOSED_LATE, Warning.NONE]
# Not closed, i.e. OPEN_STATUSES (the status check constraint allows nothing else). Written as "not closed" so
# that a list of open problems walks the index in the list's order instead of sorting 100,000 open problems.
OPEN_Q = ~Q(status=ProblemStatus.CLOSED)
CLOSED_LATE_Q = Q(status=ProblemStatus.CLOSED, closed_on__gt=F("deadline"))
CLOSED_ON_TIME_Q = Q(status=ProblemStatus.CLOSED, closed_on__lte=F("deadline"))
LIST_RELATED = ("group", "category", "severity", "site", "responsible_org", "repeat_of")
# What a row of the list page shows (and its colour needs): the page reads these columns alone, not the ~130 of a
# problem and its five related rows (texts, a site's attributes).
ROW_FIELDS = (
    "number", "description", "is_repeat", "registered_on", "deadline", "status", "closed_on", "urge_count",
    "urge_level", "group__name", "group__short_name", "responsible_org__name", "responsible_org__short_name",
    "category__name", "severity__name", "site__name",
)  # fmt: skip


def list_rows(qs: QuerySet) -> QuerySet:
    """The problems of `qs` with the list page's columns only (ROW_FIELDS)."""
    related = dict.fromkeys(f.split("__")[0] for f in ROW_FIELDS if "__" in f)
    return qs.select_related(None).select_related(*related).only(*ROW_FIELDS)


# --- Warning colours ---


def problem_warning(problem: Problem, *, on: date | None = None) -> str:
    """green/yellow/red while not closed; closed_late when closed after the deadline; none when closed on time."""
    closed_on = problem.closed_on if problem.status == ProblemStatus.CLOSED else None
    return warning_for(problem.deadline, closed_on=closed_on, on=on)


def warning_filter(colour: str, *, on: date | None = None) -> Q:
    """Problems of one colour, in the database (the same rule as problem_warning)."""
    if colour in (Warning.RED, Warning.YELLOW, Warning.GREEN):
        return warning_q(colour, due_field="deadline", open_q=OPEN_Q, on=on)
    if colour == Warning.CLOSED_LATE:
        return CLOSED_LATE_Q
    if colour == Warning.NONE:
        return CLOSED_ON_TIME_Q
    raise ValueError(colour)


def with_warnings(problems, *, on: date | None = None) -> list[Problem]:
    """Attach `.warning` and `.overdue_days` to each problem; returns them as a list."""
    out = list(problems)
    for p in out:
        p.warning = problem_warning(p, on=on)
        closed_on = p.closed_on if p.status == ProblemStatus.CLOSED else None
        p.overdue_days = days_overdue(p.deadline, closed_on=closed_on, on=on)
    return out


def warning_counts(qs: QuerySet, *, on: date | None = None) -> dict[str, int]:
    """How many of `qs` per colour, in one query (the chips at the top of the list)."""
    agg = qs.order_by().aggregate(
        **{c: Count("pk", filter=warning_filter(c, on=on)) for c in WARNING_FILTERS},
    )
    return {c: agg[c] for c in WARNING_FILTERS}


def warning_chips(user, filters: "ProblemFilters", *, wait: bool = True) -> dict[str, int] | None:
    """The list's colour chips: how many of the filtered problems (the colour filter aside) per colour, cached
    until a write of problems (core.freshness) under the filters and the day. A commission
    viewer's are counted per group and summed (freshness.cached_sum): a write anywhere in the province would
    otherwise have the million problems counted again; this way only the written group's are. Commission
    roles see every problem, so these counts serve every commission viewer. With wait=False, None when they
    would take long to count (a province cold: ~0.4 s): the list then asks for them separately."""
    params = {k: v for k, v in filters.as_params().items() if k != "warning"}
    key = (sorted(params.items()), filters.invalid_ref)
    if not sees_every_business_record(user):
        compute_all = lambda: warning_counts(apply_filters(user, filters, without_warning=True))  # noqa: E731
        return freshness.cached("problem-chips", (user.pk, key, today()), compute_all, app="problems")
    from jiandu.organizations.selectors import every_group_id

    ids = every_group_id()

    def compute(missing: list[int]) -> dict[int, dict]:
        # the filters applied only when counting: a keyword's index lookups are not run for cached chips
        base = apply_filters(user, filters, without_warning=True)
        qs = base if len(missing) == len(ids) else within_groups(base, missing)
        rows = (
            qs.order_by()
            .annotate(g=buckets.scanned("group_id"))  # SQLite: read the rows, not a million through the index
            .values("g")
            .annotate(**{c: Count("pk", filter=warning_filter(c)) for c in WARNING_FILTERS})
        )
        return {r["g"]: {c: r[c] for c in WARNING_FILTERS if r[c]} for r in rows}

    parts = ("commission", key, today())
    total = freshness.cached_sum("problem-chips-group", parts, compute, ids, app="problems", wait=wait)
    return None if total is None else {c: total.get(c, 0) for c in WARNING_FILTERS}


# --- Filters shared by the list, the export, the bulk action and the API ---


@dataclass(frozen=True)
class ProblemFilters:
    status: str = ""
    warning: str = ""
    group: Org | None = None
    org: Org | None = None  # the responsible org, with its subtree
    category: Category | None = None
    severity: Severity | None = None
    source: str = ""
    date_from: date | None = None  # registered_on
    date_to: date | None = None
    q: str = ""
    repeat: bool = False
    invalid_ref: bool = False  # a group or org was asked for but is not visible: the result is empty
    groups: tuple = ()  # several groups at once (?group=1&group=2, a report's drill-down); `group` holds one
    org_only: bool = False  # the responsible org itself, without its sub-units
    urged: bool = False  # only problems urged at least once

    def as_params(self) -> dict:
        params = {
            "status": self.status,
            "warning": self.warning,
            "group": self.group.pk if self.group else None,
            "groups": [g.pk for g in self.groups] or None,
            "org": self.org.pk if self.org else None,
            "org_only": "1" if self.org_only else None,
            "urged": "1" if self.urged else None,
            "category": self.category.pk if self.category else None,
            "severity": self.severity.pk if self.severity else None,
            "source": self.source,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q,
            "repeat": "1" if self.repeat else None,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}

    def as_query(self) -> list[tuple[str, str]]:
        """The filters as query-string pairs (several groups as a repeated `group`), for links and hidden inputs."""
        pairs = []
        for k, v in self.as_params().items():
            if k == "groups":
                pairs += [("group", str(pk)) for pk in v]
            else:
                pairs.append((k, str(v)))
        return pairs


def _date(value) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except (ValueError, AttributeError):
        return None


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _pick(user, model, value, **extra):
    """(record, invalid): the visible record with that id, or (None, True) when asked for and not visible."""
    if value in ("", None):
        return None, False
    pk = _int(value)
    obj = visible_to(user, model).filter(pk=pk, **extra).first() if pk is not None else None
    return obj, obj is None


# The status filter of the list: each status, and all that are not closed (未销号).
UNCLOSED = "unclosed"
STATUS_FILTERS = [(UNCLOSED, "未销号（全部）"), *ProblemStatus.choices]
TRUE_VALUES = ("1", "true", "on")


def _groups(user, params) -> tuple[Org | None, tuple, bool]:
    """(one group, several groups, invalid) from ?group= (which may repeat)."""
    raw = params.getlist("group") if hasattr(params, "getlist") else [params.get("group")]
    raw = [str(v).strip() for v in raw if v is not None and str(v).strip()]
    if len(raw) <= 1:
        group, bad = _pick(user, Org, raw[0] if raw else None, kind=OrgKind.GROUP)
        return group, (), bad
    ids = {_int(v) for v in raw}
    if None in ids:
        return None, (), True
    groups = tuple(visible_to(user, Org).filter(pk__in=ids, kind=OrgKind.GROUP).order_by("path"))
    return None, groups, len(groups) < len(ids)


def parse_filters(user, params) -> ProblemFilters:
    """Filters from query parameters (?status=&warning=&group=&org=&category=&severity=&source=&from=&to=&q=
    &repeat=&org_only=&urged=). `group` may repeat (several groups at once, as a report's scope); status may be
    `unclosed` (every status but closed); `org_only` takes the responsible org without its sub-units."""
    group, groups, bad_group = _groups(user, params)
    org_value = typed_org(user, "problem-filter", params, params.get("org", params.get("responsible_org")))
    org, bad_org = _pick(user, Org, org_value)
    category, bad_cat = _pick(user, Category, params.get("category"))
    severity, bad_sev = _pick(user, Severity, params.get("severity"))
    status, warning, source = params.get("status", ""), params.get("warning", ""), params.get("source", "")
    return ProblemFilters(
        status=status if status in (*ProblemStatus.values, UNCLOSED) else "",
        warning=warning if warning in WARNING_FILTERS else "",
        group=group,
        groups=groups,
        org_only=org is not None and params.get("org_only") in TRUE_VALUES,
        urged=params.get("urged") in TRUE_VALUES,
        org=org,
        category=category,
        severity=severity,
        source=source if source in SourceKind.values else "",
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
        q=(params.get("q") or "").strip()[:100],
        repeat=params.get("repeat") in TRUE_VALUES,
        invalid_ref=bad_group or bad_org or bad_cat or bad_sev,
    )


def problems_for(
    user,
    *,
    status: str = "",
    warning: str = "",
    group=None,
    org=None,
    category=None,
    severity=None,
    source: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    repeat: bool = False,
    on: date | None = None,
    groups=None,
    org_only: bool = False,
    urged: bool = False,
) -> QuerySet:
    """The problems `user` may see, filtered; `org` matches the responsible org's whole subtree (only the org
    itself with `org_only`); the period is on registered_on; `q` searches the number, description and site name;
    `groups` (several at once) narrows like within_groups; status `unclosed` is every status but closed. Joins
    what a list row shows (group, category, severity, site, responsible org, repeat_of): no query per row."""
    qs = within_groups(visible_to(user, Problem), groups)
    if status == UNCLOSED:
        qs = qs.filter(OPEN_Q)
    elif status:
        qs = qs.filter(status=status)
    if warning:
        qs = qs.filter(warning_filter(warning, on=on))
    if group is not None:
        qs = qs.filter(group_id=getattr(group, "pk", group))
    if org is not None and org_only:
        qs = qs.filter(responsible_org=org)
    elif org is not None:
        qs = qs.filter(in_subtrees("responsible_org", [org.path]))
    if category is not None:
        qs = qs.filter(category_id=getattr(category, "pk", category))
    if severity is not None:
        qs = qs.filter(severity_id=getattr(severity, "pk", severity))
    if source:
        qs = qs.filter(source_kind=source)
    if date_from:
        qs = qs.filter(registered_on__gte=date_from)
    if date_to:
        qs = qs.filter(registered_on__lte=date_to)
    if repeat:
        qs = qs.filter(is_repeat=True)
    if urged:
        qs = qs.filter(urge_count__gt=0)
    qs = matching(qs, q, ["number", "description", "site__name"])
    return qs.select_related(*LIST_RELATED).order_by("-registered_on", "-id")


def apply_filters(user, filters: ProblemFilters, *, without_warning: bool = False) -> QuerySet:
    if filters.invalid_ref:
        return visible_to(user, Problem).none()
    return problems_for(
        user,
        status=filters.status,
        warning="" if without_warning else filters.warning,
        group=filters.group,
        org=filters.org,
        category=filters.category,
        severity=filters.severity,
        source=filters.source,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
        repeat=filters.repeat,
        groups=list(filters.groups) or None,
        org_only=filters.org_only,
        urged=filters.urged,
    )


# --- One problem ---


@dataclass
class ProblemDetail:
    problem: Problem
    warning: str
    overdue_days: int
    events: list[ProblemEvent]
    rectifications: list[Rectification]
    urges: list[Urge]
    photos: list
    show_activity: bool = False  # the viewer may see the source activity (never a liaison: covert checks)
    show_document: bool = False
    repeat_visible: bool = False
    repeats: list[Problem] = field(default_factory=list)


def _attachments(model, ids) -> dict[int, list]:
    out: dict[int, list] = {}
    if ids:
        rows = Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(model), owner_id__in=ids)
        for att in rows.order_by("sort_order", "id"):
            out.setdefault(att.owner_id, []).append(att)
    return out


def problem_detail(user, problem: Problem) -> ProblemDetail:
    events = list(visible_to(user, ProblemEvent).filter(problem=problem).select_related("actor").order_by("at", "id"))
    rects = list(
        visible_to(user, Rectification).filter(problem=problem).select_related("reported_by").order_by("reported_at")
    )
    files = _attachments(Rectification, [r.pk for r in rects])
    for r in rects:
        atts = files.get(r.pk, [])
        r.before_files = [a for a in atts if a.purpose == "before"]
        r.after_files = [a for a in atts if a.purpose == "after"]
        r.other_files = [a for a in atts if a.purpose not in ("before", "after")]
    urges = list(visible_to(user, Urge).filter(problem=problem).select_related("by", "document").order_by("at", "id"))
    for u in urges:
        u.show_document = u.document is not None and can(user, "view", u.document)
    photos = _attachments(Problem, [problem.pk]).get(problem.pk, [])
    repeats = list(visible_to(user, Problem).filter(repeat_of=problem).order_by("registered_on"))
    closed_on = problem.closed_on if problem.status == ProblemStatus.CLOSED else None
    return ProblemDetail(
        problem=problem,
        warning=problem_warning(problem),
        overdue_days=days_overdue(problem.deadline, closed_on=closed_on),
        events=events,
        rectifications=rects,
        urges=urges,
        photos=photos,
        show_activity=problem.source_activity_id is not None and can(user, "view", problem.source_activity),
        show_document=problem.source_document_id is not None and can(user, "view", problem.source_document),
        repeat_visible=problem.repeat_of_id is not None and can(user, "view", problem.repeat_of),
        repeats=repeats,
    )


# --- Counts and the scorecard (for the reports module) ---

COUNT_BY = ("group", "status", "category", "responsible_org", "month", "warning", "week")


def problem_counts(
    user,
    *,
    by: str,
    date_from: date | None = None,
    date_to: date | None = None,
    on: date | None = None,
    groups=None,
) -> list[dict]:
    """Numbers of problems one may see (registered in the period), per group, status, category, responsible org,
    month or ISO week of registration (week key: the Monday, ISO) or warning colour: [{"key", "label", "count"}]
    in a stable order."""
    if by not in COUNT_BY:
        raise ValueError(f"by must be one of {COUNT_BY}")
    qs = within_groups(problems_for(user, date_from=date_from, date_to=date_to), groups).order_by()
    if by == "warning":
        counts = warning_counts(qs, on=on)
        return [{"key": c, "label": str(Warning(c).label), "count": counts[c]} for c in WARNING_FILTERS if counts[c]]
    if by == "status":
        counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        return [
            {"key": v, "label": str(label), "count": counts[v]} for v, label in ProblemStatus.choices if v in counts
        ]
    if by == "month":
        rows = buckets.per_month(qs, "registered_on")
        return [{"key": f"{m:%Y-%m}", "label": f"{m.year}年{m.month}月", "count": n} for m, n, _t in rows]
    if by == "week":
        rows = buckets.per_week(qs, "registered_on")
        return [{"key": w.isoformat(), "label": cn_week(w), "count": n} for w, n, _t in rows]
    name, order = {
        "group": ("group__name", "group__path"),
        "category": ("category__name", "category__sort_order"),
        "responsible_org": ("responsible_org__name", "responsible_org__path"),
    }[by]
    rows = qs.values(f"{by}_id", name, order).annotate(n=Count("id")).order_by(order)
    return [{"key": r[f"{by}_id"], "label": r[name], "count": r["n"]} for r in rows]


@dataclass(frozen=True)
class ProblemSummary:
    """Problems registered in a period: found, rectified (closed), still open and their colours, urges."""

    found: int = 0
    closed: int = 0
    open: int = 0
    red: int = 0  # open and overdue
    yellow: int = 0
    green: int = 0
    urges: int = 0  # 催办次数: every step of urging logged on these problems
    urged: int = 0  # problems urged at least once

    @property
    def closed_rate(self) -> float | None:
        """整改率 in percent: closed / found."""
        return round(100 * self.closed / self.found, 1) if self.found else None


def problem_summary(
    user, *, date_from: date | None = None, date_to: date | None = None, on: date | None = None, groups=None
) -> ProblemSummary:
    """The headline figures of the problems one may see registered in the period, in one query; each has the
    list filter that shows the same records (status=closed / unclosed, warning=red, urged=1)."""
    qs = within_groups(problems_for(user, date_from=date_from, date_to=date_to), groups).order_by()
    agg = qs.aggregate(**_summary_counts(on))
    return ProblemSummary(**{k: v or 0 for k, v in agg.items()})


def _colour_counts(on: date | None) -> dict:
    """The problems of each warning colour as of `on` (red, yellow, green), as aggregates."""
    return {c.value: Count("id", filter=warning_filter(c, on=on)) for c in (Warning.RED, Warning.YELLOW, Warning.GREEN)}


def _summary_counts(on: date | None) -> dict:
    """The fields of ProblemSummary as aggregates (problem_summary, dashboard_by_group)."""
    return {
        "found": Count("id"),
        "closed": Count("id", filter=Q(status=ProblemStatus.CLOSED)),
        "open": Count("id", filter=OPEN_Q),
        **_colour_counts(on),
        "urges": Sum("urge_count"),
        "urged": Count("id", filter=Q(urge_count__gt=0)),
    }


def dashboard_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, on: date | None = None, groups=None
) -> dict[int, dict]:
    """The dashboard's problem figures of each group at once (problems one may see registered in the period,
    colours as of `on`) — reports.dashboard keeps them per group and sums them over a scope: {group id:
    {"summary": ProblemSummary, "weeks": {Monday (ISO): n}, "board": {responsible org id: {"open", "red",
    "yellow", "green"}}}}, as problem_summary, problem_counts(by="week") and open_by_responsible_org give them for
    one group. Three queries, whatever the number of groups."""
    qs = within_groups(problems_for(user, date_from=date_from, date_to=date_to), groups).order_by()
    # grouped on expressions (buckets.scanned): SQLite then reads the table rather than walking an index
    qs = qs.annotate(g=buckets.scanned("group_id"))
    out: dict[int, dict] = {}

    def of(group_id: int) -> dict:
        return out.get(group_id) or out.setdefault(group_id, {"summary": ProblemSummary(), "weeks": {}, "board": {}})

    summaries = qs.values("g").annotate(**_summary_counts(on))
    for r in summaries:
        group_id = r.pop("g")
        of(group_id)["summary"] = ProblemSummary(**{k: v or 0 for k, v in r.items()})
    days = qs.annotate(day=buckets.scanned_day("registered_on")).values_list("g", "day").annotate(n=Count("id"))
    for group_id, day, n in days:
        weeks = of(group_id)["weeks"]
        key = buckets.monday(buckets.to_date(day)).isoformat()
        weeks[key] = weeks.get(key, 0) + n
    board = (
        qs.filter(OPEN_Q)
        .annotate(org=buckets.scanned("responsible_org_id"))
        .values("g", "org")
        .annotate(open=Count("id"), **_colour_counts(on))
    )
    for r in board:
        of(r["g"])["board"][r["org"]] = {k: r[k] for k in ("open", "red", "yellow", "green")}
    return out


def open_by_responsible_org(
    user, *, date_from: date | None = None, date_to: date | None = None, on: date | None = None, groups=None
) -> list[dict]:
    """The colour board (红黄绿灯): open problems registered in the period per responsible org — the org itself,
    not its sub-units (the list's org + org_only filter) — [{"key", "label", "open", "red", "yellow", "green"}],
    the most overdue first. One query."""
    qs = within_groups(problems_for(user, date_from=date_from, date_to=date_to), groups).filter(OPEN_Q).order_by()
    rows = qs.values("responsible_org_id", "responsible_org__name", "responsible_org__path").annotate(
        open=Count("id"), **_colour_counts(on)
    )
    rows = sorted(rows, key=lambda r: (-r["red"], -r["yellow"], r["responsible_org__path"]))
    return [
        {
            "key": r["responsible_org_id"],
            "label": r["responsible_org__name"],
            "open": r["open"],
            "red": r["red"],
            "yellow": r["yellow"],
            "green": r["green"],
        }
        for r in rows
    ]


@dataclass
class ScoreRow:
    org: Org
    total: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue_open: int = 0
    overdue_days: int = 0  # days past the deadline: of those closed late (at closing) and of those still open
    urges: int = 0
    repeats: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """整改按期完成率: closed on time / all whose deadline has passed or that are closed."""
        due = self.closed + self.overdue_open
        return round(100 * self.closed_on_time / due, 1) if due else None


def scorecard(
    user, *, date_from: date | None = None, date_to: date | None = None, on: date | None = None, groups=None
) -> list:
    """The scorecard per responsible org (DESIGN §4 reports): problems, on-time rectification rate, overdue days,
    urges and repeats, over the problems one may see registered in the period. Timeliness comes from dates."""
    on = on or today()
    qs = within_groups(problems_for(user, date_from=date_from, date_to=date_to), groups).order_by()
    rows = qs.values("responsible_org_id").annotate(
        total=Count("id"),
        closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
        closed_on_time=Count("id", filter=CLOSED_ON_TIME_Q),
        open=Count("id", filter=OPEN_Q),
        overdue_open=Count("id", filter=OPEN_Q & Q(deadline__lt=on)),
        repeats=Count("id", filter=Q(is_repeat=True)),
    )
    # The urges apart: joined to the problems above, they would repeat each problem once per urge.
    urges = dict(
        Urge.objects.filter(problem__in=qs.values("pk"))
        .order_by()
        .values_list("problem__responsible_org_id")
        .annotate(n=Count("id"))
    )
    orgs = Org.objects.in_bulk([r["responsible_org_id"] for r in rows])
    out = {
        r["responsible_org_id"]: ScoreRow(
            org=orgs[r["responsible_org_id"]],
            urges=urges.get(r["responsible_org_id"], 0),
            **{k: r[k] for k in ("total", "closed", "closed_on_time", "open", "overdue_open", "repeats")},
        )
        for r in rows
    }
    late = qs.filter(CLOSED_LATE_Q | (OPEN_Q & Q(deadline__lt=on)))
    for org_id, deadline, closed_on, status in late.values_list(
        "responsible_org_id", "deadline", "closed_on", "status"
    ):
        closed = closed_on if status == ProblemStatus.CLOSED else None
        out[org_id].overdue_days += days_overdue(deadline, closed_on=closed, on=on)
    return sorted(out.values(), key=lambda r: r.org.path)


def rectification_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, on: date | None = None, groups=None
) -> dict[int, dict[str, int]]:
    """问题整改 of the monthly table, per owning group, over the problems one may see registered in the period,
    as they stood on `on` (default today), from dates: found; closed (销号 on or before `on`); in_progress (not
    closed by `on`, deadline not passed); overdue (not closed by `on`, deadline passed); repeats (屡查屡犯).
    found = closed + in_progress + overdue. One grouped query: {group id: {key: n}}."""
    on = on or today()
    qs = within_groups(problems_for(user, date_from=date_from, date_to=date_to), groups).order_by()
    closed_by_on = Q(status=ProblemStatus.CLOSED, closed_on__lte=on)
    rows = qs.values("group_id").annotate(
        found=Count("id"),
        closed=Count("id", filter=closed_by_on),
        in_progress=Count("id", filter=~closed_by_on & Q(deadline__gte=on)),
        overdue=Count("id", filter=~closed_by_on & Q(deadline__lt=on)),
        repeats=Count("id", filter=Q(is_repeat=True)),
    )
    keys = ("found", "closed", "in_progress", "overdue", "repeats")
    return {r["group_id"]: {k: r[k] for k in keys} for r in rows}


def urge_counts_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, int]:
    """催办次数 per owning group: the urges (by hand and automatic) dated in the period, of the problems one may
    see, whenever those were registered. One grouped query: {group id: n}."""
    qs = within_groups(visible_to(user, Urge), groups, "problem__group")
    if date_from:
        qs = qs.filter(on__gte=date_from)
    if date_to:
        qs = qs.filter(on__lte=date_to)
    rows = qs.order_by().values("problem__group_id").annotate(n=Count("id"))
    return {r["problem__group_id"]: r["n"] for r in rows}


# --- Choices for forms and filters ---


def group_choices(user) -> QuerySet:
    """Groups whose problems one may see (for the list filter)."""
    qs = visible_to(user, Org).filter(kind=OrgKind.GROUP).only("pk", "name", "path").order_by("path")
    if not sees_every_business_record(user):
        qs = qs.filter(pk__in=visible_to(user, Problem).values("group_id"))
    return qs


def registering_groups(user) -> QuerySet:
    return Org.objects.filter(pk__in=principal(user).org_ids(*GROUP_ROLES), kind=OrgKind.GROUP).order_by("path")


def responsible_org_choices(user, group_ids=()) -> list[tuple[str, list[tuple[int, str]]]]:
    """Departments and units one may name responsible, grouped: those the group(s) supervise first."""
    orgs = list(
        visible_to(user, Org)
        .filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT], is_active=True)
        .only("pk", "name", "path", "depth")
        .order_by("path")
    )
    roots = list(Assignment.objects.filter(group_id__in=list(group_ids)).values_list("org__path", flat=True))
    supervised = [o for o in orgs if any(o.path.startswith(r) for r in roots)]
    others = [o for o in orgs if not any(o.path.startswith(r) for r in roots)]
    out = []
    if supervised:
        out.append(("本组监督单位", [(o.pk, "\u3000" * o.depth + o.name) for o in supervised]))
    if others:
        out.append(("其他单位", [(o.pk, "\u3000" * o.depth + o.name) for o in others]))
    return out


@org_filter_choices("problem-filter")
def filter_org_choices(user) -> QuerySet:
    """Responsible orgs one may filter the list by (the list's org filter)."""
    return visible_to(user, Org).filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT]).order_by("path")


def categories(include=None) -> QuerySet:
    q = Q(is_active=True) | Q(pk=getattr(include, "pk", include)) if include else Q(is_active=True)
    return Category.objects.filter(q).order_by("sort_order", "name")


def severities(include=None) -> QuerySet:
    q = Q(is_active=True) | Q(pk=getattr(include, "pk", include)) if include else Q(is_active=True)
    return Severity.objects.filter(q).order_by("level")


# --- Every group at once (a province briefing: a fixed number of queries, whatever the number of groups) ---


def problem_figures_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, dict[str, int]]:
    """Per owning group, over the problems one may see registered in the period: found, closed (status 销号),
    open (OPEN_STATUSES) and repeats (屡查屡犯), as problem_summary counts them. One grouped query:
    {group id: {key: n}}."""
    qs = within_groups(problems_for(user, date_from=date_from, date_to=date_to), groups).order_by()
    rows = qs.values("group_id").annotate(
        found=Count("id"),
        closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
        open=Count("id", filter=OPEN_Q),
        repeats=Count("id", filter=Q(is_repeat=True)),
    )
    keys = ("found", "closed", "open", "repeats")
    return {r["group_id"]: {k: r[k] for k in keys} for r in rows}
