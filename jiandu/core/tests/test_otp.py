"""The second factor: group leaders and the admins log in with password and 动态验证码 (TOTP), on the page and
on the API token endpoint; recovery codes work once; wrong codes lock out like wrong passwords."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from jiandu.core import otp
from jiandu.core.enums import EventType, Outcome
from jiandu.core.models import AuditEvent
from jiandu.demo import loader
from jiandu.organizations.enums import Role
from jiandu.organizations.models import RoleGrant
from jiandu.organizations.tests.factories import TEST_PASSWORD


def _login(client, username, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="动态验证码", confirmed=True)


def _code(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, drift=device.drift):06d}"


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _otp_failures(username) -> int:
    return AuditEvent.objects.filter(
        event_type=EventType.LOGIN_FAILED, actor_username=username, details__reason="otp"
    ).count()


# --- The page ---


def test_group_leader_with_the_right_password_but_no_code_is_not_logged_in(client, group_leader, liaison):
    _device(group_leader)
    r = _login(client, group_leader.username)
    assert r.status_code == 302 and r.url == reverse("otp_verify")
    assert not _logged_in(client)
    for url in ["/", "/problems/", "/documents/", reverse("organizations:user_list"), reverse("password_change")]:
        r = client.get(url)
        assert r.status_code == 302 and r.url == reverse("otp_verify"), url
    assert client.get("/api/v1/problems/").status_code == 401
    assert not AuditEvent.objects.filter(event_type=EventType.LOGIN, actor_id=group_leader.pk).exists()


def test_the_right_code_logs_the_leader_in_and_the_login_names_the_factor(client, group_leader):
    device = _device(group_leader)
    _login(client, group_leader.username)
    page = client.get(reverse("otp_verify"))
    assert "动态验证码" in page.content.decode()
    r = client.post(reverse("otp_verify"), {"code": _code(device)})
    assert r.status_code == 302 and r.url == reverse("home")
    assert _logged_in(client)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/problems/").status_code == 200
    login = AuditEvent.objects.get(event_type=EventType.LOGIN, actor_id=group_leader.pk)
    assert login.details["second_factor"] == "totp"


def test_the_next_url_survives_the_second_step(client, group_leader):
    device = _device(group_leader)
    client.post(reverse("login") + "?next=/problems/", {"username": group_leader.username, "password": TEST_PASSWORD})
    r = client.post(reverse("otp_verify"), {"code": _code(device)})
    assert r.url == "/problems/"


def test_a_recovery_code_logs_in_once(client, group_leader):
    _device(group_leader)
    codes = otp.regenerate_recovery_codes(group_leader)
    assert len(codes) == 10 and len(set(codes)) == 10
    _login(client, group_leader.username)
    r = client.post(reverse("otp_verify"), {"code": codes[0].upper()})
    assert r.status_code == 302 and _logged_in(client)
    assert AuditEvent.objects.filter(event_type=EventType.LOGIN, details__second_factor="recovery_code").exists()
    client.post(reverse("logout"))
    _login(client, group_leader.username)
    r = client.post(reverse("otp_verify"), {"code": codes[0]})
    assert r.status_code == 200 and "动态验证码不正确或已使用" in r.content.decode()
    assert not _logged_in(client)
    assert StaticDevice.objects.get(user=group_leader).token_set.count() == 9


def test_five_wrong_codes_lock_the_account_and_are_audited(client, group_leader):
    device = _device(group_leader)
    _login(client, group_leader.username)
    for i in range(4):
        r = client.post(reverse("otp_verify"), {"code": "000000" if i % 2 else "12345"})
        assert r.status_code == 200
    r = client.post(reverse("otp_verify"), {"code": "999999" if _code(device) != "999999" else "999998"})
    assert r.status_code == 429 and "锁定30分钟" in r.content.decode()
    r = client.post(reverse("otp_verify"), {"code": _code(device)})  # the right code, but locked
    assert r.status_code == 429 and not _logged_in(client)
    assert _login(client, group_leader.username).status_code == 429  # the password step is locked too
    assert _otp_failures(group_leader.username) == 5
    failure = AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED, details__reason="otp").first()
    assert failure.outcome == Outcome.FAILURE and failure.details["channel"] == "web"


def test_password_failures_and_code_failures_share_the_limit(client, group_leader):
    device = _device(group_leader)
    for _ in range(3):
        _login(client, group_leader.username, "Wrong#Pass1")
    _login(client, group_leader.username)  # the right password does not wipe the failures: no login yet
    client.post(reverse("otp_verify"), {"code": "000001"})
    r = client.post(reverse("otp_verify"), {"code": "000002"})
    assert r.status_code == 429
    assert client.post(reverse("otp_verify"), {"code": _code(device)}).status_code == 429


@pytest.mark.parametrize("persona", ["group_member", "liaison", "commission_leader", "office_staff"])
def test_unprotected_roles_log_in_with_the_password_only(client, persona, request):
    user = request.getfixturevalue(persona)
    r = _login(client, user.username)
    assert r.status_code == 302 and r.url == reverse("home")
    assert _logged_in(client)


@pytest.mark.parametrize("persona", ["group_leader", "system_admin", "security_admin", "audit_admin"])
def test_protected_roles_by_default(client, persona, request):
    user = request.getfixturevalue(persona)
    r = _login(client, user.username)
    assert r.status_code == 302 and r.url == reverse("otp_setup")
    assert not _logged_in(client)


def test_the_setting_chooses_the_protected_roles(client, group_leader, group_member):
    with override_settings(JIANDU_TOTP_ROLES=["group_member"]):
        assert _login(client, group_member.username).url == reverse("otp_setup")
        assert not _logged_in(client)
        assert _login(client, group_leader.username).url == reverse("home")
        assert _logged_in(client)


def test_first_login_enrolls_with_a_local_qr_code_and_shows_ten_recovery_codes_once(client, security_admin):
    _login(client, security_admin.username)
    page = client.get(reverse("otp_setup")).content.decode()
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=security_admin, confirmed=False)
    assert otp.secret_text(device) in page
    r = client.post(reverse("otp_setup"), {"code": "000000" if _code(device) != "000000" else "000001"})
    assert r.status_code == 200 and "动态验证码不正确" in r.content.decode() and not _logged_in(client)
    assert _otp_failures(security_admin.username) == 1
    r = client.post(reverse("otp_setup"), {"code": _code(device)})
    assert r.status_code == 302 and r.url == reverse("otp_recovery_codes")
    assert _logged_in(client)
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(reverse("otp_recovery_codes")).content.decode()
    tokens = list(StaticDevice.objects.get(user=security_admin).token_set.values_list("token", flat=True))
    assert len(tokens) == 10 and all(t in shown for t in tokens)
    again = client.get(reverse("otp_recovery_codes")).content.decode()
    assert not any(t in again for t in tokens)  # shown once
    assert AuditEvent.objects.filter(event_type=EventType.UPDATE, details__action="otp_enrolled").exists()


def test_an_account_that_must_change_its_password_still_sees_its_recovery_codes(client, security_admin):
    """A new admin's first login: TOTP enrollment, the ten recovery codes, then the forced password change."""
    security_admin.must_change_password = True
    security_admin.save(update_fields=["must_change_password"])
    _login(client, security_admin.username)
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=security_admin, confirmed=False)
    assert client.post(reverse("otp_setup"), {"code": _code(device)}).url == reverse("otp_recovery_codes")
    shown = client.get(reverse("otp_recovery_codes"))
    tokens = list(StaticDevice.objects.get(user=security_admin).token_set.values_list("token", flat=True))
    assert shown.status_code == 200 and all(t in shown.content.decode() for t in tokens)
    assert client.get("/").url == reverse("password_change")  # then the password


def test_a_member_who_becomes_leader_mid_session_must_give_the_code(client, group_member, tree):
    _device(group_member)
    _login(client, group_member.username)
    assert client.get("/").status_code == 200
    RoleGrant.objects.create(user=group_member, role=Role.GROUP_LEADER, org=tree["wjw_group"])
    r = client.get("/")
    assert r.status_code == 302 and r.url == reverse("otp_verify")
    assert not _logged_in(client)


def test_the_pending_step_expires(client, group_leader):
    _device(group_leader)
    _login(client, group_leader.username)
    session = client.session
    session[otp.PENDING_KEY]["at"] -= otp.PENDING_MAX_SECONDS + 1
    session.save()
    assert client.get(reverse("otp_verify")).url == reverse("login")


# --- The API token endpoint ---


def _token(client, username, password=TEST_PASSWORD, **extra):
    return client.post(
        reverse("token"), {"username": username, "password": password, **extra}, content_type="application/json"
    )


def test_token_for_a_protected_account_needs_the_code(client, group_leader):
    device = _device(group_leader)
    r = _token(client, group_leader.username)
    assert r.status_code == 401
    assert r.json() == {"code": "otp_required", "message": "该账号须输入动态验证码。"}
    r = _token(client, group_leader.username, otp="000000" if _code(device) != "000000" else "000001")
    assert r.status_code == 401 and r.json()["code"] == "otp_invalid"
    assert _otp_failures(group_leader.username) == 1
    r = _token(client, group_leader.username, otp=_code(device))
    assert r.status_code == 200
    token = r.json()["token"]
    assert client.get("/api/v1/problems/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_token_with_a_recovery_code(client, group_leader):
    _device(group_leader)
    codes = otp.regenerate_recovery_codes(group_leader)
    assert _token(client, group_leader.username, otp=codes[3]).status_code == 200
    assert _token(client, group_leader.username, otp=codes[3]).status_code == 401


def test_token_without_a_device_asks_for_enrollment_on_the_web(client, system_admin):
    r = _token(client, system_admin.username, otp="123456")
    assert r.status_code == 400 and r.json()["code"] == "otp_setup_required"


def test_token_wrong_codes_lock_out(client, group_leader):
    device = _device(group_leader)
    wrong = "000000" if _code(device) != "000000" else "000001"
    codes = [_token(client, group_leader.username, otp=wrong).status_code for _ in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    r = _token(client, group_leader.username, otp=_code(device))
    assert r.status_code == 429 and r.json()["code"] == "locked"


def test_token_for_an_unprotected_account_needs_no_code(client, liaison):
    assert _token(client, liaison.username).status_code == 200


# --- Reset by the security admin ---


def test_security_admin_resets_a_lost_second_factor(client, security_admin, group_leader):
    _device(group_leader)
    otp.regenerate_recovery_codes(group_leader)
    Token.objects.create(user=group_leader)
    client.force_login(security_admin)
    page = client.get(reverse("organizations:user_detail", args=[group_leader.pk])).content.decode()
    assert "重置动态验证码" in page
    r = client.post(reverse("organizations:user_reset_second_factor", args=[group_leader.pk]))
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=group_leader).exists()
    assert not StaticDevice.objects.filter(user=group_leader).exists()
    assert not Token.objects.filter(user=group_leader).exists()
    event = AuditEvent.objects.get(event_type=EventType.UPDATE, details__action="otp_reset")
    assert event.actor_id == security_admin.pk and event.object_id == str(group_leader.pk)
    client.post(reverse("logout"))
    assert _login(client, group_leader.username).url == reverse("otp_setup")


@pytest.mark.parametrize("persona", ["system_admin", "office_staff", "group_leader", "audit_admin"])
def test_only_the_security_admin_resets_a_second_factor(client, persona, request, group_member):
    _device(group_member)
    client.force_login(request.getfixturevalue(persona))
    r = client.post(reverse("organizations:user_reset_second_factor", args=[group_member.pk]))
    assert r.status_code in (403, 404)
    assert TOTPDevice.objects.filter(user=group_member).exists()


def test_the_security_admin_cannot_reset_their_own(client, security_admin):
    _device(security_admin)
    client.force_login(security_admin)
    r = client.post(reverse("organizations:user_reset_second_factor", args=[security_admin.pk]))
    assert r.status_code in (403, 404)
    assert TOTPDevice.objects.filter(user=security_admin).exists()


# --- Demo accounts ---


def test_demo_accounts_share_the_published_secret_and_demo_otp_prints_the_code(client, group_leader, group_member):
    loader.load_demo_totp(group_leader)
    out = io.StringIO()
    call_command("demo_otp", group_leader.username, stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    _login(client, group_leader.username)
    assert client.post(reverse("otp_verify"), {"code": code}).status_code == 302 and _logged_in(client)
    _device(group_member)  # a real device: its code is never printed
    with pytest.raises(CommandError):
        call_command("demo_otp", group_member.username, stdout=io.StringIO())
