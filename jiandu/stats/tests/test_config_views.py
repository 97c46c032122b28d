"""Configuration pages: indicators, data sets and validation rules, created and edited through the services."""

import pytest
from django.urls import reverse

from jiandu.core.models import AuditEvent
from jiandu.stats.enums import Aggregation, Frequency
from jiandu.stats.models import DataSet, Indicator, ValidationRule

from .factories import indicator


def indicator_post(**kw):
    data = {"code": "JC_CS", "name": "检查次数", "unit": "次", "aggregation": Aggregation.SUM, "decimals": "0"}
    data.update({"description": "", "is_active": "on"})
    data.update(kw)
    return data


def dataset_post(tree, indicators, **kw):
    data = {
        "name": "专项检查月报",
        "group": tree["wjw_group"].pk,
        "frequency": Frequency.MONTHLY,
        "start_date": "2022-04-01",
        "end_date": "2022-12-31",
        "due_days": "5",
        "indicators": [i.pk for i in indicators],
        "reporting_orgs": [tree["wjw"].pk, tree["hospital"].pk],
        "is_active": "on",
    }
    data.update(kw)
    return data


def test_office_creates_indicator_and_dataset(client, tree, office_staff):
    client.force_login(office_staff)
    page = client.get(reverse("stats:dataset_list")).content.decode()
    assert "新增数据集" in page and "统计指标" in page
    assert client.get(reverse("stats:indicator_create")).status_code == 200
    r = client.post(reverse("stats:indicator_create"), indicator_post())
    assert r.status_code == 302
    checks = Indicator.objects.get(code="JC_CS")
    assert checks.name == "检查次数" and checks.is_active
    sites = indicator("JC_DW", "检查点位", "处")
    assert "检查次数" in client.get(reverse("stats:indicator_list")).content.decode()

    page = client.get(reverse("stats:dataset_create")).content.decode()
    assert "驻省卫健委纪检监察组" in page and "吉林省人民医院" in page
    # the order of the posted indicators is the order of the data set's columns
    r = client.post(reverse("stats:dataset_create"), dataset_post(tree, [sites, checks]))
    assert r.status_code == 302
    ds = DataSet.objects.get(name="专项检查月报")
    assert r["Location"] == reverse("stats:dataset_detail", args=[ds.pk])
    assert ds.group == tree["wjw_group"] and ds.frequency == Frequency.MONTHLY and ds.due_days == 5
    assert [m.indicator for m in ds.members.all()] == [sites, checks]
    assert set(ds.reporting_orgs.all()) == {tree["wjw"], tree["hospital"]}
    assert AuditEvent.objects.filter(object_type__icontains="dataset").exists()
    page = client.get(reverse("stats:dataset_detail", args=[ds.pk])).content.decode()
    assert "dataset-edit" in page and "dataset-rules" in page


def test_edit_indicator_and_dataset(client, tree, office_staff, stats):
    client.force_login(office_staff)
    times, ds = stats["times"], stats["ds"]
    old_times, old_ds = times.version, ds.version
    url = reverse("stats:indicator_edit", args=[times.pk])
    assert 'value="XC_RC"' in client.get(url).content.decode()
    r = client.post(url, indicator_post(code="XC_RC", name="下沉社区人次", unit="人次", version=times.version))
    assert r.status_code == 302
    times.refresh_from_db()
    assert times.name == "下沉社区人次" and times.version == old_times + 1

    url = reverse("stats:dataset_edit", args=[ds.pk])
    assert client.get(url).status_code == 200
    data = dataset_post(tree, [stats["heads"], times], name="下沉周报", frequency=Frequency.WEEKLY, version=old_ds)
    del data["group"]
    r = client.post(url, data)
    assert r.status_code == 302
    ds.refresh_from_db()
    assert ds.name == "下沉周报" and ds.version == old_ds + 1
    assert [m.indicator for m in ds.members.all()] == [stats["heads"], times]


@pytest.mark.parametrize("persona", ["liaison", "commission_leader", "group_member", "audit_admin"])
def test_create_pages_forbidden(client, tree, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("stats:indicator_create")).status_code == 403
    assert client.get(reverse("stats:dataset_create")).status_code == 403
    r = client.post(reverse("stats:indicator_create"), indicator_post())
    assert r.status_code == 403 and not Indicator.objects.exists()


def test_no_config_buttons_for_readers(client, stats, liaison, commission_leader):
    for user in (liaison, commission_leader):
        client.force_login(user)
        assert "dataset-create" not in client.get(reverse("stats:dataset_list")).content.decode()
        page = client.get(reverse("stats:dataset_detail", args=[stats["ds"].pk])).content.decode()
        assert "dataset-edit" not in page
    assert client.get(reverse("stats:dataset_edit", args=[stats["ds"].pk])).status_code == 403
    assert client.get(reverse("stats:rules", args=[stats["ds"].pk])).status_code == 403


def test_group_leader_limited_to_own_group(client, tree, group_leader, stats, other_group_member):
    client.force_login(group_leader)
    page = client.get(reverse("stats:dataset_create")).content.decode()
    assert "驻省卫健委纪检监察组" in page and "驻省应急管理厅纪检监察组" not in page
    r = client.post(reverse("stats:dataset_create"), dataset_post(tree, [stats["times"]], group=tree["yjt_group"].pk))
    assert r.status_code == 400 and not DataSet.objects.filter(name="专项检查月报").exists()
    assert client.get(reverse("stats:dataset_edit", args=[stats["ds"].pk])).status_code == 200


def test_stale_version_is_a_conflict(client, tree, office_staff, group_leader, stats):
    times, ds = stats["times"], stats["ds"]
    from jiandu.stats import services

    stale = times.version
    services.indicator_update(actor=group_leader, indicator=times, expected_version=stale, name="别人改过")
    client.force_login(office_staff)
    r = client.post(reverse("stats:indicator_edit", args=[times.pk]), indicator_post(code="XC_RC", version=stale))
    assert r.status_code == 400 and "该记录已被他人修改" in r.content.decode()
    times.refresh_from_db()
    assert times.name == "别人改过"

    stale = ds.version
    services.dataset_update(actor=group_leader, dataset=ds, expected_version=stale, due_days=7)
    data = dataset_post(tree, [times], version=stale)
    del data["group"]
    r = client.post(reverse("stats:dataset_edit", args=[ds.pk]), data)
    assert r.status_code == 400 and "该记录已被他人修改" in r.content.decode()
    ds.refresh_from_db()
    assert ds.name == "下沉社区周报" and ds.due_days == 7


def test_bad_forms_show_chinese_errors(client, tree, office_staff, stats):
    client.force_login(office_staff)
    r = client.post(reverse("stats:indicator_create"), indicator_post(code="XC_RC"))
    assert r.status_code == 400 and "指标编码已存在。" in r.content.decode()
    assert Indicator.objects.filter(code="XC_RC").count() == 1
    r = client.post(reverse("stats:indicator_create"), indicator_post(decimals="9", name=""))
    page = r.content.decode()
    assert r.status_code == 400 and "该字段是必填项。" in page and "确保该值小于或等于4。" in page
    r = client.post(
        reverse("stats:dataset_create"),
        dataset_post(tree, [], start_date="2022-05-01", end_date="2022-04-01"),
    )
    page = r.content.decode()
    assert r.status_code == 400 and "请至少选择一个指标。" in page and "截止日期不能早于起始日期。" in page
    r = client.post(reverse("stats:dataset_create"), dataset_post(tree, [stats["times"]], name="下沉社区周报"))
    assert r.status_code == 400 and DataSet.objects.filter(name="下沉社区周报").count() == 1


def test_rules_add_and_delete(client, office_staff, stats):
    client.force_login(office_staff)
    ds, times, heads = stats["ds"], stats["times"], stats["heads"]
    url = reverse("stats:rules", args=[ds.pk])
    assert "下沉人次 ≥ 下沉人数" in client.get(url).content.decode()
    r = client.post(url, {"left": heads.pk, "operator": "lte", "right": times.pk, "message": ""})
    assert r.status_code == 302 and ds.rules.count() == 2
    r = client.post(url, {"left": heads.pk, "operator": "lte", "right": heads.pk})
    assert r.status_code == 400 and "左右两侧须为不同的指标。" in r.content.decode()
    other = indicator("QT", "其他")
    r = client.post(url, {"left": other.pk, "operator": "lte", "right": times.pk})
    assert r.status_code == 400 and ds.rules.count() == 2
    rule = ds.rules.first()
    r = client.post(reverse("stats:rule_delete", args=[ds.pk, rule.pk]))
    assert r.status_code == 302 and not ValidationRule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.filter(event_type="delete").exists()


def test_rules_forbidden_to_group_member(client, group_member, stats):
    client.force_login(group_member)
    rule = stats["ds"].rules.first()
    assert client.post(reverse("stats:rule_delete", args=[stats["ds"].pk, rule.pk])).status_code == 403
    assert ValidationRule.objects.filter(pk=rule.pk).exists()
