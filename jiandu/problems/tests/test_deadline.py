"""Warning colours over days with a frozen clock, and the daily job's reminders and escalations (each once)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiandu.core.deadlines import Warning
from jiandu.core.jobs import run_daily_jobs
from jiandu.documents.models import Document
from jiandu.notifications.models import Notification
from jiandu.problems import selectors, services, urging
from jiandu.problems.enums import EventKind, UrgeLevel
from jiandu.problems.models import Problem, ProblemEvent, Urge

from .factories import problem, walk

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(day: int, month: int = 4):
    return time_machine.travel(datetime.datetime(2022, month, day, 8, 0, tzinfo=SH), tick=False)


def colour(p) -> str:
    return selectors.problem_warning(Problem.objects.get(pk=p.pk))


def job(day: int, month: int = 4) -> dict:
    with at(day, month):
        return run_daily_jobs(datetime.date(2022, month, day))["problems.daily"]


def test_green_yellow_red_and_each_reminder_exactly_once(tree, group_member, group_leader, liaison):
    p = problem(
        group_member,
        tree["wjw_group"],
        tree["wjw"],
        registered_on=datetime.date(2022, 4, 1),
        deadline=datetime.date(2022, 4, 10),
    )
    with at(5):
        assert colour(p) == Warning.GREEN
        assert selectors.warning_counts(Problem.objects.all())[Warning.GREEN] == 1
    assert job(5)["total"] == 0
    with at(7):
        assert colour(p) == Warning.YELLOW
        assert list(selectors.problems_for(group_member, warning="yellow")) == [p]
    assert job(7)[UrgeLevel.REMIND] == 1
    assert job(7)["total"] == 0  # the same day again: nothing
    assert job(8)["total"] == 0  # still yellow: the 提示 is not repeated
    with at(11):
        assert colour(p) == Warning.RED
        assert list(selectors.problems_for(group_member, warning="red")) == [p]
    assert job(11)[UrgeLevel.URGE] == 1
    assert job(12)["total"] == 0
    assert job(17)[UrgeLevel.DIRECTIVE] == 1  # 7 days overdue
    assert job(18)["total"] == 0
    assert job(25)[UrgeLevel.BULLETIN] == 1  # 15 days overdue
    assert job(26)["total"] == 0
    levels = list(Urge.objects.filter(problem=p).order_by("at", "id").values_list("level", flat=True))
    assert levels == [UrgeLevel.REMIND, UrgeLevel.URGE, UrgeLevel.DIRECTIVE, UrgeLevel.BULLETIN]
    assert all(u.by is None for u in Urge.objects.filter(problem=p))
    p.refresh_from_db()
    assert (p.urge_count, p.urge_level) == (4, UrgeLevel.BULLETIN)
    assert ProblemEvent.objects.filter(problem=p, kind=EventKind.URGED).count() == 4
    assert Notification.objects.filter(recipient=liaison, kind="problem_urge").count() == 4
    # Escalations ask the leader to draft the document; the job itself drafts nothing.
    assert Notification.objects.filter(recipient=group_leader, kind="problem_escalated").count() == 2
    assert not Document.objects.exists()


def test_a_problem_discovered_late_jumps_to_its_level(tree, group_member):
    p = problem(
        group_member,
        tree["wjw_group"],
        tree["wjw"],
        registered_on=datetime.date(2022, 4, 1),
        deadline=datetime.date(2022, 4, 2),
    )
    assert job(20)[UrgeLevel.BULLETIN] == 1
    assert list(Urge.objects.filter(problem=p).values_list("level", flat=True)) == [UrgeLevel.BULLETIN]


def test_submitted_and_closed_problems_are_not_urged_but_closed_late_is_flagged(
    tree, group_member, group_leader, liaison
):
    kw = {"registered_on": datetime.date(2022, 4, 1), "deadline": datetime.date(2022, 4, 5)}
    submitted = walk(
        problem(group_member, tree["wjw_group"], tree["wjw"], **kw), "submitted", liaison=liaison, leader=group_leader
    )
    closed = walk(
        problem(group_member, tree["wjw_group"], tree["wjw"], **kw),
        "closed",
        liaison=liaison,
        leader=group_leader,
        closed_on=datetime.date(2022, 4, 8),
    )
    assert job(10)["total"] == 0
    with at(10):
        assert colour(submitted) == Warning.RED
        assert colour(closed) == Warning.CLOSED_LATE
        assert list(selectors.problems_for(group_member, warning="closed_late")) == [closed]


def test_reopen_starts_the_ladder_again(tree, group_member, group_leader, liaison):
    p = problem(
        group_member,
        tree["wjw_group"],
        tree["wjw"],
        registered_on=datetime.date(2022, 4, 1),
        deadline=datetime.date(2022, 4, 5),
    )
    assert job(7)[UrgeLevel.URGE] == 1
    with at(8):
        p = walk(Problem.objects.get(pk=p.pk), "closed", liaison=liaison, leader=group_leader)
        services.problem_reopen(actor=group_leader, problem=p, reason="回头看发现反弹")
    assert job(9)[UrgeLevel.URGE] == 1


def test_manual_escalation_drafts_the_document_and_links_the_automatic_step(tree, group_member, group_leader, liaison):
    from jiandu.documents.tests.factories import rule

    rule(tree["wjw_group"], "吉纪驻卫")
    p = problem(
        group_member,
        tree["wjw_group"],
        tree["wjw"],
        registered_on=datetime.date(2022, 4, 1),
        deadline=datetime.date(2022, 4, 5),
    )
    assert job(12)[UrgeLevel.DIRECTIVE] == 1
    with at(12):
        urge = urging.problem_urge(actor=group_leader, problem=Problem.objects.get(pk=p.pk), level=UrgeLevel.DIRECTIVE)
    assert urge.by is None and urge.document is not None
    doc = urge.document
    assert (doc.kind, doc.status, doc.drafted_by) == ("directive", "draft", group_leader)
    assert list(doc.recipients.values_list("org", flat=True)) == [tree["wjw"].pk]
    assert Urge.objects.filter(problem=p).count() == 1
    with at(12):
        bulletin = urging.problem_urge(
            actor=group_leader, problem=Problem.objects.get(pk=p.pk), level=UrgeLevel.BULLETIN
        )
    assert bulletin.by == group_leader and bulletin.document.kind == "bulletin"


def test_working_day_deadline_across_qingming_2022(tree, group_member):
    # 2022: 4月2日(Sat) is a make-up working day, 4月3日–5日 the Qingming holiday.
    p = problem(
        group_member,
        tree["wjw_group"],
        tree["wjw"],
        registered_on=datetime.date(2022, 4, 1),
        deadline=None,
        deadline_mode="working_days",
        deadline_days=3,
    )
    assert p.deadline == datetime.date(2022, 4, 7)
    calendar = services.compute_deadline(datetime.date(2022, 4, 1), "calendar_days", 3, None)
    assert calendar == datetime.date(2022, 4, 4)
