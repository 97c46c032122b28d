"""Demo data of the hotline module (DESIGN §8, issue 6 "Hotlines"):

- the registry: 12316新农村热线 (省农业农村厅, site NY-RX-01), the 备春耕服务热线 of the 9 市(州) of Jilin —
  长春's operated by 长春市 (U-CC, site NY-RX-02); the other eight, to keep the org tree as it is, registered
  under 省农业农村厅 as operating org — and the 12345 (省政数局, site ZS-RX-01). The 备春耕 hotlines are
  supervised by the 农业农村厅 group (长春市 has no supervising group of its own in the demo tree);
- covert test calls (暗访测试) by 驻省农业农村厅组 (nynct_member calls, nynct_leader converts) in April 2022,
  some failing; the one to 长春 that rang out became a problem through problem_create;
- citizen cases about 备春耕 (seed and fertiliser supply, passes for farm machinery) routed to 省农业农村厅 with
  answers and callbacks (one answered late, one substantiated and turned into a problem), and one current case
  whose answer deadline has passed, so that the red colour shows for nynct_liaison.

Everything goes through the services (events, audit) at its historical date. Idempotent: a hotline is identified
by its operating org and name, a test call by hotline and planned time, a case by hotline and number.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from jiandu.activities.models import Topic
from jiandu.hotline import services
from jiandu.hotline.enums import CaseStatus
from jiandu.hotline.models import Hotline, HotlineCase, TestCall
from jiandu.problems.services import notifications_off

SHANGHAI = ZoneInfo("Asia/Shanghai")
CITY_CODES = {
    "吉林市": "0432",
    "四平市": "0434",
    "辽源市": "0437",
    "通化市": "0435",
    "白山市": "0439",
    "松原市": "0438",
    "白城市": "0436",
    "延边州": "0433",
}


def _at(month, day, hour=9, minute=0) -> datetime:
    return datetime(2022, month, day, hour, minute, tzinfo=SHANGHAI)


def _hotlines(ctx) -> dict[str, Hotline]:
    o, s = ctx.orgs, ctx.sites
    topic = Topic.objects.filter(name="春耕备耕").first()
    specs = [
        ("12316", "12316新农村热线", "12316", "D-NYNCT", "G-NYNCT", "8:00-17:00", topic, s.get("NY-RX-01")),
        ("长春市", "长春市备春耕服务热线", "0431-12316", "U-CC", "G-NYNCT", "8:00-20:00", topic, s.get("NY-RX-02")),
    ]
    for city, area in CITY_CODES.items():
        specs.append((city, f"{city}备春耕服务热线", f"{area}-12316", "D-NYNCT", "G-NYNCT", "8:00-17:00", topic, None))
    specs.append(("12345", "12345政务服务便民热线", "12345", "D-ZSJ", "G-ZSJ", "全天", None, s.get("ZS-RX-01")))
    office = ctx.users["office"]
    out = {}
    for key, name, number, org, group, hours, topic_, site in specs:
        hotline = Hotline.objects.filter(operating_org=o[org], name=name).first()
        if hotline is None:
            hotline = services.hotline_create(
                actor=office,
                name=name,
                number=number,
                operating_org=o[org],
                group=o[group],
                hours=hours,
                topic=topic_,
                site=site,
            )
        out[key] = hotline
    return out


# (hotline key, planned/called at, connected, wait seconds, answer correct, score, question, note)
CALLS = [
    ("12316", _at(4, 6, 9, 10), True, 8, True, 5, "玉米种子在哪里能买到？", "接听及时，答复准确，告知就近农资店。"),
    ("长春市", _at(4, 7, 10, 30), True, 12, True, 4, "封控期间化肥如何配送到村？", "告知“点对点”配送办法。"),
    ("吉林市", _at(4, 8, 14, 0), True, 25, False, 2, "农机手下田作业通行证如何办理？", "答复含糊，未告知办理渠道。"),
    ("四平市", _at(4, 11, 9, 40), True, 9, True, 5, "种子化肥价格咨询", "服务热情，答复准确。"),
    ("延边州", _at(4, 12, 15, 20), True, 30, True, 3, "春耕贷款政策咨询", "答复基本准确，等待时间稍长。"),
    ("12316", _at(4, 13, 14, 20), True, 15, True, 4, "农资运输车辆通行证如何办理？", "答复准确。"),
    ("长春市", _at(4, 14, 16, 5), False, 60, None, None, "封控小区农户如何购买种子？", "响铃60秒无人接听。"),
    ("松原市", _at(4, 15, 10, 15), True, 18, True, 4, "化肥供应网点查询", "答复准确。"),
    ("白城市", _at(4, 19, 11, 0), False, 45, None, None, "种子供应咨询", "提示“座席忙”，未接通。"),
    ("12316", _at(4, 20, 10, 5), True, 72, True, 3, "春耕生产补贴政策咨询", "等待72秒才接通，答复准确。"),
    ("长春市", _at(4, 21, 9, 30), True, 20, True, 4, "农机维修点是否营业？", "答复准确。"),
    ("12316", _at(4, 27, 16, 40), True, 10, True, 5, "水稻育秧技术咨询", "转接农技专家，答复专业。"),
]
PLANNED = [("通化市", _at(4, 29, 10, 0), "种子化肥供应咨询"), ("白山市", _at(4, 29, 14, 0), "农机通行证办理")]
# The call that rang out becomes a problem (one click of nynct_leader, two hours later).
RANG_OUT = ("长春市", _at(4, 14, 16, 5))


def _test_calls(ctx, hotlines) -> tuple[int, int]:
    member, leader, group = ctx.users["nynct_member"], ctx.users["nynct_leader"], ctx.orgs["G-NYNCT"]
    problems = 0
    for key, at, connected, wait, correct, score, question, note in CALLS:
        call = TestCall.objects.filter(hotline=hotlines[key], planned_at=at).first()
        if call is None:
            call = services.test_call_create(
                actor=member,
                hotline=hotlines[key],
                group=group,
                planned_at=at,
                question=question,
                note=note,
                result={
                    "called_at": at,
                    "connected": connected,
                    "wait_seconds": wait,
                    "answer_correct": correct,
                    "quality_score": score,
                    "caller": member,
                },
            )
        if (key, at) == RANG_OUT and call.problem_id is None:
            services.test_call_to_problem(actor=leader, call=call, at=at + timedelta(hours=2))
        problems += call.problem_id is not None or (key, at) == RANG_OUT
    for key, at, question in PLANNED:
        if not TestCall.objects.filter(hotline=hotlines[key], planned_at=at).exists():
            services.test_call_create(
                actor=member, hotline=hotlines[key], group=group, planned_at=at, question=question
            )
    return len(CALLS) + len(PLANNED), problems


# (hotline key, number, received at, caller, phone, category, issue, due, answer (at, text) or None,
#  callback (at, satisfaction, substantiated, note) or None, closed at or None, to problem)
CASES = [
    (
        "12316",
        "12316-20220408-0012",
        _at(4, 8, 9, 20),
        "王德顺",
        "13904311234",
        "种子供应",
        "德惠市某镇农资店玉米种子断货，询问何时补货，担心误了农时。",
        (4, 11),
        (_at(4, 10, 15, 0), "已协调种业企业向德惠市调运玉米种子20吨，4月11日前到店，并公布了就近购种网点。"),
        (_at(4, 12, 10, 0), 5, False, "群众表示已买到种子，满意。"),
        _at(4, 12, 11, 0),
        False,
    ),
    (
        "长春市",
        "CC-BCG-20220412-0031",
        _at(4, 12, 14, 30),
        "李桂芝",
        "13504437788",
        "化肥供应",
        "封控期间化肥运不进村，村口卡点不放行农资车辆，部分农户已断肥。",
        (4, 15),
        (_at(4, 16, 17, 0), "已为农资配送车辆办理通行证，协调属地卡点放行，4月16日起化肥分批送达各村。"),
        (_at(4, 18, 9, 30), 3, True, "反映属实，答复超期，群众基本满意。"),
        _at(4, 18, 10, 0),
        True,
    ),
    (
        "12316",
        "12316-20220418-0047",
        _at(4, 18, 8, 50),
        "张宝山",
        "15844012345",
        "农机通行",
        "农机手跨县作业无法办理通行证，农机下不了田。",
        (4, 20),
        (_at(4, 19, 16, 0), "已开通农机跨区作业通行证线上办理渠道，当日可办结。"),
        (_at(4, 21, 10, 0), 4, False, "群众已办理通行证。"),
        None,
        False,
    ),
    (
        "12316",
        "12316-20220425-0063",
        _at(4, 25, 10, 10),
        "刘淑华",
        "13029876543",
        "种子质量",
        "购买的大豆种子发芽率低，怀疑质量有问题。",
        (4, 28),
        (_at(4, 27, 14, 0), "已安排农业综合执法支队抽检该批次种子，结果将于5月上旬告知。"),
        None,
        None,
        False,
    ),
]
CURRENT_NUMBER = "12316-当前-0001"  # the current case: received 6 days ago, due 2 days ago, not answered (red)


def _load_case(ctx, hotlines, spec) -> HotlineCase:
    key, number, received, name, phone, category, issue, due, answer, callback, closed, to_problem = spec
    member, liaison, leader = ctx.users["nynct_member"], ctx.users["nynct_liaison"], ctx.users["nynct_leader"]
    hotline = hotlines[key]
    case = HotlineCase.objects.filter(hotline=hotline, number=number).first()
    if case is None:
        case = services.case_create(
            actor=member,
            hotline=hotline,
            number=number,
            received_at=received,
            caller_name=name,
            caller_phone=phone,
            category=category,
            issue=issue,
            at=received,
        )
    if case.status == CaseStatus.RECEIVED and due is not None:
        due_on = due if not isinstance(due, tuple) else received.date().replace(month=due[0], day=due[1])
        case = services.case_assign(
            actor=member,
            case=case,
            routed_org=ctx.orgs["D-NYNCT"],
            answer_due_on=due_on,
            at=received + timedelta(hours=1),
        )
    if case.status == CaseStatus.ASSIGNED and answer is not None:
        case = services.case_answer(actor=liaison, case=case, answer=answer[1], at=answer[0])
    if case.status == CaseStatus.ANSWERED and callback is not None:
        at, satisfaction, substantiated, note = callback
        case = services.case_callback(
            actor=member, case=case, satisfaction=satisfaction, substantiated=substantiated, note=note, at=at
        )
    if case.status == CaseStatus.CALLED_BACK and closed is not None:
        case = services.case_close(actor=leader, case=case, at=closed)
    if to_problem and case.problem_id is None:
        services.case_to_problem(actor=leader, case=case, at=closed)
    return case


def _cases(ctx, hotlines) -> int:
    for spec in CASES:
        _load_case(ctx, hotlines, spec)
    today = timezone.localdate()
    received = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) - timedelta(days=6)
    current = (
        "12316",
        CURRENT_NUMBER,
        received,
        "赵玉兰",
        "13756781234",
        "化肥供应",
        "村里复合肥价格比往年高出三成，个别农资店囤货惜售，请求核查。",
        today - timedelta(days=2),
        None,
        None,
        None,
        False,
    )
    case = HotlineCase.objects.filter(hotline=hotlines["12316"], number=CURRENT_NUMBER).first()
    if case is not None and case.status == CaseStatus.ASSIGNED:
        # Keep it current and red on every load: received six days ago, due two days ago.
        HotlineCase.objects.filter(pk=case.pk).update(received_at=received, answer_due_on=today - timedelta(days=2))
    else:
        _load_case(ctx, hotlines, current)
    # A 12345 case the 政数局 group has received and not yet routed.
    if not HotlineCase.objects.filter(hotline=hotlines["12345"], number="12345-20220420-0102").exists():
        services.case_create(
            actor=ctx.users["zsj_member"],
            hotline=hotlines["12345"],
            number="12345-20220420-0102",
            received_at=_at(4, 20, 11, 15),
            caller_name="孙立国",
            caller_phone="18943001122",
            category="返乡政策",
            issue="咨询外省返乡务农人员的隔离和健康监测政策。",
            at=_at(4, 20, 11, 15),
        )
    return HotlineCase.objects.filter(hotline__in=hotlines.values()).count()


def load(ctx) -> dict:
    """Create or update this module's demo records; return counts for the summary."""
    with notifications_off():
        hotlines = _hotlines(ctx)
        calls, problems = _test_calls(ctx, hotlines)
        cases = _cases(ctx, hotlines)
    problems += HotlineCase.objects.filter(hotline__in=hotlines.values(), problem__isnull=False).count()
    return {"hotlines": len(hotlines), "hotline_cases": cases, "test_calls": calls, "hotline_problems": problems}
