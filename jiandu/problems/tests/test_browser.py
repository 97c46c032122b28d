"""The main flow of problems in a real browser: register → start → submit → return → submit again → close."""

import pytest

from conftest import browser_login
from jiandu.problems.models import Problem

from .factories import category, severity

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
