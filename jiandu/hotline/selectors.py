"""Reads of the hotline module, always scoped to the reader (DESIGN §6): lists with filters, warning colours,
the caller masked, counts and the test-call scorecard for the reports module. Test calls come through
visible_to only, so a liaison's counts are empty (confidential)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jiandu.core.access import in_subtrees, principal, visible_to, within_groups
from jiandu.core.deadlines import Warning, warning_for, warning_q
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, OrgKind, Role
from jiandu.organizations.models import Org
from jiandu.organizations.org_filters import org_filter_choices, typed_org

from .enums import OPEN_CASE_STATUSES, CaseStatus, TestCallStatus
from .masking import mask_name, mask_phone
from .models import FAILED_CALL_Q, CaseEvent, Hotline, HotlineCase, TestCall

WARNING_FILTERS = [Warning.RED, Warning.YELLOW, Warning.GREEN, Warning.CLOSED_LATE, Warning.NONE]
CASE_OPEN_Q = Q(status__in=OPEN_CASE_STATUSES, answer_due_on__isnull=False)
CASE_LATE_Q = Q(answered_at__isnull=False, answer_due_on__isnull=False, answered_at__date__gt=F("answer_due_on"))


# --- Warning colours: the answer deadline against the answer ---


def case_warning(case: HotlineCase, *, on: date | None = None) -> str:
    if case.answered_at is not None:
        return warning_for(case.answer_due_on, closed_on=timezone.localtime(case.answered_at).date())
    if case.status not in OPEN_CASE_STATUSES:
        return Warning.NONE
    return warning_for(case.answer_due_on, on=on)


def case_warning_q(colour: str, *, on: date | None = None) -> Q:
    """Cases of one colour, in the database (the same rule as case_warning)."""
    if colour in (Warning.RED, Warning.YELLOW, Warning.GREEN):
        return warning_q(colour, due_field="answer_due_on", open_q=CASE_OPEN_Q, on=on)
    if colour == Warning.CLOSED_LATE:
        return CASE_LATE_Q
    if colour == Warning.NONE:
        return ~CASE_OPEN_Q & ~CASE_LATE_Q
    return Q()


def with_case_display(cases) -> list[HotlineCase]:
    """Each case with .warning and the masked caller (.caller_name_masked, .caller_phone_masked)."""
    cases = list(cases)
    for c in cases:
        c.warning = case_warning(c)
        c.caller_name_masked = mask_name(c.caller_name)
        c.caller_phone_masked = mask_phone(c.caller_phone)
    return cases


# --- Filters shared by the case list, the export and the API ---


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class CaseFilters:
    hotline: int | None = None
    status: str = ""
    warning: str = ""
    routed_org: Org | None = None  # with its subtree
    date_from: date | None = None  # received_at
    date_to: date | None = None
    q: str = ""
    invalid_ref: bool = False

    def as_params(self) -> dict:
        params = {
            "hotline": self.hotline,
            "status": self.status,
            "warning": self.warning,
            "org": self.routed_org.pk if self.routed_org else None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}


def parse_case_filters(user, params) -> CaseFilters:
    org, invalid = None, False
    org_id = _int(typed_org(user, "hotline-routed", params, params.get("org")))
    if org_id is not None:
        org = visible_to(user, Org).filter(pk=org_id).first()
        invalid = org is None
    status = params.get("status") or ""
    warning = params.get("warning") or ""
    return CaseFilters(
        hotline=_int(params.get("hotline")),
        status=status if status in CaseStatus.values else "",
        warning=warning if warning in Warning.values else "",
        routed_org=org,
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
        q=(params.get("q") or "").strip()[:100],
        invalid_ref=invalid,
    )


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _period_q(field: str, date_from: date | None, date_to: date | None) -> Q:
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__gte": _day_start(date_from)})
    if date_to:
        q &= Q(**{f"{field}__lt": _day_start(date_to) + timedelta(days=1)})
    return q


def cases_for(user) -> QuerySet:
    return visible_to(user, HotlineCase).select_related("hotline", "group", "routed_org", "problem")


def apply_case_filters(user, f: CaseFilters) -> QuerySet:
    qs = cases_for(user)
    if f.invalid_ref:
        return qs.none()
    if f.hotline:
        qs = qs.filter(hotline_id=f.hotline)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.warning:
        qs = qs.filter(case_warning_q(f.warning))
    if f.routed_org:
        qs = qs.filter(in_subtrees("routed_org", [f.routed_org.path]))
    qs = qs.filter(_period_q("received_at", f.date_from, f.date_to))
    if f.q:
        # Never by the caller's name or phone: a search must not reveal personal data through its hits.
        qs = qs.filter(Q(number__icontains=f.q) | Q(issue__icontains=f.q) | Q(category__icontains=f.q))
    return qs.order_by("-received_at", "-id")


def case_events(user, case: HotlineCase) -> list[CaseEvent]:
    return list(visible_to(user, CaseEvent).filter(case=case).select_related("actor"))


def hotlines_for(user) -> QuerySet:
    return visible_to(user, Hotline).select_related("operating_org", "group", "topic", "site")


def hotline_choices(user) -> QuerySet:
    return hotlines_for(user).filter(is_active=True)


@org_filter_choices("hotline-routed")
def routed_org_choices(user) -> QuerySet:
    return visible_to(user, Org).filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT], is_active=True).order_by("path")


def is_liaison_only(user) -> bool:
    return not principal(user).has(*COMMISSION_ROLES, *GROUP_ROLES) and principal(user).has(Role.LIAISON)


# --- Test calls ---


@dataclass(frozen=True)
class CallFilters:
    hotline: int | None = None
    status: str = ""
    result: str = ""  # "failed" / "passed"
    date_from: date | None = None
    date_to: date | None = None
    groups: tuple = ()  # group orgs (?group=, may repeat: a report's scope)
    connected: str = ""  # "1" connected / "0" not connected (of the calls made)
    unknown_group: bool = False  # a group id that is no group: the result is empty

    def as_params(self) -> dict:
        params = {
            "hotline": self.hotline,
            "status": self.status,
            "result": self.result,
            "group": [g.pk for g in self.groups] or None,
            "connected": self.connected,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}


def parse_call_filters(params) -> CallFilters:
    """Filters from ?hotline=&status=&result=&connected=&from=&to=&group= (group may repeat)."""
    status = params.get("status") or ""
    result = params.get("result") or ""
    connected = params.get("connected") or ""
    raw = params.getlist("group") if hasattr(params, "getlist") else [params.get("group")]
    ids = {_int(v) for v in raw if v not in (None, "")}
    groups = tuple(Org.objects.filter(pk__in=ids - {None}, kind=OrgKind.GROUP).order_by("path")) if ids else ()
    return CallFilters(
        groups=groups,
        connected=connected if connected in ("1", "0") else "",
        unknown_group=len(groups) < len(ids),
        hotline=_int(params.get("hotline")),
        status=status if status in TestCallStatus.values else "",
        result=result if result in ("failed", "passed") else "",
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
    )


def calls_for(user) -> QuerySet:
    return visible_to(user, TestCall).select_related("hotline", "group", "caller", "problem")


def apply_call_filters(user, f: CallFilters) -> QuerySet:
    qs = within_groups(calls_for(user), f.groups or None)
    if f.unknown_group:
        return qs.none()
    if f.connected:
        qs = qs.filter(status=TestCallStatus.DONE, connected=f.connected == "1")
    if f.hotline:
        qs = qs.filter(hotline_id=f.hotline)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.result == "failed":
        qs = qs.filter(FAILED_CALL_Q)
    elif f.result == "passed":
        qs = qs.filter(status=TestCallStatus.DONE).exclude(FAILED_CALL_Q)
    qs = qs.filter(_period_q("planned_at", f.date_from, f.date_to))
    return qs.order_by("-planned_at", "-id")


# --- Statistics for pages and the reports module ---


@dataclass
class Scorecard:
    hotline_id: int | None
    hotline_name: str
    planned: int
    done: int
    connected: int
    failed: int
    answer_rate: float | None  # connected / done, 0–1
    mean_wait: float | None  # seconds, over the calls with a wait recorded
    mean_score: float | None  # over the scored calls


def _scorecard(row: dict, name: str) -> Scorecard:
    done = row["n_done"] or 0
    return Scorecard(
        hotline_id=row.get("hotline_id"),
        hotline_name=name,
        planned=row["n_planned"] or 0,
        done=done,
        connected=row["n_connected"] or 0,
        failed=row["n_failed"] or 0,
        answer_rate=(row["n_connected"] / done) if done else None,
        mean_wait=round(row["avg_wait"], 1) if row["avg_wait"] is not None else None,
        mean_score=round(row["avg_score"], 2) if row["avg_score"] is not None else None,
    )


SCORE_AGGREGATES = {
    "n_planned": Count("pk", filter=Q(status=TestCallStatus.PLANNED)),
    "n_done": Count("pk", filter=Q(status=TestCallStatus.DONE)),
    "n_connected": Count("pk", filter=Q(status=TestCallStatus.DONE, connected=True)),
    "n_failed": Count("pk", filter=FAILED_CALL_Q),
    "avg_wait": Avg("wait_seconds", filter=Q(status=TestCallStatus.DONE, wait_seconds__isnull=False)),
    "avg_score": Avg("quality_score", filter=Q(status=TestCallStatus.DONE, quality_score__isnull=False)),
}


def test_call_scorecard(
    user, hotline: Hotline | None = None, period: tuple[date | None, date | None] = (None, None), groups=None
):
    """评分卡: per hotline (or of one hotline) over the calls the user may see in the period (by planned_at):
    answer rate (connected / done), mean wait, mean score, failed calls. One grouped query. A liaison sees none."""
    qs = within_groups(visible_to(user, TestCall), groups).filter(_period_q("planned_at", *period))
    if hotline is not None:
        row = qs.filter(hotline=hotline).aggregate(**SCORE_AGGREGATES)
        return _scorecard({**row, "hotline_id": hotline.pk}, hotline.name)
    rows = qs.values("hotline_id", "hotline__name").annotate(**SCORE_AGGREGATES).order_by("hotline__name")
    return [_scorecard(r, r["hotline__name"]) for r in rows]


@dataclass
class CallTotals:
    """Test calls summed, so that several hotlines (or groups) can be added up before taking rates and means."""

    planned: int = 0
    done: int = 0
    connected: int = 0
    scored: int = 0  # done calls with a quality score
    score_sum: int = 0
    hotline_ids: set = field(default_factory=set)

    @property
    def answer_rate(self) -> float | None:
        """接通率 in percent: connected / done."""
        return round(100 * self.connected / self.done, 1) if self.done else None

    @property
    def mean_score(self) -> float | None:
        """平均得分 (1–5) over the scored calls."""
        return round(self.score_sum / self.scored, 2) if self.scored else None

    def add(self, other: "CallTotals") -> None:
        self.planned += other.planned
        self.done += other.done
        self.connected += other.connected
        self.scored += other.scored
        self.score_sum += other.score_sum
        self.hotline_ids |= other.hotline_ids


CALL_TOTALS_BY = {"group": "group_id", "operating_org": "hotline__operating_org_id"}


def test_call_totals(
    user, *, by: str = "group", period: tuple[date | None, date | None] = (None, None), groups=None
) -> dict[int, CallTotals]:
    """暗访测试 summed per group (by="group") or per org that runs the hotline (by="operating_org"), over the
    calls one may see planned in the period (as test_call_scorecard). Sums, not averages, so callers can roll
    several hotlines up. One grouped query: {key: CallTotals}. A liaison sees none (confidential)."""
    if by not in CALL_TOTALS_BY:
        raise ValueError(f"by must be one of {tuple(CALL_TOTALS_BY)}")
    key = CALL_TOTALS_BY[by]
    qs = within_groups(visible_to(user, TestCall), groups).filter(_period_q("planned_at", *period)).order_by()
    done = Q(status=TestCallStatus.DONE)
    rows = qs.values(key, "hotline_id").annotate(
        planned=Count("pk", filter=Q(status=TestCallStatus.PLANNED)),
        done=Count("pk", filter=done),
        connected=Count("pk", filter=done & Q(connected=True)),
        scored=Count("pk", filter=done & Q(quality_score__isnull=False)),
        score_sum=Sum("quality_score", filter=done & Q(quality_score__isnull=False)),
    )
    out: dict[int, CallTotals] = {}
    for r in rows:
        out.setdefault(r[key], CallTotals()).add(
            CallTotals(
                planned=r["planned"],
                done=r["done"],
                connected=r["connected"],
                scored=r["scored"],
                score_sum=r["score_sum"] or 0,
                hotline_ids={r["hotline_id"]},
            )
        )
    return out


def test_call_series(user, hotline: Hotline) -> list[dict]:
    """The hotline's done calls in time order, for the chart: date, wait seconds, score, connected."""
    rows = visible_to(user, TestCall).filter(hotline=hotline, status=TestCallStatus.DONE).order_by("called_at")
    return [
        {
            "date": timezone.localtime(c.called_at).strftime("%m-%d %H:%M"),
            "wait": c.wait_seconds,
            "score": c.quality_score,
            "connected": bool(c.connected),
        }
        for c in rows.only("called_at", "wait_seconds", "quality_score", "connected")
    ]


CASE_GROUPINGS = {
    "status": "status",
    "hotline": "hotline__name",
    "routed_org": "routed_org__name",
    "category": "category",
    "group": "group__name",
    "group_id": "group_id",  # the monthly table: keyed by the group's id
}


def case_counts(
    user, by: str = "status", period: tuple[date | None, date | None] = (None, None), groups=None
) -> list[dict]:
    """Counts of the cases the user may see received in the period, grouped by status, hotline, routed_org,
    category, group or month: [{"key": …, "count": n, "overdue": n_red}]."""
    qs = within_groups(visible_to(user, HotlineCase), groups).filter(_period_q("received_at", *period))
    red = Count("pk", filter=case_warning_q(Warning.RED))
    if by == "month":
        rows = qs.annotate(key=TruncMonth("received_at")).values("key").annotate(count=Count("pk"), overdue=red)
        return [
            {"key": r["key"].date() if r["key"] else None, "count": r["count"], "overdue": r["overdue"]}
            for r in rows.order_by("key")
        ]
    field = CASE_GROUPINGS.get(by)
    if field is None:
        raise ValueError(f"unknown grouping {by!r}")
    rows = qs.values(field).annotate(count=Count("pk"), overdue=red).order_by(field)
    return [{"key": r[field], "count": r["count"], "overdue": r["overdue"]} for r in rows]


def case_counts_by_hotline(user) -> dict[int, int]:
    """{hotline id: number of cases the user may see} for the registry page (one grouped query)."""
    rows = visible_to(user, HotlineCase).order_by().values("hotline_id").annotate(n=Count("pk"))
    return {r["hotline_id"]: r["n"] for r in rows}


def cases_awaiting(user, limit: int = 20) -> dict[str, list[HotlineCase]]:
    """The to-do: cases a liaison must answer; cases the group must route, call back or close."""
    p = principal(user)
    out = {"to_answer": [], "to_assign": [], "to_callback": [], "to_close": []}
    qs = cases_for(user)
    if p.has(Role.LIAISON):
        from jiandu.core.access import in_subtrees

        mine = qs.filter(in_subtrees("routed_org", p.org_paths(Role.LIAISON)), status=CaseStatus.ASSIGNED)
        out["to_answer"] = with_case_display(mine.order_by("answer_due_on")[:limit])
    groups = p.org_ids(*GROUP_ROLES)
    if groups:
        own = qs.filter(group_id__in=groups)
        out["to_assign"] = list(own.filter(status=CaseStatus.RECEIVED).order_by("received_at")[:limit])
        out["to_callback"] = list(own.filter(status=CaseStatus.ANSWERED).order_by("answered_at")[:limit])
        out["to_close"] = list(own.filter(status=CaseStatus.CALLED_BACK).order_by("called_back_at")[:limit])
    return out
