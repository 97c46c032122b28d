"""Each role sees the navigation and home modules of its role, and nothing else."""

import pytest
from django.urls import reverse

from conftest import PERSONAS

BUSINESS = {"监督检查", "专项监督", "监督文书"}
EXPECTED_NAV = {
    "commission_leader": {"组织机构", "监督关系", "监督点位", *BUSINESS},
    "office_staff": {"组织机构", "监督关系", "监督点位", "用户与授权", *BUSINESS},
    "group_leader": {"组织机构", "监督关系", "监督点位", *BUSINESS},
    "group_member": {"组织机构", "监督关系", "监督点位", *BUSINESS},
    "other_group_member": {"组织机构", "监督关系", "监督点位", *BUSINESS},
    "liaison": {"监督点位", "监督文书"},
    "system_admin": {"组织机构", "监督关系", "监督点位", "用户与授权"},
    "security_admin": {"组织机构", "用户与授权"},
    "audit_admin": {"审计日志"},
}
ALL_MODULES = {"组织机构", "监督关系", "监督点位", "用户与授权", "审计日志", *BUSINESS}


@pytest.mark.parametrize("name", PERSONAS)
def test_home_shows_identity_and_role_modules(client, name, request):
    persona = request.getfixturevalue(name)
    client.force_login(persona)
    r = client.get(reverse("home"))
    assert r.status_code == 200
    html = r.content.decode()
    assert persona.display_name in html
    assert persona.org.name in html
    shown = {m for m in ALL_MODULES if f">{m}</" in html or f"{m}</div>" in html}
    assert shown == EXPECTED_NAV[name]


def test_audit_log_only_for_audit_admin(client, audit_admin, system_admin, office_staff):
    for user, status in [(audit_admin, 200), (system_admin, 403), (office_staff, 403)]:
        client.force_login(user)
        assert client.get(reverse("audit_log")).status_code == status


def test_audit_log_verify_button(client, audit_admin):
    client.force_login(audit_admin)
    r = client.get(reverse("audit_log") + "?verify=1")
    assert "审计链完整" in r.content.decode()


def test_unknown_page_is_chinese_404(client, group_member):
    client.force_login(group_member)
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    assert "不存在" in r.content.decode()


def test_user_without_roles_sees_only_home(client, db):
    from jiandu.organizations.tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "尚未授予任何角色" in html
    assert not any(f">{m}</" in html for m in ALL_MODULES)
