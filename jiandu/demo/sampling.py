"""Demo of double-random spot checks (双随机抽查), from the founding article:

- 驻省应急管理厅组 (G-YJT): the tent-safety plan of the campaign 涉疫帐篷安全专项监督 — all 97 communities and
  187 tent sites of 长春市 (the population equals the sample, fixed seed), checked in April 2022 by yjt_leader and
  yjt_member in rotation; 21 failed items at tent sites (21处问题责成属地立即整改). Where the problems demo already
  registered G-YJT problems at tent sites, each failed item is linked to one of them (no duplicate); the rest are
  registered from the check in one click. Stock at the tent sites: 帐篷 5402, damaged by wind 272 all replenished,
  1748 reinforced; 棉被 counted.
- 驻省商务厅组 (G-SWT): 6 large supermarkets and 1 wholesale market checked on 2022-04-28/29 (outside a plan).

Deterministic and idempotent: a second run finds the plan and the checks and changes nothing.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jiandu.organizations.enums import SiteType
from jiandu.sampling import check_services, services
from jiandu.sampling.check_services import ItemAnswer, StockCount
from jiandu.sampling.enums import ItemResult, PlanStatus, Resource, Stratify
from jiandu.sampling.models import Check, CheckItemResult, SamplingPlan, Stock

TZ = ZoneInfo("Asia/Shanghai")
PLAN_TITLE = "涉疫帐篷设置点安全双随机抽查（2022年4月）"
SEED = "5f1c0a3e9b7d4c2a8e6f0b1d3c5a7e9f"  # fixed: the demo's draw is reproducible
TENTS_DAMAGED = 272  # 因大风天气损坏272个，按需全部补充到位
TENTS_REINFORCED = 1748  # 对1748个帐篷进行了加固
FAILED = [3, 2, 2, 3, 2, 2, 2, 2, 2, 1]  # per district, as in the activities demo: 21处问题
FAIL_ITEMS = ["帐篷固定加固", "棉被配备", "消防器材", "通风照明", "人员值守"]
FAIL_NOTES = {
    "帐篷固定加固": "大风天气后部分帐篷地锚松动，未及时加固。",
    "棉被配备": "夜间值守人员棉被配备不足。",
    "消防器材": "帐篷内未配备灭火器。",
    "通风照明": "帐篷照明线路私拉乱接，存在安全隐患。",
    "人员值守": "夜间无人值守。",
}


def _at(month, day, hour=9, minute=0) -> datetime:
    return datetime(2022, month, day, hour, minute, tzinfo=TZ)


def _spread(total: int, n: int) -> list[int]:
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def _answers(site_type: str, failed: str | None = None) -> list[ItemAnswer]:
    return [
        ItemAnswer(
            item=i,
            result=ItemResult.FAIL if i.text == failed else ItemResult.PASS,
            note=FAIL_NOTES.get(i.text, "") if i.text == failed else "",
        )
        for i in check_services.checklist_for(site_type)
    ]


def _yjt(ctx) -> SamplingPlan:
    from jiandu.activities.models import Campaign
    from jiandu.demo.sites import DISTRICTS
    from jiandu.problems.models import Problem
    from jiandu.problems.services import notifications_off

    group = ctx.orgs["G-YJT"]
    leader, member = ctx.users["yjt_leader"], ctx.users["yjt_member"]
    plan = SamplingPlan.objects.filter(group=group, title=PLAN_TITLE).first()
    if plan is None:
        plan = services.plan_create(
            actor=leader,
            group=group,
            title=PLAN_TITLE,
            campaign=Campaign.objects.filter(group=group, title="涉疫帐篷安全专项监督").first(),
            description="对长春市所属县(市)区、开发区的社区和防疫帐篷设置点全部检查（总体即样本），"
            "检查帐篷使用、加固和棉被等物资配备情况；检查人员随机分配、轮换。",
            site_types=[SiteType.COMMUNITY, SiteType.TENT_SITE],
            orgs=[ctx.orgs["U-CC"]],
            stratify=Stratify.SITE_TYPE,
            sample_proportion=1,
            inspectors=[leader, member],
            at=_at(4, 6, 16),
        )
    if plan.status == PlanStatus.DRAFT:
        services.plan_draw(actor=leader, plan=plan, seed=SEED, at=_at(4, 7, 9))
        plan.refresh_from_db()
    if plan.status == PlanStatus.DRAWN:
        services.plan_publish(actor=leader, plan=plan, at=_at(4, 7, 10))
        plan.refresh_from_db()
    if plan.status != PlanStatus.PUBLISHED:
        return plan
    draw = plan.current_draw
    assignments = list(draw.assignments_set.select_related("site", "site__responsible_org").order_by("order"))
    # Which tent sites fail an item: those of the problems demo, else the first of each district.
    existing = list(
        Problem.objects.filter(group=group, site__site_type=SiteType.TENT_SITE)
        .order_by("number")
        .select_related("site")
    )
    fails: dict[str, tuple[str, object]] = {}
    for n, problem in enumerate(existing[: sum(FAILED)]):
        text = next((t for t in FAIL_ITEMS if t[:2] in problem.description), FAIL_ITEMS[n % len(FAIL_ITEMS)])
        fails.setdefault(problem.site.code, (text, problem))
    tents = [a for a in assignments if a.site.site_type == SiteType.TENT_SITE]
    for i, district in enumerate(DISTRICTS):
        want = FAILED[i] - sum(
            1 for c in fails if any(a.site.code == c and a.site.responsible_org.code == district for a in tents)
        )
        for a in [t for t in tents if t.site.responsible_org.code == district and t.site.code not in fails]:
            if want <= 0 or len(fails) >= sum(FAILED):
                break
            fails[a.site.code] = (FAIL_ITEMS[len(fails) % len(FAIL_ITEMS)], None)
            want -= 1
    damaged = _spread(TENTS_DAMAGED, len(tents))
    reinforced = _spread(TENTS_REINFORCED, len(tents))
    tent_index = {a.pk: n for n, a in enumerate(tents)}
    district_day = {d: 8 + 2 * i for i, d in enumerate(DISTRICTS)}
    done = set(Check.objects.filter(assignment__draw=draw).values_list("assignment_id", flat=True))
    with notifications_off():
        for a in assignments:
            if a.pk in done:
                continue
            site = a.site
            day = district_day.get(site.responsible_org.code, 28)
            at = _at(4, day, 9) + timedelta(minutes=7 * a.order % 480)
            actor = a.inspectors.first() or leader
            failed, problem = fails.get(site.code, (None, None))
            stock = []
            if site.site_type == SiteType.TENT_SITE:
                n = tent_index[a.pk]
                tents_here = int(site.attributes.get("tent_count", 0))
                quilts = int(site.attributes.get("quilt_count", 0))
                stock = [
                    StockCount(Resource.TENT, tents_here, damaged[n], damaged[n], reinforced[n]),
                    StockCount(Resource.QUILT, quilts, 0, 0, 0),
                ]
            check = check_services.check_record(
                actor=actor,
                assignment=a,
                answers=_answers(site.site_type, failed),
                stock=stock,
                note="帐篷使用正常，棉被等物资配备到位。"
                if not failed
                else f"发现问题：{FAIL_NOTES[failed]}已责成属地立即整改。",
                checked_at=at,
            )
            if failed:
                result = CheckItemResult.objects.get(check_record=check, result=ItemResult.FAIL)
                if problem is not None:
                    check_services.check_item_link_problem(actor=leader, result=result, problem=problem)
                else:
                    check_services.check_item_to_problem(
                        actor=leader, result=result, registered_on=at.date(), deadline_days=3
                    )
    services.plan_close(actor=leader, plan=plan, at=_at(4, 30, 18))
    return plan


SWT_CHECKS = [  # (site, day, failed item): 4月28日、29日 6家大型商超和某批发市场
    ("SW-SC-01", 29, None),
    ("SW-SC-02", 28, None),
    ("SW-SC-03", 28, "人员聚集与一米线"),  # 走访发现个别超市人员聚集问题
    ("SW-SC-04", 28, None),
    ("SW-SC-05", 29, None),
    ("SW-SC-06", 29, None),
    ("SW-PF-01", 29, None),
]


def _swt(ctx) -> int:
    group = ctx.orgs["G-SWT"]
    leader = ctx.users["swt_leader"]
    n = 0
    for i, (code, day, failed) in enumerate(SWT_CHECKS):
        site = ctx.sites.get(code)
        if site is None:
            continue
        if not Check.objects.filter(site=site, group=group, plan__isnull=True).exists():
            check_services.check_record(
                actor=leader,
                site=site,
                group=group,
                answers=_answers(site.site_type, failed),
                note="检查复商复市和恢复运营后的疫情防控工作。"
                + ("个别时段人员聚集，已向省商务厅提出具体意见。" if failed else ""),
                checked_at=_at(4, day, 9 + i),
            )
        n += 1
    return n


def load(ctx) -> dict:
    """Create or update this module's demo records; return counts for the summary."""
    check_services.ensure_templates()
    plan = _yjt(ctx)
    swt = _swt(ctx)
    return {
        "sampling_plans": SamplingPlan.objects.count(),
        "sampling_yjt_sites": plan.checks.count(),
        "sampling_failed_items": CheckItemResult.objects.filter(
            check_record__plan=plan, result=ItemResult.FAIL
        ).count(),
        "sampling_swt_checks": swt,
        "stock_counts": Stock.objects.count(),
    }
