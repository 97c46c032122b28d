"""The API base: token auth, error bodies, pagination, the schema, and orgs/users under the access rules."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jiandu.core.models import AuditEvent
from jiandu.organizations.models import Org
from jiandu.organizations.tests.factories import TEST_PASSWORD


@pytest.fixture
def api():
    return APIClient()


def test_token_then_token_auth(api, group_member):
    r = api.post(reverse("token"), {"username": group_member.username, "password": TEST_PASSWORD}, format="json")
    assert r.status_code == 200
    token = r.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    r = api.get("/api/v1/orgs/")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"count", "count_capped", "next", "previous", "results"}
    assert body["count"] == Org.objects.count()


def test_wrong_password_gives_chinese_error(api, group_member):
    r = api.post(reverse("token"), {"username": group_member.username, "password": "nope"}, format="json")
    assert r.status_code == 400
    assert r.json() == {"code": "authentication_failed", "message": "用户名或密码不正确。"}


def test_anonymous_gets_401_with_code(api, db):
    r = api.get("/api/v1/orgs/")
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated" and "登录" in r.json()["message"]


def test_liaison_gets_404_for_invisible_org(api, liaison, tree):
    api.force_authenticate(liaison)
    assert api.get(f"/api/v1/orgs/{tree['yjt'].pk}/").status_code == 404
    assert api.get(f"/api/v1/orgs/{tree['wjw'].pk}/").status_code == 200
    codes = {o["code"] for o in api.get("/api/v1/orgs/").json()["results"]}
    assert codes == {"D-WJW", "U-HOSP", "G-WJW"}


def test_audit_admin_sees_no_orgs(api, audit_admin, tree):
    api.force_authenticate(audit_admin)
    assert api.get("/api/v1/orgs/").json()["count"] == 0
    assert api.get(f"/api/v1/orgs/{tree['wjw'].pk}/").status_code == 404


def test_office_creates_and_moves_org(api, office_staff, tree):
    api.force_authenticate(office_staff)
    r = api.post("/api/v1/orgs/", {"kind": "unit", "parent": tree["wjw"].pk, "code": "U-NEW", "name": "新单位"})
    assert r.status_code == 201, r.json()
    org = r.json()
    assert org["path"].startswith(tree["wjw"].path)
    r = api.put(
        f"/api/v1/orgs/{org['id']}/",
        {"kind": "unit", "parent": tree["yjt"].pk, "code": "U-NEW", "name": "新单位", "version": org["version"]},
    )
    assert r.status_code == 200, r.json()
    assert r.json()["path"].startswith(tree["yjt"].path)
    assert AuditEvent.objects.filter(object_type="organizations.org", object_id=str(org["id"])).count() >= 2


def test_stale_version_is_409(api, office_staff, tree):
    api.force_authenticate(office_staff)
    org = tree["hospital"]
    payload = {"kind": "unit", "parent": tree["wjw"].pk, "code": org.code, "name": "改名", "version": org.version}
    assert api.put(f"/api/v1/orgs/{org.pk}/", payload).status_code == 200
    r = api.put(f"/api/v1/orgs/{org.pk}/", payload)  # same old version again
    assert r.status_code == 409
    assert r.json()["code"] == "conflict"


def test_group_member_may_not_create_org(api, group_member):
    api.force_authenticate(group_member)
    r = api.post("/api/v1/orgs/", {"kind": "department", "code": "X", "name": "X"})
    assert r.status_code == 403
    assert r.json()["code"] == "permission_denied"


def test_invalid_parent_kind_is_400_in_chinese(api, office_staff, tree):
    api.force_authenticate(office_staff)
    r = api.post("/api/v1/orgs/", {"kind": "office", "parent": tree["wjw"].pk, "code": "X", "name": "X"})
    assert r.status_code == 400
    assert "上级" in r.json()["message"]


def test_users_endpoint(api, group_member, system_admin):
    api.force_authenticate(group_member)
    assert [u["username"] for u in api.get("/api/v1/users/").json()["results"]] == [group_member.username]
    assert api.get(f"/api/v1/users/{system_admin.pk}/").status_code == 404
    api.force_authenticate(system_admin)
    assert api.get("/api/v1/users/").json()["count"] >= 2


def test_schema_and_docs_are_served_locally(client, group_member):
    client.force_login(group_member)
    r = client.get("/api/schema/")
    assert r.status_code == 200
    assert b"/api/v1/orgs/" in r.content and b"/api/v1/sites/" in r.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower() and "//unpkg" not in docs
