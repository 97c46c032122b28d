"""/api/v1/problems/ (DESIGN §12): same access rules as the pages, workflow actions, errors as {code, message}."""

import pytest
from rest_framework.test import APIClient

from conftest import PERSONAS
from jiandu.problems.models import Problem

from .factories import category, severity
from .test_access import VISIBLE

pytestmark = pytest.mark.django_db
URL = "/api/v1/problems/"


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.mark.parametrize("name", [*PERSONAS, "other_liaison"])
def test_list_and_retrieve_follow_the_access_rules(name, request, probs):
    persona = request.getfixturevalue(name)
    c = api(persona)
    body = c.get(URL).json()
    if name in ("system_admin", "security_admin", "audit_admin"):
        assert body.get("results", []) == []
    else:
        assert {r["number"] for r in body["results"]} == {probs[k].number for k in VISIBLE[name]}
    for key, p in probs.items():
        r = c.get(f"{URL}{p.pk}/")
        assert r.status_code == (200 if key in VISIBLE[name] else 404)
        if r.status_code == 404:
            assert r.json()["code"] == "not_found"


def test_contract_fields_internal_note_and_confidential_source(tree, group_member, liaison, probs, covert):
    p = probs["covert"]
    Problem.objects.filter(pk=p.pk).update(internal_note="拟约谈")
    item = api(group_member).get(f"{URL}{p.pk}/").json()
    for key in ("status", "warning", "closed_late", "group", "responsible_org", "confidential", "version", "number"):
        assert key in item
    assert (item["status"], item["warning"], item["confidential"]) == ("open", "red", False)
    assert item["internal_note"] == "拟约谈" and item["source_activity"] == covert.pk
    item = api(liaison).get(f"{URL}{p.pk}/").json()
    assert item["internal_note"] is None and item["source_activity"] is None and item["source_kind"] == "activity"


def test_filters(probs, group_member, tree):
    c = api(group_member)
    assert {r["number"] for r in c.get(URL, {"responsible_org": tree["hospital"].pk}).json()["results"]} == {
        probs["hosp"].number
    }
    assert c.get(URL, {"warning": "green"}).json()["count"] == 0
    assert c.get(URL, {"status": "open"}).json()["count"] == 3
    assert c.get(URL, {"group": tree["yjt_group"].pk}).json()["count"] == 0  # not visible: empty, not an error


def test_full_flow_over_the_api(tree, group_member, group_leader, liaison):
    created = api(group_member).post(
        URL,
        {
            "description": "发热门诊引导标识不清",
            "category": category().pk,
            "severity": severity().pk,
            "responsible_org": tree["wjw"].pk,
            "deadline_mode": "calendar_days",
            "deadline_days": 10,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk, version = created.json()["id"], created.json()["version"]
    r = api(liaison).post(f"{URL}{pk}/submit/", {"note": "x"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "illegal_transition" and "开始整改" in r.json()["message"]
    assert api(liaison).post(f"{URL}{pk}/start/", {}, format="json").json()["status"] == "in_progress"
    assert api(liaison).post(f"{URL}{pk}/submit/", {"note": "已整改"}, format="json").json()["status"] == "submitted"
    r = api(group_member).post(f"{URL}{pk}/close/", {}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = api(group_member).post(f"{URL}{pk}/return/", {}, format="json")
    assert r.status_code == 400
    assert (
        api(group_member).post(f"{URL}{pk}/return/", {"reason": "缺照片"}, format="json").json()["status"] == "returned"
    )
    assert api(group_member).post(f"{URL}{pk}/urge/", {"level": "urge"}, format="json").json()["urge_count"] == 1
    r = api(group_member).post(f"{URL}{pk}/urge/", {"level": "directive"}, format="json")
    assert r.status_code == 403
    api(liaison).post(f"{URL}{pk}/start/", {}, format="json")
    api(liaison).post(f"{URL}{pk}/submit/", {"measures": "补充照片"}, format="json")
    closed = api(group_leader).post(f"{URL}{pk}/close/", {"note": "核查属实"}, format="json").json()
    assert closed["status"] == "closed" and closed["warning"] == "none"
    r = api(group_leader).post(f"{URL}{pk}/reopen/", {"reason": "反弹"}, format="json")
    assert r.json()["status"] == "reopened"
    # Stale version on update: 409 with the Chinese message.
    r = api(group_member).patch(f"{URL}{pk}/", {"root_cause": "x", "version": version}, format="json")
    assert r.status_code == 409 and "已被他人修改" in r.json()["message"]
    current = api(group_member).get(f"{URL}{pk}/").json()["version"]
    r = api(group_member).patch(f"{URL}{pk}/", {"severity": severity(3).pk, "version": current}, format="json")
    assert r.status_code == 200 and r.json()["severity_name"] == "严重"
    assert (
        api(liaison).patch(f"{URL}{pk}/", {"root_cause": "x", "version": current + 1}, format="json").status_code == 403
    )
    assert api(group_member).delete(f"{URL}{pk}/").status_code == 405


def test_liaison_cannot_create_and_invisible_is_404(probs, liaison, other_liaison):
    r = api(liaison).post(URL, {"description": "x", "category": 1, "severity": 1, "responsible_org": 1}, format="json")
    assert r.status_code in (400, 403)
    assert api(other_liaison).post(f"{URL}{probs['wjw'].pk}/start/", {}, format="json").status_code == 404
