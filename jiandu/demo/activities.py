"""Demo activities and campaigns reproducing the founding article (DESIGN §8, issue 3 "Demo data").

驻省卫健委组: 28 phone checks (电话抽查暗访28次), stationed stints totalling 53 days (驻点监督50余天), covert,
室组联动 and 四不两直 checks of hospitals, and the 4月28日 check at 一汽集团 led by 赫军 (with the article's photo
caption); 驻省商务厅组: 6 supermarkets and 1 wholesale market on 4月28日、29日; the activities behind every photo
caption; 驻省应急管理厅组's tent campaign over 97 communities and 187 tent sites; and a few more so that every
method appears. Records go through the services (timeline, audit) as the group's leader. Deterministic and
idempotent: an activity is found again by (group, start date, title) and never recorded or photographed twice.
"""

import io
import random
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from jiandu.activities import campaign_services, services
from jiandu.activities.enums import DEFAULT_TOPICS, Method
from jiandu.activities.models import Activity, Campaign, Topic

D = date


def photo(seed: int) -> bytes:
    """A 1200×800 JPEG of colour bands and shapes, the same for the same seed (no text)."""
    rng = random.Random(seed)
    img = Image.new("RGB", (1200, 800))
    draw = ImageDraw.Draw(img)
    top = (rng.randint(90, 200), rng.randint(120, 210), rng.randint(170, 240))  # sky
    ground = (rng.randint(60, 140), rng.randint(60, 120), rng.randint(40, 90))
    for y in range(0, 800, 8):
        t = y / 800
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, ground, strict=True))
        draw.rectangle([0, y, 1200, y + 8], fill=colour)
    for _ in range(7):  # buildings, tents, vehicles
        x, w, h = rng.randint(0, 1100), rng.randint(80, 260), rng.randint(120, 420)
        fill = (rng.randint(120, 250), rng.randint(60, 200), rng.randint(40, 180))
        draw.rectangle([x, 620 - h, x + w, 620], fill=fill, outline=(40, 40, 40), width=3)
    for _ in range(5):  # people
        x = rng.randint(50, 1150)
        draw.ellipse([x, 560, x + 36, 596], fill=(230, 190, 160))
        draw.rectangle([x + 4, 596, x + 32, 680], fill=(rng.randint(0, 80), rng.randint(0, 80), rng.randint(80, 200)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _topics() -> dict[str, Topic]:
    """The topics of DESIGN §3 (also seeded by a migration; made here too for a flushed test database)."""
    out = {}
    for i, name in enumerate(DEFAULT_TOPICS):
        out[name], _ = Topic.objects.get_or_create(name=name, defaults={"sort_order": (i + 1) * 10})
    return out


class _Recorder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.topics = _topics()
        self.count = 0

    def leader(self, prefix: str):
        return self.ctx.users[f"{prefix}_leader"]

    def record(
        self,
        prefix: str,
        group_code: str,
        method: str,
        title: str,
        start: date,
        end: date | None = None,
        *,
        topics=(),
        sites=(),
        orgs=(),
        led: bool = True,
        members: bool = True,
        external: str = "",
        summary: str = "",
        findings: str = "",
        campaign: Campaign | None = None,
        photos=(),
    ) -> Activity:
        group = self.ctx.orgs[group_code]
        self.count += 1
        existing = Activity.objects.filter(group=group, start_date=start, title=title).first()
        if existing is not None:
            return existing
        actor = self.leader(prefix)
        member = self.ctx.users.get(f"{prefix}_member")
        uploads = [
            (SimpleUploadedFile(f"{start:%m%d}-{seed}.jpg", photo(seed), content_type="image/jpeg"), caption)
            for seed, caption in photos
        ]
        return services.activity_create(
            actor=actor,
            group=group,
            method=method,
            title=title,
            start_date=start,
            end_date=end,
            topics=[self.topics[t] for t in topics],
            campaign=campaign,
            leader=actor if led else None,
            participants=[member] if members and member else [],
            external_participants=external,
            target_orgs=[self.ctx.orgs[c] for c in orgs],
            sites=[self.ctx.sites[c] for c in sites],
            summary=summary,
            findings=findings,
            photos=uploads,
        )


def _wjw(r: _Recorder) -> None:
    """驻省卫健委组: 电话抽查暗访28次, 驻点监督53天, 明察暗访、室组联动、四不两直, and 4月28日 at 一汽集团."""
    hospitals = ["WJ-YY-01", "WJ-YY-02", "WJ-YY-03"]
    subjects = [
        "发热门诊接诊",
        "核酸检测流程",
        "特殊群体就医",
        "院感防控",
        "急危重症救治通道",
        "透析患者就医",
        "孕产妇就医",
    ]
    first = D(2022, 3, 14)
    for i in range(28):
        day = first + timedelta(days=2 * i)
        subject = subjects[i % len(subjects)]
        r.record(
            "wjw",
            "G-WJW",
            Method.PHONE_CHECK,
            f"电话抽查医疗机构{subject}情况（第{i + 1}次）",
            day,
            topics=["疫情防控", "医疗救治"],
            sites=[hospitals[i % 3]],
            orgs=["D-WJW"],
            led=i % 4 == 0,
            summary=f"以患者身份电话询问{subject}安排，核实疫情期间就医渠道是否畅通。",
            findings="个别医院咨询电话长时间无人接听。" if i % 9 == 4 else "",
        )
    stints = [
        (D(2022, 3, 14), D(2022, 3, 25), "WJ-YY-03", "长春市传染病医院"),
        (D(2022, 3, 28), D(2022, 4, 8), "WJ-YY-01", "吉林省人民医院"),
        (D(2022, 4, 11), D(2022, 4, 20), "WJ-YY-02", "吉林大学第一医院"),
        (D(2022, 4, 22), D(2022, 5, 1), "WJ-YY-01", "吉林省人民医院"),
        (D(2022, 5, 5), D(2022, 5, 13), "WJ-YY-03", "长春市传染病医院"),
    ]  # 12 + 12 + 10 + 10 + 9 = 53 days: 驻点监督50余天
    for start, end, site, name in stints:
        r.record(
            "wjw",
            "G-WJW",
            Method.STATIONED,
            f"驻点监督{name}疫情防控和医疗救治工作",
            start,
            end,
            topics=["疫情防控", "医疗救治"],
            sites=[site],
            orgs=["D-WJW"],
            summary="驻点跟踪院感防控、核酸检测、发热门诊和住院患者救治等工作落实情况，每日梳理问题清单。",
            findings="核酸检测采样点排队时间较长，已督促增设采样窗口。",
        )
    for i, (day, site) in enumerate([(D(2022, 3, 22), 0), (D(2022, 4, 6), 1), (D(2022, 4, 19), 2)]):
        r.record(
            "wjw",
            "G-WJW",
            Method.COVERT,
            f"明察暗访{['吉林省人民医院', '吉林大学第一医院', '长春市传染病医院'][site]}院感防控",
            day,
            topics=["疫情防控", "医疗救治"],
            sites=[hospitals[site]],
            orgs=["D-WJW"],
            led=i == 0,
            summary="以就诊群众身份查看预检分诊、陪护管理和医疗废物处置情况。",
            findings="陪护人员管理不严，个别病区陪护人员未按要求检测。" if i == 1 else "",
        )
    for day, site in [(D(2022, 3, 30), 0), (D(2022, 4, 25), 2)]:
        r.record(
            "wjw",
            "G-WJW",
            Method.UNANNOUNCED,
            "“四不两直”检查医院核酸检测和发热门诊",
            day,
            topics=["疫情防控"],
            sites=[hospitals[site]],
            orgs=["D-WJW"],
            summary="不发通知、不打招呼，直奔发热门诊和核酸采样点，检查流程规范和人员防护。",
        )
    for day, title in [
        (D(2022, 3, 18), "会同派驻机构管理室督导省卫健委落实疫情防控工作组成员单位职责"),
        (D(2022, 4, 13), "“室组联动”检查医疗机构规范核酸检测流程"),
    ]:
        r.record(
            "wjw",
            "G-WJW",
            Method.JOINT,
            title,
            day,
            topics=["疫情防控"],
            sites=hospitals[:2],
            orgs=["D-WJW", "D-YBJ"],
            summary="室组联动，督促省卫健委加强医疗服务监管，帮助群众捋顺求医问药流程。",
        )
    r.record(
        "wjw",
        "G-WJW",
        Method.ON_SITE,
        "实地监督检查省卫健委协助一汽集团复工复产专班工作",
        D(2022, 4, 28),
        topics=["复工复产", "疫情防控"],
        sites=["WJ-QY-01"],
        orgs=["D-WJW", "U-FAW"],
        summary="赴一汽集团实地监督检查省卫健委协助一汽集团复工复产专班相关工作开展情况。",
        photos=[
            (
                428,
                "图为4月28日，省纪委监委驻省卫健委纪检监察组组长赫军赴一汽集团，"
                "实地监督检查省卫健委协助一汽集团复工复产专班相关工作开展情况。",
            )
        ],
    )


def _swt(r: _Recorder) -> None:
    """驻省商务厅组: 4月28日、29日 6家大型商超和某批发市场."""
    r.record(
        "swt",
        "G-SWT",
        Method.ON_SITE,
        "会同省商务厅督导检查商超和批发市场复商复市及疫情防控",
        D(2022, 4, 28),
        topics=["复商复市", "复工复产", "疫情防控"],
        sites=["SW-SC-02", "SW-SC-03", "SW-SC-04", "SW-PF-01"],
        orgs=["D-SWT"],
        summary="与省商务厅组成督导检查组，检查企业复工复产、复商复市情况和恢复运营后的疫情防控工作。",
        findings="个别超市出入口人员聚集，未保持有效距离。",
        photos=[(4281, "图为4月28日，驻省商务厅纪检监察组与省商务厅督导检查组在大型商超检查复商复市情况。")],
    )
    r.record(
        "swt",
        "G-SWT",
        Method.ON_SITE,
        "检查大型商超蔬菜供应和恢复运营后疫情防控",
        D(2022, 4, 29),
        topics=["复商复市", "物资保障", "疫情防控"],
        sites=["SW-SC-01", "SW-SC-05", "SW-SC-06"],
        orgs=["D-SWT", "U-WALMART-LHJ"],
        summary="检查蔬菜等生活物资供应、限流和消杀措施落实情况，并向省商务厅提出具体意见。",
        findings="个别超市高峰时段人员聚集。",
        photos=[
            (429, "图为4月29日，省纪委监委驻省商务厅纪检监察组组长王燕来到沃尔玛超市（临河街店）检查蔬菜供应情况。")
        ],
    )


def _captions(r: _Recorder) -> None:
    """The other activities behind the article's photos and paragraphs."""
    r.record(
        "gxt",
        "G-GXT",
        Method.ON_SITE,
        "监督检查省工信厅疫情防控物资仓库运行管理情况",
        D(2022, 3, 27),
        topics=["物资保障", "疫情防控"],
        sites=["GX-CK-01"],
        orgs=["D-GXT", "U-SYYD"],
        summary="赴上药集团云顶街库房现场，检查防疫物资入库、调拨、台账管理情况，防止违规违纪问题发生。",
        photos=[
            (
                327,
                "图为3月27日，省纪委监委驻省工信厅纪检监察组组长高青岩赴长春市朝阳区上药集团云顶街库房现场，"
                "监督检查省工信厅疫情防控物资仓库运行管理情况。",
            )
        ],
    )
    r.record(
        "nynct",
        "G-NYNCT",
        Method.ON_SITE,
        "备春耕工作监督检查：奢岭街道种子化肥销售点",
        D(2022, 4, 14),
        topics=["春耕备耕", "物资保障"],
        sites=["NY-QY-01"],
        orgs=["D-NYNCT", "U-CC-SY-SL"],
        summary="牵头联合省农业农村厅有关处室组成备春耕工作监督检查组，听取种子化肥供应和运输有关问题反映。",
        photos=[
            (
                414,
                "图为4月14日，省纪委监委驻省农业农村厅纪检监察组组长张景隆牵头联合省农业农村厅有关处室"
                "组成备春耕工作监督检查组，深入双阳区奢岭街道种子化肥销售点听取有关问题反映。",
            )
        ],
    )
    for day, site, name in [
        (D(2022, 4, 8), "NY-RX-01", "“12316新农村热线”"),
        (D(2022, 4, 12), "NY-RX-02", "备春耕服务热线"),
    ]:
        r.record(
            "nynct",
            "G-NYNCT",
            Method.COVERT,
            f"暗访检查{name}接听办理情况",
            day,
            topics=["春耕备耕"],
            sites=[site],
            orgs=["D-NYNCT"],
            summary="以农户身份拨打热线咨询农资购买和农技指导，检查接听、登记、转办和答复情况。",
            findings="个别时段热线占线，回访不及时。" if site == "NY-RX-02" else "",
        )
    r.record(
        "gat",
        "G-GAT",
        Method.ON_SITE,
        "在长新街交通卡点执行检查过往车辆任务",
        D(2022, 4, 3),
        topics=["疫情防控"],
        sites=["GA-KD-01"],
        orgs=["D-GAT", "U-CC-ED"],
        led=False,
        members=False,
        external="王显伟、刘百川",
        summary="下沉交通卡点，协助查验过往车辆和人员通行证明，监督卡点防控措施落实。",
        photos=[
            (
                403,
                "图为4月3日，省纪委监委驻省公安厅纪检监察组王显伟、刘百川在长春市二道区长新街交通卡点"
                "执行检查过往车辆任务。",
            )
        ],
    )
    r.record(
        "sthjt",
        "G-STHJT",
        Method.ON_SITE,
        "检查高校涉疫垃圾规范化管理和污水消毒",
        D(2022, 4, 16),
        topics=["环境消杀", "疫情防控"],
        sites=["JY-XX-01"],
        orgs=["D-STHJT", "U-CCSFDX"],
        summary="前往长春师范大学实地查看涉疫垃圾收集、暂存、转运和污水消毒等环境消杀工作。",
        photos=[(416, "图为4月16日，驻省生态环境厅纪检监察组在长春师范大学检查涉疫垃圾规范化管理情况。")],
    )
    r.record(
        "sthjt",
        "G-STHJT",
        Method.ON_SITE,
        "检查宾馆隔离点、高校隔离宿舍和隔离小区环境消杀",
        D(2022, 4, 21),
        topics=["环境消杀", "疫情防控"],
        sites=["ST-GL-01", "ST-GL-02", "ST-GL-03"],
        orgs=["D-STHJT"],
        summary="实地查看隔离点涉疫垃圾堆存处理和污水消毒情况。",
        findings="个别隔离点涉疫垃圾堆存处理不及时，已推动解决。",
    )
    r.record(
        "gzw",
        "G-GZW",
        Method.VIDEO,
        "视频监督省国资委监管企业疫情防控和复工复产调度会",
        D(2022, 4, 20),
        topics=["复工复产", "疫情防控"],
        orgs=["D-GZW"],
        summary="通过视频方式列席调度会，监督推动监管企业基层党组织参与疫情防控。",
    )
    r.record(
        "stjt",
        "G-STJT",
        Method.VIDEO,
        "通过视频方式监督集团“三重一大”事项决策",
        D(2022, 4, 15),
        topics=["物资保障", "疫情防控"],
        orgs=["D-STJT", "U-QCJS"],
        summary="视频列席集团党委会，监督防疫物资捐赠和方舱医院项目设计、监理工作决策程序。",
    )
    # So that every method appears in the demo.
    r.record(
        "jyt",
        "G-JYT",
        Method.SPECIAL,
        "与省教育厅督导组协同开展高校疫情防控专项督导",
        D(2022, 4, 9),
        topics=["疫情防控"],
        sites=["JY-XX-01"],
        orgs=["D-JYT", "U-CCSFDX"],
        summary="配合省纪委监委，主动与各级相关部门督导组协同开展专项督导。",
    )
    r.record(
        "lcj",
        "G-LCJ",
        Method.ONLINE,
        "开展“在线”监督和警示教育",
        D(2022, 4, 18),
        topics=["疫情防控"],
        orgs=["D-LCJ"],
        summary="督促驻在部门明确纪律要求，规定“十个严禁”，通过在线平台开展监督和警示教育。",
    )
    r.record(
        "jtyst",
        "G-JTYST",
        Method.TALK,
        "提醒谈话：压实农民工返岗、农民返乡春耕出行保障主体责任",
        D(2022, 4, 7),
        topics=["春耕备耕", "复工复产"],
        orgs=["D-JTYST"],
        summary="按照“一车一方案”原则，提醒驻在部门保障集中出行需求。",
    )


def _yjt(r: _Recorder) -> Campaign:
    """驻省应急管理厅组: 涉疫帐篷安全专项监督 — 97 communities and 187 tent sites, one check per district."""
    from jiandu.demo.sites import DISTRICT_NAMES, DISTRICTS

    group = r.ctx.orgs["G-YJT"]
    campaign = Campaign.objects.filter(group=group, title="涉疫帐篷安全专项监督").first()
    if campaign is None:
        campaign = campaign_services.campaign_create(
            actor=r.leader("yjt"),
            group=group,
            title="涉疫帐篷安全专项监督",
            topic=r.topics["疫情防控"],
            start_date=D(2022, 4, 6),
            end_date=D(2022, 5, 10),
            scope_orgs=[r.ctx.orgs["U-CC"], r.ctx.orgs["D-YJT"]],
            description="督促驻在部门党委开展专项监督，干部就近到防疫帐篷设置点，对帐篷使用和棉被等物资配备情况进行检查。",
            planned_checks=len(DISTRICTS),
            planned_sites=97 + 187,
        )
    by_district: dict[str, list[str]] = {}
    for code, site in sorted(r.ctx.sites.items()):
        if code.startswith(("CC-SQ-", "CC-ZP-")):
            by_district.setdefault(site.responsible_org.code, []).append(code)
    problems = [3, 2, 2, 3, 2, 2, 2, 2, 2, 1]  # 21处问题责成属地立即整改
    for i, district in enumerate(DISTRICTS):
        name = DISTRICT_NAMES[district]
        r.record(
            "yjt",
            "G-YJT",
            Method.ON_SITE,
            f"{name}防疫帐篷设置点安全检查",
            D(2022, 4, 8) + timedelta(days=3 * i),
            topics=["疫情防控", "物资保障"],
            sites=by_district.get(district, []),
            orgs=["D-YJT", district],
            campaign=campaign,
            summary=f"抽查{name}社区和防疫帐篷设置点，检查帐篷使用、加固和棉被等物资配备情况。",
            findings=f"发现{problems[i]}处问题（帐篷加固不到位、棉被配备不足等），已责成属地立即整改。",
            photos=[(900 + i, f"图为{4}月{8 + 3 * i}日，驻省应急管理厅纪检监察组检查{name}防疫帐篷设置点。")]
            if i == 0
            else [],
        )
    return campaign


def load(ctx) -> dict:
    """Create the demo activities and campaigns once; return counts for the summary."""
    r = _Recorder(ctx)
    _wjw(r)
    _swt(r)
    _captions(r)
    _yjt(r)
    groups = [ctx.orgs[c] for c in ctx.orgs if c.startswith("G-")]
    return {
        "activities": Activity.objects.filter(group__in=groups).count(),
        "campaigns": Campaign.objects.filter(group__in=groups).count(),
    }
