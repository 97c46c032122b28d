"""Reported statistics of the Jilin 2022 scenario (DESIGN §8): every aggregate the article reports, as data values
of the org that reported it, and a weekly 长春市 return by district with one week approved and locked.

Deterministic and idempotent: codes and names are stable, rows are upserted.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from jiandu.organizations.enums import Role
from jiandu.organizations.models import RoleGrant, User
from jiandu.stats import totals
from jiandu.stats.enums import Aggregation, ApprovalStatus, Frequency, Operator, Wording
from jiandu.stats.models import Approval, DataSet, DataSetIndicator, DataValue, Indicator, ValidationRule
from jiandu.stats.periods import campaign_period, periods_between
from jiandu.stats.services import period_get

from .structure import DEMO_PASSWORD

TZ = ZoneInfo("Asia/Shanghai")
WAVE_START = date(2022, 3, 11)
ARTICLE_DAY = date(2022, 5, 20)
S, L = Aggregation.SUM, Aggregation.LAST
OVER, NEAR, NUM = Wording.OVER, Wording.NEARLY, Wording.NUMERAL  # how the briefing writes a rounded figure

# (name, group, reporting org, end of the campaign period, description,
#  [(indicator code, name, unit, aggregation, decimals, value[, wording])], rules [(left, operator, right)])
CAMPAIGN_SETS = [
    (
        "省直机关党员干部下沉社区统计",
        "G-SZJG",
        "D-SZJGGW",
        date(2022, 4, 27),
        "省直机关工委组织省直机关党员干部下沉社区、协助核酸检测的累计数（截至4月27日）。",
        [
            ("SZJG_XC", "党员干部下沉社区", "人次", L, 0, 414000),
            ("SZJG_HS", "协助社区核酸检测", "人次", L, 0, 50680000),
        ],
        [],
    ),
    (
        "国资系统疫情防控统计",
        "G-GZW",
        "D-GZW",
        ARTICLE_DAY,
        "驻省国资委组监督推动省国资委及监管企业参与疫情防控的累计数。",
        [
            ("GZW_ZYFW", "“党员突击队”和下沉社区志愿服务", "人次", L, 0, 89),
            ("GZW_JGXC", "省国资委机关下沉社区", "人次", L, 0, 1031),
            ("GZW_HS", "协助开展核酸检测服务", "人次", L, 0, 51236, OVER),
            ("GZW_JCDZZ", "参与疫情防控的基层党组织", "个", L, 0, 1787),
            ("GZW_DYGB", "奋战在防疫一线的党员干部", "名", L, 0, 11118),
            ("GZW_XCFW", "党员干部职工下沉服务", "人次", L, 0, 54446),
            ("GZW_JKJW", "累计捐款捐物", "万元", L, 2, Decimal("2286.43")),
        ],
        [("GZW_XCFW", Operator.GTE, "GZW_DYGB")],
    ),
    (
        "人社系统稳岗就业统计",
        "G-RST",
        "D-RST",
        ARTICLE_DAY,
        "省人社厅援企稳岗保就业政策措施与岗位、培训人数。",
        [
            ("RST_ZCCS", "提出政策措施", "条", L, 0, 21),
            ("RST_GYGW", "疫情防控临时性公益性岗位上岗", "人", L, 0, 2049),
            ("RST_XSPX", "重点群体线上培训", "人", L, 0, 10635),
            ("RST_GWPX", "公共卫生辅助人员线上培训", "人次", L, 0, 87593),
        ],
        [],
    ),
    (
        "科协助力春耕和复工复产统计",
        "G-KJT",
        "D-KX",
        ARTICLE_DAY,
        "省科协直播授课、创新创业大讲堂的场次与观看人数。",
        [
            ("KX_ZBSK", "春耕直播授课", "轮", L, 0, 12, OVER),
            ("KX_ZBGK", "直播授课观看", "人", L, 0, 1103000, OVER),
            ("KX_DJT", "创新创业大讲堂", "期", L, 0, 2, NUM),
            ("KX_QYJ", "线上观看大讲堂的企业家", "位", L, 0, 334, OVER),
        ],
        [],
    ),
    (
        "省投集团防疫捐赠统计",
        "G-STJT",
        "D-STJT",
        ARTICLE_DAY,
        "省投集团捐赠防疫物资和捐款。",
        [
            ("STJT_N95", "捐赠N95口罩", "支", L, 0, 80500, OVER),
            ("STJT_JK", "捐物捐款", "万元", L, 2, 298, NEAR),
        ],
        [],
    ),
    (
        "泉阳泉矿泉水保供统计",
        "G-SGJT",
        "U-QYQ",
        ARTICLE_DAY,
        "吉林森工集团所属泉阳泉饮品公司疫情期间矿泉水发运量。",
        [("SGJT_KQS", "发运矿泉水", "吨", L, 2, 226500)],
        [],
    ),
    (
        "吉视传媒红色影视资源统计",
        "G-JSCM",
        "U-JSYPSC",
        ARTICLE_DAY,
        "为全省高校提供红色影视资源的点击量。",
        [("JSCM_KGYLJ", "《跨过鸭绿江》上线31天点击量", "次", L, 0, 1479000)],
        [],
    ),
]

# The weekly return of 长春市's districts, owned by 驻省应急管理厅组: (org code, persons in week 14).
CC_SET = "长春市疫情防控力量下沉周报"
CC_DISTRICTS = [
    ("U-CC-NG", 820),
    ("U-CC-KC", 760),
    ("U-CC-CY", 910),
    ("U-CC-ED", 680),
    ("U-CC-LY", 740),
    ("U-CC-SY", 430),
    ("U-CC-JT", 390),
    ("U-CC-XQ", 560),
    ("U-CC-JK", 510),
    ("U-CC-NK", 470),
]
CC_START, CC_END = date(2022, 4, 4), date(2022, 5, 1)  # ISO weeks 2022-W14 … 2022-W17
CC_LOCKED_WEEK = "2022-W16"
CC_LIAISONS = [("cc_liaison", "长春市联络员", "U-CC"), ("ccng_liaison", "南关区联络员", "U-CC-NG")]


def cc_week_values(persons_w14: int, week_index: int) -> tuple[int, int]:
    """(人次, 人数) of a district for the n-th week (0-based): the wave peaks in week 15, then eases."""
    persons = persons_w14 * (100 + (10, 25, 15, 5)[week_index]) // 100
    return persons * (5 - week_index % 2), persons


def _indicator(code, name, unit, aggregation, decimals, wording=Wording.EXACT) -> Indicator:
    ind, _ = Indicator.objects.update_or_create(
        code=code,
        defaults={"name": name, "unit": unit, "aggregation": aggregation, "decimals": decimals, "wording": wording},
    )
    return ind


def _dataset(name, group, frequency, start, end, due_days, description, indicators, reporting, rules) -> DataSet:
    ds, _ = DataSet.objects.update_or_create(
        group=group,
        name=name,
        defaults={
            "frequency": frequency,
            "start_date": start,
            "end_date": end,
            "due_days": due_days,
            "description": description,
        },
    )
    for i, ind in enumerate(indicators):
        DataSetIndicator.objects.update_or_create(dataset=ds, indicator=ind, defaults={"sort_order": i})
    ds.reporting_orgs.set(reporting)
    by_code = {i.code: i for i in indicators}
    for left, op, right in rules:
        ValidationRule.objects.get_or_create(dataset=ds, left=by_code[left], operator=op, right=by_code[right])
    return ds


def _value(ds, ind, org, period, value, user, at) -> None:
    DataValue.objects.update_or_create(
        indicator=ind,
        org=org,
        period=period,
        defaults={"dataset": ds, "value": Decimal(value), "entered_by": user, "entered_at": at},
    )


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def _liaisons(ctx) -> dict[str, User]:
    password = make_password(DEMO_PASSWORD)
    out = {}
    for username, full_name, org_code in CC_LIAISONS:
        org = ctx.orgs[org_code]
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "org": org, "password": password}
        )
        if not created:
            User.objects.filter(pk=user.pk).update(full_name=full_name, org=org, must_change_password=False)
        RoleGrant.objects.get_or_create(user=user, role=Role.LIAISON, org=org)
        ctx.users[username] = out[username] = user
    return out


def load(ctx) -> dict:
    """Create or update this module's demo records; return counts for the summary."""
    values = 0
    for name, group, reporter, end, description, rows, rules in CAMPAIGN_SETS:
        indicators = [_indicator(*r[:5], *r[6:]) for r in rows]
        ds = _dataset(
            name, ctx.orgs[group], Frequency.CAMPAIGN, WAVE_START, end, 3, description, indicators,
            [ctx.orgs[reporter]], rules,
        )  # fmt: skip
        period = period_get(campaign_period(WAVE_START, end))
        prefix = next(g[5] for g in _groups() if g[0] == group)
        user = ctx.users.get(f"{prefix}_liaison") or ctx.users.get(f"{prefix}_member")
        for ind, row in zip(indicators, rows, strict=True):
            _value(ds, ind, ctx.orgs[reporter], period, row[5], user, _at(end))
            values += 1

    liaisons = _liaisons(ctx)
    persons_times = _indicator("CC_XCRC", "干部下沉社区", "人次", S, 0)
    persons = _indicator("CC_XCRS", "下沉社区干部", "人", L, 0)
    ds = _dataset(
        CC_SET, ctx.orgs["G-YJT"], Frequency.WEEKLY, CC_START, CC_END, 2,
        "长春市各县（市）区、开发区每周报送干部下沉社区参与疫情防控的人次和人数。",
        [persons_times, persons], [ctx.orgs[c] for c, _ in CC_DISTRICTS], [("CC_XCRC", Operator.GTE, "CC_XCRS")],
    )  # fmt: skip
    weeks = periods_between(Frequency.WEEKLY, CC_START, CC_END)
    for w, key in enumerate(weeks):
        period = period_get(key)
        for code, base in CC_DISTRICTS:
            if w == len(weeks) - 1 and code == "U-CC-NK":
                continue  # 净月区 has not reported the last week yet (completeness 9/10)
            late = w == len(weeks) - 1 and code == "U-CC-JT"  # 九台区 reported the last week late
            user = liaisons["ccng_liaison"] if code == "U-CC-NG" else liaisons["cc_liaison"]
            at = _at(key.end_date + timedelta(days=5 if late else 1))
            times, heads = cc_week_values(base, w)
            _value(ds, persons_times, ctx.orgs[code], period, times, user, at)
            _value(ds, persons, ctx.orgs[code], period, heads, user, at)
            values += 2
    locked = period_get(CC_LOCKED_WEEK)
    Approval.objects.update_or_create(
        dataset=ds,
        org=ctx.orgs["U-CC"],
        period=locked,
        defaults={
            "status": ApprovalStatus.LOCKED,
            "approved_by": ctx.users.get("yjt_leader"),
            "approved_at": _at(locked.end_date + timedelta(days=3), 16),
        },
    )
    totals.rebuild()  # the values above were written directly, not through set_values
    return {"stat_datasets": len(CAMPAIGN_SETS) + 1, "stat_values": values}


def _groups():
    from .structure import GROUPS

    return GROUPS
