"""The bell, the message list, email, and the to-do panel on the home page (fed by the documents module)."""

import pytest
from django.core import mail
from django.urls import reverse

from jiandu.core.jobs import _jobs, register_daily, run_daily_jobs
from jiandu.documents import services as doc_services
from jiandu.documents.tests.factories import issued
from jiandu.notifications.models import Notification
from jiandu.notifications.services import notify, unread_count


def test_notify_each_active_recipient_once_and_email_after_commit(
    group_member, group_leader, liaison, django_capture_on_commit_callbacks
):
    liaison.email = "liaison@example.gov.cn"
    liaison.save()
    group_leader.is_active = False
    group_leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipients=[liaison, liaison, group_member, group_leader], title="请签收", url="/x/")
    assert {n.recipient for n in rows} == {liaison, group_member}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["liaison@example.gov.cn"] and "请签收" in mail.outbox[0].subject


def test_bell_shows_unread_count_and_list_marks_read(client, liaison, group_member):
    notify(recipients=[liaison], title="第一条", url=reverse("home"))
    notify(recipients=[liaison], title="第二条")
    notify(recipients=[group_member], title="别人的")
    client.force_login(liaison)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">2<' in home
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "第一条" in listing and "第二条" in listing and "别人的" not in listing
    first = Notification.objects.get(title="第一条")
    r = client.post(reverse("notifications:open", args=[first.pk]))
    assert r.status_code == 302 and r.url == reverse("home")
    assert unread_count(liaison) == 1
    client.post(reverse("notifications:read_all"))
    assert unread_count(liaison) == 0


def test_one_cannot_mark_or_follow_anothers_notification(client, liaison, group_member):
    (theirs,) = notify(recipients=[group_member], title="组内消息", url="/secret/")
    client.force_login(liaison)
    r = client.post(reverse("notifications:open", args=[theirs.pk]))
    assert r.url == reverse("notifications:list")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_issuing_a_document_notifies_the_liaison_and_shows_a_todo(client, tree, group_leader, liaison, other_liaison):
    doc = issued(group_leader, tree["wjw_group"], [tree["wjw"]], title="关于加强院感防控的提示函")
    assert Notification.objects.filter(recipient=liaison, kind="document_issued").count() == 1
    assert not Notification.objects.filter(recipient=other_liaison).exists()
    client.force_login(liaison)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="todo-card"' in html and f"签收：{doc.number}" in html
    recipient = doc.recipients.get()
    doc_services.document_acknowledge(actor=liaison, recipient=recipient)
    html = client.get(reverse("home")).content.decode()
    assert f"签收：{doc.number}" not in html


def test_reply_notifies_the_group(tree, group_leader, group_member, liaison):
    doc = issued(group_leader, tree["wjw_group"], [tree["wjw"]], title="需回复的通知", reply_due_on=None)
    recipient = doc.recipients.get()
    doc_services.document_acknowledge(actor=liaison, recipient=recipient)
    doc_services.document_reply(actor=liaison, recipient=recipient, text="已整改。")
    assert Notification.objects.filter(recipient=group_member, kind="document_replied").exists()
    assert Notification.objects.filter(recipient=group_leader, kind="document_replied").exists()


@pytest.fixture
def temporary_jobs():
    saved = dict(_jobs)
    _jobs.clear()
    yield
    _jobs.clear()
    _jobs.update(saved)


def test_daily_jobs_run_each_registered_job_and_isolate_failures(db, temporary_jobs):
    seen = []

    @register_daily("a.ok")
    def ok(today):
        seen.append(today)
        return {"sent": 1}

    @register_daily("b.broken")
    def broken(today):
        raise RuntimeError("boom")

    import datetime

    results = run_daily_jobs(datetime.date(2022, 4, 28))
    assert results == {"a.ok": {"sent": 1}, "b.broken": {"error": True}}
    assert seen == [datetime.date(2022, 4, 28)]
    assert run_daily_jobs(datetime.date(2022, 4, 29), ["a.ok"]) == {"a.ok": {"sent": 1}}  # one job by hand
    assert seen[-1] == datetime.date(2022, 4, 29)


def test_the_scheduled_daily_jobs_run_once_a_day_however_many_workers_schedule_them(db, temporary_jobs):
    from huey.contrib.djhuey import HUEY

    from jiandu.core.tasks import daily_jobs

    runs = []

    @register_daily("a.count")
    def count(today):
        runs.append(today)
        return {}

    HUEY.storage.flush_results()
    daily_jobs.call_local()  # the worker that claims the day
    daily_jobs.call_local()  # a second worker, the same day
    assert len(runs) == 1
