"""In a real browser: a group member records a covert test call that rings out and turns it into a problem."""

import pytest

from conftest import browser_login
from jiandu.hotline.models import TestCall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rang_out_call_becomes_a_problem(page, hotline, group_member):
    browser_login(page, group_member.username)
    page.goto("/hotline/")
    page.get_by_test_id("call-create").first.click()
    page.select_option("#id_hotline", str(hotline.pk))
    page.fill("#id_planned_at", "2022-04-14T16:05")
    page.get_by_test_id("connected-0").click()
    page.fill("#id_wait_seconds", "60")
    page.fill("#id_note", "响铃60秒无人接听。")
    page.get_by_test_id("call-save").click()
    page.wait_for_load_state("networkidle")
    assert "不合格" in page.get_by_test_id("call-result").inner_text()
    page.get_by_test_id("call-to-problem").click()
    page.wait_for_load_state("networkidle")
    link = page.get_by_test_id("call-problem")
    assert "已转问题" in link.inner_text()
    call = TestCall.objects.get()
    assert call.problem is not None and call.problem.responsible_org == hotline.operating_org
    link.click()
    page.wait_for_load_state("networkidle")
    assert call.problem.number in page.content()
