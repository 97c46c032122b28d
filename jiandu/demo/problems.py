"""Demo problems (问题整改) reproducing the founding article (DESIGN §8, issue 4 "Demo data"):

- 驻省应急管理厅组: the 21 problems found at tent sites in the 涉疫帐篷安全专项监督 (April 2022), one batch per district
  check, responsible orgs the districts of 长春市; "责成属地立即整改": rectified at once and closed on time by
  yjt_leader. The districts have no demo liaison account, so their start and submission are registered without an
  actor (as the documents demo does for 省医保局).
- 驻省卫健委组 and 驻省商务厅组: a 2022 history (closed on time, closed late, and a 屡查屡犯 at the same hospital), and
  current problems dated from the day of loading — green, yellow, red, in progress, submitted, returned — for
  wjw_liaison / wjw_leader, swt_liaison and yjt_liaison, so that every colour and every to-do shows.

Records go through the services (numbers, events, audit) at their historical dates, with notifications off.
Idempotent: a problem is identified by its group and description; current problems get their dates moved to the
day of loading on every run (their colours stay as designed).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from jiandu.activities.models import Activity
from jiandu.problems import services, urging
from jiandu.problems.models import Category, Problem, Severity

SHANGHAI = ZoneInfo("Asia/Shanghai")

TENT_ISSUES = [
    ("帐篷加固不到位，地钉、拉绳缺失，大风天气存在倒塌隐患", "设施安全隐患", 2),
    ("帐篷内棉被配备不足，夜间值守人员保暖措施不到位", "物资保障不到位", 1),
    ("帐篷内未配备灭火器，取暖设备周边堆放易燃物", "设施安全隐患", 3),
    ("帐篷设置点消毒记录缺失，环境消杀不规范", "防控措施落实不到位", 1),
    ("帐篷破损未及时更换，雨雪天气漏水", "物资保障不到位", 1),
]
PER_DISTRICT = [3, 2, 2, 3, 2, 2, 2, 2, 2, 1]  # 21处问题责成属地立即整改


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@dataclass
class Spec:
    group: str
    description: str
    org: str  # responsible org code
    category: str
    registered: date
    due: date
    to: str = "open"  # the status to walk to: open, in_progress, submitted, returned, closed
    closed: date | None = None
    site: str | None = None
    severity: int = 1
    activity: Activity | None = None
    current: bool = False  # dates follow the day of loading
    urge: bool = False  # urged once by hand (current red problems)
    note: str = "已立即组织整改，问题已整改到位。"


def _tent_specs(ctx) -> list[Spec]:
    from jiandu.demo.sites import DISTRICT_NAMES, DISTRICTS

    specs = []
    n = 0
    for i, district in enumerate(DISTRICTS):
        name = DISTRICT_NAMES[district]
        activity = Activity.objects.filter(group=ctx.orgs["G-YJT"], title=f"{name}防疫帐篷设置点安全检查").first()
        day = activity.start_date if activity else date(2022, 4, 8) + timedelta(days=3 * i)
        tents = sorted(c for c, s in ctx.sites.items() if c.startswith("CC-ZP-") and s.responsible_org.code == district)
        for k in range(PER_DISTRICT[i]):
            text, category, severity = TENT_ISSUES[n % len(TENT_ISSUES)]
            site = tents[k] if k < len(tents) else None
            site_name = ctx.sites[site].name if site else f"{name}防疫帐篷设置点"
            specs.append(
                Spec(
                    "G-YJT",
                    f"{site_name}：{text}",
                    district,
                    category,
                    day,
                    day + timedelta(days=3),
                    to="closed",
                    closed=day + timedelta(days=2),
                    site=site,
                    severity=severity,
                    activity=activity,
                    note="属地已立即整改：帐篷全部加固，棉被、灭火器补充到位，并建立日巡查制度。",
                )
            )
            n += 1
    return specs


def _history(ctx) -> list[Spec]:
    d = date
    wjw_check = (
        Activity.objects.filter(group=ctx.orgs["G-WJW"], confidential=False, start_date__year=2022)
        .order_by("start_date", "id")
        .first()
    )
    return [
        Spec(
            "G-WJW",
            "吉林省人民医院发热门诊候诊区未落实“一米线”要求，候诊人员聚集",
            "D-WJW",
            "防控措施落实不到位",
            d(2022, 3, 22),
            d(2022, 3, 29),
            to="closed",
            closed=d(2022, 3, 28),
            site="WJ-YY-01",
            activity=wjw_check,
        ),
        Spec(
            "G-WJW",
            "核酸检测结果查询渠道不畅，群众反映结果出具慢、查询难",
            "D-WJW",
            "服务管理不规范",
            d(2022, 4, 1),
            d(2022, 4, 10),
            to="closed",
            closed=d(2022, 4, 15),  # closed late
            severity=2,
        ),
        Spec(
            "G-WJW",
            "吉林省人民医院发热门诊候诊区人员间隔不足，“一米线”标识脱落（回头看再次发现）",
            "D-WJW",
            "防控措施落实不到位",
            d(2022, 5, 6),
            d(2022, 5, 13),
            to="closed",
            closed=d(2022, 5, 12),
            site="WJ-YY-01",
            severity=2,
        ),
        Spec(
            "G-SWT",
            "欧亚卖场入口扫码测温形同虚设，部分顾客未扫码即进入",
            "D-SWT",
            "防控措施落实不到位",
            d(2022, 4, 28),
            d(2022, 5, 3),
            to="closed",
            closed=d(2022, 4, 30),
            site="SW-SC-02",
        ),
        Spec(
            "G-SWT",
            "农产品批发市场从业人员核酸检测台账不全",
            "D-SWT",
            "服务管理不规范",
            d(2022, 4, 29),
            d(2022, 5, 6),
            to="closed",
            closed=d(2022, 5, 10),  # closed late
            site="SW-PF-01",
        ),
    ]


def _current(today: date) -> list[Spec]:
    def t(days: int) -> date:
        return today + timedelta(days=days)

    return [
        Spec("G-WJW", "部分社区卫生服务中心预检分诊台未实行24小时值守", "D-WJW", "防控措施落实不到位", t(-2), t(10)),
        Spec(
            "G-WJW",
            "吉林大学第一医院慢性病患者长处方政策落实不到位",
            "D-WJW",
            "服务管理不规范",
            t(-5),
            t(2),
            to="in_progress",
            site="WJ-YY-02",
        ),
        Spec(
            "G-WJW",
            "长春市传染病医院医疗废物暂存点管理不规范，交接记录不全",
            "D-WJW",
            "设施安全隐患",
            t(-12),
            t(-3),
            site="WJ-YY-03",
            severity=2,
            urge=True,
        ),
        Spec(
            "G-WJW", "发热门诊就诊流程指引不清晰，患者多次往返", "D-WJW", "服务管理不规范", t(-8), t(4), to="submitted"
        ),
        Spec("G-WJW", "医保异地就医备案线上办理渠道宣传不到位", "D-WJW", "工作作风问题", t(-10), t(1), to="returned"),
        Spec(
            "G-SWT",
            "大润发（长春南关店）进口冷链食品追溯码缺失",
            "D-SWT",
            "防控措施落实不到位",
            t(-9),
            t(-2),
            to="in_progress",
            site="SW-SC-04",
            severity=2,
        ),
        Spec(
            "G-SWT",
            "华润万家（红旗街店）生活物资价格公示不及时",
            "D-SWT",
            "服务管理不规范",
            t(-1),
            t(9),
            site="SW-SC-05",
        ),
        Spec("G-YJT", "省应急物资储备库帐篷、棉被入库登记不及时", "D-YJT", "物资保障不到位", t(-4), t(1)),
        Spec(
            "G-YJT", "应急值守人员夜间脱岗，值班记录代签", "D-YJT", "工作作风问题", t(-11), t(-4), severity=3, urge=True
        ),
    ]


class _People:
    def __init__(self, ctx):
        from jiandu.demo.documents import _People as DocumentPeople

        self._people = DocumentPeople(ctx)

    def member(self, group):
        return self._people.member(group)

    def leader(self, group):
        return self._people.leader(group)

    def liaison(self, org):
        return self._people.liaison(org)


def _walk(problem: Problem, spec: Spec, people: _People) -> Problem:
    liaison = people.liaison(problem.responsible_org)
    leader = people.leader(spec.group)
    check = liaison is not None  # the districts have no demo liaison: registered without an actor
    start = spec.registered if not spec.current else timezone.localdate()
    if spec.to == "open":
        return problem
    problem = services.problem_start(
        actor=liaison,
        problem=problem,
        note="已制定整改方案，明确责任人和完成时限。",
        at=_at(start, 11),
        check_actor=check,
    )
    if spec.to == "in_progress":
        return problem
    submitted_on = spec.closed or start
    problem = services.problem_submit(
        actor=liaison,
        problem=problem,
        note=spec.note,
        measures="建立问题台账，逐项销号。",
        at=_at(submitted_on, 9),
        check_actor=check,
    )
    if spec.to == "returned":
        return services.problem_return(actor=leader, problem=problem, reason="整改佐证材料不全，请补充整改后照片。")
    if spec.to == "closed":
        return services.problem_close(
            actor=leader,
            problem=problem,
            note="经核查，整改到位，予以销号。",
            closed_on=spec.closed,
            at=_at(spec.closed, 16),
        )
    return problem


def _load_one(spec: Spec, people: _People, refs) -> tuple[Problem, bool]:
    group = people._people.ctx.orgs[spec.group]
    existing = Problem.objects.filter(group=group, description=spec.description).first()
    if existing is not None:
        if spec.current and (existing.registered_on != spec.registered or existing.deadline != spec.due):
            Problem.objects.filter(pk=existing.pk).update(registered_on=spec.registered, deadline=spec.due)
        return existing, False
    ctx = people._people.ctx
    problem = services.problem_create(
        actor=people.member(spec.group),
        group=group,
        description=spec.description,
        category=refs["categories"][spec.category],
        severity=refs["severities"][spec.severity],
        responsible_org=ctx.orgs[spec.org],
        registered_on=spec.registered,
        deadline=spec.due,
        site=ctx.sites.get(spec.site) if spec.site else None,
        source_kind="activity" if spec.activity else "direct",
        source_activity=spec.activity,
        at=_at(spec.registered, 15) if not spec.current else None,
    )
    problem = _walk(problem, spec, people)
    if spec.urge:
        urging.problem_urge(
            actor=people.member(spec.group), problem=problem, level="urge", note="已逾期，请立即整改并报送整改情况。"
        )
    return problem, True


def load(ctx) -> dict:
    """Create or update this module's demo records; return counts for the summary."""
    services.ensure_defaults()
    refs = {
        "categories": {c.name: c for c in Category.objects.all()},
        "severities": {s.level: s for s in Severity.objects.all()},
    }
    people = _People(ctx)
    today = timezone.localdate()
    current = _current(today)
    for s in current:
        s.current = True
    specs = sorted([*_tent_specs(ctx), *_history(ctx)], key=lambda s: (s.registered, s.group)) + current
    created = 0
    with services.notifications_off():
        for spec in specs:
            _problem, new = _load_one(spec, people, refs)
            created += new
    keys = [s.description for s in specs]
    return {"problems": Problem.objects.filter(description__in=keys).count(), "problems_created": created}
