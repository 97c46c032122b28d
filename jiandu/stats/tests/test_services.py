"""Data entry, validation rules, optimistic locking, approval, locking and audited unlocking."""

from decimal import Decimal

import pytest

from jiandu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.stats import services
from jiandu.stats.models import Approval, DataValue


def enter(user, s, org, period, times, heads, **kw):
    values = {s["times"].pk: times, s["heads"].pk: heads}
    return services.datavalue_set_many(actor=user, dataset=s["ds"], org=org, period=period, values=values, **kw)


def test_liaison_enters_a_week_and_it_is_audited(stats, tree, liaison):
    enter(liaison, stats, tree["wjw"], stats["w16"], "120", "30")
    values = dict(DataValue.objects.filter(org=tree["wjw"]).values_list("indicator__code", "value"))
    assert values == {"XC_RC": Decimal(120), "XC_RS": Decimal(30)}
    assert AuditEvent.objects.filter(object_type="stats.datavalue", event_type="create").count() == 2
    enter(liaison, stats, tree["wjw"], stats["w16"], "150", "30")
    assert DataValue.objects.get(org=tree["wjw"], indicator=stats["times"]).version == 2
    change = AuditEvent.objects.get(object_type="stats.datavalue", event_type="update")
    assert Decimal(change.details["changes"]["value"][0]) == 120 and change.details["changes"]["value"][1] == "150"


@pytest.mark.parametrize(
    ("times", "heads", "message"),
    [
        ("-1", "3", "「下沉人次」不能为负数。"),
        ("abc", "3", "「下沉人次」应填写数字。"),
        ("1.5", "1", "「下沉人次」最多保留0位小数。"),
        ("10", "30", "「下沉人次」不应小于「下沉人数」"),
    ],
)
def test_values_are_checked_in_chinese_and_nothing_is_written(stats, tree, liaison, times, heads, message):
    with pytest.raises(ValidationFailed) as e:
        enter(liaison, stats, tree["wjw"], stats["w16"], times, heads)
    assert message in e.value.message
    assert "XC_RC" in e.value.fields
    assert not DataValue.objects.exists()


def test_the_database_refuses_a_negative_value(stats, tree):
    from django.db import IntegrityError
    from django.utils import timezone

    with pytest.raises(IntegrityError):
        DataValue.objects.create(
            dataset=stats["ds"], indicator=stats["times"], org=tree["wjw"], period=stats["w16"], value=-1,
            entered_at=timezone.now(),
        )  # fmt: skip


def test_rule_uses_values_already_stored(stats, tree, liaison):
    enter(liaison, stats, tree["wjw"], stats["w16"], "100", "40")
    with pytest.raises(ValidationFailed, match="不应小于"):
        services.datavalue_set_many(
            actor=liaison, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"], values={stats["times"].pk: "20"}
        )


def test_only_reporting_orgs_of_matching_frequency(stats, tree, group_member):
    with pytest.raises(ValidationFailed, match="不是“下沉社区周报”的填报单位"):
        enter(group_member, stats, tree["yjt"], stats["w16"], "1", "1")
    with pytest.raises(ValidationFailed, match="填报频率"):
        enter(group_member, stats, tree["wjw"], services.period_get("2022-04"), "1", "1")


def test_who_may_enter(stats, tree, liaison, other_liaison, group_member, other_group_member, commission_leader):
    enter(group_member, stats, tree["hospital"], stats["w16"], "5", "1")  # on behalf of the org
    enter(liaison, stats, tree["hospital"], stats["w16"], "6", "1")  # a sub-unit of the liaison's org
    for user in (other_liaison, other_group_member, commission_leader):
        with pytest.raises(PermissionDenied):
            enter(user, stats, tree["hospital"], stats["w16"], "7", "1")


def test_hospital_liaison_may_not_enter_for_the_parent(stats, tree, hospital_liaison):
    with pytest.raises(PermissionDenied):
        enter(hospital_liaison, stats, tree["wjw"], stats["w16"], "7", "1")


def test_concurrent_edit_is_a_conflict(stats, tree, liaison, group_member):
    enter(liaison, stats, tree["wjw"], stats["w16"], "100", "40", versions={stats["times"].pk: 0})
    enter(group_member, stats, tree["wjw"], stats["w16"], "110", "40", versions={stats["times"].pk: 1})
    with pytest.raises(Conflict):
        enter(liaison, stats, tree["wjw"], stats["w16"], "120", "40", versions={stats["times"].pk: 1})
    assert DataValue.objects.get(org=tree["wjw"], indicator=stats["times"]).value == 110


def test_locked_period_refuses_changes_until_unlocked_with_a_reason(stats, tree, liaison, group_leader, group_member):
    enter(liaison, stats, tree["hospital"], stats["w16"], "100", "40")
    services.approval_approve(actor=group_leader, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"])
    for user in (liaison, group_member, group_leader):
        with pytest.raises(ValidationFailed, match="审核锁定") as e:
            enter(user, stats, tree["hospital"], stats["w16"], "101", "40")
        assert e.value.code == "locked"
    enter(liaison, stats, tree["hospital"], stats["w17"], "90", "40")  # another week is open
    with pytest.raises(PermissionDenied):
        services.approval_unlock(
            actor=group_member, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"], reason="x"
        )
    with pytest.raises(ValidationFailed, match="原因"):
        services.approval_unlock(
            actor=group_leader, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"], reason=" "
        )
    services.approval_unlock(
        actor=group_leader, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"], reason="南关区数据填错"
    )
    event = AuditEvent.objects.filter(object_type="stats.approval").order_by("-seq").first()
    assert event.details["reason"] == "南关区数据填错" and event.details["to"] == "unlocked"
    assert event.actor_id == group_leader.pk
    enter(liaison, stats, tree["hospital"], stats["w16"], "101", "40")
    assert DataValue.objects.get(org=tree["hospital"], period=stats["w16"], indicator=stats["times"]).value == 101


def test_only_the_owning_leader_approves(stats, tree, group_member, office_staff, commission_leader, liaison):
    for user in (group_member, office_staff, commission_leader, liaison):
        with pytest.raises(PermissionDenied):
            services.approval_approve(actor=user, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"])


def test_approval_without_lock_is_withdrawn_by_a_change(stats, tree, liaison, group_leader):
    enter(liaison, stats, tree["wjw"], stats["w16"], "100", "40")
    services.approval_approve(actor=group_leader, dataset=stats["ds"], org=tree["wjw"], period=stats["w16"], lock=False)
    enter(liaison, stats, tree["wjw"], stats["w16"], "105", "40")
    assert not Approval.objects.exists()


def test_indicator_and_dataset_crud(tree, office_staff, group_leader, group_member, stats):
    ind = services.indicator_create(actor=office_staff, code="NEW", name="新指标", unit="人", aggregation="sum")
    with pytest.raises(ValidationFailed, match="已存在"):
        services.indicator_create(actor=group_leader, code="NEW", name="重复", unit="人", aggregation="sum")
    with pytest.raises(PermissionDenied):
        services.indicator_create(actor=group_member, code="X", name="x", unit="人", aggregation="sum")
    ind = services.indicator_update(actor=group_leader, indicator=ind, expected_version=1, name="改名")
    with pytest.raises(Conflict):
        services.indicator_update(actor=group_leader, indicator=ind, expected_version=1, name="再改")
    ds = services.dataset_update(
        actor=group_leader, dataset=stats["ds"], expected_version=1, due_days=5, indicators=[stats["times"], ind]
    )
    assert ds.due_days == 5 and list(ds.members.values_list("indicator__code", flat=True)) == ["XC_RC", "NEW"]
    with pytest.raises(PermissionDenied):
        services.dataset_create(
            actor=group_leader, group=tree["yjt_group"], name="别组的", frequency="weekly", start_date=ds.start_date
        )
