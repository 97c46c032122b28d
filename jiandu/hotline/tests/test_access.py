"""The access matrix over every persona of conftest.py: what each may see and do (DESIGN §6)."""

import pytest

from conftest import PERSONAS
from jiandu.core.access import can, visible_to
from jiandu.hotline.models import CaseEvent, Hotline, HotlineCase, TestCall

from .conftest import make_call

pytestmark = pytest.mark.django_db

SEES_HOTLINE = {"commission_leader", "office_staff", "group_leader", "group_member", "other_group_member", "liaison"}
SEES_CASE = {"commission_leader", "office_staff", "group_leader", "group_member", "liaison"}
SEES_CALL = {"commission_leader", "office_staff", "group_leader", "group_member"}

ALLOWED = {
    # (model, action): personas allowed
    ("hotline", "change"): {"office_staff", "group_leader", "group_member"},
    ("case", "assign"): {"office_staff", "group_leader", "group_member"},
    ("case", "answer"): {"liaison"},
    ("case", "callback"): {"group_leader", "group_member"},
    ("case", "close"): {"group_leader", "group_member"},
    ("case", "to_problem"): {"group_leader", "group_member"},
    ("case", "view_personal"): {"commission_leader", "office_staff", "group_leader", "group_member", "liaison"},
    ("case", "export"): SEES_CASE,
    ("call", "record"): {"office_staff", "group_leader", "group_member"},
    ("call", "to_problem"): {"group_leader", "group_member"},
    ("call", "export"): SEES_CALL,
}
CLASS_ALLOWED = {
    (Hotline, "create"): {"office_staff", "group_leader", "group_member", "other_group_member"},
    (HotlineCase, "create"): {"office_staff", "group_leader", "group_member", "other_group_member"},
    (TestCall, "create"): {"office_staff", "group_leader", "group_member", "other_group_member"},
    (TestCall, "export"): {"commission_leader", "office_staff", "group_leader", "group_member", "other_group_member"},
    (HotlineCase, "export"): {
        "commission_leader",
        "office_staff",
        "group_leader",
        "group_member",
        "other_group_member",
        "liaison",
    },
}


@pytest.fixture
def records(assigned, hotline, group_member):
    return {
        "hotline": hotline,
        "case": assigned,
        "call": make_call(group_member, hotline, connected=False, answer_correct=None, quality_score=None),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_visibility(request, persona, records):
    user = request.getfixturevalue(persona)
    assert visible_to(user, Hotline).filter(pk=records["hotline"].pk).exists() is (persona in SEES_HOTLINE)
    assert visible_to(user, HotlineCase).filter(pk=records["case"].pk).exists() is (persona in SEES_CASE)
    assert visible_to(user, CaseEvent).filter(case=records["case"]).exists() is (persona in SEES_CASE)
    assert visible_to(user, TestCall).filter(pk=records["call"].pk).exists() is (persona in SEES_CALL)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("kind", "action"), sorted(ALLOWED))
def test_actions(request, persona, records, kind, action):
    user = request.getfixturevalue(persona)
    assert can(user, action, records[kind]) is (persona in ALLOWED[(kind, action)])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("model", "action"), sorted(CLASS_ALLOWED, key=lambda k: (k[0].__name__, k[1])))
def test_class_actions(request, persona, model, action):
    user = request.getfixturevalue(persona)
    assert can(user, action, model) is (persona in CLASS_ALLOWED[(model, action)])


def test_liaison_of_other_org_sees_nothing(other_liaison, records):
    assert not visible_to(other_liaison, Hotline).exists()
    assert not visible_to(other_liaison, HotlineCase).exists()
    assert not visible_to(other_liaison, TestCall).exists()
