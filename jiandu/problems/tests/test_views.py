"""The problem pages: list with filters and colour chips, detail, forms, workflow pages, bulk urging, errors."""

import datetime

import pytest
from django.utils import timezone

from jiandu.core.todo import todos_for
from jiandu.problems import services
from jiandu.problems.models import Problem, Urge

from .factories import category, jpeg, problem, severity, walk

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_list_shows_rows_chips_and_filters(client, probs, group_member, django_assert_max_num_queries):
    c = login(client, group_member)
    with django_assert_max_num_queries(25):
        r = c.get("/problems/")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.count('data-testid="problem-row"') == 3
    assert 'data-testid="chip-red"' in html and 'data-count="3"' in html  # 2022 deadlines: red today
    r = c.get("/problems/", {"warning": "green"})
    assert r.content.decode().count('data-testid="problem-row"') == 0
    r = c.get("/problems/", {"org": probs["hosp"].responsible_org_id})
    assert r.content.decode().count('data-testid="problem-row"') == 1
    r = c.get("/problems/", {"q": "院感"})
    assert probs["hosp"].number in r.content.decode()


def test_list_for_a_liaison_and_an_admin(client, probs, liaison, system_admin):
    r = login(client, liaison).get("/problems/")
    assert r.content.decode().count('data-testid="problem-row"') == 3
    assert 'data-testid="bulk-bar"' not in r.content.decode()
    assert login(client, system_admin).get("/problems/").status_code == 403


def test_detail_hides_internal_note_and_confidential_source_from_the_liaison(
    client, tree, group_member, liaison, covert
):
    p = problem(
        group_member,
        tree["wjw_group"],
        tree["wjw"],
        source_kind="activity",
        source_activity=covert,
        internal_note="拟约谈分管负责人",
        photos=[jpeg()],
    )
    html = login(client, group_member).get(f"/problems/{p.pk}/").content.decode()
    assert "拟约谈分管负责人" in html and 'data-testid="source-link"' in html and "暗访省人民医院发热门诊" in html
    client.logout()
    r = login(client, liaison).get(f"/problems/{p.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "拟约谈分管负责人" not in html and "暗访省人民医院发热门诊" not in html
    assert 'data-testid="source-link"' not in html
    assert 'data-testid="action-start"' in html


def test_invisible_is_404_and_not_allowed_is_403(client, probs, liaison, other_liaison):
    assert login(client, other_liaison).get(f"/problems/{probs['wjw'].pk}/").status_code == 404
    client.logout()
    assert login(client, liaison).get(f"/problems/{probs['wjw'].pk}/close/").status_code == 403


def test_register_from_an_activity(client, tree, group_member, covert, site):
    covert.sites.add(site)
    c = login(client, group_member)
    r = c.get("/problems/new/", {"activity": covert.pk})
    assert r.status_code == 200 and "暗访省人民医院发热门诊" in r.content.decode()
    data = {
        "group": tree["wjw_group"].pk,
        "description": "预检分诊台无人值守",
        "category": category().pk,
        "severity": severity(2).pk,
        "responsible_org": tree["wjw"].pk,
        "site_code": site.code,
        "deadline_mode": "working_days",
        "deadline_days": 5,
        "source_kind": "activity",
        "source_activity": covert.pk,
    }
    r = c.post("/problems/new/", data)
    assert r.status_code == 302
    p = Problem.objects.get(description="预检分诊台无人值守")
    assert (p.source_activity, p.site, p.deadline_mode, p.severity.level) == (covert, site, "working_days", 2)
    r = c.post("/problems/new/", {**data, "site_code": "NOPE"})
    assert r.status_code == 400 and "不存在或无权选择" in r.content.decode()


def test_edit_with_a_stale_version_shows_the_conflict(client, tree, group_member, group_leader):
    p = problem(group_member, tree["wjw_group"], tree["wjw"])
    c = login(client, group_member)
    form = {
        "description": p.description,
        "category": p.category_id,
        "severity": p.severity_id,
        "responsible_org": p.responsible_org_id,
        "deadline_mode": "date",
        "deadline": "2022-05-10",
        "version": p.version,
    }
    services.problem_update(actor=group_leader, problem=p, expected_version=p.version, root_cause="制度缺失")
    r = c.post(f"/problems/{p.pk}/edit/", form)
    assert r.status_code == 400 and "已被他人修改" in r.content.decode()
    r = c.post(f"/problems/{p.pk}/edit/", {**form, "version": p.version + 1, "category": category("其他").pk})
    assert r.status_code == 302
    assert Problem.objects.get(pk=p.pk).category.name == "其他"


def test_workflow_pages(client, tree, group_member, group_leader, liaison):
    p = problem(group_member, tree["wjw_group"], tree["wjw"])
    c = login(client, liaison)
    r = c.get(f"/problems/{p.pk}/start/")
    assert 'capture="environment"' in r.content.decode() and 'accept="image/*"' in r.content.decode()
    assert c.post(f"/problems/{p.pk}/start/", {"note": "已部署", "before": [jpeg()]}).status_code == 302
    r = c.post(f"/problems/{p.pk}/submit/", {"note": ""})
    assert r.status_code == 400 and "整改情况或整改措施" in r.content.decode()
    assert c.post(f"/problems/{p.pk}/submit/", {"note": "已整改", "after": [jpeg()]}).status_code == 302
    html = c.get(f"/problems/{p.pk}/").content.decode()
    assert 'data-testid="evidence-before"' in html and 'data-testid="evidence-after"' in html
    client.logout()
    c = login(client, group_member)
    r = c.post(f"/problems/{p.pk}/return/", {"note": ""})
    assert r.status_code == 400
    assert c.post(f"/problems/{p.pk}/return/", {"note": "照片不清晰"}).status_code == 302
    assert Problem.objects.get(pk=p.pk).status == "returned"
    assert c.post(f"/problems/{p.pk}/close/", {}).status_code == 403  # members do not close
    html = c.get(f"/problems/{p.pk}/").content.decode()
    assert html.count('data-testid="timeline-event"') == 5


def test_urge_page_and_bulk_urge_of_all_filtered(client, tree, group_member, group_leader, liaison):
    ps = [problem(group_member, tree["wjw_group"], tree["wjw"], description=f"问题{i}") for i in range(22)]
    walk(ps[0], "submitted", liaison=liaison, leader=group_leader)  # not urged: waits for the group
    c = login(client, group_member)
    r = c.get(f"/problems/{ps[1].pk}/urge/")
    assert "督办单" not in r.content.decode().split("催办级别")[1].split("</select>")[0]  # members: 提示/催办
    assert c.post(f"/problems/{ps[1].pk}/urge/", {"level": "urge", "note": "请加快"}).status_code == 302
    r = c.get("/problems/bulk-urge/", {"scope": "all", "q": "问题"})
    assert 'data-testid="bulk-urgeable">21<' in r.content.decode()  # all 21 filtered (2 pages), not just 20
    r = c.post("/problems/bulk-urge/", {"scope": "all", "q": "问题", "level": "remind", "confirm": 20})
    assert r.status_code == 400 and "筛选结果已变化" in r.content.decode()
    r = c.post("/problems/bulk-urge/", {"scope": "all", "q": "问题", "level": "remind", "confirm": 21})
    assert r.status_code == 302
    assert Urge.objects.filter(level="remind").count() == 21
    r = c.post(
        "/problems/bulk-urge/", {"scope": "selected", "ids": [ps[2].pk, ps[3].pk], "level": "urge", "confirm": 2}
    )
    assert r.status_code == 302 and Urge.objects.filter(level="urge").count() == 3


def test_todo_for_liaison_and_group(tree, group_member, group_leader, liaison):
    today = timezone.localdate()
    open_ = problem(
        group_member, tree["wjw_group"], tree["wjw"], registered_on=today, deadline=today + datetime.timedelta(days=1)
    )
    sub = walk(problem(group_member, tree["wjw_group"], tree["wjw"]), "submitted", liaison=liaison, leader=group_leader)
    returned = walk(
        problem(group_member, tree["wjw_group"], tree["wjw"]), "returned", liaison=liaison, leader=group_leader
    )
    titles = [t.title for t in todos_for(liaison)]
    assert any(open_.number in t for t in titles) and any(returned.number in t for t in titles)
    assert not any(sub.number in t for t in titles)
    items = {t.title.split("：")[0]: t for t in todos_for(group_leader)}
    assert sub.number in items["核查"].title
    assert items["督促（临近期限）"].warning == "yellow"


def _chips(client, user, **params) -> dict[str, int]:
    import re

    html = login(client, user).get("/problems/", params).content.decode()
    return {colour: int(n) for colour, n in re.findall(r'data-testid="chip-([a-z_]+)"[^>]*data-count="(\d+)"', html)}


def _counted(user, **params) -> dict[str, int]:
    from django.http import QueryDict

    from jiandu.problems import selectors

    filters = selectors.parse_filters(user, QueryDict(mutable=True) | params)
    counts = selectors.warning_counts(selectors.apply_filters(user, filters, without_warning=True))
    return {str(k): v for k, v in counts.items() if k != "none"}  # the chips: red, yellow, green, closed late


def test_a_commission_viewers_chips_are_summed_per_group_and_follow_every_write(
    client, tree, probs, commission_leader, office_staff, group_member, other_group_member
):
    """The commission's chips are counted per group, cached, and summed (selectors.warning_chips): they must be
    the counts of the whole list, before and after writes in one group or the other, for every commission viewer
    and with other filters."""
    expected = _counted(commission_leader)
    assert expected["red"] == 4
    assert _chips(client, commission_leader) == expected
    future = timezone.localdate() + datetime.timedelta(days=30)
    problem(group_member, tree["wjw_group"], tree["wjw"], registered_on=timezone.localdate(), deadline=future)
    after = _counted(commission_leader)
    assert after["green"] == expected["green"] + 1
    for viewer in (commission_leader, office_staff):
        assert _chips(client, viewer) == after
    problem(other_group_member, tree["yjt_group"], tree["yjt"])
    org = {"org": str(tree["yjt"].pk)}
    assert _chips(client, commission_leader, **org)["red"] == _counted(commission_leader, **org)["red"] == 2
    assert _chips(client, commission_leader)["red"] == 5


def test_a_province_long_to_count_gets_its_chips_after_the_list(client, tree, probs, commission_leader, monkeypatch):
    """Counting a province's problems cold takes a while: the list comes at once with a progress mark that asks
    for the chips (htmx); they are then cached, and the next list shows them at once. A group's viewer's are
    counted with the list."""
    import re

    from jiandu.core import freshness

    monkeypatch.setattr(freshness, "COST_MS", 500.0)  # as a province's groups cost, unmeasured
    html = login(client, commission_leader).get("/problems/", {"status": "unclosed"}).content.decode()
    assert 'data-testid="warning-chips-pending"' in html and 'data-testid="problem-row"' in html
    assert 'data-testid="chip-red"' not in html
    url = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert url.startswith("/problems/chips/?") and "status=unclosed" in url
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    chips = {c: int(n) for c, n in re.findall(r'data-testid="chip-([a-z_]+)"[^>]*data-count="(\d+)"', part)}
    assert chips == _counted(commission_leader, status="unclosed") and chips["red"] > 0
    assert "<html" not in part and "status=unclosed&amp;warning=red" in part
    assert _chips(client, commission_leader, status="unclosed") == chips  # cached: with the list at once


def test_the_chips_alone_follow_access(client, tree, probs, group_member, other_group_member):
    """The chips' URL counts only what the viewer may see, like the list."""
    import re

    part = login(client, other_group_member).get("/problems/chips/").content.decode()
    counts = {c: int(n) for c, n in re.findall(r'data-testid="chip-([a-z_]+)"[^>]*data-count="(\d+)"', part)}
    assert counts == _counted(other_group_member) and counts != _counted(group_member)


def test_the_chips_of_a_group_one_may_not_see_are_all_zero(client, tree, probs, commission_leader):
    """The chips are cached under the filters as parsed: a group that does not exist keeps its own (empty)
    counts, never the whole province's."""
    assert _chips(client, commission_leader)["red"] > 0  # the province's, now cached
    assert set(_chips(client, commission_leader, group="999999").values()) == {0}
