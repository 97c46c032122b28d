"""The briefing's main flow in a real browser: generate for a group and period, edit the closing, download .docx."""

import datetime

import pytest
from docx import Document as DocxDocument

from conftest import browser_login
from jiandu.activities import services as activity_services
from jiandu.activities.enums import Method
from jiandu.reports.models import Briefing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_generate_edit_and_export_a_briefing(page, tree, group_leader):
    for day in (3, 5, 7):
        activity_services.activity_create(
            actor=group_leader,
            group=tree["wjw_group"],
            method=Method.PHONE_CHECK,
            title=f"电话抽查发热门诊（{day}日）",
            start_date=datetime.date(2022, 4, day),
        )
    browser_login(page, group_leader.username)
    page.goto("/reports/briefings/")
    page.fill("#id_date_from", "2022-04-01")
    page.fill("#id_date_to", "2022-04-30")
    page.click("[data-testid=briefing-generate]")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("[data-testid=briefing-text]")
    assert "2022年4月1日至4月30日" in text and "电话抽查暗访3次" in text
    page.click("[data-testid=briefing-edit]")
    page.fill("#id_closing", "下一步，驻省卫健委纪检监察组将持续跟踪发热门诊接诊问题整改。")
    page.click("[data-testid=briefing-save]")
    page.wait_for_load_state("networkidle")
    assert "持续跟踪发热门诊接诊问题整改" in page.inner_text("[data-testid=briefing-closing]")
    with page.expect_download() as info:
        page.click("[data-testid=briefing-docx]")
    download = info.value
    b = Briefing.objects.get()
    assert download.suggested_filename == f"{b.number} {b.title}.docx"
    body = "\n".join(p.text for p in DocxDocument(download.path()).paragraphs)
    assert "电话抽查暗访3次" in body and "持续跟踪发热门诊接诊问题整改" in body
