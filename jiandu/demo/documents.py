"""Demo documents (监督文书) reproducing the founding article (DESIGN §8, issue 3):

- numbering prefixes for every group (吉纪驻卫, 吉纪驻教, 吉纪驻商, 吉纪驻应急, …);
- 驻省卫健委组: 21 监督建议书、工作通知、提示函 issued March–May 2022 to 省卫健委 and/or 省医保局, among them the
  提示函 on special groups' access to medical care sent to 省卫健委(办公室) and 省医保局;
- 驻省教育厅组: 12 问题通报 and 督办单, 5 提示函 to 省教育厅 / 长春师范大学;
- 驻省商务厅组: the 提示函 of 6个方面12条 to 省商务厅, before 4月28日;
- a handful of current documents (dated from the day of loading) for 驻省卫健委组 and 驻省应急管理厅组 in every
  warning colour, and drafts, so that wjw_liaison and yjt_liaison have something to acknowledge and answer.

Records go through the services (numbers, events, audit) at their historical dates. Idempotent: a document is
identified by its group and title and never created twice; current documents get their dates moved to today's.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from jiandu.documents import services
from jiandu.documents.enums import DocumentKind as K
from jiandu.documents.enums import DocumentStatus
from jiandu.documents.models import Document
from jiandu.organizations.enums import Role
from jiandu.organizations.models import RoleGrant

from . import structure

SHANGHAI = ZoneInfo("Asia/Shanghai")

PREFIXES = {
    "G-WJW": "吉纪驻卫",
    "G-JYT": "吉纪驻教",
    "G-STHJT": "吉纪驻环",
    "G-YJT": "吉纪驻应急",
    "G-NYNCT": "吉纪驻农",
    "G-GXT": "吉纪驻工信",
    "G-JTYST": "吉纪驻交",
    "G-SWT": "吉纪驻商",
    "G-RST": "吉纪驻人社",
    "G-KJT": "吉纪驻科",
    "G-ZFBGT": "吉纪驻办",
    "G-ZSJ": "吉纪驻政数",
    "G-LCJ": "吉纪驻林草",
    "G-GAT": "吉纪驻公",
    "G-SZJG": "吉直纪工",
    "G-GZW": "吉纪驻国资",
    "G-JLBANK": "吉纪驻吉银",
    "G-STJT": "吉纪驻省投",
    "G-SGJT": "吉森工纪",
    "G-LYKG": "吉旅控纪",
    "G-JSCM": "吉视传媒纪",
    "G-CCSFDX": "长师大纪",
}


@dataclass
class Spec:
    group: str
    kind: str
    title: str
    to: list[str]
    issued: date | None  # None: a draft
    due: date | None = None  # reply deadline; None: no reply needed
    body: str = ""
    received: int | None = 1  # days after issue the recipients acknowledged; None: not yet
    replied: int | None = None  # days after issue the reply came; None: not yet
    closed: int | None = None  # days after issue the group closed it; None: open
    partial: list[str] = field(default_factory=list)  # recipients that have NOT acknowledged (current documents)
    aspects: int | None = None
    items: int | None = None


def _d(month: int, day: int) -> date:
    return date(2022, month, day)


def _body(title: str, points: list[str]) -> str:
    subject = title.removeprefix("关于").rsplit("的", 1)[0]
    lines = [f"为深入贯彻党中央关于疫情防控的决策部署，落实省委省政府工作要求，现就{subject}提出如下意见："]
    heads = "一二三四五六七八九十"
    for i, p in enumerate(points):
        lines.append(f"{heads[i]}、{p}")
    lines.append("请认真研究落实，并按期反馈落实情况。")
    return "\n".join(lines)


GENERIC_POINTS = [
    "提高政治站位，切实扛起疫情防控主体责任",
    "压紧压实工作责任，确保各项措施落地见效",
    "加强监督检查，发现问题立行立改",
]

# 驻省卫健委组: 21 documents (5 监督建议书, 8 工作通知, 8 提示函), March–May 2022. (kind, month, day, title, to,
# reply days or None, reply after days, closed after days)
WJW_2022 = [
    (K.NOTICE, 3, 14, "关于严格落实疫情防控工作组成员单位职责的工作通知", ["D-WJW"], None, None, 6),
    (K.REMINDER, 3, 16, "关于切实保障疫情期间特殊群体就医需求的提示函", ["D-WJW", "D-YBJ"], 7, 5, 9),
    (K.NOTICE, 3, 18, "关于加强核酸检测筛查工作监督的工作通知", ["D-WJW"], None, None, 8),
    (K.RECOMMENDATION, 3, 21, "关于规范核酸检测流程的监督建议书", ["D-WJW"], 15, 12, 16),
    (K.REMINDER, 3, 23, "关于抓好医院院感防控工作的提示函", ["D-WJW"], 7, 10, 13),  # replied late
    (K.NOTICE, 3, 25, "关于做好隔离管控点位医疗保障工作的工作通知", ["D-WJW"], None, None, 7),
    (K.REMINDER, 3, 28, "关于发挥医疗卫生机构监测哨点作用的提示函", ["D-WJW"], 9, 7, 10),
    (K.NOTICE, 3, 30, "关于抓好明察暗访发现问题整改工作的工作通知", ["D-WJW"], 11, 9, 12),
    (K.RECOMMENDATION, 4, 1, "关于加强医疗服务监管的监督建议书", ["D-WJW"], 14, 12, 15),
    (K.REMINDER, 4, 4, "关于保障慢性病患者用药需求的提示函", ["D-WJW", "D-YBJ"], 8, 6, 9),
    (K.NOTICE, 4, 7, "关于落实室组联动监督检查工作的工作通知", ["D-WJW"], None, None, 5),
    (K.REMINDER, 4, 9, "关于帮助群众捋顺求医问药流程的提示函", ["D-WJW"], 7, 10, 12),  # replied late
    (K.RECOMMENDATION, 4, 12, "关于优化方舱医院医疗服务流程的监督建议书", ["D-WJW"], 14, 11, 15),
    (K.NOTICE, 4, 14, "关于做好医保报销政策落实工作的工作通知", ["D-YBJ"], 10, 8, 11),
    (K.REMINDER, 4, 18, "关于加强发热门诊规范管理的提示函", ["D-WJW"], 7, 6, 9),
    (K.NOTICE, 4, 21, "关于协助一汽集团复工复产专班工作的工作通知", ["D-WJW"], None, None, 6),
    (K.RECOMMENDATION, 4, 24, "关于完善核酸检测结果查询服务的监督建议书", ["D-WJW"], 14, 12, 16),
    (K.REMINDER, 4, 27, "关于做好复工复产企业疫情防控指导的提示函", ["D-WJW"], 8, 7, 10),
    (K.NOTICE, 5, 5, "关于统筹疫情防控和医疗服务保障的工作通知", ["D-WJW", "D-YBJ"], 10, 8, 12),
    (K.RECOMMENDATION, 5, 10, "关于健全医疗卫生机构监督检查长效机制的监督建议书", ["D-WJW"], 14, 9, None),
    (K.REMINDER, 5, 16, "关于做好常态化疫情防控下医疗服务工作的提示函", ["D-WJW"], 10, 3, None),
]

# 驻省教育厅组: 12 问题通报/督办单 and 5 提示函 (督导下达问题通报、督办单12次，监督提示函5份).
JYT_2022 = [
    (K.BULLETIN, 3, 15, "关于部分高校校园封闭管理不到位问题的通报", ["D-JYT"], 5, 4, 8),
    (K.DIRECTIVE, 3, 17, "关于督促做好高校学生核酸检测组织工作的督办单", ["D-JYT"], 3, 2, 5),
    (K.BULLETIN, 3, 20, "关于个别高校物资保障不及时问题的通报", ["D-JYT", "U-CCSFDX"], 5, 4, 8),
    (K.DIRECTIVE, 3, 22, "关于督办在校学生生活物资供应问题的督办单", ["D-JYT"], 3, 5, 7),  # replied late
    (K.BULLETIN, 3, 26, "关于部分中小学线上教学组织不规范问题的通报", ["D-JYT"], 7, 6, 10),
    (K.DIRECTIVE, 3, 29, "关于督办隔离学生心理疏导工作的督办单", ["D-JYT"], 5, 4, 7),
    (K.BULLETIN, 4, 2, "关于部分高校涉疫垃圾处置不规范问题的通报", ["D-JYT", "U-CCSFDX"], 5, 4, 9),
    (K.DIRECTIVE, 4, 8, "关于督办高校学生有序离校返乡工作的督办单", ["D-JYT"], 5, 4, 8),
    (K.BULLETIN, 4, 13, "关于个别学校防疫值守人员脱岗问题的通报", ["D-JYT"], 5, 3, 7),
    (K.DIRECTIVE, 4, 19, "关于督办毕业生就业服务线上开展工作的督办单", ["D-JYT"], 7, 6, 10),
    (K.BULLETIN, 4, 26, "关于部分学校复学准备工作不充分问题的通报", ["D-JYT"], 7, 9, 12),  # replied late
    (K.DIRECTIVE, 5, 6, "关于督办校园疫情防控常态化措施落实的督办单", ["D-JYT", "U-CCSFDX"], 7, 5, 9),
    (K.REMINDER, 3, 18, "关于严格落实校园疫情防控措施的提示函", ["D-JYT"], 7, 5, 9),
    (K.REMINDER, 3, 31, "关于做好封控期间师生生活保障的提示函", ["D-JYT"], 7, 6, 9),
    (K.REMINDER, 4, 15, "关于开展抗疫防疫中的廉洁思政教育的提示函", ["U-CCSFDX"], 10, 8, 12),
    (K.REMINDER, 4, 28, "关于规范防疫物资采购使用的提示函", ["D-JYT"], 10, 7, 11),
    (K.REMINDER, 5, 12, "关于稳妥有序推进复学复课的提示函", ["D-JYT"], 10, 6, None),
]

SWT_REMINDER_BODY = """为巩固疫情防控成果，分类推进复商复市，促进消费回补和潜力释放，\
现就省商务厅统筹做好疫情防控和复工复产、复商复市工作提示如下：
一、巩固疫情防控成果
1．严格落实商超、农贸（批发）市场等重点场所疫情防控措施，做好扫码测温、环境消杀和通风换气。
2．强化从业人员健康管理，落实核酸检测和健康监测要求。
二、分类推进复商复市
3．按照风险等级分区分类、有序恢复商贸企业经营，严防人员聚集。
4．指导企业“一企一策”制定复工复产方案和应急预案。
三、保障生活物资供应
5．加强蔬菜、粮油、肉蛋奶等重要民生商品产销衔接和调运，确保货源充足、价格稳定。
6．畅通物流配送“最后一公里”，保障居民基本生活需求。
四、压实企业主体责任
7．督促大型商超、批发市场落实防控主体责任，明确专人负责。
8．加强对快递外卖、物流配送人员的管理，严防疫情输入扩散。
五、加快促进消费回补
9．研究出台促消费政策措施，推动消费潜力释放。
10．积极推动引资项目复工复产，帮助企业纾困解难。
六、严明工作纪律
11．严禁在物资保障、项目审批中吃拿卡要、推诿扯皮。
12．对工作不力、失职失责的，依规依纪依法严肃追责问责。
请省商务厅党组认真研究落实，\
并于2022年5月6日前将落实情况书面反馈驻省商务厅纪检监察组。"""


def _historical(rows, group: str) -> list[Spec]:
    specs = []
    for kind, month, day, title, to, due_days, reply_days, closed_days in rows:
        issued = _d(month, day)
        specs.append(
            Spec(
                group=group,
                kind=kind,
                title=title,
                to=to,
                issued=issued,
                due=issued + timedelta(days=due_days) if due_days else None,
                body=_body(title, GENERIC_POINTS),
                received=1,
                replied=reply_days if due_days else None,
                closed=closed_days,
            )
        )
    return specs


def _current(today: date) -> list[Spec]:
    """Documents dated from the day of loading: one of each warning colour per group, and drafts."""

    def t(days: int) -> date:
        return today + timedelta(days=days)

    return [
        # 驻省卫健委组
        Spec("G-WJW", K.REMINDER, "关于加强医疗机构院感防控工作的提示函", ["D-WJW"], t(-10), t(10), received=None),
        Spec("G-WJW", K.RECOMMENDATION, "关于规范核酸检测采样流程的监督建议书", ["D-WJW"], t(-12), t(2), received=1),
        Spec(
            "G-WJW",
            K.NOTICE,
            "关于进一步优化群众就医流程的工作通知",
            ["D-WJW", "D-YBJ"],
            t(-20),
            t(-3),
            received=2,
            partial=["D-YBJ"],
        ),
        Spec("G-WJW", K.RECOMMENDATION, "关于做好发热门诊监督检查发现问题整改工作的监督建议书", ["D-WJW"], None, t(20)),
        # 驻省应急管理厅组
        Spec("G-YJT", K.REMINDER, "关于加强防疫帐篷设置点安全管理的提示函", ["D-YJT"], t(-10), t(10), received=None),
        Spec("G-YJT", K.DIRECTIVE, "关于大风损坏防疫帐篷补充到位情况的督办单", ["D-YJT"], t(-8), t(2), received=1),
        Spec("G-YJT", K.BULLETIN, "关于帐篷设置点棉被等物资配备不足问题的通报", ["D-YJT"], t(-25), t(-3), received=2),
        Spec("G-YJT", K.REMINDER, "关于做好汛期防疫帐篷加固工作的提示函", ["D-YJT"], None, t(15)),
    ]


def _specs(today: date) -> list[Spec]:
    swt = Spec(
        "G-SWT",
        K.REMINDER,
        "关于统筹做好疫情防控和复工复产复商复市工作的提示函",
        ["D-SWT"],
        _d(4, 22),
        _d(5, 6),
        body=SWT_REMINDER_BODY,
        received=1,
        replied=13,
        closed=18,
        aspects=6,
        items=12,
    )
    specs = [*_historical(WJW_2022, "G-WJW"), *_historical(JYT_2022, "G-JYT"), swt, *_current(today)]
    # Issued in date order, so that each group's numbers follow the calendar; drafts last.
    return sorted(specs, key=lambda s: (s.issued is None, s.issued or today, s.group))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


REPLY_TEXT = (
    "{org}党组高度重视，已召开专题会议研究部署，逐条对照落实《{title}》提出的要求，"
    "建立工作台账，明确责任处室和完成时限。"
)


class _People:
    def __init__(self, ctx):
        self.ctx = ctx
        self.prefix = {code: prefix for code, _n, _s, _p, _sup, prefix, _l in structure.GROUPS}
        grants = RoleGrant.objects.filter(role=Role.LIAISON, user__in=list(ctx.users.values())).select_related(
            "org", "user"
        )
        self.liaisons = sorted(((g.org.path, g.user) for g in grants), key=lambda x: (-len(x[0]), x[1].username))

    def leader(self, group: str):
        return self.ctx.users[f"{self.prefix[group]}_leader"]

    def member(self, group: str):
        return self.ctx.users[f"{self.prefix[group]}_member"]

    def liaison(self, org):
        """The demo liaison whose org subtree holds `org` (the closest one), or None (e.g. 省医保局 has none)."""
        for path, user in self.liaisons:
            if org.path.startswith(path):
                return user
        return None


def _load_one(spec: Spec, people: _People) -> tuple[Document, bool]:
    group = people.ctx.orgs[spec.group]
    existing = Document.objects.filter(group=group, title=spec.title).first()
    if existing is not None:
        return existing, False
    created_at = _at(spec.issued - timedelta(days=1), 16) if spec.issued else None
    doc = services.document_create(
        actor=people.member(spec.group),
        group=group,
        kind=spec.kind,
        title=spec.title,
        body=spec.body or _body(spec.title, GENERIC_POINTS),
        recipients=[people.ctx.orgs[c] for c in spec.to],
        aspects_count=spec.aspects,
        items_count=spec.items,
        reply_due_on=spec.due,
        at=created_at,
    )
    if spec.issued is None:
        return doc, True
    doc = services.document_issue(
        actor=people.leader(spec.group), document=doc, issued_on=spec.issued, at=_at(spec.issued, 9)
    )
    rows = list(doc.recipients.select_related("org").order_by("org__path"))
    if spec.received is not None:
        for i, row in enumerate(rows):
            if row.org.code in spec.partial:
                continue
            _move(people, "acknowledge", row, _at(spec.issued + timedelta(days=spec.received), 10 + i))
    if spec.replied is not None:
        for i, row in enumerate(rows):
            text = REPLY_TEXT.format(org=row.org.display_name, title=spec.title)
            _move(people, "reply", row, _at(spec.issued + timedelta(days=spec.replied), 15 + i), text=text)
    if spec.closed is not None:
        closed_on = spec.issued + timedelta(days=spec.closed)
        doc = services.document_close(
            actor=people.leader(spec.group),
            document=Document.objects.get(pk=doc.pk),
            note="已按要求落实，予以办结。",
            closed_on=closed_on,
            at=_at(closed_on, 17),
        )
    return doc, True


def _move(people: _People, name: str, row, at: datetime, text: str = "") -> None:
    liaison = people.liaison(row.org)
    row.refresh_from_db()
    # An org without a demo liaison account (省医保局) had its receipt and reply registered without an actor.
    services._recipient_move(name, actor=liaison, recipient=row, text=text, at=at, check_actor=liaison is not None)


def _refresh_current(doc: Document, spec: Spec) -> None:
    """Keep the current documents current: move their dates to the day of loading (colours stay as designed)."""
    if doc.status == DocumentStatus.DRAFT:
        Document.objects.filter(pk=doc.pk).update(reply_due_on=spec.due)
    elif doc.issued_on != spec.issued or doc.reply_due_on != spec.due:
        Document.objects.filter(pk=doc.pk).update(issued_on=spec.issued, reply_due_on=spec.due)


def load(ctx) -> dict:
    """Create or update this module's demo records; return counts for the summary."""
    office = ctx.users["office"]
    for code, prefix in PREFIXES.items():
        if code in ctx.orgs:
            services.numbering_rule_set(actor=office, group=ctx.orgs[code], prefix=prefix)
    people = _People(ctx)
    today = timezone.localdate()
    current = {(s.group, s.title) for s in _current(today)}
    created = 0
    for spec in _specs(today):
        doc, new = _load_one(spec, people)
        created += new
        if not new and (spec.group, spec.title) in current:
            _refresh_current(doc, spec)
    titles = [s.title for s in _specs(today)]
    return {"documents": Document.objects.filter(title__in=titles).count(), "documents_created": created}
