"""Figures for the reports module: counts by dimension, the scorecard per responsible org, no query per row."""

import datetime

import pytest

from jiandu.problems import selectors, urging

from .factories import DAY, problem, walk

pytestmark = pytest.mark.django_db
ON = datetime.date(2022, 5, 10)


@pytest.fixture
def mix(tree, group_member, group_leader, liaison, other_group_member, site):
    on_time = walk(
        problem(group_member, tree["wjw_group"], tree["wjw"], site=site),
        "closed",
        liaison=liaison,
        leader=group_leader,
        closed_on=DAY + datetime.timedelta(days=5),
    )
    late = walk(
        problem(group_member, tree["wjw_group"], tree["wjw"]),
        "closed",
        liaison=liaison,
        leader=group_leader,
        closed_on=DAY + datetime.timedelta(days=13),
    )
    repeat = problem(group_member, tree["wjw_group"], tree["wjw"], site=site, registered_on=datetime.date(2022, 5, 1))
    urging.problem_urge(actor=group_member, problem=repeat, level="remind")
    urging.problem_urge(actor=group_member, problem=repeat, level="urge")
    hosp = problem(
        group_member,
        tree["wjw_group"],
        tree["hospital"],
        registered_on=datetime.date(2022, 5, 2),
        deadline=datetime.date(2022, 5, 30),
    )
    yjt = problem(other_group_member, tree["yjt_group"], tree["yjt"])
    return {"on_time": on_time, "late": late, "repeat": repeat, "hosp": hosp, "yjt": yjt}


def test_counts(mix, office_staff, group_member):
    by_group = {r["label"]: r["count"] for r in selectors.problem_counts(office_staff, by="group")}
    assert by_group == {"驻省卫健委纪检监察组": 4, "驻省应急管理厅纪检监察组": 1}
    by_status = {r["key"]: r["count"] for r in selectors.problem_counts(group_member, by="status")}
    assert by_status == {"open": 2, "closed": 2}
    months = [(r["key"], r["count"]) for r in selectors.problem_counts(group_member, by="month")]
    assert months == [("2022-04", 2), ("2022-05", 2)]
    warnings = {r["key"]: r["count"] for r in selectors.problem_counts(group_member, by="warning", on=ON)}
    assert warnings == {"green": 1, "yellow": 1, "closed_late": 1, "none": 1}
    by_org = {r["label"]: r["count"] for r in selectors.problem_counts(group_member, by="responsible_org")}
    assert by_org == {"吉林省卫生健康委员会": 3, "吉林省人民医院": 1}
    assert selectors.problem_counts(group_member, by="category")[0]["count"] == 4


def test_scorecard(mix, group_member, tree):
    rows = {r.org.code: r for r in selectors.scorecard(group_member, on=ON)}
    wjw = rows["D-WJW"]
    assert (wjw.total, wjw.closed, wjw.closed_on_time, wjw.urges, wjw.repeats) == (3, 2, 1, 2, 1)
    assert wjw.on_time_rate == 50.0 and wjw.overdue_days == 3  # closed 3 days late
    assert rows["U-HOSP"].on_time_rate is None and "D-YJT" not in rows


def test_list_queries_do_not_grow_with_rows(tree, group_member, django_assert_max_num_queries):
    for i in range(30):
        problem(group_member, tree["wjw_group"], tree["wjw"], description=f"问题{i}")
    with django_assert_max_num_queries(3):
        rows = selectors.with_warnings(selectors.problems_for(group_member)[:20])
        assert [r.responsible_org.name and r.category.name and r.severity.name for r in rows]


def test_not_closed_is_exactly_the_open_statuses():
    """OPEN_Q is written as "not closed" for the lists' index; it must mean OPEN_STATUSES."""
    from jiandu.problems.enums import OPEN_STATUSES, ProblemStatus

    assert set(ProblemStatus.values) - {ProblemStatus.CLOSED} == set(OPEN_STATUSES)
