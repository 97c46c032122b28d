"""`manage.py bootstrap_admins`: the three separated admins of a fresh install (三员分立), and nothing more."""

import io
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.core import audit
from jiandu.core.enums import EventType, Outcome
from jiandu.core.models import AuditEvent
from jiandu.organizations import bootstrap
from jiandu.organizations.enums import ADMIN_ROLES, OrgKind, Role
from jiandu.organizations.models import Org, PasswordHistory, RoleGrant, User

EMPTY = {"Org": 0, "User": 0, "RoleGrant": 0, "AuditEvent": 0, "PasswordHistory": 0}
USERNAMES = {Role.SYSTEM_ADMIN: "sysadmin", Role.SECURITY_ADMIN: "secadmin", Role.AUDIT_ADMIN: "auditadmin"}


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("bootstrap_admins", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(*args) -> CommandError:
    with pytest.raises(CommandError) as info:
        _run(*args)
    assert info.value.returncode == 1
    return info.value


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Org, User, RoleGrant, AuditEvent, PasswordHistory)}


def _printed_password(output: str, username: str) -> str:
    (line,) = [line for line in output.splitlines() if re.search(rf"\s{re.escape(username)}\s", line)]
    return line.split()[-1]


def test_creates_the_three_admins_with_one_grant_each_on_a_new_commission(db):
    out, _ = _run()
    (commission,) = Org.objects.all()
    assert commission.kind == OrgKind.COMMISSION and commission.parent is None
    assert (commission.code, commission.name) == (bootstrap.DEFAULT_ORG_CODE, bootstrap.DEFAULT_ORG_NAME)
    assert commission.path == f"{commission.pk:08d}/"
    for role, username in USERNAMES.items():
        user = User.objects.get(username=username)
        assert [(g.role, g.org_id) for g in user.grants.all()] == [(role, commission.pk)]
        assert user.full_name == Role(role).label and user.org == commission
        assert user.must_change_password and user.is_active
        assert not user.is_superuser and not user.is_staff
        password = _printed_password(out, username)
        assert user.check_password(password)
        validate_password(password)  # the project's policy (length, classes, not common)
        assert len(password) >= 12
        assert not TOTPDevice.objects.filter(user=user).exists()  # bound by the person at first login
    passwords = {_printed_password(out, u) for u in USERNAMES.values()}
    assert len(passwords) == 3
    assert "已新建顶级委机关「省纪委监委」" in out
    assert "只显示这一次" in out and "动态验证码" in out


def test_every_write_is_audited_as_the_system_without_the_password(db):
    out, _ = _run()
    events = list(AuditEvent.objects.order_by("seq"))
    assert {e.actor_username for e in events} == {bootstrap.SYSTEM_NAME}
    assert all(e.actor_id is None and e.outcome == Outcome.SUCCESS for e in events)
    assert [(e.event_type, e.object_type) for e in events] == [
        (EventType.CREATE, "organizations.org"),
        *[(t, "organizations.user") for _ in USERNAMES for t in (EventType.CREATE, EventType.GRANT)],
    ]
    grants = {e.details["role"]: e for e in events if e.event_type == EventType.GRANT}
    assert set(grants) == set(ADMIN_ROLES)
    for role, username in USERNAMES.items():
        assert grants[role].object_repr == Role(role).label
        assert grants[role].object_id == str(User.objects.get(username=username).pk)
        assert grants[role].details["org"] == bootstrap.DEFAULT_ORG_NAME
    created = [e for e in events if e.event_type == EventType.CREATE and e.object_type == "organizations.user"]
    assert {e.details["values"]["username"] for e in created} == set(USERNAMES.values())
    assert all(e.details["values"]["must_change_password"] is True for e in created)
    assert all(e.details["source"] == "manage.py bootstrap_admins" for e in events)
    for username in USERNAMES.values():
        assert not any(_printed_password(out, username) in str(e.details) for e in events)
    assert audit.verify_chain().ok


def test_running_again_refuses_and_writes_nothing(db):
    _run()
    before = _counts()
    error = _refused()
    assert "已有管理员角色授权" in str(error) and "未做任何改动" in str(error)
    assert _counts() == before
    _refused("--system", "sys2", "--security", "sec2", "--audit", "aud2")  # other names change nothing
    assert _counts() == before


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
def test_refuses_when_any_admin_grant_exists(persona, request):
    admin = request.getfixturevalue(persona)
    before = _counts()
    error = _refused()
    assert admin.username in str(error)
    assert _counts() == before


def test_a_deactivated_admin_does_not_block_the_recovery_of_a_locked_out_install(tree, system_admin):
    system_admin.is_active = False
    system_admin.save()
    _run()
    assert RoleGrant.objects.filter(role__in=ADMIN_ROLES, user__is_active=True).count() == 3


def test_business_accounts_do_not_block_and_an_existing_tree_gets_no_new_org(tree, office_staff, group_leader):
    orgs = Org.objects.count()
    out, err = _run("--org-name", "别的名称")
    assert Org.objects.count() == orgs
    assert set(RoleGrant.objects.filter(role__in=ADMIN_ROLES).values_list("org", flat=True)) == {tree["commission"].pk}
    assert "使用已有的委机关" in out and "--org-name 未使用" in err
    assert not AuditEvent.objects.filter(object_type="organizations.org").exists()


def test_the_root_org_is_named_by_the_options_on_an_empty_tree(db):
    _run("--org-code", "JLJW", "--org-name", "吉林省纪委监委", "--system", "it_admin")
    commission = Org.objects.get()
    assert (commission.code, commission.name) == ("JLJW", "吉林省纪委监委")
    assert User.objects.get(username="it_admin").grants.get().role == Role.SYSTEM_ADMIN


def test_a_tree_without_a_commission_root_is_refused(db):
    from jiandu.organizations.tests.factories import OrgFactory

    OrgFactory(kind=OrgKind.DEPARTMENT, code="D-1", name="某厅")
    before = _counts()
    assert "没有" in str(_refused())
    assert _counts() == before


@pytest.mark.parametrize(
    "args,message",
    [
        (["--system", "same", "--security", "SAME"], "三个不同的账号"),
        (["--audit", "bad name!"], "不合规"),
    ],
)
def test_bad_usernames_are_refused(db, args, message):
    assert message in str(_refused(*args))
    assert _counts() == EMPTY


def test_a_taken_username_is_refused_whatever_its_case(db):
    from jiandu.organizations.tests.factories import UserFactory

    UserFactory(username="SecAdmin")  # e.g. made by createsuperuser: an account without any role
    before = _counts()
    assert "已被使用" in str(_refused())
    assert _counts() == before


def test_dry_run_shows_the_plan_and_writes_nothing(db):
    out, _ = _run("--dry-run", "--audit", "shenji")
    assert _counts() == EMPTY
    assert "未写入任何内容" in out and "将新建顶级委机关" in out
    for username in ("sysadmin", "secadmin", "shenji"):
        assert username in out
    assert "安全审计员" in out and "姓名" in out


def test_dry_run_refuses_like_the_real_run(system_admin):
    _refused("--dry-run")


def test_a_failure_half_way_leaves_nothing(db, monkeypatch):
    def broken(entries, **kwargs):
        raise RuntimeError("audit chain unavailable")

    monkeypatch.setattr(bootstrap.audit, "record_many", broken)
    with pytest.raises(RuntimeError):
        _run()
    assert _counts() == EMPTY


def test_a_run_that_races_another_gives_way(db, monkeypatch):
    from jiandu.organizations.tests.factories import GrantFactory, UserFactory

    record_many = bootstrap.audit.record_many

    def meanwhile_another_run_committed(entries, **kwargs):
        other = UserFactory(username="other_sysadmin")
        GrantFactory(user=other, role=Role.SYSTEM_ADMIN, org=Org.objects.get())
        return record_many(entries, **kwargs)

    monkeypatch.setattr(bootstrap.audit, "record_many", meanwhile_another_run_committed)
    assert "同时" in str(_refused())
    assert _counts() == EMPTY


def test_a_weakened_totp_setting_is_pointed_out(db):
    with override_settings(JIANDU_TOTP_ROLES=["group_leader", "security_admin"]):
        _, err = _run()
    assert "JIANDU_TOTP_ROLES" in err and "系统管理员" in err and "安全审计员" in err


def test_the_system_admin_logs_in_with_a_new_device_then_must_change_the_password(client, db):
    out, _ = _run()
    password = _printed_password(out, "sysadmin")
    r = client.post(reverse("login"), {"username": "sysadmin", "password": password})
    assert r.status_code == 302 and r.url == reverse("otp_setup")  # a privileged role: the code first
    assert "_auth_user_id" not in client.session
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user__username="sysadmin", confirmed=False)
    r = client.post(reverse("otp_setup"), {"code": f"{totp(device.bin_key):06d}"})
    assert r.status_code == 302 and "_auth_user_id" in client.session
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r.url == reverse("password_change")
    new = "Xin#Guanli2026"
    r = client.post(reverse("password_change"), {"old_password": password, "new_password": new, "new_password2": new})
    assert r.status_code == 302
    user = User.objects.get(username="sysadmin")
    assert not user.must_change_password and user.check_password(new)
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "系统管理员" in home.content.decode()
    assert client.get(reverse("organizations:user_list")).status_code == 200  # may open the next accounts
