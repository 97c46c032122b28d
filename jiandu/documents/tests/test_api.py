"""/api/v1/documents/ (DESIGN §12): same access rules as the pages, workflow actions, errors as {code, message}."""

from urllib.parse import unquote

import pytest
from rest_framework.test import APIClient

from conftest import PERSONAS
from jiandu.documents.enums import DocumentStatus
from jiandu.documents.models import Document

from .factories import pdf, rule

URL = "/api/v1/documents/"


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.mark.parametrize("name", [*PERSONAS, "other_liaison"])
def test_list_and_retrieve_follow_the_access_rules(name, request, docs):
    from .test_access import VISIBLE

    persona = request.getfixturevalue(name)
    c = api(persona)
    body = c.get(URL).json()
    assert {r["title"] for r in body["results"]} == {docs[k].title for k in VISIBLE[name]}
    for key, doc in docs.items():
        response = c.get(f"{URL}{doc.pk}/")
        assert response.status_code == (200 if key in VISIBLE[name] else 404)
        if response.status_code == 404:
            assert response.json()["code"] == "not_found"


def test_contract_fields_and_recipient_rows_per_reader(docs, group_member, other_liaison):
    both = docs["both"]
    item = api(group_member).get(f"{URL}{both.pk}/").json()
    for key in ("status", "warning", "group", "kind", "number", "confidential", "version", "recipients"):
        assert key in item
    assert item["status"] == "issued" and item["warning"] == "red" and item["confidential"] is False
    assert item["number"] == "吉纪驻卫〔2022〕3号" and item["group"] == both.group_id
    assert {r["org_name"] for r in item["recipients"]} == {"吉林省卫生健康委员会", "吉林省应急管理厅"}
    assert {r["warning"] for r in item["recipients"]} == {"red"}
    item = api(other_liaison).get(f"{URL}{both.pk}/").json()
    assert [r["org_name"] for r in item["recipients"]] == ["吉林省应急管理厅"]


def test_list_filters(docs, group_member, tree):
    c = api(group_member)
    assert [r["title"] for r in c.get(URL, {"status": "draft"}).json()["results"]] == [docs["draft"].title]
    assert [r["title"] for r in c.get(URL, {"warning": "red"}).json()["results"]] == [docs["both"].title]
    assert {r["title"] for r in c.get(URL, {"org": tree["hospital"].pk}).json()["results"]} == {docs["hosp"].title}


def test_full_flow_over_the_api(tree, group_member, group_leader, liaison):
    rule(tree["wjw_group"], "吉纪驻卫")
    created = api(group_member).post(
        URL,
        {
            "kind": "recommendation",
            "title": "关于加强医疗服务监管的监督建议书",
            "body": "一、加强监管",
            "recipient_orgs": [tree["wjw"].pk],
            "aspects_count": 6,
            "items_count": 12,
            "reply_due_on": "2099-01-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    doc = created.json()
    assert doc["status"] == "draft" and doc["number"] is None and doc["scope_label"] == "6个方面12条"
    pk = doc["id"]
    # liaison: a draft is invisible
    assert api(liaison).post(f"{URL}{pk}/acknowledge/", {}, format="json").status_code == 404
    # member: may edit, may not issue
    patched = api(group_member).patch(f"{URL}{pk}/", {"title": "新标题", "version": 1}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = api(group_member).patch(f"{URL}{pk}/", {"title": "过期", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    refused = api(group_member).post(f"{URL}{pk}/issue/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    issued = api(group_leader).post(f"{URL}{pk}/issue/", {"version": 2}, format="json").json()
    assert issued["status"] == "issued" and issued["number"].startswith("吉纪驻卫〔")
    again = api(group_leader).post(f"{URL}{pk}/issue/", {}, format="json")
    assert (
        again.status_code == 400
        and again.json()["code"] == "illegal_transition"
        and "不能签发" in again.json()["message"]
    )
    assert api(group_member).patch(f"{URL}{pk}/", {"title": "x", "version": 3}, format="json").status_code == 400
    # liaison: acknowledge (no org needed: one row), reply with a file
    ack = api(liaison).post(f"{URL}{pk}/acknowledge/", {}, format="json").json()
    assert ack["status"] == "received" and ack["recipients"][0]["status"] == "received"
    early_close = api(group_member).post(f"{URL}{pk}/close/", {}, format="json")
    assert early_close.status_code == 400 and "尚未全部回复" in early_close.json()["message"]
    replied = api(liaison).post(f"{URL}{pk}/reply/", {"text": "已落实", "files": [pdf()]}, format="multipart")
    assert replied.status_code == 200, replied.json()
    body = replied.json()
    assert body["status"] == "replied" and body["recipients"][0]["attachments"][0]["name"] == "回复材料.pdf"
    closed = api(group_member).post(f"{URL}{pk}/close/", {"note": "办结"}, format="json").json()
    assert closed["status"] == "closed" and closed["closed_on"]


def test_reply_as_json_and_org_choice(tree, docs, liaison):
    both = docs["both"]
    c = api(liaison)
    wrong = c.post(f"{URL}{both.pk}/acknowledge/", {"org": tree["yjt"].pk}, format="json")
    assert wrong.status_code == 400
    assert c.post(f"{URL}{both.pk}/acknowledge/", {"org": tree["wjw"].pk}, format="json").status_code == 200
    r = c.post(f"{URL}{both.pk}/reply/", {"text": "JSON 回复"}, format="json")
    assert r.status_code == 200 and r.json()["recipients"][0]["reply_text"] == "JSON 回复"
    assert Document.objects.get(pk=both.pk).status == DocumentStatus.ISSUED  # 省应急管理厅 has not acknowledged


def test_docx_endpoint(docs, liaison, other_liaison):
    response = api(liaison).get(f"{URL}{docs['wjw'].pk}/docx/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    name = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert name == "吉纪驻卫〔2022〕1号 致省卫健委的提示函.docx"
    assert api(other_liaison).get(f"{URL}{docs['wjw'].pk}/docx/").status_code == 404


def test_no_destroy_and_admins_see_nothing(docs, group_leader, system_admin):
    assert api(group_leader).delete(f"{URL}{docs['draft'].pk}/").status_code == 405
    assert api(system_admin).get(URL).json()["count"] == 0


def test_create_for_another_group_is_refused(tree, group_member):
    r = api(group_member).post(URL, {"group": tree["yjt_group"].pk, "kind": "notice", "title": "x"}, format="json")
    assert r.status_code == 403 and r.json()["message"] == "只能为本组起草文书。"
    r = api(group_member).post(URL, {"kind": "nonsense", "title": "x"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
