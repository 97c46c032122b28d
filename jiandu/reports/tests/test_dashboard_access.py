"""Who may open the dashboard and what each persona's figures contain (DESIGN §6), on the small persona tree:
the admins are refused, a liaison sees only the documents and problems of their org, the scope narrows to one
group or several, and the number of queries does not grow with the records."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from conftest import PERSONAS
from jiandu.activities.enums import Method
from jiandu.activities.tests.factories import ActivityFactory
from jiandu.documents.tests.factories import issued
from jiandu.organizations.enums import Role
from jiandu.organizations.tests.factories import user_with_role
from jiandu.problems.tests.factories import problem
from jiandu.reports.dashboard import dashboard
from jiandu.reports.scope import parse_scope

ADMINS = {"system_admin", "security_admin", "audit_admin"}


def _figures(user, query: str = "") -> dict:
    d = dashboard(user, parse_scope(user, QueryDict(query)), on=date(2022, 5, 1))
    return {f.key: f.value for f in d.figures} | {"sections": [s.key for s in d.sections]}


@pytest.fixture
def records(tree, group_leader, group_member):
    """驻省卫健委组: two activities, a document to 省卫健委 and one to 省应急管理厅, a problem for each;
    驻省应急管理厅组: one activity and one problem for 省应急管理厅."""
    yjt_leader = user_with_role(Role.GROUP_LEADER, tree["yjt_group"], "p_yjt_leader")
    ActivityFactory(group=tree["wjw_group"], method=Method.PHONE_CHECK, start_date=date(2022, 4, 2))
    ActivityFactory(
        group=tree["wjw_group"], method=Method.STATIONED, start_date=date(2022, 3, 28), end_date=date(2022, 4, 5)
    )
    ActivityFactory(group=tree["yjt_group"], start_date=date(2022, 5, 3))
    issued(group_leader, tree["wjw_group"], [tree["wjw"]], issued_on=date(2022, 4, 6))
    issued(group_leader, tree["wjw_group"], [tree["yjt"]], issued_on=date(2022, 4, 8), title="关于应急物资的提示函")
    problem(group_member, tree["wjw_group"], tree["hospital"], registered_on=date(2022, 4, 10))
    problem(group_member, tree["wjw_group"], tree["yjt"], registered_on=date(2022, 4, 12))
    problem(yjt_leader, tree["yjt_group"], tree["yjt"], registered_on=date(2022, 5, 4))
    return tree


@pytest.mark.parametrize("name", PERSONAS)
def test_who_may_open_the_dashboard(name, request, client):
    client.force_login(request.getfixturevalue(name))
    page = client.get("/reports/")
    api = client.get("/api/v1/dashboard/")
    if name in ADMINS:
        assert page.status_code == 403 and api.status_code == 403
        assert api.json()["code"] == "permission_denied" and api.json()["message"]
    else:
        assert page.status_code == 200 and api.status_code == 200
        assert "领导驾驶舱" in page.content.decode()


def test_the_anonymous_are_sent_to_log_in(client, tree):
    assert client.get("/reports/").status_code == 302
    assert client.get("/api/v1/dashboard/").status_code == 401


@pytest.mark.parametrize(
    "name, activities, documents, problems",
    [
        ("commission_leader", 3, 2, 3),
        ("office_staff", 3, 2, 3),
        ("group_leader", 2, 2, 2),
        ("group_member", 2, 2, 2),
        ("other_group_member", 1, 0, 1),
        ("liaison", None, 1, 1),  # 省卫健委 and its 省医院: one document, the hospital's problem
        ("other_liaison", None, 1, 2),  # 省应急管理厅: the letter and both problems, from either group
    ],
)
def test_each_persona_counts_what_it_may_see(records, request, name, activities, documents, problems):
    f = _figures(request.getfixturevalue(name))
    assert f.get("activities") == activities
    assert f["documents"] == documents and f["problems.found"] == problems
    if name.endswith("liaison"):
        assert f["sections"] == ["documents", "problems"]  # no activity, check or test call, not even as zero
    else:
        assert f["sections"] == ["activities", "documents", "problems", "sampling", "hotline"]


def test_liaison_page_shows_no_activity(records, liaison, client):
    client.force_login(liaison)
    page = client.get("/reports/").content.decode()
    assert 'data-testid="section-problems"' in page
    assert 'data-testid="section-activities"' not in page and "驻点监督" not in page and "电话抽查" not in page


def test_scope_one_group_several_or_all(records, commission_leader):
    wjw, yjt = records["wjw_group"].pk, records["yjt_group"].pk
    assert _figures(commission_leader, f"group={wjw}")["activities"] == 2
    assert _figures(commission_leader, f"group={yjt}")["activities"] == 1
    both = _figures(commission_leader, f"group={wjw}&group={yjt}")
    assert both["activities"] == 3 and both["problems.found"] == 3
    assert _figures(commission_leader)["activities"] == 3


def test_the_period_filter(records, commission_leader):
    april = _figures(commission_leader, "from=2022-04-01&to=2022-04-30")
    assert april["activities"] == 2 and april["documents"] == 2 and april["problems.found"] == 2
    assert april["stationed_days"] == 5  # 3月28日 to 4月5日: only the April days
    march = _figures(commission_leader, "from=2022-03-01&to=2022-03-31")
    assert march["activities"] == 1 and march["stationed_days"] == 4 and march["documents"] == 0


def test_a_group_member_cannot_widen_the_scope(records, group_member):
    scope = parse_scope(group_member, QueryDict(f"group={records['yjt_group'].pk}"))
    assert scope.groups is None and scope.errors
    assert _figures(group_member, f"group={records['yjt_group'].pk}")["activities"] == 2


def test_two_groups_drill_down_to_a_list_of_both(records, commission_leader, client):
    wjw, yjt = records["wjw_group"].pk, records["yjt_group"].pk
    scope = parse_scope(commission_leader, QueryDict(f"group={wjw}&group={yjt}"))
    d = dashboard(commission_leader, scope)
    client.force_login(commission_leader)
    for f in d.figures:
        if f.key in ("activities", "documents", "problems.found"):
            page = client.get(f.url).content.decode()
            assert f'data-testid="list-count" data-count="{f.value}"' in page, f.key
            assert 'data-testid="filter-groups"' in page  # the list says it covers the two groups


def test_queries_do_not_grow_with_the_records(records, commission_leader, group_member):
    def count() -> int:
        scope = parse_scope(commission_leader, QueryDict("from=2022-03-01&to=2022-05-31"))
        cache.clear()  # read every figure, not only those of the module written
        with CaptureQueriesContext(connection) as ctx:
            dashboard(commission_leader, scope)
        return len(ctx.captured_queries)

    before = count()
    for day in range(1, 20):
        ActivityFactory(group=records["wjw_group"], method=Method.ON_SITE, start_date=date(2022, 4, day))
        problem(group_member, records["wjw_group"], records["wjw"], registered_on=date(2022, 4, day))
    assert count() == before <= 23  # the bound of reports.dashboard's docstring


def test_a_write_reads_again_only_its_groups_figures_of_its_module(
    records, commission_leader, group_member, monkeypatch
):
    """A commission viewer's figures are kept per group and module: after an activity is recorded in one group the
    dashboard shows it at once, reading again that group's activities only — not its problems, nor the other
    group's; a problem then written reads that group's problems only."""
    from jiandu.activities import selectors as activity_selectors
    from jiandu.problems import selectors as problem_selectors

    reads = {"activities": [], "problems": []}
    for name, module in (("activities", activity_selectors), ("problems", problem_selectors)):
        original = module.dashboard_by_group
        spy = lambda *a, _o=original, _n=name, **kw: reads[_n].append(kw["groups"]) or _o(*a, **kw)  # noqa: E731
        monkeypatch.setattr(module, "dashboard_by_group", spy)
    spring = "from=2022-03-01&to=2022-05-31"
    before = _figures(commission_leader, spring)
    wjw = records["wjw_group"].pk
    reads = {k: [] for k in reads}

    ActivityFactory(group=records["wjw_group"], method=Method.PHONE_CHECK, start_date=date(2022, 4, 20))
    after = _figures(commission_leader, spring)
    assert after["activities"] == before["activities"] + 1
    assert after["problems.found"] == before["problems.found"]
    assert reads == {"activities": [[wjw]], "problems": []}

    problem(group_member, records["wjw_group"], records["wjw"], registered_on=date(2022, 4, 21))
    assert _figures(commission_leader, spring)["problems.found"] == before["problems.found"] + 1
    assert reads == {"activities": [[wjw]], "problems": [[wjw]]}
