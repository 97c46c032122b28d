"""The main flow in a real browser: a liaison reports a week, the group leader approves and locks it, and the
parent's roll-up total shows the new sum."""

import pytest

from conftest import browser_login
from jiandu.stats import services
from jiandu.stats.models import Approval, DataValue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_liaison_reports_leader_locks_total_updates(page, tree, clinic, stats, hospital_liaison, group_leader):
    services.datavalue_set_many(
        actor=group_leader, dataset=stats["ds"], org=clinic, period=stats["w16"],
        values={stats["times"].pk: 140, stats["heads"].pk: 20},
    )  # fmt: skip
    page.on("dialog", lambda dialog: dialog.accept())  # approving an incomplete week asks for confirmation

    browser_login(page, hospital_liaison.username)
    page.goto("/stats/")
    page.click("text=下沉社区周报")
    page.click("[data-testid=completeness-row][data-period='2022-W16'] [data-testid=entry-link]")
    page.fill("[data-testid=value-XC_RC]", "30")
    page.fill("[data-testid=value-XC_RS]", "50")
    page.click("[data-testid=entry-save]")
    page.wait_for_load_state("networkidle")
    assert "「下沉人次」不应小于「下沉人数」" in page.inner_text("[data-testid=form-errors]")
    page.fill("[data-testid=value-XC_RC]", "300")
    page.click("[data-testid=entry-save]")
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.content()
    assert DataValue.objects.get(org=tree["hospital"], indicator=stats["times"]).value == 300

    page.context.clear_cookies()
    browser_login(page, group_leader.username)
    page.goto(f"/stats/{stats['ds'].pk}/approvals/")
    page.click("[data-testid=approval-row][data-period='2022-W16'][data-org='D-WJW'] [data-testid=approve]")
    page.wait_for_load_state("networkidle")
    assert "已审核并锁定" in page.content()
    assert Approval.objects.get(org=tree["wjw"]).status == "locked"

    page.click("[data-testid=pivot-tab]")
    page.select_option("select[name=root]", str(tree["wjw"].pk))
    page.wait_for_load_state("networkidle")
    total = page.inner_text("[data-testid=pivot-row][data-org='D-WJW-total'] [data-testid=row-total]")
    assert "440" in total
    page.wait_for_function("document.querySelector('#jd-chart canvas') !== null")

    page.goto(f"/stats/{stats['ds'].pk}/entry/?org={tree['hospital'].pk}&period=2022-W16")
    assert "已锁定" in page.inner_text("[data-testid=lock-state]")
