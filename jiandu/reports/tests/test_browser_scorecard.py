"""考评 and 统计月报 in a real browser: the chart is drawn from the page's data by the static script, a column is
sorted both ways by its header, and the monthly table is downloaded and opened as .xlsx."""

import datetime

import pytest
from openpyxl import load_workbook

from conftest import browser_login
from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.tests.factories import AssignmentFactory, OrgFactory, user_with_role
from jiandu.problems.tests.factories import problem, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def day(month, d):
    return datetime.date(2022, month, d)


def names(page) -> list[str]:
    return page.eval_on_selector_all("[data-testid=scorecard-row]", "rows => rows.map(r => r.dataset.name)")


def test_scorecard_sort_and_monthly_download(page, tree, group_member, group_leader, liaison):
    """驻省卫健委组 in April 2022: 省卫健委 closed one problem late and has one open past its deadline (0 %);
    a second department it supervises closed its problem on time (100 %)."""
    group = tree["wjw_group"]
    other = OrgFactory(kind=OrgKind.DEPARTMENT, code="D-YBJ", name="吉林省医疗保障局", short_name="省医保局")
    AssignmentFactory(group=group, org=other)
    other_liaison = user_with_role(Role.LIAISON, other, "p_ybj_liaison")
    late = problem(group_member, group, tree["wjw"], registered_on=day(4, 1), deadline=day(4, 10))
    walk(late, "closed", liaison=liaison, leader=group_leader, closed_on=day(4, 12))
    problem(
        group_member, group, tree["hospital"], description="院感培训不到位", registered_on=day(4, 2), deadline=day(4, 9)
    )
    on_time = problem(group_member, group, other, description="异地就医备案不畅", registered_on=day(4, 3))
    walk(on_time, "closed", liaison=other_liaison, leader=group_leader, closed_on=day(4, 5))

    browser_login(page, group_leader.username)
    page.goto("/reports/scorecard/")
    page.wait_for_selector("#scorecard-chart canvas")  # drawn by jiandu/scorecard.js from the json_data data
    assert names(page) == ["吉林省卫生健康委员会", "吉林省医疗保障局"]
    page.click("[data-testid=sort-on_time_rate]")
    page.wait_for_load_state("networkidle")
    assert "sort=-on_time_rate" in page.url
    assert names(page) == ["吉林省医疗保障局", "吉林省卫生健康委员会"]
    rate = page.inner_text("[data-testid=scorecard-row] >> nth=1 >> [data-key=on_time_rate]")
    assert rate.strip() == "0.0%"  # closed late, and the hospital's problem is open past its deadline
    page.click("[data-testid=sort-on_time_rate]")  # again: the other direction
    page.wait_for_load_state("networkidle")
    assert "sort=on_time_rate" in page.url and names(page) == ["吉林省卫生健康委员会", "吉林省医疗保障局"]

    page.goto("/reports/monthly/?month=2022-04")
    assert "统计月份：2022年4月" in page.inner_text("[data-testid=monthly-sheet]")
    with page.expect_download() as info:
        page.click("[data-testid=monthly-export]")
    download = info.value
    assert download.suggested_filename.endswith("2022年4月.xlsx")
    with open(download.path(), "rb") as f:
        ws = load_workbook(f).active
    assert ws["A1"].value == "派驻监督工作统计月报表"
    found = next(r for r in range(5, ws.max_row + 1) if ws.cell(row=r, column=2).value == "发现问题")  # 三、问题整改
    assert ws.cell(row=found, column=4).value == 3
