"""The main flow of problems in a real browser: register → start → submit → return → submit again → close."""

import re

import pytest

from conftest import browser_login
from jiandu.organizations.enums import OrgKind
from jiandu.organizations.org_filters import SELECT_UP_TO
from jiandu.organizations.tests.factories import OrgFactory
from jiandu.problems.models import Problem

from .factories import category, problem, severity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_problem_walks_from_open_to_closed(page, tree, group_member, group_leader, liaison):
    category(), severity()  # the seeded lists (a transactional test starts from an empty database)
    browser_login(page, group_member.username)
    page.goto("/problems/")
    page.click("[data-testid=problem-create]")
    page.fill("#id_description", "发热门诊候诊区未落实一米线要求")
    page.select_option("#id_category", label="防控措施落实不到位")
    page.select_option("#id_responsible_org", str(tree["wjw"].pk))
    page.select_option("#id_deadline_mode", "calendar_days")
    page.fill("#id_deadline_days", "10")
    page.click("[data-testid=problem-save]")
    page.wait_for_load_state("networkidle")
    assert "问题已登记" in page.content()
    problem = Problem.objects.get(description="发热门诊候诊区未落实一米线要求")
    assert page.inner_text("[data-testid=problem-number]") == problem.number

    def as_user(user):
        page.context.clear_cookies()
        browser_login(page, user.username)
        page.goto("/problems/")
        page.click(f"[data-testid=problem-row][data-id='{problem.pk}'] a >> nth=0")
        page.wait_for_load_state("networkidle")

    def status() -> str:
        return page.inner_text("[data-testid=problem-status]").strip()

    as_user(liaison)
    assert status() == "待整改"
    page.click("[data-testid=action-start]")
    page.fill("#id_note", "已制定整改方案")
    page.click("[data-testid=action-submit-button]")
    page.wait_for_load_state("networkidle")
    assert status() == "整改中"
    page.click("[data-testid=action-submit]")
    page.fill("#id_note", "已设置一米线标识并安排专人引导")
    page.click("[data-testid=action-submit-button]")
    page.wait_for_load_state("networkidle")
    assert status() == "待核查"

    as_user(group_leader)
    page.click("[data-testid=action-return]")
    page.fill("#id_note", "缺少整改后照片")
    page.click("[data-testid=action-submit-button]")
    page.wait_for_load_state("networkidle")
    assert status() == "退回重改"

    as_user(liaison)  # the returned problem is back in the liaison's hands
    assert "缺少整改后照片" in page.inner_text("[data-testid=timeline]")
    page.click("[data-testid=action-start]")
    page.click("[data-testid=action-submit-button]")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=action-submit]")
    page.fill("#id_measures", "补充整改后照片，建立日巡查制度")
    page.click("[data-testid=action-submit-button]")
    page.wait_for_load_state("networkidle")
    assert status() == "待核查"

    as_user(group_leader)
    page.click("[data-testid=action-close]")
    page.fill("#id_note", "经核查整改到位")
    page.click("[data-testid=action-submit-button]")
    page.wait_for_load_state("networkidle")
    assert status() == "已销号"
    kinds = page.eval_on_selector_all("[data-testid=timeline-event]", "els => els.map(e => e.dataset.kind)")
    assert kinds == ["created", "started", "progress", "submitted", "returned", "started", "submitted", "closed"]
    problem.refresh_from_db()
    assert problem.status == "closed"


def test_the_org_filter_finds_the_org_as_one_types(page, tree, group_member):
    """More responsible orgs than a <select> should hold: the filter is a typeahead (organizations.org_filters)."""
    for i in range(SELECT_UP_TO):
        OrgFactory(kind=OrgKind.UNIT, parent=tree["yjt"], code=f"U-YJT-{i:03d}", name=f"应急管理下属单位{i:03d}")
    problem(group_member, tree["wjw_group"], tree["hospital"], description="候诊区未落实一米线要求")
    problem(group_member, tree["wjw_group"], tree["wjw"], description="值班制度落实不到位")
    browser_login(page, group_member.username)
    page.goto("/problems/")
    rows = page.locator("[data-testid=problem-row]")
    box = page.get_by_role("combobox", name="责任单位")
    assert page.locator("select[name=org]").count() == 0

    # the mouse: type part of a name, click the org
    box.fill("人民医院")
    page.get_by_role("option", name=re.compile("吉林省人民医院")).click()
    assert box.input_value() == "吉林省人民医院"
    page.click("[data-testid=filter-submit]")
    page.wait_for_load_state("networkidle")
    assert f"org={tree['hospital'].pk}" in page.url
    assert rows.count() == 1 and "候诊区未落实一米线要求" in rows.inner_text()
    assert box.input_value() == "吉林省人民医院"  # the page says what it is filtered by

    # the keyboard: a code, Enter picks the first match, Enter again filters (the org with its units)
    box.fill("")
    box.press_sequentially("d-wjw")
    page.get_by_role("option", name=re.compile("吉林省卫生健康委员会")).wait_for()
    box.press("Enter")
    assert box.input_value() == "吉林省卫生健康委员会"
    box.press("Enter")
    page.wait_for_load_state("networkidle")
    assert f"org={tree['wjw'].pk}" in page.url and rows.count() == 2

    # ↓ then Escape: nothing picked, the box shows the filter again
    box.fill("应急管理下属")
    page.get_by_role("option", name=re.compile("应急管理下属单位000")).wait_for()
    assert "仅列出前 20 个" in page.inner_text("[data-org-menu]")
    box.press("ArrowDown")
    box.press("Escape")
    assert box.input_value() == "吉林省卫生健康委员会" and page.locator("[data-org-menu]").is_hidden()

    # emptying the box clears the filter
    box.fill("")
    page.click("[data-testid=filter-submit]")
    page.wait_for_load_state("networkidle")
    assert f"org={tree['wjw'].pk}" not in page.url and rows.count() == 2


def test_a_province_long_to_count_shows_the_list_then_its_chips(
    page, tree, group_member, commission_leader, monkeypatch
):
    """The list comes at once with a progress mark where the colour chips go; they appear when counted, and
    a chip then filters the list."""
    import datetime

    from django.utils import timezone

    from jiandu.core import freshness

    monkeypatch.setattr(freshness, "COST_MS", 500.0)  # the server (this process) expects a long count
    overdue = timezone.localdate() - datetime.timedelta(days=40)
    problem(group_member, tree["wjw_group"], tree["wjw"], registered_on=overdue, deadline=overdue)
    today = timezone.localdate()
    problem(
        group_member, tree["wjw_group"], tree["hospital"], registered_on=today, deadline=today + datetime.timedelta(30)
    )
    browser_login(page, commission_leader.username)
    page.goto("/problems/")
    page.wait_for_selector("[data-testid=chip-red]")  # swapped in place of the progress mark
    assert page.locator("[data-testid=warning-chips-pending]").count() == 0
    assert page.get_attribute("[data-testid=chip-red]", "data-count") == "1"
    page.click("[data-testid=chip-red]")
    page.wait_for_load_state("networkidle")
    assert "warning=red" in page.url and page.locator("[data-testid=problem-row]").count() == 1
