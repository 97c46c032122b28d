"""The access matrix of problems (DESIGN §6): every persona × visibility and every action, allowed and refused."""

import pytest

from conftest import PERSONAS
from jiandu.activities.models import Activity
from jiandu.core.access import access, can, visible_to
from jiandu.core.errors import NotFound, PermissionDenied
from jiandu.problems import services, urging
from jiandu.problems.models import Problem, ProblemEvent, Rectification, Urge

from .factories import problem, walk

pytestmark = pytest.mark.django_db

ALL = [*PERSONAS, "other_liaison"]
WJW_SIDE = {"wjw", "hosp", "covert"}
VISIBLE = {
    "commission_leader": {"wjw", "hosp", "yjt", "covert"},
    "office_staff": {"wjw", "hosp", "yjt", "covert"},
    "group_leader": WJW_SIDE,
    "group_member": WJW_SIDE,
    "other_group_member": {"yjt"},
    "liaison": WJW_SIDE,  # 省人民医院 is a unit of 省卫健委; the covert check's problem is addressed to them
    "other_liaison": {"yjt"},
    "system_admin": set(),
    "security_admin": set(),
    "audit_admin": set(),
}


def _names(probs, qs) -> set[str]:
    ids = set(qs.values_list("pk", flat=True))
    return {name for name, p in probs.items() if p.pk in ids}


@pytest.mark.parametrize("name", ALL)
def test_problem_visibility(name, request, probs):
    persona = request.getfixturevalue(name)
    assert _names(probs, visible_to(persona, Problem)) == VISIBLE[name]
    for key, p in probs.items():
        if key in VISIBLE[name]:
            assert access(persona, Problem, p.pk) == p
        else:
            with pytest.raises(NotFound):
                access(persona, Problem, p.pk)
    # The timeline follows the problem.
    shown = set(visible_to(persona, ProblemEvent).values_list("problem_id", flat=True))
    assert shown == {probs[k].pk for k in VISIBLE[name]}


@pytest.mark.parametrize("name", ALL)
def test_the_covert_source_is_never_shown_to_a_liaison(name, request, probs, covert):
    persona = request.getfixturevalue(name)
    sees_activity = can(persona, "view", covert)
    assert sees_activity == (name in {"commission_leader", "office_staff", "group_leader", "group_member"})
    if name == "liaison":
        assert not visible_to(persona, Activity).exists()


# Who may do what on the problem of 驻省卫健委组 addressed to 省卫健委, in the status the action leaves from.
SEES = {"commission_leader", "office_staff", "group_leader", "group_member", "liaison"}
ALLOWED = {
    "view": SEES,
    "start": {"liaison"},
    "submit": {"liaison"},
    "return": {"group_leader", "group_member"},
    "close": {"group_leader"},
    "reopen": {"group_leader"},
    "urge": {"group_leader", "group_member"},
    "escalate": {"group_leader"},
    "change": {"group_leader", "group_member"},
    "view_internal": {"commission_leader", "office_staff", "group_leader", "group_member"},
}
FROM_STATUS = {
    "start": "open",
    "submit": "in_progress",
    "return": "submitted",
    "close": "submitted",
    "reopen": "closed",
}


def _run(action, actor, p):
    if action == "view":
        return access(actor, Problem, p.pk)
    if action == "start":
        return services.problem_start(actor=actor, problem=p)
    if action == "submit":
        return services.problem_submit(actor=actor, problem=p, note="已整改")
    if action == "return":
        return services.problem_return(actor=actor, problem=p, reason="佐证不足")
    if action == "close":
        return services.problem_close(actor=actor, problem=p)
    if action == "reopen":
        return services.problem_reopen(actor=actor, problem=p, reason="反弹")
    if action == "urge":
        return urging.problem_urge(actor=actor, problem=p, level="urge")
    if action == "escalate":
        return urging.problem_urge(actor=actor, problem=p, level="directive")
    if action == "change":
        return services.problem_update(actor=actor, problem=p, expected_version=p.version, root_cause="管理不严")
    return None


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("name", ALL)
def test_action_matrix(name, action, request, tree, group_member, group_leader, liaison):
    from jiandu.documents.tests.factories import rule

    rule(tree["wjw_group"], "吉纪驻卫")
    persona = request.getfixturevalue(name)
    p = problem(group_member, tree["wjw_group"], tree["wjw"], internal_note="拟约谈分管负责人")
    p = walk(p, FROM_STATUS.get(action, "open"), liaison=liaison, leader=group_leader)
    allowed = name in ALLOWED[action]
    assert can(persona, action, p) == allowed
    if action == "view_internal":
        return
    if allowed:
        _run(action, persona, p)
    else:
        with pytest.raises((PermissionDenied, NotFound)):
            _run(action, persona, p)


@pytest.mark.parametrize("name", ALL)
def test_class_level_actions(name, request, tree):
    persona = request.getfixturevalue(name)
    business = name not in {"system_admin", "security_admin", "audit_admin"}
    assert can(persona, "view", Problem) == business
    assert can(persona, "export", Problem) == business
    assert can(persona, "create", Problem) == (name in {"group_leader", "group_member", "other_group_member"})
    assert can(persona, "urge", Problem) == (name in {"group_leader", "group_member", "other_group_member"})


@pytest.mark.parametrize("name", ALL)
def test_rectifications_and_urges_follow_the_problem(name, request, probs, liaison, group_member):
    persona = request.getfixturevalue(name)
    services.problem_start(actor=liaison, problem=probs["hosp"], note="已部署")
    urging.problem_urge(actor=group_member, problem=probs["hosp"], level="remind")
    sees = "hosp" in VISIBLE[name]
    assert visible_to(persona, Rectification).exists() == sees
    assert visible_to(persona, Urge).exists() == sees
