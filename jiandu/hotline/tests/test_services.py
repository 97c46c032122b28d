"""The case workflow (one table), test calls, problems in one click, masking and the scorecard."""

import datetime

import pytest

from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.hotline import selectors, services
from jiandu.hotline.enums import CaseEventKind, CaseStatus
from jiandu.hotline.masking import mask_name, mask_phone
from jiandu.hotline.models import HotlineCase
from jiandu.problems.enums import SourceKind

from .conftest import AT, make_call

pytestmark = pytest.mark.django_db


def _events(case):
    return list(case.events.values_list("kind", "from_status", "to_status"))


def test_hotline_group_defaults_to_supervising_group(hotline, tree):
    assert hotline.group == tree["wjw_group"]


def test_full_workflow_writes_events_and_audit(assigned, group_member, group_leader, liaison):
    case = services.case_answer(actor=liaison, case=assigned, answer="已安排专车接送透析患者。")
    case = services.case_callback(actor=group_member, case=case, satisfaction=4, substantiated=True, note="满意")
    case = services.case_close(actor=group_leader, case=case)
    assert case.status == CaseStatus.CLOSED and case.closed_at and case.satisfaction == 4
    assert _events(case) == [
        (CaseEventKind.CREATED, "", "received"),
        (CaseEventKind.ASSIGNED, "received", "assigned"),
        (CaseEventKind.ANSWERED, "assigned", "answered"),
        (CaseEventKind.CALLED_BACK, "answered", "called_back"),
        (CaseEventKind.CLOSED, "called_back", "closed"),
    ]
    moves = AuditEvent.objects.filter(object_type="hotline.hotlinecase", event_type="transition")
    assert [e.details["action"] for e in moves.order_by("seq")] == ["assign", "answer", "callback", "close"]
    # The caller's personal data never enters the audit chain.
    assert not AuditEvent.objects.filter(details__icontains="13904311234").exists()


def test_illegal_moves_are_refused(case, assigned, group_member, liaison):
    with pytest.raises(ValidationFailed, match="不能办结"):
        services.case_close(actor=group_member, case=assigned)
    with pytest.raises(ValidationFailed, match="不能交办"):
        services.case_assign(
            actor=group_member, case=assigned, routed_org=assigned.routed_org, answer_due_on=datetime.date(2022, 4, 20)
        )
    assigned.refresh_from_db()
    assert assigned.status == CaseStatus.ASSIGNED
    assert assigned.events.count() == 2


@pytest.mark.parametrize(
    ("persona", "move"),
    [
        ("liaison", "callback"),  # the liaison answers, never calls back
        ("group_member", "answer"),  # the group does not answer for the routed org
        ("other_group_member", "callback"),
        ("other_liaison", "answer"),
        ("commission_leader", "answer"),
    ],
)
def test_wrong_actor_is_refused(request, assigned, persona, move):
    user = request.getfixturevalue(persona)
    kwargs = {"answer": "答复"} if move == "answer" else {"satisfaction": 5}
    with pytest.raises(PermissionDenied):
        getattr(services, f"case_{move}")(actor=user, case=assigned, **kwargs)
    assigned.refresh_from_db()
    assert assigned.status == CaseStatus.ASSIGNED


def test_assign_checks_routed_org_and_deadline(case, group_member, tree):
    with pytest.raises(ValidationFailed, match="承办单位只能是"):
        services.case_assign(
            actor=group_member, case=case, routed_org=tree["wjw_group"], answer_due_on=datetime.date(2022, 4, 15)
        )
    with pytest.raises(ValidationFailed, match="不能早于来电日期"):
        services.case_assign(
            actor=group_member, case=case, routed_org=tree["wjw"], answer_due_on=datetime.date(2022, 4, 1)
        )


def test_case_numbers_are_per_hotline_and_year(hotline, group_member, case):
    second = services.case_create(actor=group_member, hotline=hotline, received_at=AT, issue="再次来电")
    assert (case.number, second.number) == ("2022-0001", "2022-0002")
    with pytest.raises(ValidationFailed, match="相同工单号"):
        services.case_create(actor=group_member, hotline=hotline, received_at=AT, issue="x", number="2022-0001")


def test_substantiated_case_to_problem_once(assigned, group_member, liaison, tree, hotline):
    case = services.case_answer(actor=liaison, case=assigned, answer="已整改")
    with pytest.raises(ValidationFailed, match="反映属实"):
        services.case_to_problem(actor=group_member, case=case)
    case = services.case_callback(actor=group_member, case=case, satisfaction=2, substantiated=True)
    with pytest.raises(PermissionDenied):
        services.case_to_problem(actor=liaison, case=case)
    problem = services.case_to_problem(actor=group_member, case=case)
    assert problem.source_kind == SourceKind.HOTLINE_CASE
    assert (problem.source_type, problem.source_id) == ("hotline.hotlinecase", case.pk)
    assert problem.responsible_org == tree["hospital"] and problem.site == hotline.site
    assert problem.group == tree["wjw_group"]
    case.refresh_from_db()
    assert case.problem == problem
    assert case.events.filter(kind=CaseEventKind.TO_PROBLEM).exists()
    with pytest.raises(ValidationFailed, match="重复"):
        services.case_to_problem(actor=group_member, case=case)


@pytest.mark.parametrize(
    ("result", "failed"),
    [
        ({}, False),
        ({"connected": False, "wait_seconds": 60, "answer_correct": None, "quality_score": None}, True),
        ({"wait_seconds": 61}, True),
        ({"wait_seconds": 60}, False),
        ({"answer_correct": False}, True),
        ({"quality_score": 2}, True),
        ({"quality_score": 3}, False),
    ],
)
def test_failed_call_rule_in_python_and_database(group_member, hotline, result, failed):
    from jiandu.hotline.models import FAILED_CALL_Q, TestCall

    call = make_call(group_member, hotline, **result)
    assert call.failed is failed
    assert TestCall.objects.filter(FAILED_CALL_Q, pk=call.pk).exists() is failed


def test_failed_call_to_problem(rang_out, group_member, tree, hotline):
    problem = services.test_call_to_problem(actor=group_member, call=rang_out)
    assert problem.source_kind == SourceKind.TEST_CALL
    assert (problem.source_type, problem.source_id) == ("hotline.testcall", rang_out.pk)
    assert problem.responsible_org == tree["wjw"] and problem.site == hotline.site
    assert "无人接听" in problem.description
    rang_out.refresh_from_db()
    assert rang_out.problem == problem
    with pytest.raises(ValidationFailed):
        services.test_call_to_problem(actor=group_member, call=rang_out)


def test_passing_call_cannot_become_a_problem(group_member, hotline):
    call = make_call(group_member, hotline)
    with pytest.raises(ValidationFailed, match="不合格"):
        services.test_call_to_problem(actor=group_member, call=call)


def test_plan_then_record(group_member, hotline):
    call = services.test_call_create(actor=group_member, hotline=hotline, planned_at=AT, question="咨询")
    assert call.status == "planned" and not call.failed
    call = services.test_call_record(
        actor=group_member,
        call=call,
        called_at=AT,
        connected=True,
        wait_seconds=5,
        answer_correct=True,
        quality_score=4,
        expected_version=call.version,
    )
    assert call.status == "done" and call.caller == group_member


def test_not_connected_drops_answer_judgement(group_member, hotline):
    call = make_call(group_member, hotline, connected=False, answer_correct=True, quality_score=5)
    assert (call.answer_correct, call.quality_score) == (None, None)


def test_liaison_cannot_plan_test_calls(liaison, hotline):
    with pytest.raises(PermissionDenied):
        services.test_call_create(actor=liaison, hotline=hotline, planned_at=AT)


def test_scorecard_numbers(group_member, hotline, other_group_member, liaison):
    make_call(group_member, hotline, wait_seconds=10, quality_score=5)
    make_call(group_member, hotline, wait_seconds=30, quality_score=2)
    make_call(group_member, hotline, connected=False, wait_seconds=50, answer_correct=None, quality_score=None)
    services.test_call_create(actor=group_member, hotline=hotline, planned_at=AT)
    card = selectors.test_call_scorecard(group_member, hotline=hotline)
    assert (card.planned, card.done, card.connected, card.failed) == (1, 3, 2, 2)
    assert card.answer_rate == pytest.approx(2 / 3)
    assert card.mean_wait == 30.0
    assert card.mean_score == 3.5
    assert [c.done for c in selectors.test_call_scorecard(group_member)] == [3]
    # Another group's and a liaison's scorecards do not count these calls (confidential).
    assert selectors.test_call_scorecard(other_group_member) == []
    assert selectors.test_call_scorecard(liaison) == []
    assert selectors.test_call_scorecard(liaison, hotline=hotline).done == 0


def test_case_counts_and_warning_filter(assigned, hotline, group_member, liaison, other_liaison):
    services.case_create(actor=group_member, hotline=hotline, received_at=AT, issue="另一件")
    by_status = {r["key"]: r["count"] for r in selectors.case_counts(group_member, by="status")}
    assert by_status == {"assigned": 1, "received": 1}
    assert selectors.case_counts(liaison, by="hotline") == [{"key": hotline.name, "count": 1, "overdue": 1}]
    assert selectors.case_counts(other_liaison) == []
    red = HotlineCase.objects.filter(selectors.case_warning_q("red"))
    assert list(red) == [assigned]
    assert selectors.case_warning(assigned) == "red"
    case = services.case_answer(actor=liaison, case=assigned, answer="答复", at=AT + datetime.timedelta(days=5))
    assert selectors.case_warning(case) == "closed_late"
    assert list(HotlineCase.objects.filter(selectors.case_warning_q("closed_late"))) == [case]
    month = selectors.case_counts(group_member, by="month")
    assert month[0]["key"] == datetime.date(2022, 4, 1) and month[0]["count"] == 2


def test_masking():
    assert (mask_name("王德顺"), mask_name("李四"), mask_name("")) == ("王**", "李*", "")
    assert mask_phone("13904311234") == "139****1234"
    assert "85551234" not in mask_phone("0431-85551234")


def test_personal_view_is_audited(case, group_member, liaison, other_group_member):
    with pytest.raises(PermissionDenied):
        services.case_personal_data(actor=other_group_member, case=case)
    data = services.case_personal_data(actor=group_member, case=case)
    assert data == {"caller_name": "王德顺", "caller_phone": "13904311234"}
    event = AuditEvent.objects.get(event_type="view_personal")
    assert event.actor_id == group_member.pk and event.object_id == str(case.pk)
    # The liaison does not see the case before it is routed to their org.
    with pytest.raises(PermissionDenied):
        services.case_personal_data(actor=liaison, case=case)


def test_todo(assigned, group_member, liaison):
    from jiandu.core.todo import todos_for

    assert any(t.title.startswith("答复") and t.warning == "red" for t in todos_for(liaison))
    assert not any(t.kind == "热线工单" for t in todos_for(group_member))
    services.case_answer(actor=liaison, case=assigned, answer="答复")
    assert any(t.title.startswith("回访") for t in todos_for(group_member))
