"""/api/v1/activities/ and /api/v1/campaigns/: the same rules as the pages (DESIGN §12)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from conftest import PERSONAS
from jiandu.activities import services
from jiandu.activities.enums import Method
from jiandu.activities.tests.factories import image_bytes, topic
from jiandu.activities.tests.test_access import CAMPAIGNS_VISIBLE, VISIBLE


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("name", PERSONAS)
def test_list_and_detail_follow_visibility(name, request, acts):
    persona = request.getfixturevalue(name)
    client = api(persona)
    r = client.get("/api/v1/activities/")
    assert r.status_code == 200
    titles = {a["title"] for a in r.json()["results"]}
    assert titles == {acts[k].title for k in VISIBLE[name]}
    for key, activity in acts.items():
        r = client.get(f"/api/v1/activities/{activity.pk}/")
        assert r.status_code == (200 if key in VISIBLE[name] else 404)


@pytest.mark.parametrize("name", PERSONAS)
def test_campaigns_follow_visibility(name, request, campaigns):
    client = api(request.getfixturevalue(name))
    titles = {c["title"] for c in client.get("/api/v1/campaigns/").json()["results"]}
    assert titles == {campaigns[k].title for k in CAMPAIGNS_VISIBLE[name]}


def test_fields_filters_and_attachments(commission_leader, group_member, tree, acts):
    services.activity_add_attachments(
        actor=group_member, activity=acts["plain"], photos=[(SimpleUploadedFile("a.png", image_bytes()), "图为")]
    )
    client = api(commission_leader)
    body = client.get("/api/v1/activities/", {"method": Method.COVERT}).json()
    assert body["count"] == 1
    covert = body["results"][0]
    assert covert["confidential"] is True and covert["method_display"] == "明察暗访"
    assert covert["group"] == tree["wjw_group"].pk and covert["version"] == 1
    plain = client.get(f"/api/v1/activities/{acts['plain'].pk}/").json()
    [att] = plain["attachments"]
    assert att["caption"] == "图为" and att["thumb_url"].endswith("/thumb/") and len(att["sha256"]) == 64
    client.force_login(commission_leader)  # the file views are pages (session), not API views
    assert client.get(att["thumb_url"]).status_code == 200
    assert client.get("/api/v1/activities/", {"date_from": "2022-04-20"}).json()["count"] == 1
    assert client.get("/api/v1/activities/", {"group": tree["yjt_group"].pk}).json()["count"] == 1
    assert client.delete(f"/api/v1/activities/{acts['plain'].pk}/").status_code == 405


def test_create_and_update_through_the_services(group_member, tree, sites):
    client = api(group_member)
    payload = {
        "group": tree["wjw_group"].pk,
        "method": "stationed",
        "title": "驻点监督省人民医院",
        "start_date": "2022-04-01",
        "end_date": "2022-04-10",
        "topics": [topic("医疗救治").pk],
        "sites": [sites["hospital"].pk],
    }
    r = client.post("/api/v1/activities/", payload, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["days"] == 10 and body["code"].startswith("HD") and body["sites"] == [sites["hospital"].pk]
    url = f"/api/v1/activities/{body['id']}/"
    r = client.patch(url, {"findings": "排队时间长"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"  # version is required
    r = client.patch(url, {"findings": "排队时间长", "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["days"] == 10
    r = client.patch(url, {"title": "旧版本", "version": 1}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = client.post("/api/v1/activities/", payload | {"end_date": None}, format="json")
    assert r.status_code == 400 and "起止日期" in r.json()["message"]


def test_writes_are_refused_to_others(commission_leader, other_group_member, liaison, tree, acts):
    payload = {"group": tree["wjw_group"].pk, "method": "on_site", "title": "x", "start_date": "2022-04-01"}
    r = api(commission_leader).post("/api/v1/activities/", payload, format="json")
    assert r.status_code in (400, 403)
    r = api(other_group_member).post("/api/v1/activities/", payload, format="json")
    assert r.status_code == 400 and "group" in r.json()["fields"]  # not one of the member's groups
    r = api(commission_leader).patch(f"/api/v1/activities/{acts['plain'].pk}/", {"version": 1}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = api(liaison).patch(f"/api/v1/activities/{acts['covert'].pk}/", {"version": 1}, format="json")
    assert r.status_code == 404


def test_campaign_api(office_staff, group_member, tree, campaigns):
    client = api(office_staff)
    r = client.post(
        "/api/v1/campaigns/",
        {"title": "全省春耕备耕专项监督", "topic": topic("春耕备耕").pk, "start_date": "2022-04-01",
         "end_date": "2022-05-31", "planned_checks": 10},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    assert r.json()["group"] is None and r.json()["progress"]["checks"] == 0
    r = client.patch(f"/api/v1/campaigns/{r.json()['id']}/", {"planned_checks": 20, "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["planned_checks"] == 20
    r = api(group_member).patch(f"/api/v1/campaigns/{campaigns['province'].pk}/", {"version": 1}, format="json")
    assert r.status_code == 403


def test_schema_has_the_endpoints(client, commission_leader):
    client.force_login(commission_leader)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/activities/" in schema["paths"] and "/api/v1/campaigns/{id}/" in schema["paths"]
