"""Lists at province scale (DESIGN §10): a page's query count does not grow with the rows shown, and a list never
counts more than JIANDU_LIST_COUNT_CAP rows — past it, the page and the API say so instead of counting them all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiandu.activities.enums import Method
from jiandu.activities.tests.factories import ActivityFactory, topic
from jiandu.problems.tests import factories as problem_factories

LISTS = ["/problems/", "/activities/", "/api/v1/problems/", "/api/v1/activities/"]


def _rows(tree, member, n):
    t = topic()
    for i in range(n):
        problem_factories.problem(member, tree["wjw_group"], tree["hospital"], description=f"问题{i}")
        ActivityFactory(group=tree["wjw_group"], leader=member, created_by=member, method=Method.ON_SITE, topics=[t])


def _queries(client, url) -> int:
    client.get(url)  # the first request of a session may also write the session
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LISTS)
def test_query_count_does_not_grow_with_rows_shown(tree, commission_leader, group_member, client, url):
    client.force_login(commission_leader)
    _rows(tree, group_member, 2)
    few = _queries(client, url)
    _rows(tree, group_member, 23)  # more than a page (20)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries for 2 rows, {many} for 25"


def test_lists_stop_counting_at_the_cap(tree, commission_leader, group_member, client, settings):
    settings.JIANDU_LIST_COUNT_CAP = 5
    _rows(tree, group_member, 7)
    client.force_login(commission_leader)
    html = client.get("/problems/").content.decode()
    assert "超过 5 条" in html and 'data-capped="1"' in html
    body = client.get("/api/v1/problems/", {"page_size": 2}).json()
    assert body["count"] == 5 and body["count_capped"] is True and len(body["results"]) == 2
    # narrower filters give the exact number again
    body = client.get("/api/v1/problems/", {"q": "问题1"}).json()
    assert body["count"] == 1 and body["count_capped"] is False
    html = client.get("/activities/").content.decode()
    assert "超过 5 条" in html


def test_below_the_cap_the_count_is_exact(tree, commission_leader, group_member, client):
    _rows(tree, group_member, 3)
    client.force_login(commission_leader)
    assert "共 3 条" in client.get("/problems/").content.decode()
    assert client.get("/api/v1/activities/").json() | {"results": None} == {
        "count": 3,
        "count_capped": False,
        "next": None,
        "previous": None,
        "results": None,
    }


def test_a_page_chosen_by_ids_first_keeps_the_lists_order_and_related_rows(tree, group_member):
    """Paginator(ids_first=True) (the problem list): the page's ids in the list's order, then its rows by id with
    the list's related rows — the same page as the one-query paginator, without a query per row."""
    from jiandu.core.paging import Paginator
    from jiandu.problems import selectors

    _rows(tree, group_member, 25)
    qs = selectors.problems_for(group_member)
    for number in (1, 2):
        plain = Paginator(qs, 20).page(number)
        with CaptureQueriesContext(connection) as ctx:  # the capped count, the ids, the rows
            page = Paginator(qs, 20, ids_first=True).page(number)
            shown = [(p.pk, p.group.name, p.responsible_org.name, p.category.name) for p in page.object_list]
        assert shown == [(p.pk, p.group.name, p.responsible_org.name, p.category.name) for p in plain.object_list]
        assert len(shown) == (20 if number == 1 else 5) and len(ctx.captured_queries) == 3


def test_a_lists_count_is_kept_until_its_module_is_written(tree, commission_leader, group_member, client):
    """Paginator(app=…): paging through a list or coming back to it counts once; a write to another module keeps
    the count, a write to the list's own module (a problem registered) has it counted again."""
    _rows(tree, group_member, 3)
    client.force_login(commission_leader)

    def counted(url) -> tuple[str, bool]:
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        return html, any('SELECT COUNT(*) FROM (SELECT "problems_problem"' in q["sql"] for q in ctx.captured_queries)

    html, recounted = counted("/problems/")
    assert "共 3 条" in html and recounted
    assert not counted("/problems/")[1]
    ActivityFactory(group=tree["wjw_group"], leader=group_member, created_by=group_member, method=Method.ON_SITE)
    html, recounted = counted("/problems/")
    assert "共 3 条" in html and not recounted
    problem_factories.problem(group_member, tree["wjw_group"], tree["hospital"], description="新登记的问题")
    html, recounted = counted("/problems/")
    assert "共 4 条" in html and recounted
    html, recounted = counted("/problems/?status=unclosed")  # other filters: their own count
    assert recounted
