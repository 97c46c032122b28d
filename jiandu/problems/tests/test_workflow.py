"""The rectification workflow (DESIGN §5): every allowed and refused move, events, audit, notifications, locking."""

import datetime

import pytest

from jiandu.core.enums import EventType
from jiandu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.notifications.models import Notification
from jiandu.problems import services
from jiandu.problems.enums import EventKind, ProblemStatus
from jiandu.problems.models import Problem, ProblemEvent, Rectification

from .factories import DAY, category, jpeg, problem, severity, walk

pytestmark = pytest.mark.django_db

S = ProblemStatus
ACTIONS = ["start", "submit", "return", "close", "reopen"]
ALLOWED_FROM = {
    "start": {S.OPEN, S.RETURNED, S.REOPENED},
    "submit": {S.IN_PROGRESS},
    "return": {S.SUBMITTED},
    "close": {S.SUBMITTED},
    "reopen": {S.CLOSED},
}


def _do(action, p, *, liaison, leader):
    if action == "start":
        return services.problem_start(actor=liaison, problem=p)
    if action == "submit":
        return services.problem_submit(actor=liaison, problem=p, note="已整改")
    if action == "return":
        return services.problem_return(actor=leader, problem=p, reason="佐证不足")
    if action == "close":
        return services.problem_close(actor=leader, problem=p)
    return services.problem_reopen(actor=leader, problem=p, reason="问题反弹")


@pytest.mark.parametrize("status", list(S.values))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_is_allowed_or_refused_by_the_table(action, status, tree, group_member, group_leader, liaison):
    p = walk(problem(group_member, tree["wjw_group"], tree["wjw"]), status, liaison=liaison, leader=group_leader)
    assert p.status == status
    events_before = ProblemEvent.objects.filter(problem=p).count()
    if status in ALLOWED_FROM[action]:
        p = _do(action, p, liaison=liaison, leader=group_leader)
        assert p.status == services.TRANSITIONS[action].target
        last = ProblemEvent.objects.filter(problem=p).order_by("-id").first()
        assert last.kind == services.TRANSITIONS[action].event
        assert (last.from_status, last.to_status) == (status, p.status)
    else:
        with pytest.raises(ValidationFailed) as e:
            _do(action, p, liaison=liaison, leader=group_leader)
        assert e.value.code == "illegal_transition"
        assert "不能" in e.value.message or "请先开始整改" in e.value.message
        assert Problem.objects.get(pk=p.pk).status == status
        assert ProblemEvent.objects.filter(problem=p).count() == events_before


def test_full_walk_writes_events_audit_and_notifications(tree, group_member, group_leader, liaison):
    p = problem(group_member, tree["wjw_group"], tree["wjw"])
    assert p.number == "WT-2022-0001" and p.status == S.OPEN
    assert Notification.objects.filter(recipient=liaison, kind="problem_registered").count() == 1
    p = services.problem_start(actor=liaison, problem=p, note="已部署整改", before=[jpeg()])
    p = services.problem_submit(actor=liaison, problem=p, note="已加固帐篷", measures="建立巡查制度", after=[jpeg()])
    assert {n.recipient for n in Notification.objects.filter(kind="problem_submitted")} == {group_member, group_leader}
    p = services.problem_return(actor=group_member, problem=p, reason="缺少整改后照片")
    assert Notification.objects.filter(recipient=liaison, kind="problem_return").exists()
    p = services.problem_start(actor=liaison, problem=p)
    p = services.problem_submit(actor=liaison, problem=p, note="补充整改后照片", after=[jpeg()])
    p = services.problem_close(actor=group_leader, problem=p, note="核查属实")
    assert p.status == S.CLOSED and p.closed_on is not None
    kinds = list(ProblemEvent.objects.filter(problem=p).values_list("kind", flat=True))
    assert kinds == [
        EventKind.CREATED,
        EventKind.STARTED,
        EventKind.PROGRESS,
        EventKind.SUBMITTED,
        EventKind.RETURNED,
        EventKind.STARTED,
        EventKind.SUBMITTED,
        EventKind.CLOSED,
    ]
    assert ProblemEvent.objects.get(problem=p, kind=EventKind.RETURNED).note == "缺少整改后照片"
    transitions = AuditEvent.objects.filter(object_type="problems.problem", object_id=str(p.pk))
    assert list(
        transitions.filter(event_type=EventType.TRANSITION).order_by("seq").values_list("details__action", flat=True)
    ) == [
        "start",
        "submit",
        "return",
        "start",
        "submit",
        "close",
    ]
    assert transitions.filter(event_type=EventType.CREATE).count() == 1
    rects = Rectification.objects.filter(problem=p).order_by("reported_at", "id")
    assert [r.submitted for r in rects] == [False, True, True]
    p = services.problem_reopen(
        actor=group_leader, problem=p, reason="回头看发现反弹", deadline=datetime.date(2030, 1, 1)
    )
    assert p.status == S.REOPENED and p.closed_on is None and p.deadline == datetime.date(2030, 1, 1)


@pytest.mark.parametrize(
    ("action", "status", "who", "allowed"),
    [
        ("start", S.OPEN, "other_liaison", False),
        ("start", S.OPEN, "group_leader", False),
        ("submit", S.IN_PROGRESS, "group_member", False),
        ("return", S.SUBMITTED, "liaison", False),
        ("return", S.SUBMITTED, "group_member", True),
        ("return", S.SUBMITTED, "other_group_member", False),
        ("close", S.SUBMITTED, "group_member", False),
        ("close", S.SUBMITTED, "liaison", False),
        ("close", S.SUBMITTED, "office_staff", False),
        ("close", S.SUBMITTED, "commission_leader", False),
        ("reopen", S.CLOSED, "group_member", False),
    ],
)
def test_wrong_actor_is_refused(action, status, who, allowed, request, tree, group_member, group_leader, liaison):
    p = walk(problem(group_member, tree["wjw_group"], tree["wjw"]), status, liaison=liaison, leader=group_leader)
    actor = request.getfixturevalue(who)
    kwargs = {"start": {}, "submit": {"note": "x"}, "return": {"reason": "x"}, "close": {}, "reopen": {"reason": "x"}}
    service = getattr(services, f"problem_{action}")
    if allowed:
        assert service(actor=actor, problem=p, **kwargs[action]).status == services.TRANSITIONS[action].target
    else:
        with pytest.raises(PermissionDenied):
            service(actor=actor, problem=p, **kwargs[action])
        assert Problem.objects.get(pk=p.pk).status == status


def test_submit_needs_a_note_and_return_and_reopen_need_a_reason(tree, group_member, group_leader, liaison):
    p = walk(problem(group_member, tree["wjw_group"], tree["wjw"]), S.IN_PROGRESS, liaison=liaison, leader=group_leader)
    with pytest.raises(ValidationFailed, match="整改情况或整改措施"):
        services.problem_submit(actor=liaison, problem=p, note="  ")
    p = services.problem_submit(actor=liaison, problem=p, measures="建立日巡查制度")
    with pytest.raises(ValidationFailed, match="须填写理由"):
        services.problem_return(actor=group_leader, problem=p, reason="")
    p = services.problem_close(actor=group_leader, problem=p)
    with pytest.raises(ValidationFailed, match="须填写理由"):
        services.problem_reopen(actor=group_leader, problem=p, reason=" ")


def test_the_liaison_of_a_parent_org_acts_for_its_unit(tree, group_member, liaison):
    p = problem(group_member, tree["wjw_group"], tree["hospital"])
    assert services.problem_start(actor=liaison, problem=p).status == S.IN_PROGRESS


def test_stale_version_is_a_conflict(tree, group_member, group_leader, liaison):
    p = problem(group_member, tree["wjw_group"], tree["wjw"])
    opened = p.version
    services.problem_update(actor=group_leader, problem=p, expected_version=opened, severity=severity(2))
    with pytest.raises(Conflict) as e:
        services.problem_update(actor=group_member, problem=p, expected_version=opened, severity=severity(3))
    assert "已被他人修改" in e.value.message
    with pytest.raises(Conflict):
        services.problem_start(actor=liaison, problem=p, expected_version=opened)
    assert Problem.objects.get(pk=p.pk).severity.level == 2


def test_update_fields_and_status_in_one_atomic_step(tree, group_member, group_leader, liaison):
    p = walk(problem(group_member, tree["wjw_group"], tree["wjw"]), S.SUBMITTED, liaison=liaison, leader=group_leader)
    p = services.problem_update(
        actor=group_leader,
        problem=p,
        expected_version=p.version,
        category=category("服务管理不规范"),
        responsible_org=tree["hospital"],
        action="close",
    )
    p.refresh_from_db()
    assert (p.status, p.category.name, p.responsible_org) == (S.CLOSED, "服务管理不规范", tree["hospital"])
    # A refused move rolls back the field changes of the same step.
    p2 = walk(problem(group_member, tree["wjw_group"], tree["wjw"]), S.SUBMITTED, liaison=liaison, leader=group_leader)
    with pytest.raises(PermissionDenied):
        services.problem_update(
            actor=group_member, problem=p2, expected_version=p2.version, category=category("其他"), action="close"
        )
    assert Problem.objects.get(pk=p2.pk).category.name == "设施安全隐患"


def test_closed_problem_is_not_editable(tree, group_member, group_leader, liaison):
    p = walk(problem(group_member, tree["wjw_group"], tree["wjw"]), S.CLOSED, liaison=liaison, leader=group_leader)
    with pytest.raises(ValidationFailed, match="已销号"):
        services.problem_update(actor=group_leader, problem=p, expected_version=p.version, description="改")


def test_numbers_per_year_and_deadline_by_days(tree, group_member):
    a = problem(group_member, tree["wjw_group"], tree["wjw"], registered_on=datetime.date(2021, 12, 30))
    b = problem(group_member, tree["wjw_group"], tree["wjw"])
    c = problem(
        group_member,
        tree["wjw_group"],
        tree["wjw"],
        deadline=None,
        deadline_mode="calendar_days",
        deadline_days=7,
    )
    assert (a.number, b.number, c.number) == ("WT-2021-0001", "WT-2022-0001", "WT-2022-0002")
    assert c.deadline == DAY + datetime.timedelta(days=7) and c.deadline_days == 7


def test_refused_registrations(tree, group_member, liaison, other_group_member):
    with pytest.raises(PermissionDenied):
        problem(liaison, tree["wjw_group"], tree["wjw"])
    with pytest.raises(PermissionDenied):
        problem(other_group_member, tree["wjw_group"], tree["wjw"])
    with pytest.raises(ValidationFailed, match="不能早于登记日期"):
        problem(group_member, tree["wjw_group"], tree["wjw"], deadline=DAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="责任单位只能是"):
        problem(group_member, tree["wjw_group"], tree["wjw_group"])
    with pytest.raises(ValidationFailed, match="问题描述"):
        problem(group_member, tree["wjw_group"], tree["wjw"], description=" ")
    assert not Problem.objects.exists()


def test_sources(tree, group_member, group_leader, covert):
    from jiandu.documents.tests.factories import issued

    doc = issued(group_leader, tree["wjw_group"], [tree["wjw"]])
    p = problem(group_member, tree["wjw_group"], tree["wjw"], source_kind="document", source_document=doc)
    assert p.source_document == doc
    p = problem(
        group_member, tree["wjw_group"], tree["wjw"], source_kind="check", source_type="sampling.check", source_id=42
    )
    assert (p.source_type, p.source_id) == ("sampling.check", 42)
    with pytest.raises(ValidationFailed):
        problem(group_member, tree["wjw_group"], tree["wjw"], source_kind="activity")
    p = problem(group_member, tree["wjw_group"], tree["wjw"], source_kind="activity", source_activity=covert)
    assert p.source_activity == covert


class TestRepeats:
    def test_same_site_same_category_within_the_window(self, tree, group_member, group_leader, liaison, site):
        first = problem(group_member, tree["wjw_group"], tree["wjw"], site=site)
        first = walk(first, S.CLOSED, liaison=liaison, leader=group_leader, closed_on=DAY + datetime.timedelta(days=2))
        again = problem(
            group_member, tree["wjw_group"], tree["wjw"], site=site, registered_on=DAY + datetime.timedelta(days=30)
        )
        assert again.is_repeat and again.repeat_of == first
        other = problem(
            group_member,
            tree["wjw_group"],
            tree["wjw"],
            site=site,
            category=category("其他"),
            registered_on=DAY + datetime.timedelta(days=30),
        )
        assert not other.is_repeat
        late = problem(
            group_member, tree["wjw_group"], tree["wjw"], site=site, registered_on=DAY + datetime.timedelta(days=200)
        )
        assert not late.is_repeat

    def test_without_site_the_same_responsible_org(self, tree, group_member, group_leader, liaison, settings):
        settings.JIANDU_REPEAT_WINDOW_DAYS = 10
        first = walk(
            problem(group_member, tree["wjw_group"], tree["hospital"]),
            S.CLOSED,
            liaison=liaison,
            leader=group_leader,
            closed_on=DAY,
        )
        assert (
            problem(
                group_member, tree["wjw_group"], tree["hospital"], registered_on=DAY + datetime.timedelta(days=5)
            ).repeat_of
            == first
        )
        assert not problem(
            group_member, tree["wjw_group"], tree["wjw"], registered_on=DAY + datetime.timedelta(days=5)
        ).is_repeat
        assert not problem(
            group_member, tree["wjw_group"], tree["hospital"], registered_on=DAY + datetime.timedelta(days=11)
        ).is_repeat

    def test_an_open_problem_is_no_precedent(self, tree, group_member, site):
        problem(group_member, tree["wjw_group"], tree["wjw"], site=site)
        assert not problem(group_member, tree["wjw_group"], tree["wjw"], site=site).is_repeat
