"""Every read of activities and campaigns, scoped to the reader through core.access.visible_to (DESIGN §6).

The reports module builds its figures on these: activity_counts (by group, method, topic or month),
stationed_days (驻点监督天数) and campaign_progress. A liaison sees no activity at all, so every figure a
liaison could ask for is zero — a covert check cannot leak through a count.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Sum

from jiandu.core import buckets
from jiandu.core.access import group_ids, in_subtrees, principal, sees_every_business_record, visible_to, within_groups
from jiandu.core.cn import cn_week
from jiandu.core.search import matching
from jiandu.organizations.enums import OrgKind
from jiandu.organizations.models import Org, Site
from jiandu.organizations.org_filters import org_filter_choices, typed_org

from .enums import Method
from .models import Activity, Campaign, Topic
from .services import TARGET_ORG_KINDS, eligible_people

# --- The ledger ---


def _pk(value) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # matches nothing


def overlap_q(date_from: date | None, date_to: date | None, prefix: str = "", *, whole: bool = True) -> Q:
    """Activities whose range [start, end or start] overlaps the period [date_from, date_to]: started by its end,
    not ended before it starts (`ends_on`, an indexed column).

    `whole` (every such activity is read: counts, a briefing's month) also bounds ends_on from above by a day no
    activity reaches: SQLite keeps no histograms and estimates a one-sided range to keep a quarter of the rows, so
    it would rather walk an index that sorts the groups than read the few activities of a recent month; a range
    bounded on both sides reads as selective. A list's page (whole=False) walks its order index instead and stops
    after a page."""
    q = Q()
    if date_to is not None:
        q &= Q(**{f"{prefix}start_date__lte": date_to})
    if date_from is not None:
        ends = {f"{prefix}ends_on__range": (date_from, date.max)} if whole else {f"{prefix}ends_on__gte": date_from}
        q &= Q(**ends)
    return q


def activities_for(
    user,
    *,
    group=None,
    method: str = "",
    topic=None,
    campaign=None,
    date_from: date | None = None,
    date_to: date | None = None,
    org=None,
    site=None,
    q: str = "",
    groups=None,
    page: bool = True,
) -> QuerySet:
    """The activities `user` may see, filtered. `groups` (ids or orgs, several at once) narrows to a report's
    scope like within_groups. `org` matches the target orgs and the sites' responsible orgs
    in the org's whole subtree; the period matches activities whose date range overlaps it; `q` searches the
    number, title, summary, findings and external participants. Joins what a list row shows (no query per row).
    `page=False` when every row will be read (see overlap_q's `whole`)."""
    qs = within_groups(visible_to(user, Activity), groups)
    if group is not None and group != "":
        qs = qs.filter(group_id=_pk(group))
    if method:
        qs = qs.filter(method=method)
    if topic is not None and topic != "":
        qs = qs.filter(pk__in=Activity.topics.through.objects.filter(topic_id=_pk(topic)).values("activity_id"))
    if campaign is not None and campaign != "":
        qs = qs.filter(campaign_id=_pk(campaign))
    if date_from is not None or date_to is not None:
        qs = qs.filter(overlap_q(date_from, date_to, whole=not page))
    if org is not None and org != "":
        org_obj = org if isinstance(org, Org) else Org.objects.filter(pk=_pk(org)).first()
        if org_obj is None:
            return qs.none()
        by_target = Activity.target_orgs.through.objects.filter(in_subtrees("org", [org_obj.path]))
        by_site = Activity.sites.through.objects.filter(in_subtrees("site__responsible_org", [org_obj.path]))
        qs = qs.filter(Q(pk__in=by_target.values("activity_id")) | Q(pk__in=by_site.values("activity_id")))
    if site is not None and site != "":
        qs = qs.filter(pk__in=Activity.sites.through.objects.filter(site_id=_pk(site)).values("activity_id"))
    qs = matching(qs, q, ["title", "summary", "findings", "external_participants"], exact=["code"])
    return (
        qs.select_related("group", "campaign", "leader")
        .prefetch_related("topics", "sites")
        .order_by("-start_date", "-id")
    )


def activity_detail_qs(user) -> QuerySet:
    """What the detail page and the API show of one activity, in a fixed number of queries."""
    return (
        visible_to(user, Activity)
        .select_related("group", "campaign", "leader", "created_by")
        .prefetch_related("topics", "participants", "target_orgs", "sites")
    )


def activity_events(activity: Activity) -> QuerySet:
    return activity.events.select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class ActivityFilters:
    group: Org | None = None
    method: str = ""
    topic: Topic | None = None
    campaign: Campaign | None = None
    date_from: date | None = None
    date_to: date | None = None
    org: Org | None = None
    site: Site | None = None
    q: str = ""
    unknown: bool = False  # an id was asked for that the user may not see: the result is empty
    errors: list = field(default_factory=list)
    groups: tuple = ()  # several groups at once (?group=1&group=2, a report's drill-down); `group` holds one

    def as_params(self) -> dict:
        """The filters in use, for the audit record of an export."""
        params = {
            "group": self.group.pk if self.group else None,
            "method": self.method,
            "topic": self.topic.pk if self.topic else None,
            "campaign": self.campaign.pk if self.campaign else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "org": self.org.pk if self.org else None,
            "site": self.site.pk if self.site else None,
            "q": self.q,
            "groups": [g.pk for g in self.groups] or None,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}

    def apply(self, user, *, page: bool = True) -> QuerySet:
        """The filtered activities; `page=False` when every row will be read (an export), see overlap_q."""
        qs = activities_for(
            user,
            group=self.group,
            method=self.method,
            topic=self.topic,
            campaign=self.campaign,
            date_from=self.date_from,
            date_to=self.date_to,
            org=self.org,
            site=self.site,
            q=self.q,
            groups=list(self.groups) or None,
            page=page,
        )
        return qs.none() if self.unknown else qs


def _parse_date(value) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _getlist(params, name: str) -> list:
    return params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]


def parse_filters(user, params) -> ActivityFilters:
    """Filters from query parameters (?group=&method=&topic=&campaign=&date_from=&date_to=&org=&site=&q=),
    shared by the list page, the export and the API. Ids are resolved among what the user may see; `group` may
    repeat (several groups at once, as a report's scope)."""
    unknown = False

    def pick(name, qs, value=None):
        nonlocal unknown
        raw = ((params.get(name) if value is None else value) or "").strip()
        if not raw:
            return None
        obj = qs.filter(pk=_pk(raw)).first() if _pk(raw) not in (None, -1) else None
        if obj is None:
            unknown = True
        return obj

    method = (params.get("method") or "").strip()
    errors = []
    if method and method not in Method.values:
        errors.append("method")
        unknown = True
    date_from, date_to = _parse_date(params.get("date_from")), _parse_date(params.get("date_to"))
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if (params.get(name) or "").strip() and value is None:
            errors.append(name)
    group, groups = None, ()
    raw_groups = [str(v).strip() for v in _getlist(params, "group") if v is not None and str(v).strip()]
    if len(raw_groups) > 1:
        ids = {_pk(v) for v in raw_groups}
        groups = tuple(Org.objects.filter(kind=OrgKind.GROUP, pk__in=ids - {None, -1}).order_by("path"))
        unknown = unknown or len(groups) < len(ids)
    elif raw_groups:
        group = pick("group", Org.objects.filter(kind=OrgKind.GROUP), raw_groups[0])
    return ActivityFilters(
        group=group,
        groups=groups,
        method=method if method in Method.values else "",
        topic=pick("topic", Topic.objects.all()),
        campaign=pick("campaign", visible_to(user, Campaign)),
        date_from=date_from,
        date_to=date_to,
        org=pick("org", visible_to(user, Org), typed_org(user, "activity-targets", params, params.get("org"))),
        site=pick("site", visible_to(user, Site)),
        q=(params.get("q") or "").strip()[:100],
        unknown=unknown,
        errors=errors,
    )


# --- Figures for the reports module ---

MONTH_LABEL = "{year}年{month}月"


def activity_counts(
    user, *, by: str, date_from: date | None = None, date_to: date | None = None, group=None, groups=None
) -> list[dict]:
    """Counts of the activities `user` may see whose range overlaps the period, grouped `by` "group", "method",
    "topic" or "month" (of the start date). Each row: {key, label, count, days} (days: stationed days, whole
    activities — see stationed_days for days clipped to the period). Ordered by the key's natural order.
    "week": the activities under way in each ISO week of the period (key: the Monday, ISO), see _active_per_week."""
    qs = within_groups(visible_to(user, Activity).filter(overlap_q(date_from, date_to)), groups)
    if group is not None:
        qs = qs.filter(group_id=_pk(group))
    qs = qs.order_by()
    if by == "group":  # grouped on the column alone (no join per activity), the groups' names read after
        rows = {r["group_id"]: r for r in qs.values("group_id").annotate(n=Count("id"), d=Sum("days"))}
        names = Org.objects.filter(pk__in=rows).order_by("path").values_list("pk", "name", "short_name")
        return [
            {"key": pk, "label": short or name, "count": rows[pk]["n"], "days": rows[pk]["d"] or 0}
            for pk, name, short in names
        ]
    if by == "method":
        counts = {r["method"]: r for r in qs.values("method").annotate(n=Count("id"), d=Sum("days"))}
        return [
            {"key": value, "label": str(label), "count": counts[value]["n"], "days": counts[value]["d"] or 0}
            for value, label in Method.choices
            if value in counts
        ]
    if by == "topic":
        through = Activity.topics.through.objects.filter(activity__in=qs.values("pk"))
        rows = through.values("topic_id", "topic__name", "topic__sort_order").annotate(
            n=Count("activity_id"),
            d=Sum("activity__days"),  # an activity lists a topic once (the m2m is unique)
        )
        rows = sorted(rows, key=lambda r: (r["topic__sort_order"], r["topic__name"]))
        return [{"key": r["topic_id"], "label": r["topic__name"], "count": r["n"], "days": r["d"] or 0} for r in rows]
    if by == "month":
        return [
            {
                "key": f"{m.year:04d}-{m.month:02d}",
                "label": MONTH_LABEL.format(year=m.year, month=m.month),
                "count": n,
                "days": d,
            }
            for m, n, d in buckets.per_month(qs, "start_date", total="days")
        ]
    if by == "week":
        return _active_per_week(qs, date_from, date_to)
    raise ValueError(f"unknown grouping {by!r}")


def _active_per_week(qs: QuerySet, date_from: date | None, date_to: date | None) -> list[dict]:
    """Activities under way in each ISO week (clipped to the period): those whose range overlaps the week, the
    same rule as the list's period filter, so a week's bar and its drill-down agree. Two grouped queries (starts
    and ends per day, bounded by the days of the period, not by the activities): under way in [a, b] = started
    on or before b − ended before a."""
    starts = sorted(qs.values_list("start_date").annotate(n=Count("id")).values_list("start_date", "n"))
    ends = sorted(qs.values_list("ends_on").annotate(n=Count("id")).values_list("ends_on", "n"))
    return _weeks_under_way(starts, ends, date_from, date_to)


def _weeks_under_way(starts: list, ends: list, date_from: date | None, date_to: date | None) -> list[dict]:
    """_active_per_week from the (day, activities) that start and that end on each day, both sorted."""
    if not starts:
        return []
    first = max(date_from, starts[0][0]) if date_from else starts[0][0]
    last = min(date_to, ends[-1][0]) if date_to else ends[-1][0]
    start_days, start_cum = [d for d, _ in starts], list(accumulate(n for _, n in starts))
    end_days, end_cum = [d for d, _ in ends], list(accumulate(n for _, n in ends))
    out = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        a, b = max(monday, first), min(monday + timedelta(days=6), last)
        i, j = bisect_right(start_days, b), bisect_left(end_days, a)
        count = (start_cum[i - 1] if i else 0) - (end_cum[j - 1] if j else 0)
        if count:
            out.append({"key": monday.isoformat(), "label": cn_week(monday), "count": count, "days": 0})
        monday += timedelta(days=7)
    return out


def stationed_days(user, *, group=None, date_from: date | None = None, date_to: date | None = None, groups=None) -> int:
    """驻点监督天数: the days of the stationed activities `user` may see, counting only the days that fall
    inside the period when one is given (a stint from 3月28日 to 4月5日 counts 5 days in April)."""
    qs = visible_to(user, Activity).filter(method=Method.STATIONED).filter(overlap_q(date_from, date_to))
    qs = within_groups(qs, groups)
    if group is not None:
        qs = qs.filter(group_id=_pk(group))
    if date_from is None and date_to is None:
        return qs.aggregate(d=Sum("days"))["d"] or 0
    total = 0
    for start, end in qs.values_list("start_date", "end_date"):
        first = max(start, date_from) if date_from else start
        last = min(end, date_to) if date_to else end
        total += max(0, (last - first).days + 1)
    return total


def figures_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, dict]:
    """一、监督检查 of the monthly table, per group, over the activities one may see whose range overlaps the
    period: {"methods": {method: n}, "stationed_days": days of stationed activities inside the period (as in
    stationed_days), "sites": distinct sites the activities went to}. Three queries, whatever the number of groups."""
    qs = within_groups(visible_to(user, Activity).filter(overlap_q(date_from, date_to)), groups).order_by()
    out: dict[int, dict] = {}

    def of(group_id: int) -> dict:
        return out.setdefault(group_id, {"methods": {}, "stationed_days": 0, "sites": 0})

    for group_id, method, n in qs.values_list("group_id", "method").annotate(n=Count("id")):
        of(group_id)["methods"][method] = n
    stationed = qs.filter(method=Method.STATIONED).values_list("group_id", "start_date", "end_date")
    for group_id, start, end in stationed:
        end = end or start
        first = max(start, date_from) if date_from else start
        last = min(end, date_to) if date_to else end
        of(group_id)["stationed_days"] += max(0, (last - first).days + 1)
    through = Activity.sites.through.objects.filter(activity__in=qs.values("pk"))
    for row in through.values("activity__group_id").annotate(n=Count("site_id", distinct=True)):
        of(row["activity__group_id"])["sites"] = row["n"]
    return out


# --- Campaigns ---


@dataclass(frozen=True)
class Progress:
    """Planned targets of a campaign against what its (visible) activities achieved."""

    planned_checks: int | None
    planned_sites: int | None
    planned_days: int | None
    checks: int = 0  # activities linked to the campaign
    sites: int = 0  # distinct sites of those activities
    days: int = 0  # stationed days of those activities

    @staticmethod
    def _percent(actual: int, planned: int | None) -> int | None:
        if not planned:
            return None
        return min(100, round(actual * 100 / planned))

    @property
    def checks_percent(self):
        return self._percent(self.checks, self.planned_checks)

    @property
    def sites_percent(self):
        return self._percent(self.sites, self.planned_sites)

    @property
    def days_percent(self):
        return self._percent(self.days, self.planned_days)

    def rows(self) -> list[dict]:
        """(label, actual, planned, percent) for the progress bars."""
        return [
            {"key": "checks", "label": "检查次数", "actual": self.checks, "planned": self.planned_checks,
             "percent": self.checks_percent, "unit": "次"},
            {"key": "sites", "label": "检查点位", "actual": self.sites, "planned": self.planned_sites,
             "percent": self.sites_percent, "unit": "个"},
            {"key": "days", "label": "驻点天数", "actual": self.days, "planned": self.planned_days,
             "percent": self.days_percent, "unit": "天"},
        ]  # fmt: skip


def campaigns_for(user, *, group=None, topic=None, q: str = "") -> QuerySet:
    qs = visible_to(user, Campaign).select_related("group", "topic")
    if group is not None and group != "":
        qs = qs.filter(group_id=_pk(group))
    if topic is not None and topic != "":
        qs = qs.filter(topic_id=_pk(topic))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs.order_by("-start_date", "-id")


def campaigns_progress(user, campaigns) -> dict[int, Progress]:
    """Progress of several campaigns in three queries, counting only activities `user` may see."""
    campaigns = list(campaigns)
    ids = [c.pk for c in campaigns]
    activities = visible_to(user, Activity).filter(campaign_id__in=ids).order_by()
    totals = {r["campaign_id"]: r for r in activities.values("campaign_id").annotate(n=Count("id"), d=Sum("days"))}
    sites = dict(
        Activity.sites.through.objects.filter(activity__in=activities.values("pk"))
        .values("activity__campaign_id")
        .annotate(n=Count("site_id", distinct=True))
        .values_list("activity__campaign_id", "n")
    )
    out = {}
    for c in campaigns:
        t = totals.get(c.pk, {})
        out[c.pk] = Progress(
            planned_checks=c.planned_checks,
            planned_sites=c.planned_sites,
            planned_days=c.planned_days,
            checks=t.get("n", 0),
            sites=sites.get(c.pk, 0),
            days=t.get("d") or 0,
        )
    return out


def campaign_progress(user, campaign: Campaign) -> Progress:
    """Planned vs actual of one campaign: checks = its activities, sites = their distinct sites, days = their
    stationed days — counting only the activities `user` may see."""
    return campaigns_progress(user, [campaign])[campaign.pk]


# --- Choices for forms and filters ---


def recording_groups(user) -> QuerySet:
    """The groups `user` may record activities for (their group roles)."""
    return Org.objects.filter(pk__in=group_ids(user), kind=OrgKind.GROUP, is_active=True).order_by("path")


def filter_groups(user) -> QuerySet:
    """The groups offered in the list filter: every group for commission roles, one's own groups otherwise."""
    if sees_every_business_record(user):
        return Org.objects.filter(kind=OrgKind.GROUP).order_by("path")
    return Org.objects.filter(pk__in=group_ids(user)).order_by("path")


def campaign_groups(user) -> QuerySet:
    """The groups a campaign may be planned for by `user` (the office: all; a group: its own)."""
    from jiandu.organizations.enums import Role

    if principal(user).has(Role.OFFICE_STAFF):
        return Org.objects.filter(kind=OrgKind.GROUP, is_active=True).order_by("path")
    return recording_groups(user)


def topic_choices(include=()) -> QuerySet:
    return Topic.objects.filter(Q(is_active=True) | Q(pk__in=list(include))).order_by("sort_order", "name")


def campaign_choices(user, group=None, include=None) -> QuerySet:
    """Campaigns an activity of `group` may be linked to: the group's own and province-wide ones."""
    qs = visible_to(user, Campaign).select_related("group")
    if group is not None:
        qs = qs.filter(Q(group_id=_pk(group)) | Q(group__isnull=True))
    if include is not None:
        qs = qs | visible_to(user, Campaign).filter(pk=_pk(include))
    return qs.order_by("-start_date", "-id")


@org_filter_choices("activity-targets")
def target_org_choices(user) -> QuerySet:
    return visible_to(user, Org).filter(kind__in=TARGET_ORG_KINDS, is_active=True).order_by("path")


def people_choices(include=()) -> QuerySet:
    """Who may lead or join an activity, plus those an activity already names (even if since deactivated)."""
    from jiandu.organizations.models import User

    wanted = Q(pk__in=eligible_people().values("pk")) | Q(pk__in=list(include))
    return User.objects.filter(wanted).select_related("org").order_by("org__path", "username")


def site_search(user, q: str, limit: int = 30) -> list[Site]:
    """Active sites for the search-as-you-type of the activity form (name or code)."""
    q = (q or "").strip()
    if not q:
        return []
    qs = visible_to(user, Site).filter(is_active=True).filter(Q(name__icontains=q) | Q(code__istartswith=q))
    return list(qs.order_by("code")[:limit])


# --- Every group at once (a province briefing: a fixed number of queries, whatever the number of groups) ---


def method_counts_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, dict[str, int]]:
    """activity_counts(by="method") of each group at once, over the activities one may see whose range overlaps
    the period: {group id: {method: n}}. One grouped query."""
    qs = within_groups(visible_to(user, Activity).filter(overlap_q(date_from, date_to)), groups).order_by()
    out: dict[int, dict[str, int]] = {}
    for group_id, method, n in qs.values_list("group_id", "method").annotate(n=Count("id")):
        out.setdefault(group_id, {})[method] = n
    return out


def stationed_days_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, int]:
    """stationed_days of each group at once (days inside the period when one is given): {group id: days}.
    One query."""
    qs = visible_to(user, Activity).filter(method=Method.STATIONED).filter(overlap_q(date_from, date_to))
    qs = within_groups(qs, groups).order_by()
    if date_from is None and date_to is None:
        return {g: d or 0 for g, d in qs.values_list("group_id").annotate(d=Sum("days")).values_list("group_id", "d")}
    out: dict[int, int] = {}
    for group_id, start, end in qs.values_list("group_id", "start_date", "ends_on"):  # a stationed one has an end
        first = max(start, date_from) if date_from else start
        last = min(end, date_to) if date_to else end
        out[group_id] = out.get(group_id, 0) + max(0, (last - first).days + 1)
    return out


class Place(NamedTuple):
    """A site as a briefing names and counts it (6家大型商超): what _places and _site_label read of a Site."""

    pk: int
    name: str
    site_type: str
    attributes: dict


class Visit(NamedTuple):
    """An activity as a briefing tells it: when, who led it, where (its sites by type and code, or else the
    display names of its target orgs by path)."""

    pk: int
    group_id: int
    start_date: date
    leader_id: int | None
    leader_name: str
    sites: list
    targets: list


def activities_by_group(
    user, *, method: str = "", date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, list[Visit]]:
    """activities_for(user, method=…, date_from=…, date_to=…, groups=…) split per group, in the ledger's order
    (latest first), as Visits. Three queries of plain values whatever the number of groups (a province's month
    of on-site checks is ~8,000 activities and their sites: model instances took 1.5 s of a 2 s briefing); the
    sites and target orgs are read through a subquery, not a list of ids, so a province's activities fit in one
    query."""
    qs = activities_for(user, method=method, date_from=date_from, date_to=date_to, groups=groups, page=False)
    ids = qs.order_by().values("pk")
    through = Activity.sites.through.objects.filter(activity__in=ids).order_by(
        "activity_id", "site__site_type", "site__code"
    )
    sites: dict[int, list] = {}
    for activity_id, *place in through.values_list(
        "activity_id", "site_id", "site__name", "site__site_type", "site__attributes"
    ):
        sites.setdefault(activity_id, []).append(Place(*place))
    through = Activity.target_orgs.through.objects.filter(activity__in=ids).order_by("activity_id", "org__path")
    targets: dict[int, list] = {}
    for activity_id, short, name in through.values_list("activity_id", "org__short_name", "org__name"):
        targets.setdefault(activity_id, []).append(short or name)
    rows = qs.order_by().values_list(
        "pk", "group_id", "start_date", "leader_id", "leader__full_name", "leader__username"
    )
    # Sorted here: asked to sort, SQLite would walk the whole (method, start_date) index instead of the period's.
    out: dict[int, list[Visit]] = {}
    for pk, group_id, start, leader_id, full_name, username in sorted(rows, key=lambda r: (r[2], r[0]), reverse=True):
        visit = Visit(
            pk, group_id, start, leader_id, full_name or username or "", sites.get(pk, []), targets.get(pk, [])
        )
        out.setdefault(group_id, []).append(visit)
    return out


def photos_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None, per_group: int = 3
) -> dict[int, list]:
    """The captioned photos of the activities one may see whose range overlaps the period: the first `per_group`
    of each group (by activity id, then attachment id), {group id: [Attachment]}. One query (a row number per
    group), whatever the number of groups or photos."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F, OuterRef, Subquery, Window
    from django.db.models.functions import RowNumber

    from jiandu.core.models import Attachment

    activities = within_groups(visible_to(user, Activity), groups).filter(overlap_q(date_from, date_to))
    group_of = Subquery(Activity.objects.filter(pk=OuterRef("owner_id")).values("group_id")[:1])
    photos = (
        Attachment.objects.filter(
            owner_type=ContentType.objects.get_for_model(Activity),
            owner_id__in=activities.values("pk"),
            purpose="photo",
        )
        .exclude(caption="")
        .annotate(
            activity_group_id=group_of,
            rank=Window(RowNumber(), partition_by=group_of, order_by=[F("owner_id").asc(), F("id").asc()]),
        )
        .filter(rank__lte=per_group)
        .order_by("activity_group_id", "owner_id", "id")
    )
    out: dict[int, list] = {}
    for photo in photos:
        out.setdefault(photo.activity_group_id, []).append(photo)
    return out


def dashboard_by_group(
    user, *, date_from: date | None = None, date_to: date | None = None, groups=None
) -> dict[int, dict]:
    """The dashboard's activity figures of each group at once, over the activities one may see whose range
    overlaps the period — reports.dashboard keeps them per group and sums them over a scope: {group id:
    {"methods": {method: (n, stationed days)}, "topics": {topic id: n}, "weeks": {Monday (ISO): n under way},
    "stationed_days": days inside the period}}, as activity_counts(by=…) and stationed_days give them for one
    group. Five queries, whatever the number of groups."""
    qs = within_groups(visible_to(user, Activity).filter(overlap_q(date_from, date_to)), groups).order_by()
    # grouped on expressions (buckets.scanned): SQLite then reads the table rather than walking an index
    qs = qs.annotate(
        g=buckets.scanned("group_id"), m=buckets.scanned("method"), s=buckets.scanned_day("start_date"),
        e=buckets.scanned_day("ends_on"),
    )  # fmt: skip
    out: dict[int, dict] = {}

    def of(group_id: int) -> dict:
        return out.setdefault(group_id, {"methods": {}, "topics": {}, "weeks": {}, "stationed_days": 0})

    for group_id, method, n, d in qs.values_list("g", "m").annotate(n=Count("id"), d=Sum("days")):
        of(group_id)["methods"][method] = (n, d or 0)
    topics = qs.annotate(t=buckets.scanned("topics")).values_list("g", "t").annotate(n=Count("id"))
    for group_id, topic_id, n in topics:
        if topic_id is not None:  # the activities without a topic (the join is an outer one)
            of(group_id)["topics"][topic_id] = n
    starts: dict[int, list] = {}
    ends: dict[int, list] = {}
    for group_id, day, n in qs.values_list("g", "s").annotate(n=Count("id")):
        starts.setdefault(group_id, []).append((buckets.to_date(day), n))
    for group_id, day, n in qs.values_list("g", "e").annotate(n=Count("id")):
        ends.setdefault(group_id, []).append((buckets.to_date(day), n))
    for group_id, days in starts.items():
        weeks = _weeks_under_way(sorted(days), sorted(ends[group_id]), date_from, date_to)
        of(group_id)["weeks"] = {r["key"]: r["count"] for r in weeks}
    for group_id, days in stationed_days_by_group(user, date_from=date_from, date_to=date_to, groups=groups).items():
        of(group_id)["stationed_days"] = days
    return out
