"""The dashboard in a real browser: the charts draw, the scope filter narrows the figures, a figure opens the
filtered list of its records, and the page fits a phone."""

from datetime import date

import pytest

from conftest import browser_login
from jiandu.activities.enums import Method
from jiandu.activities.tests.factories import ActivityFactory, topic
from jiandu.problems.tests.factories import problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figure(page, key: str) -> str:
    """The number as shown: a tile's value, or a breakdown table's link."""
    el = page.locator(f"[data-testid=figure][data-key='{key}']")
    value = el.locator(".jd-kpi-value")
    return (value if value.count() else el).inner_text().strip()


def test_open_the_dashboard_narrow_it_and_drill_down(page, tree, commission_leader, group_member):
    for day in (4, 6, 8):
        ActivityFactory(group=tree["wjw_group"], method=Method.PHONE_CHECK, start_date=date(2022, 4, day),
                        topics=[topic()])  # fmt: skip
    ActivityFactory(group=tree["yjt_group"], start_date=date(2022, 4, 12), topics=[topic()])
    problem(group_member, tree["wjw_group"], tree["wjw"], registered_on=date(2022, 4, 10))

    browser_login(page, commission_leader.username)
    page.goto("/reports/?from=2022-04-01&to=2022-04-30")
    assert _figure(page, "activities") == "4次"
    for chart in ("weekly", "groups", "topics", "board"):
        page.wait_for_selector(f"[data-testid=chart-{chart}][data-ready='1'] canvas")

    page.select_option("[data-testid=scope-group]", [str(tree["wjw_group"].pk)])
    page.click("[data-testid=scope-submit]")
    page.wait_for_load_state("networkidle")
    assert "驻省卫健委纪检监察组" in page.inner_text("[data-testid=scope-label]")
    assert _figure(page, "activities") == "3次" and _figure(page, "method.phone_check") == "3次"

    page.click("[data-testid=figure][data-key='activities']")
    page.wait_for_load_state("networkidle")
    assert page.url.split("?")[0].endswith("/activities/")
    assert f"group={tree['wjw_group'].pk}" in page.url and "date_from=2022-04-01" in page.url
    assert page.locator("[data-testid=activity-row]").count() == 3


def test_a_bar_opens_its_records_and_the_page_fits_a_phone(page, tree, commission_leader, group_member):
    problem(group_member, tree["wjw_group"], tree["wjw"], registered_on=date(2022, 4, 10))
    problem(group_member, tree["wjw_group"], tree["hospital"], registered_on=date(2022, 4, 11))
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, commission_leader.username)
    page.goto("/reports/?from=2022-04-01&to=2022-04-30")
    page.wait_for_selector("[data-testid=chart-board][data-ready='1'] canvas")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # the colour board's cell of 省卫健委 (not its hospital) opens the list of that org's open problems
    page.click(f"[data-testid=board-row]:has-text('{tree['wjw'].name}') [data-testid=board-cell] >> nth=-1")
    page.wait_for_load_state("networkidle")
    assert "/problems/" in page.url and "org_only=1" in page.url
    assert page.locator("[data-testid=problem-row]").count() == 1


def test_a_province_long_to_sum_shows_progress_then_draws(page, tree, commission_leader, group_member, monkeypatch):
    from jiandu.core import freshness

    monkeypatch.setattr(freshness, "COST_MS", 500.0)  # the server (this process) expects a long sum
    ActivityFactory(group=tree["wjw_group"], start_date=date(2022, 4, 4), topics=[topic()])
    problem(group_member, tree["wjw_group"], tree["wjw"], registered_on=date(2022, 4, 10))
    browser_login(page, commission_leader.username)
    page.goto("/reports/?from=2022-04-01&to=2022-04-30")
    page.wait_for_selector("[data-testid=dashboard-figures]")  # swapped in place of the progress card
    assert page.locator("[data-testid=dashboard-pending]").count() == 0
    assert _figure(page, "activities") == "1次"
    for chart in ("weekly", "groups", "topics", "board"):
        page.wait_for_selector(f"[data-testid=chart-{chart}][data-ready='1'] canvas")
