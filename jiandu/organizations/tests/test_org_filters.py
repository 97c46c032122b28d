"""The org field of list filters: a <select> for a few orgs, a typeahead over many (organizations.org_filters), and
the typeahead's JSON search, which offers exactly the orgs the filter's <select> would (DESIGN §6, §10)."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from jiandu.organizations import org_filters
from jiandu.organizations.enums import OrgKind
from jiandu.organizations.org_filters import SELECT_UP_TO, org_filter, typed_org
from jiandu.problems.tests import factories as problem_factories

from .factories import OrgFactory

URL = "/org/orgs/typeahead/"
FILTERS = ["problem-filter", "document-filter", "activity-targets", "hotline-routed", "site-responsible"]
LISTS = ["/problems/", "/documents/", "/activities/", "/hotline/cases/", "/org/sites/"]


def _ask(client, user, name="problem-filter", q="") -> dict:
    client.force_login(user)
    r = client.get(URL, {"for": name, "q": q})
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    return r.json()


def _names(body) -> list[str]:
    return [o["name"] for o in body["results"]]


def _units(parent, n, prefix="测试下属单位") -> list:
    return [
        OrgFactory(kind=OrgKind.UNIT, parent=parent, code=f"U-{parent.pk}-{i:03d}", name=f"{prefix}{i:03d}")
        for i in range(n)
    ]


# --- The search: who gets what ---

# The responsible orgs one may filter problems by. Group roles read the whole org tree (organizations.access:
# TREE_READERS), so a group member picks among every department and unit, as the commission does; a liaison
# among their own org's subtree; an admin who sees no business record, among none.
PROBLEM_FILTER_ORGS = {
    "commission_leader": ["吉林省卫生健康委员会", "吉林省人民医院", "吉林省应急管理厅"],
    "group_member": ["吉林省卫生健康委员会", "吉林省人民医院", "吉林省应急管理厅"],
    "liaison": ["吉林省卫生健康委员会", "吉林省人民医院"],
    "other_liaison": ["吉林省应急管理厅"],
    "audit_admin": [],
}


@pytest.mark.parametrize("persona", PROBLEM_FILTER_ORGS)
def test_each_role_finds_the_orgs_it_may_filter_problems_by(tree, client, request, persona):
    body = _ask(client, request.getfixturevalue(persona))
    assert _names(body) == PROBLEM_FILTER_ORGS[persona]  # in tree order
    assert body["more"] is False


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("persona", ["commission_leader", "group_member", "liaison", "other_liaison"])
def test_the_search_offers_exactly_what_the_select_offers(tree, client, request, persona, name):
    user = request.getfixturevalue(persona)
    in_select = [pk for pk, _label in org_filter(user, name).options]
    assert [o["id"] for o in _ask(client, user, name)["results"]] == in_select


def test_a_liaison_finds_no_org_outside_their_subtree(tree, client, liaison):
    for q in ("应急", "D-YJT", "纪检监察组", "省纪委"):
        assert _ask(client, liaison, q=q)["results"] == [], q
    assert _ask(client, liaison, "no-such-filter")["results"] == []


def test_anonymous_is_sent_to_the_login_page(tree, client):
    r = client.get(URL, {"for": "problem-filter", "q": "医院"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_the_search_matches_name_short_name_and_code_with_the_parents_as_hint(tree, client, commission_leader):
    hospital = _ask(client, commission_leader, q="人民医院")["results"]
    assert hospital == [
        {"id": tree["hospital"].pk, "name": "吉林省人民医院", "code": "U-HOSP", "hint": "省卫健委"},
    ]
    assert _names(_ask(client, commission_leader, q="u-hosp")) == ["吉林省人民医院"]
    assert _names(_ask(client, commission_leader, q="省应急管理厅")) == ["吉林省应急管理厅"]  # its short name
    assert _names(_ask(client, commission_leader, q="吉林省")) == PROBLEM_FILTER_ORGS["commission_leader"]
    assert _ask(client, commission_leader, q="市场监管")["results"] == []


def test_the_search_stops_at_twenty_and_its_queries_do_not_grow(tree, client, commission_leader):
    _units(tree["yjt"], 2)
    client.force_login(commission_leader)
    client.get(URL, {"for": "problem-filter"})
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"for": "problem-filter", "q": "测试"})
    _units(tree["hospital"], 40, prefix="测试院区")
    with CaptureQueriesContext(connection) as many:
        body = client.get(URL, {"for": "problem-filter", "q": "测试"}).json()
    assert len(body["results"]) == org_filters.MATCHES_SHOWN and body["more"] is True
    assert body["results"][0]["hint"] == "省卫健委 / 吉林省人民医院"  # the hospital's first, in tree order
    assert len(many.captured_queries) == len(few.captured_queries) <= 6


# --- The list pages ---


def _org_options(html: str) -> int:
    """<option>s in the org filter (those of the other filters are few)."""
    return len(re.findall(r'<option value="\d+"[^>]*>[\u3000]*(?:测试|吉林省)', html))


@pytest.mark.parametrize("url", LISTS)
def test_a_viewer_with_many_orgs_gets_a_typeahead_with_the_current_choice(tree, client, commission_leader, url):
    _units(tree["hospital"], SELECT_UP_TO)  # with 省卫健委, 省人民医院, 省应急管理厅: more than SELECT_UP_TO
    client.force_login(commission_leader)
    html = client.get(url).content.decode()
    assert 'data-testid="org-typeahead"' in html and _org_options(html) == 0
    assert "jiandu/org_typeahead.js" in html
    html = client.get(url, {"org": tree["hospital"].pk}).content.decode()
    assert f'<input type="hidden" name="org" value="{tree["hospital"].pk}" data-org-value>' in html
    assert 'name="org_text" value="吉林省人民医院"' in html and 'title="省卫健委"' in html


@pytest.mark.parametrize("url", LISTS)
def test_a_viewer_with_few_orgs_keeps_the_select(tree, client, commission_leader, url):
    client.force_login(commission_leader)
    html = client.get(url, {"org": tree["hospital"].pk}).content.decode()
    assert 'data-testid="org-typeahead"' not in html and "org_typeahead.js" not in html
    assert f'<option value="{tree["hospital"].pk}" selected>\u3000吉林省人民医院</option>' in html


@pytest.mark.parametrize("url", ["/problems/", "/documents/"])
def test_a_liaison_keeps_the_select_in_a_province_of_many_orgs(tree, client, liaison, url):
    _units(tree["yjt"], SELECT_UP_TO)  # none in the wjw liaison's subtree
    client.force_login(liaison)
    html = client.get(url).content.decode()
    assert 'data-testid="org-typeahead"' not in html and _org_options(html) == 2


def test_the_problem_list_with_many_orgs_no_longer_lists_them(tree, client, commission_leader, group_member):
    _units(tree["hospital"], 200)
    problem_factories.problem(group_member, tree["wjw_group"], tree["hospital"], description="候诊区未落实一米线")
    client.force_login(commission_leader)
    small = len(client.get("/problems/").content)
    html = client.get("/problems/", {"org": tree["hospital"].pk}).content.decode()
    assert "候诊区未落实一米线" in html and _org_options(html) == 0
    _units(tree["yjt"], 300, prefix="另一测试单位")
    assert len(client.get("/problems/").content) == small  # the page does not grow with the orgs


# --- Without JavaScript: the text box is submitted ---


def test_without_javascript_an_org_code_typed_in_the_box_filters(tree, client, commission_leader, group_member):
    _units(tree["yjt"], SELECT_UP_TO)
    problem_factories.problem(group_member, tree["wjw_group"], tree["hospital"], description="候诊区未落实一米线")
    problem_factories.problem(group_member, tree["wjw_group"], tree["wjw"], description="值班制度未落实")
    client.force_login(commission_leader)
    html = client.get("/problems/", {"org": "", "org_text": "u-hosp"}).content.decode()
    assert "候诊区未落实一米线" in html and "值班制度未落实" not in html
    assert 'name="org_text" value="吉林省人民医院"' in html
    # the box as the page filled it in: the hidden id keeps filtering; emptied: no filter
    html = client.get("/problems/", {"org": tree["wjw"].pk, "org_text": "吉林省卫生健康委员会"}).content.decode()
    assert "值班制度未落实" in html and "候诊区未落实一米线" in html
    html = client.get("/problems/", {"org": tree["hospital"].pk, "org_text": ""}).content.decode()
    assert "值班制度未落实" in html and "候诊区未落实一米线" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("org=7", "7"),  # with JavaScript: the hidden id only
        ("org=7&org_text=", ""),
        ("org=&org_text=D-YJT", "yjt"),
        ("org=&org_text=吉林省应急管理厅", "yjt"),  # a whole name
        ("org=7&org_text=吉林省人民医院", "hospital"),
        ("org=7&org_text=某某单位", "7"),
        ("org=&org_text=某某单位", "0"),  # matches nothing: an empty list, not every record
        ("org=&org_text=G-YJT", "0"),  # a group is not among the responsible orgs
    ],
)
def test_typed_org(tree, liaison, other_liaison, commission_leader, query, expected):
    params = QueryDict(query)
    got = typed_org(commission_leader, "problem-filter", params, params.get("org"))
    assert got == (str(tree[expected].pk) if expected in tree else expected)
    if "D-YJT" in query:  # not among the wjw liaison's choices
        assert typed_org(liaison, "problem-filter", params, params.get("org")) == "0"
