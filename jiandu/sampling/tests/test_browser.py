"""An inspector on a phone-sized browser opens an assignment, fails an item and makes it a problem, which then
waits in the liaison's to-do."""

import pytest

from conftest import browser_login
from jiandu.core.todo import todos_for
from jiandu.sampling.models import Check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_fails_an_item_on_a_phone_and_the_problem_reaches_the_liaison(
    page, published_plan, group_member, liaison
):
    page.set_viewport_size({"width": 390, "height": 844})
    a = published_plan.current_draw.assignments_set.filter(inspectors=group_member).select_related("site").first()
    browser_login(page, group_member.username)
    page.goto("/sampling/tasks/")
    page.locator("[data-testid=task]", has_text=a.site.name).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=check-site]").inner_text() == a.site.name
    items = page.locator("[data-testid=check-item]")
    for n in range(1, items.count() + 1):
        page.click(f"[data-testid=result-{n}-{'fail' if n == 2 else 'pass'}]")
    page.fill("[data-testid=note-2]", "值守人员棉被不足")
    page.fill("#tent_total", "30")
    page.fill("#tent_damaged", "2")
    page.fill("#tent_replenished", "2")
    # The form fits the phone: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("[data-testid=check-save]")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=make-problem]")
    page.wait_for_load_state("networkidle")
    link = page.locator("[data-testid=problem-link]")
    number = link.inner_text()
    assert number.startswith("WT-")
    check = Check.objects.get(assignment=a)
    assert check.results.get(result="fail").problem.number == number
    assert any(number in t.title for t in todos_for(liaison))
