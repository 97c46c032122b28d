"""Persona fixtures shared by every module's tests (STYLE.md): a small org tree and one user per role.

Tree:  省纪委监委 (commission)
         ├─ 派驻机构管理室 (office)
         ├─ 驻省卫健委纪检监察组 (group)  ─supervises→ 省卫健委 (department) ─ 省医院 (unit)
         └─ 驻省应急管理厅纪检监察组 (group) ─supervises→ 省应急管理厅 (department)
"""

import base64

import pytest

from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.tests.factories import AssignmentFactory, OrgFactory, user_with_role


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: counters in a rolled-back database can repeat across tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def tree(db):
    commission = OrgFactory(kind=OrgKind.COMMISSION, code="JW", name="吉林省纪委监委", short_name="省纪委监委")
    office = OrgFactory(kind=OrgKind.OFFICE, parent=commission, code="JW-PZS", name="派驻机构管理室")
    wjw_group = OrgFactory(kind=OrgKind.GROUP, parent=commission, code="G-WJW", name="驻省卫健委纪检监察组")
    yjt_group = OrgFactory(kind=OrgKind.GROUP, parent=commission, code="G-YJT", name="驻省应急管理厅纪检监察组")
    wjw = OrgFactory(kind=OrgKind.DEPARTMENT, code="D-WJW", name="吉林省卫生健康委员会", short_name="省卫健委")
    hospital = OrgFactory(kind=OrgKind.UNIT, parent=wjw, code="U-HOSP", name="吉林省人民医院")
    yjt = OrgFactory(kind=OrgKind.DEPARTMENT, code="D-YJT", name="吉林省应急管理厅", short_name="省应急管理厅")
    AssignmentFactory(group=wjw_group, org=wjw)
    AssignmentFactory(group=yjt_group, org=yjt)
    return {
        "commission": commission,
        "office": office,
        "wjw_group": wjw_group,
        "yjt_group": yjt_group,
        "wjw": wjw,
        "hospital": hospital,
        "yjt": yjt,
    }


@pytest.fixture
def commission_leader(tree):
    return user_with_role(Role.COMMISSION_LEADER, tree["commission"], "p_leader")


@pytest.fixture
def office_staff(tree):
    return user_with_role(Role.OFFICE_STAFF, tree["office"], "p_office")


@pytest.fixture
def group_leader(tree):
    return user_with_role(Role.GROUP_LEADER, tree["wjw_group"], "p_wjw_leader")


@pytest.fixture
def group_member(tree):
    return user_with_role(Role.GROUP_MEMBER, tree["wjw_group"], "p_wjw_member")


@pytest.fixture
def other_group_member(tree):
    return user_with_role(Role.GROUP_MEMBER, tree["yjt_group"], "p_yjt_member")


@pytest.fixture
def liaison(tree):
    return user_with_role(Role.LIAISON, tree["wjw"], "p_wjw_liaison")


@pytest.fixture
def other_liaison(tree):
    return user_with_role(Role.LIAISON, tree["yjt"], "p_yjt_liaison")


@pytest.fixture
def system_admin(tree):
    return user_with_role(Role.SYSTEM_ADMIN, tree["commission"], "p_sysadmin")


@pytest.fixture
def security_admin(tree):
    return user_with_role(Role.SECURITY_ADMIN, tree["commission"], "p_secadmin")


@pytest.fixture
def audit_admin(tree):
    return user_with_role(Role.AUDIT_ADMIN, tree["commission"], "p_auditor")


# Parametrize over these names and take the user with request.getfixturevalue(name).
PERSONAS = [
    "commission_leader",
    "office_staff",
    "group_leader",
    "group_member",
    "other_group_member",
    "liaison",
    "system_admin",
    "security_admin",
    "audit_admin",
]


# --- Browser tests: Debian's chromium driven by Playwright; skipped with a printed reason where it is missing. ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def _browser():
    import os
    import shutil

    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        reason = f"浏览器测试跳过：未安装 Debian 的 chromium（{CHROMIUM}）；CI 会安装它。"
        print(reason)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Django's connections are context-local and Playwright runs an event loop in this thread: close the
        # connections opened under it, or they outlive the test database on PostgreSQL.
        connections.close_all()


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    # Every page must run under the Content-Security-Policy: a refused script or style fails the test.
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def browser_login(page, username, password="Jiandu@2022"):
    """Logs in through the form, as a person would. Accounts that need the 动态验证码 (group leaders, admins)
    go through the second step too: enrollment from the secret shown on the page the first time, then the
    device's current code."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/accounts/otp/setup/" in page.url:
        secret = page.text_content("[data-testid=otp-secret]")
        page.fill("#id_code", totp_code(base64.b32decode("".join(secret.split()))))
        page.click("[data-testid=otp-submit]")
        page.wait_for_load_state("networkidle")
        page.click("text=我已保存，继续")
        page.wait_for_load_state("networkidle")
    elif "/accounts/otp/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        # A code is accepted once per 30 s; a test may log the same person in twice within that window.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        page.fill("#id_code", totp_code(device.bin_key))
        page.click("[data-testid=otp-submit]")
        page.wait_for_load_state("networkidle")


def totp_code(key: bytes) -> str:
    """The current 6-digit code of a TOTP secret, as an authenticator app shows it."""
    from django_otp.oath import totp

    return f"{totp(key):06d}"
