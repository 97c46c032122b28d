"""工作简报: a briefing for a scope (groups) and a period, written in the register of the founding article.

Every figure is read from the records and data values through the modules' selectors (so the briefing shows
exactly what its author may see) and written with the one Chinese-number helper, jiandu.core.cn (DESIGN §7):
21份, 28次, 50余天, 41.4万人次, 近300万元, 两期 …  A reported figure is worded as its indicator says (余/近/两);
stationed days of twenty and more are written with 余, as the article does.

The text is plain data — sections of paragraphs — so that the same composition is shown on screen, edited, kept
(models.Briefing), and rendered as Markdown or as a GB/T 9704 .docx (briefing_docx.py).
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from jiandu.activities import selectors as activity_selectors
from jiandu.activities.enums import Method
from jiandu.core.access import principal, sees_every_business_record, within_groups
from jiandu.core.cn import cn_amount, cn_date, cn_month_day, cn_numeral
from jiandu.core.deadlines import Warning
from jiandu.documents import selectors as document_selectors
from jiandu.documents.enums import DocumentKind
from jiandu.documents.models import Document
from jiandu.hotline import selectors as hotline_selectors
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, OrgKind, Role, SiteType
from jiandu.organizations.models import Org, RoleGrant
from jiandu.organizations.site_services import SITE_TYPE_LABELS
from jiandu.problems import selectors as problem_selectors
from jiandu.problems.enums import OPEN_STATUSES, ProblemStatus, SourceKind
from jiandu.sampling import selectors as sampling_selectors
from jiandu.sampling.enums import Resource
from jiandu.stats import selectors as stats_selectors
from jiandu.stats.enums import Wording

EXACT_BELOW = 100_000  # integers below 十万 are written in full (11118名, 87593人次); larger ones in 万/亿
PROVINCE = "省纪委监委派驻机构"
MAX_NOTABLE = 3  # notable activities and photo captions per group

# How the article names the methods: the checks "采取…等方式开展", phone checks and stationed days on their own.
METHOD_PHRASES = {
    Method.ON_SITE: "实地检查",
    Method.COVERT: "明察暗访",
    Method.UNANNOUNCED: "“四不两直”",
    Method.JOINT: "“室组联动”",
    Method.VIDEO: "视频监督",
    Method.SPECIAL: "专项督导",
    Method.TALK: "谈话提醒",
    Method.ONLINE: "“在线”监督",
}
# Documents that advise (份) and documents that press (次), as the article counts them.
ADVICE_KINDS = [DocumentKind.RECOMMENDATION, DocumentKind.NOTICE, DocumentKind.REMINDER, DocumentKind.OPINION]
PRESSING_KINDS = [DocumentKind.BULLETIN, DocumentKind.DIRECTIVE]
KIND_PHRASES = {
    DocumentKind.RECOMMENDATION: "监督建议书",
    DocumentKind.NOTICE: "工作通知",
    DocumentKind.REMINDER: "提示函",
    DocumentKind.OPINION: "意见建议",
    DocumentKind.BULLETIN: "问题通报",
    DocumentKind.DIRECTIVE: "督办单",
}
# Measure words of the places checked: 97个社区, 6家大型商超, 3所学校.
SITE_MEASURES = {
    SiteType.COMMUNITY: "个",
    SiteType.TENT_SITE: "个",
    SiteType.HOSPITAL: "家",
    SiteType.QUARANTINE_SITE: "个",
    SiteType.SCHOOL: "所",
    SiteType.MARKET: "家",
    SiteType.WAREHOUSE: "个",
    SiteType.CHECKPOINT: "个",
    SiteType.ENTERPRISE: "家",
    SiteType.HOTLINE: "条",
}
MARKET_MEASURES = {"批发市场": "个"}  # 6家大型商超和1个批发市场
RESOURCE_UNITS = {Resource.TENT: "个", Resource.QUILT: "床", Resource.HEATER: "台", Resource.EXTINGUISHER: "具"}
SOURCE_PHRASES = {
    SourceKind.ACTIVITY: "监督检查发现",
    SourceKind.CHECK: "双随机抽查发现",
    SourceKind.HOTLINE_CASE: "群众来电反映",
    SourceKind.TEST_CALL: "热线暗访测试发现",
    SourceKind.DOCUMENT: "监督文书督办发现",
    SourceKind.DIRECT: "其他途径发现",
}


@dataclass
class Section:
    key: str
    heading: str
    paragraphs: list[str]
    photos: list[int] = field(default_factory=list)  # attachment ids shown beside the text on screen

    def as_dict(self) -> dict:
        return {"key": self.key, "heading": self.heading, "paragraphs": self.paragraphs, "photos": self.photos}


@dataclass
class Composition:
    title: str
    scope_name: str
    date_from: date
    date_to: date
    sections: list[Section]
    closing: str
    issuer: str  # 发文机关 of the .docx: the group, or the author's commission office


# --- Wording helpers ---


def amount(value, unit: str, wording: str = Wording.EXACT) -> str:
    return cn_amount(value, unit, mode=wording, exact_below=EXACT_BELOW)


def days_phrase(days: int) -> str:
    """驻点监督的天数: 53 → 50余天, 12 → 12天."""
    return amount(days, "天", Wording.OVER if days >= 20 else Wording.EXACT)


def dates_phrase(days: list[date]) -> str:
    """4月28日、29日; 3月30日、4月2日 — the month is not repeated within a month; more than four days are
    written as a range (4月8日至5月5日)."""
    days = sorted(set(days))
    if len(days) > 4:
        return f"{cn_month_day(days[0])}至{cn_month_day(days[-1])}"
    out, month = [], None
    for d in days:
        out.append(f"{d.day}日" if d.month == month else cn_month_day(d))
        month = d.month
    return "、".join(out)


def joined(parts: list[str], last: str = "和") -> str:
    """A、B和C."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return "、".join(parts[:-1]) + last + parts[-1]


def period_phrase(date_from: date, date_to: date) -> str:
    if date_from.year == date_to.year:
        return f"{cn_date(date_from)}至{date_to.month}月{date_to.day}日"
    return f"{cn_date(date_from)}至{cn_date(date_to)}"


def group_name(group: Org) -> str:
    """驻省卫健委纪检监察组: the article drops the commission's name before a group's."""
    return group.name.removeprefix("省纪委监委")


def sentence(clauses: list[str]) -> str:
    clauses = [c for c in clauses if c]
    return ("，".join(clauses) + "。") if clauses else ""


# --- Clauses of one scope (one group, or all groups the author sees), written from its figures ---


def _activity_clauses(by_method: dict[str, int], days: int) -> list[str]:
    clauses = []
    checks = [m for m in METHOD_PHRASES if by_method.get(m)]
    if checks:
        total = sum(by_method[m] for m in checks)
        if len(checks) == 1:
            clauses.append(f"开展{METHOD_PHRASES[checks[0]]}{amount(total, '次')}")
        else:
            names = "、".join(METHOD_PHRASES[m] for m in checks if m != Method.ON_SITE) or METHOD_PHRASES[checks[0]]
            clauses.append(f"采取{names}等方式开展监督检查{amount(total, '次')}")
    if by_method.get(Method.PHONE_CHECK):
        clauses.append(f"电话抽查暗访{amount(by_method[Method.PHONE_CHECK], '次')}")
    if days:
        clauses.append(f"驻点监督{days_phrase(days)}")
    return clauses


def _document_clauses(by_kind: dict[str, int]) -> list[str]:
    clauses = []
    pressing = [k for k in PRESSING_KINDS if by_kind.get(k)]
    if pressing:
        total = sum(by_kind[k] for k in pressing)
        clauses.append(f"下达{'、'.join(KIND_PHRASES[k] for k in pressing)}{amount(total, '次')}")
    advice = [k for k in ADVICE_KINDS if by_kind.get(k)]
    if advice:
        total = sum(by_kind[k] for k in advice)
        names = "、".join(KIND_PHRASES[k] for k in advice)
        clauses.append(f"印发{names}{'等' if len(advice) > 1 else ''}{amount(total, '份')}")
    return clauses


def _itemised_documents(documents: list[Document]) -> list[str]:
    """A document with aspects and items: 4月22日，向省商务厅发出提示函，从6个方面提出12条具体工作建议."""
    out = []
    for d in documents:
        to = "、".join(r.org.display_name for r in d.recipients.all())
        aspects = f"从{d.aspects_count}个方面" if d.aspects_count else ""
        out.append(
            f"{cn_month_day(d.issued_on)}，向{to}发出{KIND_PHRASES[d.kind]}，{aspects}提出{d.items_count}条具体工作建议"
        )
    return out


def _places(sites) -> str:
    """6家大型商超和1个批发市场; 97个社区、187个帐篷设置点 (joined by 、 when asked)."""
    counts: OrderedDict[tuple[str, str], int] = OrderedDict()
    for s in sorted(sites, key=lambda s: (s.site_type, s.pk)):
        counts[_site_label(s)] = counts.get(_site_label(s), 0) + 1
    return [f"{amount(n, measure)}{noun}" for (noun, measure), n in counts.items()]


def _site_label(site) -> tuple[str, str]:
    """(noun, measure word): 大型商超/家, 批发市场/个, 社区/个."""
    if site.site_type == SiteType.MARKET:
        kind = (site.attributes or {}).get("market_kind") or "商超"
        return kind, MARKET_MEASURES.get(kind, "家")
    return SITE_TYPE_LABELS.get(site.site_type, site.site_type), SITE_MEASURES.get(site.site_type, "个")


def _visits(visits: list[activity_selectors.Visit], leaders: set[int], sampled: set[int]) -> list[str]:
    """On-site checks (from activities_by_group, latest first): many places in one clause (4月28日、29日，赴6家大型
    商超和1个批发市场实地检查), a few as one sentence per check with who led it (4月28日，组长赫军带队赴一汽集团
    实地检查). Places already told as sampled (抽查) are not told twice."""
    if not visits:
        return []
    visits = [a for a in visits if not a.sites or any(s.pk not in sampled for s in a.sites)]
    sites = {s.pk: s for a in visits for s in a.sites if s.pk not in sampled}
    if len(sites) >= 3:
        places = joined(_places(sites.values()))
        return [f"{dates_phrase([a.start_date for a in visits])}，赴{places}实地检查"]
    out = []
    for a in sorted(visits, key=lambda a: a.start_date)[:MAX_NOTABLE]:
        who = f"{'组长' if a.leader_id in leaders else ''}{a.leader_name}带队" if a.leader_id else ""
        where = "、".join(s.name for s in a.sites) or "、".join(a.targets)
        out.append(f"{cn_month_day(a.start_date)}，{who}赴{where}实地检查" if where else "")
    return [c for c in out if c]


def _sampling_clauses(sampled: list, found: int, stocks: dict[str, dict]) -> list[str]:
    """累计抽查 (the sites checked under a plan), the problems the checks found (told only with the sites) and the
    stock checked: `stocks` maps a resource to its totals (stock_totals(…)["total"])."""
    clauses = []
    if sampled:
        clauses.append(f"累计抽查{'、'.join(_places(sampled))}")
        if found:
            clauses.append(f"对{amount(found, '处')}问题责成属地立即整改")
    for resource, unit in RESOURCE_UNITS.items():
        stock = stocks.get(resource) or {}
        if not stock.get("total"):
            continue
        label = str(Resource(resource).label)
        clause = f"{label}{amount(stock['total'], unit)}"
        if stock["damaged"]:
            clause += f"，损坏{amount(stock['damaged'], unit)}"
            if stock["replenished"] >= stock["damaged"]:
                clause += "并全部补充到位"
            elif stock["replenished"]:
                clause += f"，已补充{amount(stock['replenished'], unit)}"
        if stock["reinforced"]:
            clause += f"，加固{amount(stock['reinforced'], unit)}"
        clauses.append(f"督促检查{clause}")
    return clauses


def _hotline_clauses(hotlines: int, done: int, connected: int) -> list[str]:
    if not done:
        return []
    return [f"对{amount(hotlines, '条')}服务热线开展暗访测试{amount(done, '次')}，接通{amount(connected, '次')}"]


@dataclass
class ProblemFigures:
    found: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0
    repeats: int = 0
    urges: int = 0
    by_source: dict = field(default_factory=dict)

    @property
    def rate(self) -> str:
        return f"{round(100 * self.closed / self.found)}%" if self.found else ""


def problem_figures(user, groups, date_from, date_to) -> ProblemFigures:
    """Problems registered in the period: found, closed (销号), open, overdue (red today), repeats, urges."""
    qs = within_groups(problem_selectors.problems_for(user, date_from=date_from, date_to=date_to), groups).order_by()
    row = qs.aggregate(
        found=Count("id"),
        closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        repeats=Count("id", filter=Q(is_repeat=True)),
    )
    urges = sum(r.urges for r in problem_selectors.scorecard(user, date_from=date_from, date_to=date_to, groups=groups))
    red = problem_selectors.warning_counts(qs).get(Warning.RED, 0)
    by_source = dict(qs.values_list("source_kind").annotate(n=Count("id")).values_list("source_kind", "n"))
    return ProblemFigures(row["found"], row["closed"], row["open"], red, row["repeats"], urges, by_source)


def _problem_clause(p: ProblemFigures) -> str:
    if not p.found:
        return ""
    if not p.closed:
        return f"发现问题{amount(p.found, '个')}，正在督促整改"
    return f"发现问题{amount(p.found, '个')}，已整改销号{amount(p.closed, '个')}，整改率{p.rate}"


def _reported_sentence(reported: stats_selectors.GroupReported | None, date_to) -> str:
    """据统计，截至4月27日，党员干部下沉社区41.4万人次，协助社区核酸检测5068万人次。"""
    if reported is None or not reported.indicators:
        return ""
    values = reported.totals
    figures = [f"{i.name}{amount(values[i.code], i.unit, i.wording)}" for i in reported.indicators if values[i.code]]
    if not figures:
        return ""
    latest = reported.latest
    as_of = f"截至{cn_month_day(latest)}，" if latest and latest < date_to else ""
    names = [o.display_name for o in reported.reporters]
    reporters = joined(names) if len(names) <= 3 else f"{names[0]}等{amount(len(names), '个')}单位"
    return f"据{reporters}统计，{as_of}{'，'.join(figures)}。"


def _captions(photos: list) -> tuple[list[str], list[int]]:
    """The captions of the group's photos taken in the period (图为4月28日，…), oldest first, and their ids."""
    captions = [a.caption if a.caption.endswith("。") else a.caption + "。" for a in photos]
    return captions, [a.pk for a in photos]


@dataclass
class GroupFigures:
    """Every figure the groups' paragraphs tell, read for all covered groups at once — one grouped query per
    figure — so that a province briefing costs the same number of queries whatever the number of groups."""

    methods: dict[int, dict[str, int]]
    stationed_days: dict[int, int]
    kinds: dict[int, dict[str, int]]
    sampled: dict[int, list]
    check_problems: dict[int, dict]
    stocks: dict[int, dict[str, dict]]
    calls: dict[int, hotline_selectors.CallTotals]
    problems: dict[int, dict[str, int]]
    visits: dict[int, list[activity_selectors.Visit]]
    documents: dict[int, list[Document]]
    reported: dict[int, stats_selectors.GroupReported]
    photos: dict[int, list]


def group_figures(user, ids: list[int], date_from, date_to) -> GroupFigures:
    period = (date_from, date_to)
    return GroupFigures(
        methods=activity_selectors.method_counts_by_group(user, date_from=date_from, date_to=date_to, groups=ids),
        stationed_days=activity_selectors.stationed_days_by_group(
            user, date_from=date_from, date_to=date_to, groups=ids
        ),
        kinds=document_selectors.kind_counts_by_group(user, date_from=date_from, date_to=date_to, groups=ids),
        sampled=sampling_selectors.planned_sites_checked_by_group(user, period=period, groups=ids),
        check_problems=sampling_selectors.problems_from_checks_by_group(user, period=period, groups=ids),
        stocks=sampling_selectors.stock_totals_by_group(user, as_of=date_to, groups=ids),
        calls=hotline_selectors.test_call_totals(user, by="group", period=period, groups=ids),
        problems=problem_selectors.problem_figures_by_group(user, date_from=date_from, date_to=date_to, groups=ids),
        visits=activity_selectors.activities_by_group(
            user, method=Method.ON_SITE, date_from=date_from, date_to=date_to, groups=ids
        ),
        documents=document_selectors.itemised_documents_by_group(
            user, date_from=date_from, date_to=date_to, groups=ids, per_group=MAX_NOTABLE
        ),
        reported=stats_selectors.reported_by_group(user, date_to, groups=ids),
        photos=activity_selectors.photos_by_group(
            user, date_from=date_from, date_to=date_to, groups=ids, per_group=MAX_NOTABLE
        ),
    )


def _group_section_paragraphs(
    f: GroupFigures, group: Org, date_to, leaders: set[int], *, with_figures: bool = True
) -> tuple[list[str], list[int]]:
    """The paragraph of one group (and its photo captions), or nothing when it recorded nothing in the period.
    Without figures (a briefing of one group, whose overview already gives them) it tells the notable work."""
    g = group.pk
    sampled = f.sampled.get(g, [])
    visits = _visits(f.visits.get(g, []), leaders, {s.pk for s in sampled})
    calls = f.calls.get(g) or hotline_selectors.CallTotals()
    problems = f.problems.get(g, {})
    clauses = [
        *_activity_clauses(f.methods.get(g, {}), f.stationed_days.get(g, 0)),
        *_document_clauses(f.kinds.get(g, {})),
        *_sampling_clauses(sampled, f.check_problems.get(g, {}).get("found", 0), f.stocks.get(g, {})),
        *_hotline_clauses(len(calls.hotline_ids), calls.done, calls.connected),
    ]
    problems = _problem_clause(ProblemFigures(found=problems.get("found", 0), closed=problems.get("closed", 0)))
    notable = [*visits, *_itemised_documents(f.documents.get(g, []))]
    reported = _reported_sentence(f.reported.get(g), date_to)
    if not (clauses or problems or notable or reported):
        return [], []
    if not with_figures:
        clauses, problems = [], ""
    if clauses or problems:
        text = group_name(group) + sentence([*clauses, problems])
        text += "".join(sentence([n]) for n in notable) + reported
    elif notable:
        text = "".join(sentence([n]) for n in notable) + reported
    elif reported:
        text = f"{group_name(group)}督促驻在部门履职尽责，{reported}"
    else:
        return [], []
    captions, photo_ids = _captions(f.photos.get(g, []))
    return [text, *captions], photo_ids


# --- Figures of the whole scope (the overview), in the shape the clauses take ---


def _activity_figures(user, groups, date_from, date_to) -> tuple[dict[str, int], int]:
    rows = activity_selectors.activity_counts(user, by="method", date_from=date_from, date_to=date_to, groups=groups)
    days = activity_selectors.stationed_days(user, date_from=date_from, date_to=date_to, groups=groups)
    return {r["key"]: r["count"] for r in rows}, days


def _kind_counts(user, groups, date_from, date_to) -> dict[str, int]:
    rows = document_selectors.document_counts(user, by="kind", date_from=date_from, date_to=date_to, groups=groups)
    return {r["key"]: r["count"] for r in rows}


def _sampling_figures(user, groups, date_from, date_to) -> tuple[list, int, dict[str, dict]]:
    period = (date_from, date_to)
    sampled = list(sampling_selectors.planned_sites_checked(user, period=period, groups=groups))
    found = sampling_selectors.problems_from_checks(user, period=period, groups=groups)["found"] if sampled else 0
    stocks = {
        resource: sampling_selectors.stock_totals(user, resource, as_of=date_to, groups=groups)["total"]
        for resource in RESOURCE_UNITS
    }
    return sampled, found, stocks


def _call_figures(user, groups, date_from, date_to) -> tuple[int, int, int]:
    """(hotlines tested, calls done, calls connected)."""
    rows = hotline_selectors.test_call_scorecard(user, period=(date_from, date_to), groups=groups)
    return len(rows), sum(r.done for r in rows), sum(r.connected for r in rows)


def _group_leaders(groups: list[Org]) -> set[int]:
    return set(
        RoleGrant.objects.filter(org__in=groups, role=Role.GROUP_LEADER).values_list("user_id", flat=True).distinct()
    )


def _top_topics(user, groups, date_from, date_to, n: int = 3) -> list[str]:
    rows = activity_selectors.activity_counts(user, by="topic", date_from=date_from, date_to=date_to, groups=groups)
    return [r["label"] for r in sorted(rows, key=lambda r: -r["count"])[:n]]


def _issuer(user, groups: list[Org] | None) -> str:
    if groups and len(groups) == 1:
        return groups[0].name
    p = principal(user)
    orgs = Org.objects.filter(pk__in=p.org_ids(*COMMISSION_ROLES)).order_by("-depth", "path")
    first = orgs.first()
    return first.name if first else PROVINCE


def scope_groups_for(user, groups: list[Org] | None) -> list[Org]:
    """The groups a briefing covers: those asked for, or every group the author sees."""
    if groups is not None:
        return groups
    p = principal(user)
    qs = Org.objects.filter(kind=OrgKind.GROUP, is_active=True)
    if not p.has(*COMMISSION_ROLES):
        qs = qs.filter(pk__in=p.org_ids(*GROUP_ROLES))
    return list(qs.order_by("sort_order", "path"))


def compose(user, *, groups: list[Org] | None, date_from: date, date_to: date) -> Composition:
    """The briefing's text: 一、总体情况 (totals), 二、each group's work (figures, notable checks, captions,
    reported figures), 三、problems and rectification, and a closing the author edits (四、下一步工作)."""
    covered = scope_groups_for(user, groups)
    ids = [g.pk for g in covered]
    whole = groups is None and sees_every_business_record(user)
    if len(covered) == 1:
        scope_name = group_name(covered[0])
    elif whole:
        scope_name = PROVINCE
    else:
        scope_name = f"{'、'.join(group_name(g) for g in covered[:3])}{'等' if len(covered) > 3 else ''}"
    when = period_phrase(date_from, date_to)

    overview_clauses = [
        *_activity_clauses(*_activity_figures(user, ids, date_from, date_to)),
        *_document_clauses(_kind_counts(user, ids, date_from, date_to)),
        *_sampling_clauses(*_sampling_figures(user, ids, date_from, date_to)),
        *_hotline_clauses(*_call_figures(user, ids, date_from, date_to)),
    ]
    figures = problem_figures(user, ids, date_from, date_to)
    overview = f"{when}，{scope_name}"
    if overview_clauses or figures.found:
        overview += sentence([*overview_clauses, _problem_clause(figures)])
    else:
        overview += "在本期间暂无监督检查、监督文书和问题整改记录。"
    topics = _top_topics(user, ids, date_from, date_to)
    if topics:
        overview = (
            f"{overview}各项工作围绕{'、'.join(topics)}等重点任务展开，"
            f"督促驻在部门党组（党委）履行主体责任，推动各项决策部署落地见效。"
        )

    leaders = _group_leaders(covered)
    per_group = group_figures(user, ids, date_from, date_to)
    work_paragraphs, photos = [], []
    for g in covered:
        paragraphs, photo_ids = _group_section_paragraphs(per_group, g, date_to, leaders, with_figures=len(covered) > 1)
        work_paragraphs += paragraphs
        photos += photo_ids

    sections = [Section("overview", "一、总体情况", [overview])]
    if work_paragraphs:
        heading = "二、主要工作" if len(covered) == 1 else "二、各派驻机构工作开展情况"
        sections.append(Section("groups", heading, work_paragraphs, photos))
    sections.append(
        Section("problems", f"{cn_numeral(len(sections) + 1)}、问题发现和整改情况", _problem_paragraphs(figures))
    )
    closing = (
        f"下一步，{scope_name}将坚持问题导向，紧盯{'、'.join(topics) if topics else '重点任务'}等工作，"
        "持续跟踪督促问题整改销号，对整改不力、逾期未改的及时督办、通报，以有力监督保障各项决策部署落地落实。"
    )
    title = f"{scope_name}监督工作情况"
    return Composition(
        title=title,
        scope_name=scope_name,
        date_from=date_from,
        date_to=date_to,
        sections=sections,
        closing=closing,
        issuer=_issuer(user, covered if len(covered) == 1 else None),
    )


def _problem_paragraphs(p: ProblemFigures) -> list[str]:
    if not p.found:
        return ["本期间未登记问题。"]
    sources = "，".join(f"{SOURCE_PHRASES[k]}{amount(n, '个')}" for k in SourceKind.values if (n := p.by_source.get(k)))
    first = f"共发现问题{amount(p.found, '个')}" + (f"，其中{sources}" if sources else "") + "。"
    second = f"已整改销号{amount(p.closed, '个')}，整改率{p.rate}" if p.closed else "尚无整改销号的问题"
    second += f"；正在整改{amount(p.open, '个')}" if p.open else ""
    second += f"，其中逾期未整改{amount(p.overdue, '个')}" if p.overdue else ""
    second += "。"
    third = ""
    if p.urges:
        third += f"对临期、逾期问题催办{amount(p.urges, '次')}。"
    if p.repeats:
        third += f"发现屡查屡犯问题{amount(p.repeats, '个')}，已从严督促整改。"
    return [first + second + third]


def closing_heading(sections: list[dict] | list[Section]) -> str:
    return f"{cn_numeral(len(sections) + 1)}、下一步工作"


# --- Output ---


def _section_dicts(sections) -> list[dict]:
    return [s.as_dict() if isinstance(s, Section) else s for s in sections]


def as_lines(sections, closing: str) -> list[str]:
    """Headings and paragraphs in reading order, the closing last (the .docx body and the Markdown)."""
    sections = _section_dicts(sections)
    lines = []
    for s in sections:
        lines.append(s["heading"])
        lines += [p for p in s["paragraphs"] if p.strip()]
    if closing.strip():
        lines.append(closing_heading(sections))
        lines += [p.strip() for p in closing.splitlines() if p.strip()]
    return lines


def as_markdown(title: str, subtitle: str, sections, closing: str) -> str:
    out = [f"# {title}", "", subtitle, ""]
    sections = _section_dicts(sections)
    headings = {s["heading"] for s in sections} | {closing_heading(sections)}
    for line in as_lines(sections, closing):
        out += [f"## {line}" if line in headings else line, ""]
    return "\n".join(out).rstrip() + "\n"
