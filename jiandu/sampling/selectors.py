"""Every read of sampling, scoped to the reader through core.access.visible_to: plan lists, a plan's progress and
results, an inspector's assignments, and the aggregates reports use (sites checked, problems found by checks,
stock totals by district and date)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jiandu.core.access import visible_to, within_groups
from jiandu.organizations.enums import SiteType
from jiandu.organizations.models import Org

from .enums import PlanStatus, Resource
from .models import Assignment, Check, CheckItemResult, SamplingPlan, Stock

CHECK_SOURCE_TYPE = "sampling.check"


def plans_for(user, *, q: str = "", status: str = "", group=None) -> QuerySet:
    qs = visible_to(user, SamplingPlan).select_related("group", "campaign")
    if q:
        qs = qs.filter(title__icontains=q.strip())
    if status in PlanStatus.values:
        qs = qs.filter(status=status)
    if group:
        qs = qs.filter(group_id=group)
    return qs.order_by("-created_at", "-id")


def checks_for(user, *, plan=None, site_type: str = "", date_from=None, date_to=None, groups=None) -> QuerySet:
    """The checks `user` may see, filtered; `groups` (group ids, several at once) narrows like within_groups."""
    qs = within_groups(visible_to(user, Check), groups).select_related("site", "site__responsible_org", "group", "plan")
    if plan is not None:
        qs = qs.filter(plan=plan)
    if site_type:
        qs = qs.filter(site__site_type=site_type)
    qs = _period(qs, "checked_at", (date_from, date_to))
    return qs.order_by("-checked_at", "-id")


def group_ids_param(params) -> list[int] | None:
    """?group= (may repeat: a report's scope) as group ids, or None when not given. An id one may not see only
    narrows the list to nothing: visible_to decides what shows."""
    raw = params.getlist("group") if hasattr(params, "getlist") else [params.get("group")]
    ids = []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids or None


def distinct_sites(checks: QuerySet) -> int:
    """How many sites the checks cover (a site checked twice counts once), as the reports count sites checked."""
    return checks.order_by().values("site_id").distinct().count()


def stock_for(user, *, resource: str = "", date_from=None, date_to=None) -> QuerySet:
    qs = visible_to(user, Stock).select_related("site", "site__responsible_org", "group")
    if resource:
        qs = qs.filter(resource=resource)
    if date_from:
        qs = qs.filter(counted_on__gte=date_from)
    if date_to:
        qs = qs.filter(counted_on__lte=date_to)
    return qs.order_by("-counted_on", "site__code", "resource")


def assignments_of(user, plan: SamplingPlan) -> QuerySet:
    """The assignments of the plan's current draw, with whether each is checked."""
    draw = plan.current_draw
    if draw is None:
        return Assignment.objects.none()
    done = Check.objects.filter(assignment=OuterRef("pk"))
    return (
        visible_to(user, Assignment)
        .filter(draw=draw)
        .select_related("site", "site__responsible_org")
        .prefetch_related("inspectors")
        .annotate(checked=Exists(done))
        .order_by("order")
    )


def my_assignments(user, *, pending_only: bool = False) -> QuerySet:
    """我的检查任务: the assignments of published plans on which `user` is an inspector."""
    done = Check.objects.filter(assignment=OuterRef("pk"))
    qs = (
        visible_to(user, Assignment)
        .filter(inspectors=user, draw__superseded_at__isnull=True, draw__plan__status=PlanStatus.PUBLISHED)
        .select_related("site", "site__responsible_org", "draw__plan")
        .annotate(checked=Exists(done))
        .order_by("checked", "draw__plan_id", "order")
    )
    return qs.filter(checked=False) if pending_only else qs


# --- Progress and results of one plan ---


@dataclass
class Row:
    label: str
    total: int = 0
    checked: int = 0

    @property
    def remaining(self) -> int:
        return self.total - self.checked

    @property
    def percent(self) -> int:
        return round(100 * self.checked / self.total) if self.total else 0


@dataclass
class Progress:
    total: int = 0
    checked: int = 0
    by_stratum: list[Row] = field(default_factory=list)
    by_inspector: list[Row] = field(default_factory=list)
    problems_found: int = 0
    problems_rectified: int = 0
    failed_items: int = 0

    @property
    def remaining(self) -> int:
        return self.total - self.checked

    @property
    def percent(self) -> int:
        return round(100 * self.checked / self.total) if self.total else 0


def plan_progress(user, plan: SamplingPlan) -> Progress:
    """Sites checked / to check by stratum and by inspector, problems found and rectified (closed)."""
    from jiandu.problems.enums import ProblemStatus
    from jiandu.problems.models import Problem

    progress = Progress()
    rows = list(assignments_of(user, plan))
    strata: dict[str, Row] = {}
    inspectors: dict[int, Row] = {}
    for a in rows:
        s = strata.setdefault(a.stratum, Row(a.stratum or "全部"))
        s.total += 1
        s.checked += int(a.checked)
        for u in a.inspectors.all():
            r = inspectors.setdefault(u.pk, Row(u.display_name))
            r.total += 1
            r.checked += int(a.checked)
    progress.total = len(rows)
    progress.checked = sum(int(a.checked) for a in rows)
    progress.by_stratum = list(strata.values())
    progress.by_inspector = sorted(inspectors.values(), key=lambda r: r.label)
    results = CheckItemResult.objects.filter(check_record__in=visible_to(user, Check).filter(plan=plan))
    progress.failed_items = results.filter(result="fail").count()
    problems = visible_to(user, Problem).filter(
        Q(pk__in=results.filter(problem__isnull=False).values("problem_id"))
        | Q(source_type=CHECK_SOURCE_TYPE, source_id__in=Check.objects.filter(plan=plan).values("pk"))
    )
    progress.problems_found = problems.count()
    progress.problems_rectified = problems.filter(status=ProblemStatus.CLOSED).count()
    return progress


# --- Aggregates for reports ---


def _period(qs, field_name: str, period) -> QuerySet:
    start, end = period if period else (None, None)
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(**{f"{field_name}__gte": datetime.combine(start, time.min, tzinfo=tz)})
    if end:
        qs = qs.filter(**{f"{field_name}__lte": datetime.combine(end, time.max, tzinfo=tz)})
    return qs


def sites_checked(
    user, by: str = "site_type", period: tuple[date | None, date | None] | None = None, groups=None
) -> list[dict]:
    """Distinct sites checked in the period, grouped by site type, month or district (the responsible org):
    [{key, label, count}] plus nothing else; the total is the sum (a site counts once per group key)."""
    checks = _period(within_groups(visible_to(user, Check), groups), "checked_at", period)
    if by == "site_type":
        rows = checks.values("site__site_type").annotate(n=Count("site", distinct=True)).order_by("site__site_type")
        labels = dict(SiteType.choices)
        return [
            {"key": r["site__site_type"], "label": str(labels[r["site__site_type"]]), "count": r["n"]} for r in rows
        ]
    if by == "month":
        rows = (
            checks.annotate(month=TruncMonth("checked_at"))
            .values("month")
            .annotate(n=Count("site", distinct=True))
            .order_by("month")
        )
        return [
            {"key": r["month"].strftime("%Y-%m"), "label": f"{r['month'].year}年{r['month'].month}月", "count": r["n"]}
            for r in rows
        ]
    if by == "district":
        rows = (
            checks.values("site__responsible_org", "site__responsible_org__name")
            .annotate(n=Count("site", distinct=True))
            .order_by("site__responsible_org__name")
        )
        return [
            {"key": r["site__responsible_org"], "label": r["site__responsible_org__name"], "count": r["n"]}
            for r in rows
        ]
    raise ValueError(by)


def _check_problems(user, period, groups):
    """The problems found by checks that `user` may see: registered from a check, or linked to a failed item;
    registered in the period."""
    from jiandu.problems.models import Problem

    qs = within_groups(visible_to(user, Problem), groups).filter(
        Q(source_type=CHECK_SOURCE_TYPE)
        | Q(pk__in=CheckItemResult.objects.filter(problem__isnull=False).values("problem_id"))
    )
    start, end = period if period else (None, None)
    if start:
        qs = qs.filter(registered_on__gte=start)
    if end:
        qs = qs.filter(registered_on__lte=end)
    return qs


def problems_from_checks(user, period: tuple[date | None, date | None] | None = None, groups=None) -> dict:
    """Problems found by checks (registered from a check, or linked to a failed item), and how many are rectified
    (closed): {"found", "rectified", "open"}. Period on the registration date."""
    from jiandu.problems.enums import ProblemStatus

    qs = _check_problems(user, period, groups)
    found = qs.count()
    rectified = qs.filter(status=ProblemStatus.CLOSED).count()
    return {"found": found, "rectified": rectified, "open": found - rectified}


def checks_by_group(user, period: tuple[date | None, date | None] | None = None, groups=None) -> dict[int, dict]:
    """四、双随机抽查 of the monthly table, per group: {"checks": checks made in the period, "sites": distinct
    sites checked, "problems": problems found by checks (as problems_from_checks, registered in the period)}.
    Two grouped queries, whatever the number of groups."""
    from jiandu.problems.models import Problem

    visible = _period(within_groups(visible_to(user, Check), groups), "checked_at", period)
    # Through the ids: the visibility rule of a check may join its inspectors, which would repeat rows.
    checks = Check.objects.filter(pk__in=visible.values("pk")).order_by()
    out: dict[int, dict] = {}
    for row in checks.values("group_id").annotate(n=Count("id"), sites=Count("site", distinct=True)):
        out[row["group_id"]] = {"checks": row["n"], "sites": row["sites"], "problems": 0}
    problems = within_groups(visible_to(user, Problem), groups).filter(
        Q(source_type=CHECK_SOURCE_TYPE)
        | Q(pk__in=CheckItemResult.objects.filter(problem__isnull=False).values("problem_id"))
    )
    start, end = period if period else (None, None)
    if start:
        problems = problems.filter(registered_on__gte=start)
    if end:
        problems = problems.filter(registered_on__lte=end)
    for row in problems.order_by().values("group_id").annotate(n=Count("id")):
        out.setdefault(row["group_id"], {"checks": 0, "sites": 0, "problems": 0})["problems"] = row["n"]
    return out


def stock_totals(
    user, resource: str = Resource.TENT, by: str = "district", as_of: date | None = None, groups=None
) -> dict:
    """The latest count of `resource` at each site on or before `as_of`, summed by district (the site's
    responsible org): {"rows": [{key, label, sites, total, damaged, replenished, reinforced}], "total": {…}}."""
    if by != "district":
        raise ValueError(by)
    as_of = as_of or timezone.localdate()
    base = within_groups(visible_to(user, Stock), groups).filter(resource=resource, counted_on__lte=as_of)
    latest = base.filter(site=OuterRef("site")).order_by("-counted_on").values("counted_on")[:1]
    qs = base.filter(counted_on=Subquery(latest))
    rows = (
        qs.values("site__responsible_org", "site__responsible_org__name", "site__responsible_org__path")
        .annotate(
            sites=Count("site", distinct=True),
            total=Sum("total"),
            damaged=Sum("damaged"),
            replenished=Sum("replenished"),
            reinforced=Sum("reinforced"),
        )
        .order_by("site__responsible_org__path")
    )
    out = [
        {
            "key": r["site__responsible_org"],
            "label": r["site__responsible_org__name"],
            "sites": r["sites"],
            "total": r["total"] or 0,
            "damaged": r["damaged"] or 0,
            "replenished": r["replenished"] or 0,
            "reinforced": r["reinforced"] or 0,
        }
        for r in rows
    ]
    keys = ("sites", "total", "damaged", "replenished", "reinforced")
    return {"rows": out, "total": {k: sum(r[k] for r in out) for k in keys}, "as_of": as_of, "resource": resource}


def group_choices(user) -> QuerySet:
    from jiandu.core.access import principal
    from jiandu.organizations.enums import GROUP_ROLES

    return Org.objects.filter(pk__in=principal(user).org_ids(*GROUP_ROLES)).order_by("path")


def planned_sites_checked(user, period: tuple[date | None, date | None] | None = None, groups=None) -> QuerySet:
    """The distinct sites checked under a sampling plan (双随机抽查) in the period, with their type and attributes:
    what a briefing counts as 抽查 (checks outside a plan are on-site visits, told with the activity)."""
    from jiandu.organizations.models import Site

    checks = _period(within_groups(visible_to(user, Check), groups), "checked_at", period).filter(plan__isnull=False)
    return Site.objects.filter(pk__in=checks.values("site_id")).order_by("site_type", "pk")


# --- Every group at once (a province briefing: a fixed number of queries, whatever the number of groups) ---


def planned_sites_checked_by_group(
    user, period: tuple[date | None, date | None] | None = None, groups=None
) -> dict[int, list]:
    """planned_sites_checked of each group at once: {group id: [Site]} (by type, then id). Two queries."""
    from jiandu.organizations.models import Site

    visible = _period(within_groups(visible_to(user, Check), groups), "checked_at", period).filter(plan__isnull=False)
    # Through the ids: the visibility rule of a check may join its inspectors, which would repeat rows.
    checks = Check.objects.filter(pk__in=visible.values("pk")).order_by()
    pairs = set(checks.values_list("group_id", "site_id").distinct())
    sites = Site.objects.filter(pk__in=checks.values("site_id")).order_by("site_type", "pk")
    by_site: dict[int, list[int]] = {}
    for group_id, site_id in pairs:
        by_site.setdefault(site_id, []).append(group_id)
    out: dict[int, list] = {}
    for site in sites:
        for group_id in by_site.get(site.pk, ()):
            out.setdefault(group_id, []).append(site)
    return out


def problems_from_checks_by_group(
    user, period: tuple[date | None, date | None] | None = None, groups=None
) -> dict[int, dict]:
    """problems_from_checks of each group at once: {group id: {"found", "rectified", "open"}}. One grouped query."""
    from jiandu.problems.enums import ProblemStatus

    qs = _check_problems(user, period, groups)
    rows = (
        qs.order_by()
        .values("group_id")
        .annotate(found=Count("id"), rectified=Count("id", filter=Q(status=ProblemStatus.CLOSED)))
    )
    return {
        r["group_id"]: {"found": r["found"], "rectified": r["rectified"], "open": r["found"] - r["rectified"]}
        for r in rows
    }


def stock_totals_by_group(user, as_of: date | None = None, groups=None) -> dict[int, dict[str, dict]]:
    """The "total" of stock_totals for every resource and group at once — the latest count of each resource at
    each site of the group on or before `as_of`, summed: {group id: {resource: {sites, total, damaged,
    replenished, reinforced}}}. One grouped query."""
    as_of = as_of or timezone.localdate()
    base = within_groups(visible_to(user, Stock), groups).filter(counted_on__lte=as_of)
    latest = (
        base.filter(site=OuterRef("site"), group=OuterRef("group"), resource=OuterRef("resource"))
        .order_by("-counted_on")
        .values("counted_on")[:1]
    )
    rows = (
        base.filter(counted_on=Subquery(latest))
        .values("group_id", "resource")
        .annotate(
            sites=Count("site", distinct=True),
            total=Sum("total"),
            damaged=Sum("damaged"),
            replenished=Sum("replenished"),
            reinforced=Sum("reinforced"),
        )
        .order_by()
    )
    keys = ("sites", "total", "damaged", "replenished", "reinforced")
    out: dict[int, dict[str, dict]] = {}
    for r in rows:
        out.setdefault(r["group_id"], {})[r["resource"]] = {k: r[k] or 0 for k in keys}
    return out
