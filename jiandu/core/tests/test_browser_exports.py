"""A large ledger export in a real browser: 导出 Excel → the progress page reaches 100% → the download link gives
the .xlsx; 我的导出 lists it. (In tests the task queue runs at once, so the job is done when the page opens.)"""

import pytest
from openpyxl import load_workbook

from conftest import browser_login
from jiandu.problems.tests.factories import problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_large_problem_ledger_is_exported_in_the_background(page, settings, tree, group_member, tmp_path):
    settings.JIANDU_EXPORT_SYNC_ROWS = 5
    settings.MEDIA_ROOT = tmp_path
    for i in range(8):
        problem(group_member, tree["wjw_group"], tree["wjw"], description=f"帐篷加固不到位{i}")
    browser_login(page, group_member.username)
    page.goto("/problems/")
    page.click("[data-testid=problem-export]")
    page.wait_for_url("**/exports/*/")
    progress = page.locator("[data-testid=export-progress]")
    assert progress.get_attribute("data-status") == "done"
    assert page.inner_text("[data-testid=export-percent]").strip() == "100%"
    assert "已导出 8 / 8 行" in page.inner_text("[data-testid=export-rows]")
    assert "已转入后台导出" in page.content()

    with page.expect_download() as download_info:
        page.click("[data-testid=export-download]")
    download = download_info.value
    assert download.suggested_filename.startswith("问题整改台账_") and download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "downloaded.xlsx"
    download.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 9

    page.click("[data-testid=my-exports]")
    page.wait_for_load_state("networkidle")
    assert "问题整改台账" in page.inner_text("[data-testid=export-list]")
    assert "已完成" in page.inner_text("[data-testid=export-list]")
