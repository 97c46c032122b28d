"""REST: /api/v1/indicators/ and /api/v1/data-values/ with approve/ and unlock/, same rules as the pages."""

import pytest
from rest_framework.test import APIClient

from jiandu.core.models import AuditEvent
from jiandu.stats.models import Approval, DataValue, Indicator


@pytest.fixture
def api():
    return APIClient()


def test_indicators_crud_without_delete(api, stats, office_staff, group_member):
    api.force_authenticate(office_staff)
    r = api.post(
        "/api/v1/indicators/", {"code": "JK", "name": "捐款捐物", "unit": "万元", "aggregation": "sum", "decimals": 2}
    )
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    r = api.post("/api/v1/indicators/", {"code": "JK", "name": "重复", "unit": "万元", "aggregation": "sum"})
    assert r.status_code == 400 and r.json()["code"] == "invalid" and "已存在" in r.json()["message"]
    assert api.patch(f"/api/v1/indicators/{pk}/", {"name": "累计捐款捐物"}).status_code == 400  # version required
    r = api.patch(f"/api/v1/indicators/{pk}/", {"name": "累计捐款捐物", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert api.patch(f"/api/v1/indicators/{pk}/", {"name": "x", "version": 1}).status_code == 409
    assert api.delete(f"/api/v1/indicators/{pk}/").status_code == 405
    api.force_authenticate(group_member)
    assert api.get("/api/v1/indicators/").json()["count"] == 3
    r = api.post("/api/v1/indicators/", {"code": "Y", "name": "y", "unit": "人", "aggregation": "sum"})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert Indicator.objects.count() == 3


def test_data_values_entry_filters_and_rules(api, stats, tree, liaison, other_liaison):
    api.force_authenticate(liaison)
    body = {"dataset": stats["ds"].pk, "indicator": stats["times"].pk, "org": tree["hospital"].pk, "period": "2022-W16"}
    r = api.post("/api/v1/data-values/", {**body, "value": "120"})
    assert r.status_code == 201, r.json()
    assert (
        r.json()["period"] == "2022-W16" and r.json()["locked"] is False and r.json()["group"] == tree["wjw_group"].pk
    )
    r = api.post("/api/v1/data-values/", {**body, "indicator": stats["heads"].pk, "value": "500"})
    assert r.status_code == 400 and "不应小于" in r.json()["message"]
    r = api.post("/api/v1/data-values/", {**body, "value": "-1"})
    assert r.status_code == 400
    pk = DataValue.objects.get().pk
    r = api.patch(f"/api/v1/data-values/{pk}/", {"value": "130", "version": 1})
    assert r.status_code == 200 and r.json()["value"] == "130.0000"
    assert api.patch(f"/api/v1/data-values/{pk}/", {"value": "140", "version": 1}).status_code == 409
    assert api.get("/api/v1/data-values/", {"period": "2022-W16", "org": tree["wjw"].pk}).json()["count"] == 1
    assert api.get("/api/v1/data-values/", {"period": "2022-W17"}).json()["count"] == 0
    api.force_authenticate(other_liaison)
    assert api.get(f"/api/v1/data-values/{pk}/").status_code == 404
    assert api.get("/api/v1/data-values/").json()["count"] == 0
    assert api.post("/api/v1/data-values/", {**body, "value": "1"}).status_code == 404  # the data set is invisible


def test_approve_and_unlock_actions(api, stats, tree, group_leader, group_member, liaison):
    api.force_authenticate(liaison)
    body = {"dataset": stats["ds"].pk, "indicator": stats["times"].pk, "org": tree["wjw"].pk, "period": "2022-W16"}
    api.post("/api/v1/data-values/", {**body, "value": "10"})
    target = {"dataset": stats["ds"].pk, "org": tree["wjw"].pk, "period": "2022-W16"}
    api.force_authenticate(group_member)
    assert api.post("/api/v1/data-values/approve/", target).status_code == 403
    api.force_authenticate(group_leader)
    r = api.post("/api/v1/data-values/approve/", target)
    assert r.status_code == 200 and r.json()["status"] == "locked"
    assert api.get("/api/v1/data-values/").json()["results"][0]["locked"] is True
    api.force_authenticate(liaison)
    r = api.post("/api/v1/data-values/", {**body, "value": "11"})
    assert r.status_code == 400 and r.json()["code"] == "locked"
    api.force_authenticate(group_leader)
    r = api.post("/api/v1/data-values/unlock/", target)
    assert r.status_code == 400 and "原因" in r.json()["message"]
    r = api.post("/api/v1/data-values/unlock/", {**target, "reason": "区里更正"})
    assert r.status_code == 200 and not Approval.objects.exists()
    assert AuditEvent.objects.filter(object_type="stats.approval", details__reason="区里更正").exists()
