"""Services: plans, draws and redraws (audited, never silent), verify_draw, exclusion of recently checked sites,
checks with stock (database and service rules), and a failed item → a problem in the liaison's to-do."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiandu.core.enums import EventType
from jiandu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.core.todo import todos_for
from jiandu.organizations.enums import SiteType
from jiandu.problems.enums import ProblemStatus, SourceKind
from jiandu.sampling import check_services, services
from jiandu.sampling.enums import PlanEventKind, PlanStatus, Resource, Stratify
from jiandu.sampling.models import Assignment, Draw, Stock

from .conftest import answers_for, tent_stock, yesterday


def test_draw_publish_and_the_audited_redraw(make_plan, group_leader):
    plan = make_plan()
    assert plan.status == PlanStatus.DRAFT
    draw = services.plan_draw(actor=group_leader, plan=plan, seed="s1")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN and draw.population_size == 10 and draw.sample_size == 3
    assert Assignment.objects.filter(draw=draw).count() == 3
    with pytest.raises(ValidationFailed, match="原因"):
        services.plan_draw(actor=group_leader, plan=plan, seed="s2")
    second = services.plan_draw(actor=group_leader, plan=plan, seed="s2", reason="检查人员调整")
    draw.refresh_from_db()
    assert draw.superseded_at is not None and second.number == 2 and plan.current_draw == second
    assert Draw.objects.filter(plan=plan).count() == 2  # the first one is kept
    moves = [
        e.details["move"] for e in AuditEvent.objects.filter(event_type=EventType.TRANSITION, object_id=str(plan.pk))
    ]
    assert sorted(moves) == ["draw", "redraw"]
    services.plan_publish(actor=group_leader, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at
    kinds = list(plan.events.values_list("kind", flat=True))
    assert kinds == [PlanEventKind.CREATED, PlanEventKind.DRAWN, PlanEventKind.REDRAWN, PlanEventKind.PUBLISHED]
    with pytest.raises(ValidationFailed, match="不能公开"):
        services.plan_publish(actor=group_leader, plan=plan)


def test_a_member_may_not_draw_and_a_stale_edit_conflicts(make_plan, group_member, group_leader):
    plan = make_plan(actor=group_member)
    with pytest.raises(PermissionDenied):
        services.plan_draw(actor=group_member, plan=plan)
    services.plan_update(actor=group_member, plan=plan, expected_version=plan.version, title="新名称")
    with pytest.raises(Conflict):
        services.plan_update(actor=group_leader, plan=plan, expected_version=1, title="旧页面")


def test_strata_by_district_with_proportion_and_override(make_plan, group_leader, districts):
    plan = make_plan(
        stratify=Stratify.DISTRICT,
        orgs=list(districts),
        sample_size=None,
        sample_proportion="0.5",
        strata_overrides={"U-B": {"size": 1}},
    )
    draw = services.plan_draw(actor=group_leader, plan=plan, seed="x")
    assert {s["key"]: (len(s["population"]), s["n"]) for s in draw.strata} == {"U-A": (6, 3), "U-B": (4, 1)}
    assert [len(draw.sample["U-A"]), len(draw.sample["U-B"])] == [3, 1]


def test_verify_draw_exits_0_and_1_on_a_tampered_sample(published_plan, capsys):
    call_command("verify_draw", published_plan.pk)
    assert "核验通过" in capsys.readouterr().out
    draw = published_plan.current_draw
    codes = draw.sample["all"]
    other = next(c for s in draw.strata for c in s["population"] if c not in codes)
    Draw.objects.filter(pk=draw.pk).update(sample={"all": [other, *codes[1:]]})
    with pytest.raises(CommandError) as exc:
        call_command("verify_draw", published_plan.pk)
    assert exc.value.returncode == 1 and "不一致" in str(exc.value)
    assert other in capsys.readouterr().err


def test_sites_checked_recently_are_left_out_and_inspectors_avoid_their_org(
    make_plan, group_leader, sites, conflicted_member
):
    check_services.check_record(
        actor=group_leader, site=sites[0], answers=answers_for(SiteType.TENT_SITE), checked_at=yesterday()
    )
    plan = make_plan(exclude_days=7, sample_size=None, inspectors=[conflicted_member, group_leader])
    draw = services.plan_draw(actor=group_leader, plan=plan, seed="y")
    assert draw.population_size == 9 and sites[0].code not in draw.sample["all"]
    for a in Assignment.objects.filter(draw=draw).select_related("site__responsible_org"):
        if a.site.responsible_org.code == "U-A":
            assert conflicted_member not in a.inspectors.all()
    assert any(conflicted_member.username in v for v in draw.assignments.values())  # 乙区's sites


@pytest.mark.parametrize(
    "counts,message",
    [
        ((10, 11, 0, 0), "损坏数（11）不能大于总数（10）"),
        ((10, 2, 3, 0), "补充数（3）不能大于损坏数（2）"),
        ((10, 0, 0, 11), "加固数（11）不能大于总数（10）"),
        ((-1, 0, 0, 0), "总数不能为负数"),
    ],
)
def test_stock_rules_in_the_service(published_plan, group_leader, counts, message):
    a = published_plan.current_draw.assignments_set.first()
    with pytest.raises(ValidationFailed, match=message):
        check_services.check_record(
            actor=group_leader, assignment=a, answers=answers_for(a.site.site_type), stock=tent_stock(*counts)
        )
    assert not Stock.objects.exists()


def test_stock_db_constraints_each(sites, tree):
    base = {"site": sites[0], "group": tree["wjw_group"], "counted_on": timezone.localdate(), "resource": Resource.TENT}
    for bad in (
        {"total": 5, "damaged": 6},
        {"total": 5, "damaged": 1, "replenished": 2},
        {"total": 5, "reinforced": 6},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Stock.objects.create(**base, **bad)
    Stock.objects.create(**base, total=5, damaged=2, replenished=2, reinforced=5)


def test_a_check_needs_a_published_plan_and_every_item(make_plan, group_leader):
    plan = make_plan()
    draw = services.plan_draw(actor=group_leader, plan=plan, seed="z")
    a = draw.assignments_set.first()
    with pytest.raises(ValidationFailed, match="公开后"):
        check_services.check_record(actor=group_leader, assignment=a, answers=answers_for(SiteType.TENT_SITE))
    services.plan_publish(actor=group_leader, plan=plan)
    with pytest.raises(ValidationFailed, match="请填写检查项的结果"):
        check_services.check_record(actor=group_leader, assignment=a, answers=answers_for(SiteType.TENT_SITE)[1:])
    check = check_services.check_record(
        actor=group_leader, assignment=a, answers=answers_for(SiteType.TENT_SITE), stock=tent_stock()
    )
    assert check.results.count() == 5 and check.stock.get().damaged == 2
    assert AuditEvent.objects.filter(event_type=EventType.CREATE, object_type="sampling.check").exists()
    with pytest.raises(ValidationFailed, match="已有检查结果"):
        services.plan_draw(actor=group_leader, plan=plan, reason="试图重抽")


def test_a_failed_item_becomes_a_problem_in_the_liaisons_todo(published_plan, group_member, liaison):
    a = published_plan.current_draw.assignments_set.select_related("site").first()
    check = check_services.check_record(
        actor=group_member, assignment=a, answers=answers_for(SiteType.TENT_SITE, failed=["棉被配备"], note="棉被不足")
    )
    failed = check.results.get(result="fail")
    problem = check_services.check_item_to_problem(actor=group_member, result=failed)
    assert problem.site == a.site and problem.responsible_org == a.site.responsible_org
    assert problem.group == published_plan.group and problem.status == ProblemStatus.OPEN
    assert (problem.source_kind, problem.source_type, problem.source_id) == (
        SourceKind.CHECK,
        "sampling.check",
        check.pk,
    )
    assert "棉被配备" in problem.description and "棉被不足" in problem.description
    failed.refresh_from_db()
    assert failed.problem == problem
    assert any(problem.number in t.title for t in todos_for(liaison))
    with pytest.raises(ValidationFailed, match="已转为问题"):
        check_services.check_item_to_problem(actor=group_member, result=failed)
    passed = check.results.filter(result="pass").first()
    with pytest.raises(ValidationFailed, match="只有不合格"):
        check_services.check_item_to_problem(actor=group_member, result=passed)


def test_checklists_are_configurable(office_staff, group_member):
    check_services.ensure_templates()
    from jiandu.sampling.models import CheckTemplate

    template = CheckTemplate.objects.get(site_type=SiteType.TENT_SITE)
    assert [i.text for i in check_services.checklist_for(SiteType.TENT_SITE)] == [
        "帐篷固定加固",
        "棉被配备",
        "消防器材",
        "通风照明",
        "人员值守",
    ]
    with pytest.raises(PermissionDenied):
        check_services.template_set_items(actor=group_member, template=template, items=["甲"])
    check_services.template_set_items(actor=office_staff, template=template, items=["棉被配备", "取暖设施"])
    assert [i.text for i in check_services.checklist_for(SiteType.TENT_SITE)] == ["棉被配备", "取暖设施"]


def test_the_check_time_cannot_be_in_the_future(group_leader, sites):
    with pytest.raises(ValidationFailed, match="不能晚于现在"):
        check_services.check_record(
            actor=group_leader,
            site=sites[0],
            answers=answers_for(SiteType.TENT_SITE),
            checked_at=timezone.now() + timedelta(hours=1),
        )
