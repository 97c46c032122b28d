"""Two-step login in a real browser: a group leader binds the 动态验证码 at first login, cannot go anywhere
with the password alone, and gets in with the code."""

import base64

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password_step(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Jiandu@2022")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_group_leader_enrolls_then_needs_the_code_every_time(page, tree, group_leader):
    _password_step(page, group_leader.username)
    assert page.url.endswith("/accounts/otp/setup/")
    assert page.locator("[data-testid=otp-qr] svg").count() == 1
    secret = base64.b32decode("".join(page.text_content("[data-testid=otp-secret]").split()))
    page.fill("#id_code", totp_code(secret))
    page.click("[data-testid=otp-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=recovery-codes] li").count() == 10
    page.click("text=我已保存，继续")
    page.wait_for_load_state("networkidle")
    assert page.locator(".jd-page-title").first.inner_text().strip().endswith("工作台")

    page.context.clear_cookies()  # a new visit
    _password_step(page, group_leader.username)
    assert page.url.endswith("/accounts/otp/")
    page.goto("/problems/")
    assert page.url.endswith("/accounts/otp/")  # the password alone opens nothing
    page.fill("#id_code", "000000")
    page.click("[data-testid=otp-submit]")
    assert "动态验证码不正确" in page.locator("[data-testid=otp-error]").inner_text()
    TOTPDevice.objects.filter(user=group_leader).update(last_t=-1)
    page.fill("#id_code", totp_code(TOTPDevice.objects.get(user=group_leader).bin_key))
    page.click("[data-testid=otp-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".jd-page-title").first.inner_text().strip().endswith("工作台")
