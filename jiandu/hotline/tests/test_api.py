"""/api/v1/hotlines/, /api/v1/hotline-cases/, /api/v1/test-calls/ (DESIGN §12): same rules as the pages,
callers always masked, test calls confidential, workflow actions, errors as {code, message}."""

import pytest
from rest_framework.test import APIClient

from conftest import PERSONAS
from jiandu.hotline.models import HotlineCase, TestCall

from .conftest import make_call

pytestmark = pytest.mark.django_db

CASES, CALLS, HOTLINES = "/api/v1/hotline-cases/", "/api/v1/test-calls/", "/api/v1/hotlines/"


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.mark.parametrize("name", PERSONAS)
def test_lists_follow_the_rules_and_mask_callers(name, request, assigned, group_member, hotline):
    call = make_call(group_member, hotline)
    c = api(request.getfixturevalue(name))
    sees_case = name in {"commission_leader", "office_staff", "group_leader", "group_member", "liaison"}
    sees_call = name in {"commission_leader", "office_staff", "group_leader", "group_member"}
    cases = c.get(CASES).json()
    if name in {"system_admin", "security_admin", "audit_admin"}:
        assert cases["count"] == 0
    assert cases["count"] == (1 if sees_case else 0)
    if sees_case:
        row = cases["results"][0]
        assert (row["caller_name"], row["caller_phone"]) == ("王**", "139****1234")
        assert row["status"] == "assigned" and row["warning"] == "red" and row["group"] == assigned.group_id
        detail = c.get(f"{CASES}{assigned.pk}/").json()
        assert detail["caller_name"] == "王**"
        assert "王德顺" not in str(detail) and "13904311234" not in str(detail)
    else:
        body = c.get(f"{CASES}{assigned.pk}/")
        assert body.status_code == 404 and body.json()["code"] == "not_found"
    assert c.get(CALLS).json()["count"] == (1 if sees_call else 0)
    assert c.get(f"{CALLS}{call.pk}/").status_code == (200 if sees_call else 404)
    hotlines = c.get(HOTLINES).json()["count"]
    assert hotlines == (0 if name in {"system_admin", "security_admin", "audit_admin"} else 1)


def test_case_workflow_over_the_api(group_member, liaison, hotline, tree):
    body = api(group_member).post(
        CASES,
        {
            "hotline": hotline.pk,
            "received_at": "2022-04-12T09:30:00+08:00",
            "issue": "就医难",
            "caller_name": "李四",
            "caller_phone": "13500001111",
        },
        format="json",
    )
    assert body.status_code == 201 and body.json()["caller_phone"] == "135****1111"
    pk = body.json()["id"]
    r = api(liaison).post(f"{CASES}{pk}/answer/", {"answer": "x"}, format="json")
    assert r.status_code == 404  # not routed to the liaison yet: invisible
    r = api(group_member).post(
        f"{CASES}{pk}/assign/", {"routed_org": tree["wjw"].pk, "answer_due_on": "2022-04-15"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    r = api(group_member).post(f"{CASES}{pk}/answer/", {"answer": "x"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = api(liaison).post(f"{CASES}{pk}/close/", {}, format="json")
    assert r.status_code == 403
    assert api(liaison).post(f"{CASES}{pk}/answer/", {"answer": "已处理"}, format="json").json()["status"] == "answered"
    r = api(group_member).post(f"{CASES}{pk}/close/", {}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "illegal_transition"
    r = api(group_member).post(f"{CASES}{pk}/to-problem/", format="json")
    assert r.status_code == 400 and r.json()["code"] == "not_substantiated"
    r = api(group_member).post(f"{CASES}{pk}/callback/", {"satisfaction": 2, "substantiated": True}, format="json")
    assert r.json()["status"] == "called_back"
    r = api(group_member).post(f"{CASES}{pk}/to-problem/", format="json")
    assert r.status_code == 201 and r.json()["number"].startswith("WT-")
    assert api(group_member).post(f"{CASES}{pk}/close/", {}, format="json").json()["status"] == "closed"
    assert HotlineCase.objects.get(pk=pk).problem_id == r.json()["problem"]


def test_filters(group_member, assigned, hotline):
    c = api(group_member)
    assert c.get(CASES, {"status": "received"}).json()["count"] == 0
    assert c.get(CASES, {"warning": "red"}).json()["count"] == 1
    assert c.get(CASES, {"hotline": hotline.pk, "q": "透析"}).json()["count"] == 1


def test_test_call_over_the_api(group_member, liaison, hotline):
    c = api(group_member)
    r = c.post(CALLS, {"hotline": hotline.pk, "planned_at": "2022-04-12T09:30:00+08:00"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "planned" and r.json()["confidential"] is True
    pk = r.json()["id"]
    r = c.post(f"{CALLS}{pk}/to-problem/", format="json")
    assert r.status_code == 400 and r.json()["code"] == "not_failed"
    r = c.post(
        f"{CALLS}{pk}/record/",
        {"called_at": "2022-04-12T09:31:00+08:00", "connected": False, "wait_seconds": 60},
        format="json",
    )
    assert r.json()["failed"] is True and r.json()["failure_reasons"] == ["未接通"]
    assert api(liaison).post(f"{CALLS}{pk}/to-problem/", format="json").status_code == 404
    r = c.post(f"{CALLS}{pk}/to-problem/", format="json")
    assert r.status_code == 201
    assert TestCall.objects.get(pk=pk).problem_id == r.json()["problem"]
    assert api(liaison).get(CALLS).json()["count"] == 0


def test_hotline_api(office_staff, liaison, tree):
    r = api(office_staff).post(
        HOTLINES, {"name": "12320", "number": "12320", "operating_org": tree["wjw"].pk}, format="json"
    )
    assert r.status_code == 201 and r.json()["group"] == tree["wjw_group"].pk
    pk = r.json()["id"]
    assert api(liaison).patch(f"{HOTLINES}{pk}/", {"number": "1"}, format="json").status_code == 403
    r = api(office_staff).patch(f"{HOTLINES}{pk}/", {"number": "0431-12320"}, format="json")
    assert r.status_code == 200 and r.json()["number"] == "0431-12320"
    r = api(office_staff).post(
        HOTLINES, {"name": "x", "number": "1", "operating_org": tree["wjw_group"].pk}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid"
