"""The access matrix (DESIGN §6) for orgs, assignments and accounts: roles × actions, allowed and refused."""

import pytest

from conftest import PERSONAS
from jiandu.core.access import access, can, visible_to
from jiandu.core.errors import NotFound, PermissionDenied
from jiandu.organizations.models import Assignment, Org, User

# Which personas see the whole org tree (7 orgs in the fixture tree).
SEES_WHOLE_TREE = {
    "commission_leader",
    "office_staff",
    "group_leader",
    "group_member",
    "other_group_member",
    "system_admin",
    "security_admin",
}


@pytest.mark.parametrize("name", PERSONAS)
def test_org_visibility(name, request, tree):
    persona = request.getfixturevalue(name)
    visible = set(visible_to(persona, Org).values_list("code", flat=True))
    if name in SEES_WHOLE_TREE:
        assert visible == set(Org.objects.values_list("code", flat=True))
    elif name == "liaison":
        # own department and its units, and the group that supervises it — not the other department
        assert visible == {"D-WJW", "U-HOSP", "G-WJW"}
    else:
        assert visible == set()


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("action", ["create", "change", "move", "import", "export"])
def test_org_actions(name, action, request, tree):
    persona = request.getfixturevalue(name)
    keepers = {"office_staff", "system_admin"}
    allowed = keepers | ({"commission_leader"} if action == "export" else set())
    target = Org if action in ("create", "import", "export") else tree["wjw"]
    assert can(persona, action, target) is (name in allowed)


def test_liaison_gets_404_for_other_department(liaison, tree):
    with pytest.raises(NotFound):
        access(liaison, Org, tree["yjt"].pk)
    assert access(liaison, Org, tree["hospital"].pk) == tree["hospital"]


def test_group_member_sees_org_but_may_not_change_it(group_member, tree):
    with pytest.raises(PermissionDenied):
        access(group_member, Org, tree["wjw"].pk, action="change")


@pytest.mark.parametrize("name", PERSONAS)
def test_assignment_visibility(name, request, tree):
    persona = request.getfixturevalue(name)
    visible = set(visible_to(persona, Assignment).values_list("org__code", flat=True))
    if name in SEES_WHOLE_TREE:
        assert visible == {"D-WJW", "D-YJT"}
    elif name == "liaison":
        assert visible == {"D-WJW"}
    else:
        assert visible == set()
    assert can(persona, "create", Assignment) is (name in {"office_staff", "system_admin"})


@pytest.mark.parametrize("name", PERSONAS)
def test_user_visibility(name, request, group_member, liaison):
    persona = request.getfixturevalue(name)
    visible = set(visible_to(persona, User).values_list("pk", flat=True))
    if name in {"system_admin", "security_admin", "office_staff"}:
        assert {group_member.pk, liaison.pk, persona.pk} <= visible
    else:
        assert visible == {persona.pk}


@pytest.mark.parametrize("name", PERSONAS)
def test_user_actions(name, request, group_member, system_admin):
    persona = request.getfixturevalue(name)
    assert can(persona, "create", User) is (name in {"system_admin", "office_staff"})
    assert can(persona, "reset_password", group_member) is (name in {"system_admin", "office_staff"})
    assert can(persona, "grant", group_member) is (name in {"security_admin", "office_staff"})
    # the office keeps business accounts only; admin accounts are the admins' own business
    if name == "office_staff":
        assert not can(persona, "reset_password", system_admin)


def test_nobody_grants_to_themselves(security_admin):
    assert not can(security_admin, "grant", security_admin)


def test_inactive_user_sees_nothing(group_member, tree):
    group_member.is_active = False
    group_member.save()
    assert not visible_to(group_member, Org).exists()
