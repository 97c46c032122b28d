"""Login, lockout, forced password change, idle timeout; login events reach the audit chain."""

import pytest
from django.conf import settings
from django.urls import reverse

from jiandu.core.enums import EventType, Outcome
from jiandu.core.models import AuditEvent
from jiandu.organizations.tests.factories import TEST_PASSWORD


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_chinese(client, db):
    r = client.get(reverse("login"))
    assert r.status_code == 200
    assert "派驻监督工作平台" in r.content.decode() and "密码" in r.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r.url.startswith(reverse("login"))


def test_login_success_reaches_home_and_is_audited(client, group_member):
    r = _login(client, group_member.username, TEST_PASSWORD)
    assert r.status_code == 302 and r.url == reverse("home")
    assert AuditEvent.objects.filter(event_type=EventType.LOGIN, actor_id=group_member.pk).exists()


def test_wrong_password_is_refused_in_chinese_and_audited(client, group_member):
    r = _login(client, group_member.username, "wrong-Password1")
    assert r.status_code == 200
    assert "用户名或密码不正确" in r.content.decode()
    failure = AuditEvent.objects.get(event_type=EventType.LOGIN_FAILED)
    assert failure.outcome == Outcome.FAILURE and failure.actor_username == group_member.username


def test_five_failures_lock_the_account_for_30_minutes(client, group_member):
    for _ in range(5):
        _login(client, group_member.username, "wrong-Password1")
    r = _login(client, group_member.username, TEST_PASSWORD)  # right password, but locked
    assert r.status_code == 429
    assert "锁定30分钟" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60


def test_lockout_is_per_username(client, group_member, group_leader):
    for _ in range(5):
        _login(client, group_member.username, "wrong-Password1")
    r = _login(client, group_leader.username, TEST_PASSWORD)
    assert r.status_code == 302


def test_api_token_is_locked_too(client, group_member):
    url = reverse("token")
    for _ in range(5):
        client.post(url, {"username": group_member.username, "password": "x"}, content_type="application/json")
    r = client.post(
        url, {"username": group_member.username, "password": TEST_PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 429
    assert r.json()["code"] == "locked"


def test_admin_created_account_must_change_password_first(client, group_member):
    group_member.must_change_password = True
    group_member.save()
    client.force_login(group_member)
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r.url == reverse("password_change")
    weak = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert "至少3类" in weak.content.decode()
    ok = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password": "Xin#Mima2026", "new_password2": "Xin#Mima2026"},
    )
    assert ok.status_code == 302
    group_member.refresh_from_db()
    assert not group_member.must_change_password and group_member.check_password("Xin#Mima2026")
    assert client.get(reverse("home")).status_code == 200


def test_idle_timeout_is_30_minutes_and_sliding(client, group_member, django_assert_max_num_queries):
    import time_machine

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with time_machine.travel("2026-03-02 09:00:00 +0800", tick=False) as clock:
        client.force_login(group_member)
        assert client.get(reverse("home")).status_code == 200
        with django_assert_max_num_queries(30) as ctx:  # within the minute: no session write
            client.get(reverse("home"))
        assert not any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in ctx.captured_queries)
        for _ in range(3):  # active every 25 minutes for 75 minutes: still logged in
            clock.shift(25 * 60)
            assert client.get(reverse("home")).status_code == 200
        clock.shift(31 * 60)  # idle for 31 minutes: logged out
        r = client.get(reverse("home"))
        assert r.status_code == 302 and reverse("login") in r["Location"]


@pytest.mark.parametrize(
    "password,ok",
    [("Jiandu@2022", True), ("jiandu2022x", False), ("JIANDU2022x", True), ("Ab1!", False), ("abcdEFGH", False)],
)
def test_password_rules(password, ok, db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
        assert ok
    except ValidationError:
        assert not ok


def test_logout_is_audited(client, group_member):
    client.force_login(group_member)
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(event_type=EventType.LOGOUT, actor_id=group_member.pk).exists()
