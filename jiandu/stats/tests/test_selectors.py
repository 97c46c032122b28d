"""Roll-up along the org tree (one grouped query), pivot, completeness and timeliness, briefing totals."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiandu.organizations.enums import OrgKind
from jiandu.organizations.tests.factories import OrgFactory
from jiandu.stats import selectors, services
from jiandu.stats import totals as stats_totals
from jiandu.stats.models import DataValue


def put(s, org, period, times, heads, at=None):
    """Values written directly (with their entry time); the pre-aggregated totals kept as set_values keeps them."""
    for ind, v in ((s["times"], times), (s["heads"], heads)):
        DataValue.objects.create(
            dataset=s["ds"], indicator=ind, org=org, period=period, value=v, entered_at=at or timezone.now()
        )
    stats_totals.refresh(s["ds"], [s["times"].pk, s["heads"].pk], [org.pk])


def totals(rows, ind):
    return {(r.org.code, r.own): r.values[ind.pk] for r in rows}


def test_rollup_on_three_levels(stats, tree, clinic, office_staff):
    ward = OrgFactory(kind=OrgKind.UNIT, parent=tree["hospital"], code="U-WARD", name="发热门诊")
    stats["ds"].reporting_orgs.add(ward)
    w16, w17 = stats["w16"], stats["w17"]
    put(stats, tree["wjw"], w16, 10, 2)
    put(stats, tree["hospital"], w16, 100, 20)
    put(stats, ward, w16, 7, 1)
    put(stats, clinic, w16, 50, 10)
    put(stats, tree["hospital"], w17, 200, 25)
    rows = selectors.rollup(
        office_staff, indicators=[stats["times"], stats["heads"]], root=tree["wjw"], periods=[w16, w17]
    )
    times = totals(rows, stats["times"])
    assert times == {
        ("D-WJW", False): Decimal(10 + 100 + 7 + 50 + 200),  # the total
        ("D-WJW", True): Decimal(10),  # 本级
        ("U-HOSP", False): Decimal(100 + 7 + 200),  # the hospital with its ward, both weeks
        ("U-CLINIC", False): Decimal(50),
    }
    heads = totals(rows, stats["heads"])  # LAST: the latest week that has figures, summed over the orgs
    assert heads[("D-WJW", False)] == 25 and heads[("U-HOSP", False)] == 25 and heads[("U-CLINIC", False)] == 10
    one_week = selectors.rollup(office_staff, indicators=[stats["heads"]], root=tree["wjw"], periods=[w16])
    assert totals(one_week, stats["heads"])[("D-WJW", False)] == 2 + 20 + 1 + 10


def test_rollup_query_count_does_not_grow_with_the_tree(stats, tree, office_staff):
    def count(n_units):
        for i in range(n_units):
            unit = OrgFactory(kind=OrgKind.UNIT, parent=tree["wjw"], code=f"U-N{n_units}-{i}")
            sub = OrgFactory(kind=OrgKind.UNIT, parent=unit, code=f"U-N{n_units}-{i}-S")
            put(stats, sub, stats["w16"], 3, 1)
        with CaptureQueriesContext(connection) as ctx:
            rows = selectors.rollup(office_staff, indicators=[stats["times"]], root=tree["wjw"], periods=[stats["w16"]])
        return len(ctx.captured_queries), rows

    selectors.principal(office_staff)  # the grants, read once per request
    small, _ = count(2)
    large, rows = count(20)
    assert small == large <= 4
    assert rows[0].values[stats["times"].pk] == 3 * 22


def test_rollup_respects_access(stats, tree, clinic, hospital_liaison, other_liaison):
    put(stats, tree["hospital"], stats["w16"], 100, 20)
    put(stats, clinic, stats["w16"], 50, 10)
    rows = selectors.rollup(hospital_liaison, indicators=[stats["times"]], root=tree["wjw"], periods=[stats["w16"]])
    assert rows[0].values[stats["times"].pk] == 100
    rows = selectors.rollup(other_liaison, indicators=[stats["times"]], root=tree["wjw"], periods=[stats["w16"]])
    assert rows[0].values[stats["times"].pk] is None


def test_pivot_and_chart(stats, tree, clinic, group_member):
    put(stats, tree["hospital"], stats["w16"], 100, 20)
    put(stats, clinic, stats["w17"], 50, 10)
    pv = selectors.pivot(group_member, indicator=stats["times"], root=tree["wjw"], periods=[stats["w16"], stats["w17"]])
    assert pv.chart["categories"] == ["2022-W16", "2022-W17"]
    assert pv.chart["series"][-1] == {"name": "合计", "type": "line", "data": [100.0, 50.0]}
    assert pv.rows[0].values[stats["times"].pk] == 150


def test_completeness_and_timeliness(stats, tree, clinic):
    tz = timezone.get_current_timezone()
    w16 = stats["w16"]  # 2022-04-18 … 04-24, due 04-27 (3 days)
    put(stats, tree["wjw"], w16, 1, 1, at=datetime.datetime(2022, 4, 27, 20, tzinfo=tz))
    put(stats, tree["hospital"], w16, 1, 1, at=datetime.datetime(2022, 4, 28, 9, tzinfo=tz))
    [c16] = selectors.completeness(stats["ds"], [selectors.expected_periods(stats["ds"])[2]])
    assert (c16.period.code, c16.expected, c16.reported, c16.on_time) == ("2022-W16", 3, 2, 1)
    assert c16.rate == 67 and c16.due == datetime.date(2022, 4, 27)


def test_reported_totals_for_the_briefing(stats, tree, clinic, office_staff):
    put(stats, tree["hospital"], stats["w16"], 100, 20)
    put(stats, clinic, stats["w17"], 50, 10)
    got = selectors.reported_totals(office_staff, ["XC_RC", "XC_RS", "NONE"], datetime.date(2022, 4, 24))
    assert got == {"XC_RC": Decimal(100), "XC_RS": Decimal(20), "NONE": None}
    got = selectors.reported_totals(office_staff, ["XC_RC", "XC_RS"], datetime.date(2022, 5, 1))
    assert got == {"XC_RC": Decimal(150), "XC_RS": Decimal(10)}


def test_period_codes(db):
    from jiandu.stats.periods import parse_code

    assert parse_code("2022-W16").start_date == datetime.date(2022, 4, 18)
    assert parse_code("2022-04").end_date == datetime.date(2022, 4, 30)
    assert parse_code("2022-03-11~2022-04-27").name == "截至2022年4月27日"
    assert services.period_get("2022-W16").name == "2022年第16周（4月18日—4月24日）"
