"""The pre-aggregated reported figures (stats.totals): the dashboard and the briefing read them for a viewer who
sees every value in scope, and they must give exactly what summing the values gives, after every kind of write."""

import datetime
import random
from decimal import Decimal

import pytest

from jiandu.stats import selectors, services, totals
from jiandu.stats.enums import Aggregation
from jiandu.stats.models import Reporter, Total
from jiandu.stats.services import period_get

from .factories import indicator

WEEKS = ["2022-W14", "2022-W15", "2022-W16", "2022-W17"]
DAYS = [datetime.date(2022, 4, 3), datetime.date(2022, 4, 10), datetime.date(2022, 4, 13), datetime.date(2022, 4, 24)]
DAYS += [datetime.date(2022, 4, 30), datetime.date(2022, 5, 1), datetime.date(2023, 1, 1)]


@pytest.fixture
def top(stats):
    """A third indicator of the data set, aggregated by its largest value."""
    ind = indicator("XC_MAX", "单日最多下沉人数", "人", Aggregation.MAX)
    stats["ds"].members.create(indicator=ind, sort_order=3)
    return ind


def from_values(monkeypatch, call):
    """`call()` as a viewer who does not see every value would get it: summed from the values."""
    with monkeypatch.context() as m:
        m.setattr(selectors, "sees_every_value", lambda *a, **k: False)
        return call()


def enter(user, stats, org, week, values: dict):
    services.datavalue_set_many(actor=user, dataset=stats["ds"], org=org, period=period_get(week), values=values)


def assert_same_as_values(monkeypatch, viewer, codes, group):
    for day in DAYS:
        assert selectors.reported_totals(viewer, codes, day) == from_values(
            monkeypatch, lambda day=day: selectors.reported_totals(viewer, codes, day)
        ), day
        by_group = selectors.reported_by_group(viewer, day)
        live = from_values(monkeypatch, lambda day=day: selectors.reported_by_group(viewer, day))
        assert by_group.keys() == live.keys() == {group.pk}
        got, want = by_group[group.pk], live[group.pk]
        assert (got.totals, got.latest, got.reporters) == (want.totals, want.latest, want.reporters), day


def test_totals_follow_every_write_through_the_service(
    monkeypatch, stats, top, tree, clinic, group_member, office_staff
):
    ds, codes = stats["ds"], ["XC_RC", "XC_RS", "XC_MAX"]
    times, heads = stats["times"].pk, stats["heads"].pk
    rng = random.Random(7)
    orgs = [tree["wjw"], tree["hospital"], clinic]
    # Weeks entered out of order, values changed up and down, a value cleared, an org's only values cleared.
    steps = [(org, week) for week in (WEEKS[2], WEEKS[0], WEEKS[3], WEEKS[1]) for org in orgs]
    steps += [(tree["hospital"], WEEKS[3]), (clinic, WEEKS[0])]
    for i, (org, week) in enumerate(steps):
        t = rng.randint(10, 200)
        values = {times: str(t), heads: str(rng.randint(1, t)), top.pk: str(rng.randint(0, 50))}
        enter(group_member, stats, org, week, values)
        if i in (4, 9, 13):
            assert_same_as_values(monkeypatch, office_staff, codes, ds.group)
    enter(group_member, stats, clinic, WEEKS[3], {times: "", heads: "", top.pk: ""})  # cleared
    for week in WEEKS:  # the hospital's figures all withdrawn: it no longer counts as having reported
        enter(group_member, stats, tree["hospital"], week, {times: "", heads: "", top.pk: ""})
    assert_same_as_values(monkeypatch, office_staff, codes, ds.group)
    assert_same_as_values(monkeypatch, group_member, codes, ds.group)
    assert tree["hospital"].pk not in set(Reporter.objects.values_list("org_id", flat=True))

    # Rebuilding from the values gives the rows the writes left.
    def rows():
        return sorted(
            Total.objects.values_list(
                "indicator_id", "period_id", "next_end", "total", "top", "running_total", "running_top"
            )
        )

    kept = rows()
    assert totals.rebuild() == len(kept)
    assert rows() == kept


def test_figures_as_of_a_day(stats, tree, clinic, office_staff, group_member):
    times, heads = stats["times"].pk, stats["heads"].pk
    member = group_member
    enter(member, stats, tree["wjw"], "2022-W16", {times: "100", heads: "20"})
    enter(member, stats, clinic, "2022-W16", {times: "30", heads: "5"})
    enter(member, stats, clinic, "2022-W17", {times: "50", heads: "10"})
    before = selectors.reported_totals(office_staff, ["XC_RC", "XC_RS"], datetime.date(2022, 4, 23))
    assert before == {"XC_RC": None, "XC_RS": None}
    w16 = selectors.reported_totals(office_staff, ["XC_RC", "XC_RS"], datetime.date(2022, 4, 24))
    assert w16 == {"XC_RC": Decimal(130), "XC_RS": Decimal(25)}  # 人数 is the latest week's, over the orgs
    w17 = selectors.reported_totals(office_staff, ["XC_RC", "XC_RS"], datetime.date(2022, 5, 1))
    assert w17 == {"XC_RC": Decimal(180), "XC_RS": Decimal(10)}  # only the clinic reported W17


def test_a_liaison_still_sees_only_the_values_of_their_orgs(stats, tree, clinic, office_staff, group_member):
    from jiandu.organizations.enums import Role
    from jiandu.organizations.tests.factories import user_with_role

    times, heads = stats["times"].pk, stats["heads"].pk
    enter(group_member, stats, tree["hospital"], "2022-W16", {times: "100", heads: "20"})
    enter(group_member, stats, clinic, "2022-W16", {times: "30", heads: "5"})
    hospital_liaison = user_with_role(Role.LIAISON, tree["hospital"], "p_totals_hosp")
    day = datetime.date(2022, 5, 1)
    assert selectors.reported_totals(hospital_liaison, ["XC_RC"], day) == {"XC_RC": Decimal(100)}
    assert selectors.reported_totals(office_staff, ["XC_RC"], day) == {"XC_RC": Decimal(130)}
