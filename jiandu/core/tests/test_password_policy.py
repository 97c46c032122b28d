"""Password expiry (90 days), history (no reuse of the last 5), and the optional limit of concurrent sessions."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from jiandu.core.enums import EventType
from jiandu.core.errors import ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.organizations import services
from jiandu.organizations.models import PasswordHistory
from jiandu.organizations.tests.factories import TEST_PASSWORD

PASSWORDS = [f"Xin#Mima{n}a" for n in range(1, 8)]


def _change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password": new, "new_password2": new})


# --- Expiry ---


def test_an_expired_password_sends_the_user_to_change_it(client, group_member):
    group_member.password_changed_at = timezone.now()
    group_member.save()
    with time_machine.travel(timezone.now() + timedelta(days=89)):
        client.force_login(group_member)
        assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        client.force_login(group_member)
        r = client.get("/")
        assert r.status_code == 302 and r.url == reverse("password_change")
        page = client.get(reverse("password_change")).content.decode()
        assert "已超过90天未修改" in page
        assert _change(client, TEST_PASSWORD, PASSWORDS[0]).status_code == 302
        assert client.get("/").status_code == 200


def test_a_password_never_changed_expires_from_the_opening_of_the_account(client, group_member):
    group_member.password_changed_at = None
    group_member.date_joined = timezone.now() - timedelta(days=100)
    group_member.save()
    client.force_login(group_member)
    assert client.get("/").url == reverse("password_change")


def test_expiry_is_configurable_and_zero_turns_it_off(client, group_member):
    group_member.password_changed_at = timezone.now() - timedelta(days=40)
    group_member.save()
    client.force_login(group_member)
    with override_settings(JIANDU_PASSWORD_MAX_AGE_DAYS=30):
        assert client.get("/").url == reverse("password_change")
    with override_settings(JIANDU_PASSWORD_MAX_AGE_DAYS=0):
        assert client.get("/").status_code == 200


def test_the_token_endpoint_refuses_an_expired_password(client, liaison):
    liaison.password_changed_at = timezone.now() - timedelta(days=91)
    liaison.save()
    r = client.post(
        reverse("token"), {"username": liaison.username, "password": TEST_PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "password_change_required"


# --- History ---


def test_none_of_the_last_five_passwords_may_be_used_again(group_member):
    current = TEST_PASSWORD
    for new in PASSWORDS[:5]:
        services.user_change_own_password(user=group_member, old_password=current, new_password=new)
        current = new
    assert PasswordHistory.objects.filter(user=group_member).count() == 5
    for old in PASSWORDS[:4]:  # the fifth is the current one
        with pytest.raises(ValidationFailed, match="最近5次"):
            services.user_change_own_password(user=group_member, old_password=current, new_password=old)
    # The first password is now six changes back: allowed again.
    services.user_change_own_password(user=group_member, old_password=current, new_password=TEST_PASSWORD)
    assert group_member.check_password(TEST_PASSWORD)


def test_history_applies_to_the_admin_reset(system_admin, group_member):
    services.user_change_own_password(user=group_member, old_password=TEST_PASSWORD, new_password=PASSWORDS[0])
    for reused in (TEST_PASSWORD, PASSWORDS[0]):
        with pytest.raises(ValidationFailed, match="最近5次"):
            services.user_reset_password(actor=system_admin, user=group_member, new_password=reused)
    services.user_reset_password(actor=system_admin, user=group_member, new_password=PASSWORDS[1])


def test_history_is_shown_on_the_page(client, group_member):
    client.force_login(group_member)
    services.user_change_own_password(user=group_member, old_password=TEST_PASSWORD, new_password=PASSWORDS[0])
    client.force_login(group_member)
    r = _change(client, PASSWORDS[0], TEST_PASSWORD)
    assert r.status_code == 200 and "不能与最近5次使用过的密码相同" in r.content.decode()


@override_settings(JIANDU_PASSWORD_HISTORY=2)
def test_the_history_length_is_configurable(group_member):
    current = TEST_PASSWORD
    for new in PASSWORDS[:2]:
        services.user_change_own_password(user=group_member, old_password=current, new_password=new)
        current = new
    services.user_change_own_password(user=group_member, old_password=current, new_password=TEST_PASSWORD)
    assert PasswordHistory.objects.filter(user=group_member).count() == 2


# --- Concurrent sessions ---


def _browser_login(user) -> Client:
    c = Client()
    r = c.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert r.status_code == 302
    return c


@override_settings(JIANDU_MAX_SESSIONS_PER_USER=2)
def test_a_login_beyond_the_limit_ends_the_oldest_session(group_member, liaison):
    first, second = _browser_login(group_member), _browser_login(group_member)
    other = _browser_login(liaison)
    assert first.get("/").status_code == 200 and second.get("/").status_code == 200
    third = _browser_login(group_member)
    assert first.get("/").status_code == 302  # ended: back to the login page
    assert second.get("/").status_code == 200 and third.get("/").status_code == 200
    assert other.get("/").status_code == 200  # another account's sessions are not touched
    ended = AuditEvent.objects.filter(event_type=EventType.LOGOUT, details__reason="session_limit")
    assert ended.count() == 1 and ended.get().actor_id == group_member.pk


def test_sessions_are_unlimited_by_default(group_member):
    clients = [_browser_login(group_member) for _ in range(4)]
    assert all(c.get("/").status_code == 200 for c in clients)
