"""Every read of reported statistics, scoped to the actor through visible_to.

Roll-up uses the materialized path: every value's org path cut to the length of the target level
(Substr(path, 1, L)) is the path of the target org it rolls up to, so one grouped aggregate gives the subtree
totals of all target orgs at once, whatever the size of the tree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from jiandu.core import buckets
from jiandu.core.access import principal, visible_to, within_groups
from jiandu.core.deadlines import warning_for
from jiandu.organizations.models import PATH_SEGMENT, Org

from .access import sees_every_value
from .enums import Aggregation, ApprovalStatus, Frequency
from .models import Approval, DataSet, DataValue, Indicator, Period, Reporter, Total
from .periods import PeriodKey, campaign_period, periods_between

SEGMENT = PATH_SEGMENT + 1  # "00000005/"


def datasets_for(user):
    return visible_to(user, DataSet).select_related("group").prefetch_related("reporting_orgs")


def dataset_indicators(dataset: DataSet) -> list[Indicator]:
    return [m.indicator for m in dataset.members.select_related("indicator").order_by("sort_order", "id")]


def values_for(user, *, dataset=None, indicator=None, org=None, period=None, subtree: bool = False):
    """Values the user may see, filtered; `org` with `subtree` includes its sub-units."""
    qs = visible_to(user, DataValue).select_related("dataset", "indicator", "org", "period", "entered_by")
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path) if subtree else qs.filter(org=org)
    if period is not None:
        qs = qs.filter(period=period)
    return qs.order_by("period__start_date", "org__path", "indicator__code")


# --- Periods of a data set ---


def expected_periods(dataset: DataSet, *, until: date | None = None) -> list[PeriodKey]:
    """The periods a data set is reported for, from its start to its end (or today)."""
    if dataset.frequency == Frequency.CAMPAIGN:
        return [campaign_period(dataset.start_date, dataset.end_date or dataset.start_date)]
    end = dataset.end_date or (until or timezone.localdate())
    if until is not None:
        end = min(end, until)
    return periods_between(dataset.frequency, dataset.start_date, end)


def due_date(dataset: DataSet, period) -> date:
    return period.end_date + timedelta(days=dataset.due_days)


# --- Completeness and timeliness ---


@dataclass
class Completeness:
    period: PeriodKey
    expected: int
    reported: int
    on_time: int
    due: date
    reported_org_ids: set = field(default_factory=set)
    locked_org_ids: set = field(default_factory=set)

    @property
    def rate(self) -> int:
        return round(100 * self.reported / self.expected) if self.expected else 0

    @property
    def timely_rate(self) -> int:
        return round(100 * self.on_time / self.expected) if self.expected else 0


def completeness(dataset: DataSet, periods: list[PeriodKey], *, org_ids=None) -> list[Completeness]:
    """Per period: reporting orgs (of `org_ids`, default all) that entered a value, and those that did by the due
    date (first entry on or before end date + the data set's due days). Two queries whatever the number of periods."""
    expected = set(dataset.reporting_orgs.filter(is_active=True).values_list("pk", flat=True))
    if org_ids is not None:
        expected &= set(org_ids)
    codes = [p.code for p in periods]
    rows = (
        DataValue.objects.filter(dataset=dataset, period__code__in=codes, org_id__in=expected)
        .values("period__code", "org_id")
        .annotate(first=Min("entered_at"))
    )
    firsts: dict[str, dict[int, date]] = defaultdict(dict)
    for r in rows:
        firsts[r["period__code"]][r["org_id"]] = timezone.localtime(r["first"]).date()
    locks = defaultdict(set)
    for code, path in Approval.objects.filter(
        dataset=dataset, period__code__in=codes, status=ApprovalStatus.LOCKED
    ).values_list("period__code", "org__path"):
        locks[code].add(path)
    paths = dict(Org.objects.filter(pk__in=expected).values_list("pk", "path"))
    out = []
    for p in periods:
        due = due_date(dataset, p)
        got = firsts.get(p.code, {})
        locked = {o for o in expected if any(paths[o].startswith(lp) for lp in locks.get(p.code, ()))}
        out.append(
            Completeness(p, len(expected), len(got), sum(1 for d in got.values() if d <= due), due, set(got), locked)
        )
    return out


# --- Roll-up ---


@dataclass
class RollupRow:
    org: Org
    is_total: bool  # the root: its own values and every sub-unit's
    values: dict  # indicator id -> Decimal | None (aggregated over the period range)
    by_period: dict  # (indicator id, period code) -> Decimal
    own: bool = False


def _combine(aggregation: str, per_period: dict[str, tuple[Decimal, Decimal]], order: list[str]) -> Decimal | None:
    """Aggregate one target's (sum over orgs, max over orgs) per period over the period range."""
    if not per_period:
        return None
    if aggregation == Aggregation.SUM:
        return sum((s for s, _m in per_period.values()), Decimal(0))
    if aggregation == Aggregation.MAX:
        return max(m for _s, m in per_period.values())
    latest = max(per_period, key=order.index)
    return per_period[latest][0]


def rollup(user, *, indicators: list[Indicator], root: Org, periods: list[Period], dataset: DataSet | None = None):
    """Rows for the root (total) and each of its children: subtree figures per indicator, aggregated over the orgs
    (sum, or max for MAX indicators) and over the periods (sum / max / the latest period for LAST).

    One query for the values of all indicators and periods, grouped by the ancestor prefix of each value's org
    path, plus one for the child orgs; the number of queries does not grow with the tree.
    """
    children = list(Org.objects.filter(parent=root, is_active=True).order_by("sort_order", "path"))
    level = len(root.path) + SEGMENT
    qs = visible_to(user, DataValue).filter(
        org__path__startswith=root.path, indicator__in=indicators, period__in=periods
    )
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    grouped = (
        qs.annotate(prefix=Substr("org__path", 1, level))
        .values("prefix", "indicator_id", "period__code")
        .annotate(total=Sum("value"), top=Max("value"))
        .order_by()
    )
    cells: dict[tuple[str, int], dict[str, tuple[Decimal, Decimal]]] = defaultdict(dict)
    totals: dict[int, dict[str, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for r in grouped:
        cells[(r["prefix"], r["indicator_id"])][r["period__code"]] = (r["total"], r["top"])
        s, m = totals[r["indicator_id"]].get(r["period__code"], (Decimal(0), Decimal(0)))
        totals[r["indicator_id"]][r["period__code"]] = (s + r["total"], max(m, r["top"]))
    order = [p.code for p in sorted(periods, key=lambda p: (p.end_date, p.start_date))]

    def row(org, source, is_total):
        values, by_period = {}, {}
        for ind in indicators:
            per = source(ind.pk)
            values[ind.pk] = _combine(ind.aggregation, per, order)
            for code, (s, m) in per.items():
                by_period[(ind.pk, code)] = m if ind.aggregation == Aggregation.MAX else s
        return RollupRow(org, is_total, values, by_period)

    rows = [row(root, lambda i: totals.get(i, {}), True)]
    for child in children:
        rows.append(row(child, lambda i, c=child: cells.get((c.path, i), {}), False))
    if any(cells.get((root.path, ind.pk)) for ind in indicators):
        rows.insert(1, row(root, lambda i: cells.get((root.path, i), {}), False))
        rows[1].own = True  # the root's own figures (本级), besides its sub-units
    return rows


def periods_in_range(kind: str, start: date | None = None, end: date | None = None):
    qs = Period.objects.filter(kind=kind)
    if start:
        qs = qs.filter(end_date__gte=start)
    if end:
        qs = qs.filter(start_date__lte=end)
    return list(qs.order_by("start_date"))


@dataclass
class Pivot:
    indicator: Indicator
    root: Org
    periods: list
    rows: list  # RollupRow, root total first
    chart: dict  # for ECharts: categories and one series per child org and the total


def pivot(user, *, indicator: Indicator, root: Org, periods: list[Period], dataset=None) -> Pivot:
    """Org (root total and children) × period for one indicator, and the data of its chart."""
    rows = rollup(user, indicators=[indicator], root=root, periods=periods, dataset=dataset)
    codes = [p.code for p in periods]

    def cell(r, code):
        v = r.by_period.get((indicator.pk, code))
        return float(v) if v is not None else None

    series = [
        {"name": r.org.display_name, "type": "bar", "stack": "orgs", "data": [cell(r, c) for c in codes]}
        for r in rows[1:]
    ]
    series.append({"name": "合计", "type": "line", "data": [cell(rows[0], c) for c in codes]})
    chart = {"categories": [p.code for p in periods], "series": series, "unit": indicator.unit}
    return Pivot(indicator, root, periods, rows, chart)


def _current_totals(user, as_of: date, groups, indicator_ids=None):
    """The pre-aggregated rows (stats.totals) of the data sets in scope as of the day: one per data set and
    indicator, its last period ending on or before `as_of`. Only for a viewer who sees every value of them."""
    datasets = within_groups(visible_to(user, DataSet), groups)
    # The data sets by an expression (buckets.scanned): otherwise SQLite reads every period of each data set and
    # indicator through the unique index (500,000 rows for a province) rather than the current ones through
    # (next_end, end_date).
    qs = (
        Total.objects.annotate(ds=buckets.scanned("dataset_id"))
        .filter(ds__in=datasets.values("pk"), end_date__lte=as_of)
        .filter(Q(next_end__isnull=True) | Q(next_end__gt=as_of))
    )
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=list(indicator_ids))
    return qs.values_list("group_id", "indicator_id", "end_date", "start_date", "total", "running_total", "running_top")


def _current_totals_summed(user, as_of: date, groups, indicator_ids) -> list[tuple]:
    """_current_totals added up in the database per indicator and period, as rows of the same shape (group None),
    which _combine_current combines alike: a province's 2,000 rows are a few dozen."""
    rows = (
        _current_totals(user, as_of, groups, indicator_ids)
        .values_list("indicator_id", "end_date", "start_date")
        .annotate(t=Sum("total"), r=Sum("running_total"), m=Max("running_top"))
        .order_by()
    )
    return [(None, *r) for r in rows]


def _combine_current(aggregation: str, rows: list[tuple]) -> Decimal | None:
    """_combine over the current rows of one target: the running sum, the running largest value, or the sum of the
    latest period (the latest over every data set, as _combine takes it)."""
    if not rows:
        return None
    if aggregation == Aggregation.SUM:
        return sum((r[5] for r in rows), Decimal(0))
    if aggregation == Aggregation.MAX:
        return max(r[6] for r in rows)
    latest = max((r[2], r[3]) for r in rows)
    return sum((r[4] for r in rows if (r[2], r[3]) == latest), Decimal(0))


def reported_totals(user, indicator_codes: list[str], as_of: date, groups=None) -> dict[str, Decimal | None]:
    """For the briefing: the figure of each indicator over every period ending on or before `as_of`, summed over
    the orgs the user may see (max for MAX indicators), over periods by the indicator's aggregation. One query:
    of the pre-aggregated totals when the user sees every value in scope (a few thousand rows for a province),
    of the values otherwise."""
    indicators = {i.pk: i for i in Indicator.objects.filter(code__in=indicator_codes)}
    if sees_every_value(principal(user), groups):
        current: dict[int, list[tuple]] = defaultdict(list)
        for r in _current_totals_summed(user, as_of, groups, indicators):
            current[r[1]].append(r)
        out = dict.fromkeys(indicator_codes)
        for pk, ind in indicators.items():
            out[ind.code] = _combine_current(ind.aggregation, current.get(pk, []))
        return out
    grouped = (
        within_groups(visible_to(user, DataValue), groups, "dataset__group")
        .filter(indicator_id__in=indicators, period__end_date__lte=as_of)
        .values("indicator_id", "period__code", "period__end_date", "period__start_date")
        .annotate(total=Sum("value"), top=Max("value"))
        .order_by("period__end_date", "period__start_date")
    )
    per: dict[int, dict[str, tuple[Decimal, Decimal]]] = defaultdict(dict)
    order: list[str] = []
    for r in grouped:
        per[r["indicator_id"]][r["period__code"]] = (r["total"], r["top"])
        order.append(r["period__code"])
    out = dict.fromkeys(indicator_codes)
    for pk, ind in indicators.items():
        out[ind.code] = _combine(ind.aggregation, per.get(pk, {}), order)
    return out


# --- To-do ---


def periods_to_report(user, *, limit: int = 20):
    """For a liaison: (data set, org, period key, due, warning) of the periods their orgs have not reported yet
    (the most recent few per data set), oldest due first."""
    from jiandu.organizations.enums import Role

    p = principal(user)
    paths = p.org_paths(Role.LIAISON)
    if not paths:
        return []
    items = []
    today = timezone.localdate()
    for dataset in visible_to(user, DataSet).filter(is_active=True).select_related("group")[:50]:
        orgs = [o for o in dataset.reporting_orgs.all() if any(o.path.startswith(x) for x in paths)]
        periods = [k for k in expected_periods(dataset, until=today)][-3:]
        if not orgs or not periods:
            continue
        done = set(
            DataValue.objects.filter(dataset=dataset, org__in=orgs, period__code__in=[k.code for k in periods])
            .values_list("org_id", "period__code")
            .distinct()
        )
        for k in periods:
            for o in orgs:
                if (o.pk, k.code) not in done:
                    due = due_date(dataset, k)
                    items.append((dataset, o, k, due, warning_for(due)))
    items.sort(key=lambda t: t[3])
    return items[:limit]


def periods_awaiting_approval(user, *, limit: int = 20):
    """For a group leader: (data set, period key) fully reported by every reporting org and not yet approved."""
    from jiandu.organizations.enums import Role

    groups = principal(user).org_ids(Role.GROUP_LEADER)
    if not groups:
        return []
    out = []
    for dataset in visible_to(user, DataSet).filter(group_id__in=groups, is_active=True).select_related("group")[:50]:
        periods = expected_periods(dataset)[-6:]
        expected = dataset.reporting_orgs.count()
        if not expected or not periods:
            continue
        counts = dict(
            DataValue.objects.filter(dataset=dataset, period__code__in=[k.code for k in periods])
            .values("period__code")
            .annotate(n=Count("org", distinct=True))
            .values_list("period__code", "n")
        )
        approved = set(
            Approval.objects.filter(dataset=dataset, period__code__in=[k.code for k in periods]).values_list(
                "period__code", flat=True
            )
        )
        for k in periods:
            if counts.get(k.code, 0) >= expected and k.code not in approved:
                out.append((dataset, k))
    return out[:limit]


def approvals_for(user, *, dataset=None):
    qs = visible_to(user, Approval).select_related("dataset", "org", "period", "approved_by")
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    return qs.order_by("-period__start_date", "org__path")


# --- Every group at once (a province briefing: a fixed number of queries, whatever the number of groups) ---


@dataclass
class GroupReported:
    """What a group's data sets report up to a day, for the briefing's 据…统计 sentence."""

    indicators: list[Indicator]  # of the group's data sets (by data set id, then member order), each once
    totals: dict[str, Decimal | None]  # indicator code -> the figure, as reported_totals gives it
    latest: date | None = None  # the latest period end on or before the day, over all the group's values
    reporters: list[Org] = field(default_factory=list)  # the orgs that reported those values, by path


def reported_by_group(user, as_of: date, groups=None) -> dict[int, GroupReported]:
    """For each group with a data set one may see: its indicators, their figures as reported_totals(…, as_of,
    groups=[group]) gives them, the latest period end reported and the reporting orgs. Seven queries, whatever
    the number of groups: {group id: GroupReported}."""
    datasets = within_groups(visible_to(user, DataSet), groups).prefetch_related("members__indicator").order_by("id")
    indicators: dict[int, list[Indicator]] = {}
    for ds in datasets:
        mine = indicators.setdefault(ds.group_id, [])
        for m in sorted(ds.members.all(), key=lambda m: (m.sort_order, m.pk)):
            if m.indicator not in mine:
                mine.append(m.indicator)
    indicators = {g: i for g, i in indicators.items() if i}
    if not indicators:
        return {}
    if sees_every_value(principal(user), groups):
        return _reported_by_group_from_totals(user, as_of, groups, indicators)
    values = within_groups(visible_to(user, DataValue), list(indicators), "dataset__group").filter(
        period__end_date__lte=as_of
    )
    wanted = {i.pk for ii in indicators.values() for i in ii}
    grouped = (
        values.filter(indicator_id__in=wanted)
        .values("dataset__group_id", "indicator_id", "period__code", "period__end_date", "period__start_date")
        .annotate(total=Sum("value"), top=Max("value"))
        .order_by("period__end_date", "period__start_date")
    )
    per: dict[int, dict[int, dict[str, tuple[Decimal, Decimal]]]] = defaultdict(lambda: defaultdict(dict))
    order: dict[int, list[str]] = defaultdict(list)
    mine = {g: {i.pk for i in ii} for g, ii in indicators.items()}
    for r in grouped:
        g = r["dataset__group_id"]
        if r["indicator_id"] not in mine[g]:
            continue  # a value of an indicator its data sets no longer list: reported_totals does not ask for it
        per[g][r["indicator_id"]][r["period__code"]] = (r["total"], r["top"])
        order[g].append(r["period__code"])
    latest = dict(
        values.order_by()
        .values_list("dataset__group_id")
        .annotate(d=Max("period__end_date"))
        .values_list("dataset__group_id", "d")
    )
    pairs = set(values.order_by().values_list("dataset__group_id", "org_id").distinct())
    orgs = Org.objects.filter(pk__in=values.values("org_id")).order_by("path")
    reporters: dict[int, list[Org]] = defaultdict(list)
    by_org: dict[int, list[int]] = defaultdict(list)
    for g, org_id in pairs:
        by_org[org_id].append(g)
    for org in orgs:
        for g in by_org.get(org.pk, ()):
            reporters[g].append(org)
    out = {}
    for g, ii in indicators.items():
        totals = {i.code: _combine(i.aggregation, per[g].get(i.pk, {}), order[g]) for i in ii}
        out[g] = GroupReported(ii, totals, latest.get(g), reporters.get(g, []))
    return out


def _reported_by_group_from_totals(user, as_of, groups, indicators: dict[int, list[Indicator]]):
    """reported_by_group from the pre-aggregated totals (the viewer sees every value in scope): three queries."""
    current: dict[int, dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    latest: dict[int, date] = {}
    for r in _current_totals(user, as_of, list(indicators)):
        current[r[0]][r[1]].append(r)
        latest[r[0]] = max(latest.get(r[0], r[2]), r[2])
    datasets = within_groups(visible_to(user, DataSet), list(indicators))
    pairs = set(
        Reporter.objects.filter(dataset_id__in=datasets.values("pk"), first_end__lte=as_of)
        .values_list("group_id", "org_id")
        .distinct()
    )
    by_org: dict[int, list[int]] = defaultdict(list)
    for g, org_id in pairs:
        by_org[org_id].append(g)
    reporters: dict[int, list[Org]] = defaultdict(list)
    for org in Org.objects.filter(pk__in=list(by_org)).order_by("path"):
        for g in by_org[org.pk]:
            reporters[g].append(org)
    out = {}
    for g, ii in indicators.items():
        totals = {i.code: _combine_current(i.aggregation, current[g].get(i.pk, [])) for i in ii}
        out[g] = GroupReported(ii, totals, latest.get(g), reporters.get(g, []))
    return out
