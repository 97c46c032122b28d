"""The access matrix of sampling over every persona of conftest.py (DESIGN §6)."""

import pytest

from conftest import PERSONAS
from jiandu.core.access import can, visible_to
from jiandu.organizations.enums import SiteType
from jiandu.sampling import check_services, services
from jiandu.sampling.models import Assignment, Check, SamplingPlan, Stock

from .conftest import answers_for, tent_stock

# persona → (sees the 驻省卫健委组 plan, may create plans, may draw/publish it, sees its checks and stock,
#            may turn a failed item into a problem)
MATRIX = {
    "commission_leader": (True, False, False, True, False),
    "office_staff": (True, True, True, True, False),
    "group_leader": (True, True, True, True, True),
    "group_member": (True, True, False, True, True),
    "other_group_member": (False, True, False, False, False),
    "liaison": (False, False, False, False, False),
    "system_admin": (False, False, False, False, False),
    "security_admin": (False, False, False, False, False),
    "audit_admin": (False, False, False, False, False),
}


@pytest.fixture
def checked(published_plan, group_member):
    a = published_plan.current_draw.assignments_set.first()
    return check_services.check_record(
        actor=group_member, assignment=a, answers=answers_for(SiteType.TENT_SITE, ["消防器材"]), stock=tent_stock()
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(persona, request, published_plan, checked):
    user = request.getfixturevalue(persona)
    sees, creates, draws, sees_checks, makes_problem = MATRIX[persona]
    assert visible_to(user, SamplingPlan).filter(pk=published_plan.pk).exists() is sees
    assert can(user, "create", SamplingPlan) is creates
    assert can(user, "draw", published_plan) is draws
    assert can(user, "publish", published_plan) is draws
    assert visible_to(user, Check).filter(pk=checked.pk).exists() is sees_checks
    assert visible_to(user, Stock).filter(check_record=checked).exists() is sees_checks
    assert can(user, "create_problem", checked) is makes_problem
    assignment = published_plan.current_draw.assignments_set.first()
    assert can(user, "record", assignment) is (persona in ("group_leader", "group_member"))


def test_office_wide_plans_are_seen_by_every_group_once_published(
    office_staff, group_member, other_group_member, liaison, tree, sites
):
    plan = services.plan_create(
        actor=office_staff,
        group=None,
        title="全省帐篷点抽查",
        site_types=[SiteType.TENT_SITE],
        sample_size=2,
        inspectors=[group_member, other_group_member],
    )
    assert not visible_to(other_group_member, SamplingPlan).filter(pk=plan.pk).exists()  # a draft: the office's
    services.plan_draw(actor=office_staff, plan=plan, seed="p")
    services.plan_publish(actor=office_staff, plan=plan)
    for user in (group_member, other_group_member):
        assert visible_to(user, SamplingPlan).filter(pk=plan.pk).exists()
        assert visible_to(user, Assignment).filter(draw__plan=plan).count() == 2
    assert not visible_to(liaison, SamplingPlan).filter(pk=plan.pk).exists()
    # An inspector of another group records the check of an office-wide plan for their own group.
    a = Assignment.objects.filter(draw__plan=plan, inspectors=other_group_member).first()
    check = check_services.check_record(actor=other_group_member, assignment=a, answers=answers_for(SiteType.TENT_SITE))
    assert check.group == tree["yjt_group"]
    assert not can(group_member, "record", a) or group_member in a.inspectors.all()


def test_a_group_may_not_create_a_plan_for_another_group(make_plan, other_group_member):
    from jiandu.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_plan(actor=other_group_member)
