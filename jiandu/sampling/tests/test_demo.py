"""The demo reproduces the article's figures of spot checks, read back through the selectors for reports."""

from datetime import date

from django.core.management import call_command

from jiandu.organizations.enums import SiteType
from jiandu.organizations.models import Org, User
from jiandu.problems.models import Problem
from jiandu.sampling import selectors
from jiandu.sampling.enums import ItemResult, PlanStatus, Resource
from jiandu.sampling.models import Check, CheckItemResult, SamplingPlan, Stock
from jiandu.sampling.services import verify_draw

APRIL = (date(2022, 4, 1), date(2022, 4, 30))


def figures(user):
    by_type = {r["key"]: r["count"] for r in selectors.sites_checked(user, by="site_type", period=APRIL)}
    tents = selectors.stock_totals(user, Resource.TENT, by="district", as_of=date(2022, 4, 30))["total"]
    # Problems by registration date: the problems demo registers the last districts' ones in early May.
    return by_type, tents, selectors.problems_from_checks(user, (date(2022, 4, 1), date(2022, 5, 31)))


def test_demo_reproduces_the_article_and_loads_twice(db):
    call_command("load_demo")
    leader = User.objects.get(username="leader")
    by_type, tents, problems = figures(leader)
    assert by_type[SiteType.COMMUNITY] == 97
    assert by_type[SiteType.TENT_SITE] == 187
    assert by_type[SiteType.MARKET] == 7  # 6家大型商超和1个批发市场
    assert (tents["total"], tents["damaged"], tents["replenished"], tents["reinforced"]) == (5402, 272, 272, 1748)
    assert len({r["key"] for r in selectors.stock_totals(leader, Resource.TENT)["rows"]}) == 10  # 长春市's districts
    assert problems["found"] == 21
    assert problems["rectified"] == 21  # 责成属地立即整改: all closed
    quilts = selectors.stock_totals(leader, Resource.QUILT, as_of=date(2022, 4, 30))["total"]
    assert quilts["sites"] == 187 and quilts["total"] > 0
    plan = SamplingPlan.objects.get(group__code="G-YJT")
    assert plan.status == PlanStatus.CLOSED and plan.campaign.title == "涉疫帐篷安全专项监督"
    draw = plan.current_draw
    assert draw.population_size == draw.sample_size == 97 + 187
    assert verify_draw(draw) == []
    failed = CheckItemResult.objects.filter(check_record__plan=plan, result=ItemResult.FAIL)
    assert failed.count() == 21 and not failed.filter(problem__isnull=True).exists()
    assert set(failed.values_list("check_record__site__site_type", flat=True)) == {SiteType.TENT_SITE}
    yjt_tent_problems = Problem.objects.filter(group__code="G-YJT", site__site_type=SiteType.TENT_SITE)
    assert yjt_tent_problems.count() == 21  # linked, never duplicated
    # The group sees its own figures; the other group's member sees none of them.
    yjt_member = User.objects.get(username="yjt_member")
    assert figures(yjt_member)[0][SiteType.TENT_SITE] == 187
    assert SiteType.TENT_SITE not in figures(User.objects.get(username="swt_member"))[0]
    counts = (SamplingPlan.objects.count(), Check.objects.count(), Stock.objects.count(), Problem.objects.count())
    call_command("load_demo")
    assert (
        SamplingPlan.objects.count(),
        Check.objects.count(),
        Stock.objects.count(),
        Problem.objects.count(),
    ) == counts
    assert Org.objects.filter(code="G-SWT").exists()
