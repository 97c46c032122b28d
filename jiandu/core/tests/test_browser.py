"""Main flow in a real browser: log in, reach the home page (工作台), see the menu of one's role."""

import pytest

from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_reaches_home_with_role_navigation(page, tree, office_staff):
    browser_login(page, office_staff.username)
    assert page.locator("h1, .jd-page-title").first.inner_text().strip().endswith("工作台")
    assert "派驻机构管理室" in page.locator("[data-testid=identity-card]").inner_text()
    nav = page.locator("[data-testid=main-nav]").inner_text()
    assert "用户与授权" in nav and "审计日志" not in nav
    page.click("[data-testid=main-nav] >> text=组织机构")
    page.wait_for_load_state("networkidle")
    assert "吉林省卫生健康委员会" in page.content()


def test_wrong_password_shows_chinese_error(page, tree, group_member):
    browser_login(page, group_member.username, "Wrong#Pass1")
    assert "用户名或密码不正确" in page.locator("[data-testid=login-error]").inner_text()


def test_static_assets_are_served_by_the_app(page, live_server, tree, group_member):
    failed, external = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("request", lambda r: None if r.url.startswith((live_server.url, "data:")) else external.append(r.url))
    browser_login(page, group_member.username)
    assert page.evaluate("typeof bootstrap !== 'undefined' && typeof htmx !== 'undefined'")
    assert failed == []
    assert external == []
