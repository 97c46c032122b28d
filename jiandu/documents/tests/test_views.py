"""The document pages: lists with filters, detail, forms, workflow buttons, exports (DESIGN §11)."""

import datetime
import io
import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PERSONAS
from jiandu.core.enums import EventType
from jiandu.core.models import AuditEvent
from jiandu.documents.enums import DocumentStatus
from jiandu.documents.models import Document, NumberingRule

from .factories import draft, issued, pdf

LIST = reverse("documents:document_list")


def titles(response) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'<a href="/documents/\d+/">([^<]+)</a>', html))


@pytest.mark.parametrize("name", [*PERSONAS, "other_liaison"])
def test_list_and_detail_per_role(name, request, docs, client):
    persona = request.getfixturevalue(name)
    client.force_login(persona)
    response = client.get(LIST)
    admin = name in {"system_admin", "security_admin", "audit_admin"}
    assert response.status_code == (403 if admin else 200)
    if not admin:
        seen = titles(response)
        assert ("致省卫健委的提示函" in seen) is (
            name in {"commission_leader", "office_staff", "group_leader", "group_member", "liaison"}
        )
        assert ("草稿：关于加强院感防控的提示函" in seen) is (
            name in {"commission_leader", "office_staff", "group_leader", "group_member"}
        )
    detail = client.get(reverse("documents:document_detail", args=[docs["draft"].pk]))
    assert detail.status_code == (
        200 if name in {"commission_leader", "office_staff", "group_leader", "group_member"} else 404
    )


def test_filters(docs, tree, group_member, client):
    client.force_login(group_member)
    assert titles(client.get(LIST, {"status": "draft"})) == {"草稿：关于加强院感防控的提示函"}
    assert titles(client.get(LIST, {"org": tree["hospital"].pk})) == {"致省人民医院的通知"}
    assert "致省人民医院的通知" in titles(client.get(LIST, {"org": tree["wjw"].pk}))  # the unit is in the subtree
    assert titles(client.get(LIST, {"q": "两厅"})) == {"致两厅的工作通知"}
    assert titles(client.get(LIST, {"q": "吉纪驻卫〔2022〕1号"})) == {"致省卫健委的提示函"}
    assert titles(client.get(LIST, {"warning": "red"})) == {"致两厅的工作通知"}  # due 2022-05-01, no reply
    assert titles(client.get(LIST, {"warning": "green"})) == set()
    assert titles(client.get(LIST, {"from": "2022-04-21"})) == set()
    assert titles(client.get(LIST, {"group": tree["yjt_group"].pk})) == set()  # not visible → nothing
    assert titles(client.get(LIST, {"kind": "bulletin"})) == set()


def test_list_shows_badges_and_paginates_without_a_query_per_row(tree, group_leader, client):
    for i in range(25):
        issued(group_leader, tree["wjw_group"], [tree["wjw"]], title=f"文书{i}", reply_due_on=datetime.date(2099, 1, 1))
    client.force_login(group_leader)
    with CaptureQueriesContext(connection) as first:
        response = client.get(LIST)
    html = response.content.decode()
    assert html.count('data-testid="document-row"') == 20
    assert 'data-warning="green"' in html and "已签发" in html
    assert "共 25 条" in html
    page2 = client.get(LIST, {"page": 2}).content.decode()
    assert page2.count('data-testid="document-row"') == 5
    issued(group_leader, tree["wjw_group"], [tree["wjw"]], title="再多一份")
    with CaptureQueriesContext(connection) as second:
        client.get(LIST)
    assert len(second.captured_queries) == len(first.captured_queries)


def test_detail_shows_number_scope_recipients_and_buttons(tree, group_leader, group_member, liaison, client):
    doc = issued(group_leader, tree["wjw_group"], [tree["wjw"]], aspects_count=6, items_count=12)
    client.force_login(liaison)
    html = client.get(reverse("documents:document_detail", args=[doc.pk])).content.decode()
    assert "吉纪驻卫〔2022〕1号" in html and "6个方面12条" in html and "2022年4月20日" in html
    assert 'data-testid="recipient-acknowledge"' in html and 'data-testid="document-issue"' not in html
    assert 'data-testid="document-docx"' in html
    client.force_login(group_member)
    html = client.get(reverse("documents:document_detail", args=[doc.pk])).content.decode()
    assert 'data-testid="recipient-acknowledge"' not in html and 'data-testid="document-close"' not in html
    d = draft(group_member, tree["wjw_group"], [tree["wjw"]])
    html = client.get(reverse("documents:document_detail", args=[d.pk])).content.decode()
    assert 'data-testid="document-edit"' in html and 'data-testid="document-issue"' not in html
    client.force_login(group_leader)
    html = client.get(reverse("documents:document_detail", args=[d.pk])).content.decode()
    assert 'data-testid="document-issue"' in html


def test_create_edit_and_issue_through_the_pages(tree, group_leader, client):
    NumberingRule.objects.create(group=tree["wjw_group"], prefix="吉纪驻卫")
    client.force_login(group_leader)
    form = client.get(reverse("documents:document_create")).content.decode()
    assert "本组监督单位" in form and form.index("吉林省卫生健康委员会") < form.index("吉林省应急管理厅")
    response = client.post(
        reverse("documents:document_create"),
        {
            "group": tree["wjw_group"].pk,
            "kind": "reminder",
            "title": "关于保障特殊群体就医的提示函",
            "body": "一、畅通绿色通道",
            "recipients": [tree["wjw"].pk],
            "aspects_count": "6",
            "items_count": "3",
            "files": [pdf("附件1.pdf")],
        },
    )
    assert response.status_code == 400 and "条数不能少于方面数" in response.content.decode()
    response = client.post(
        reverse("documents:document_create"),
        {
            "group": tree["wjw_group"].pk,
            "kind": "reminder",
            "title": "关于保障特殊群体就医的提示函",
            "body": "一、畅通绿色通道",
            "recipients": [tree["wjw"].pk, tree["hospital"].pk],
            "reply_due_on": "2099-05-01",
            "files": [pdf("附件1.pdf"), pdf("附件2.pdf")],
        },
    )
    doc = Document.objects.get(title="关于保障特殊群体就医的提示函")
    assert response.status_code == 302 and doc.recipients.count() == 2
    edit = reverse("documents:document_edit", args=[doc.pk])
    data = {
        "group": doc.group_id,
        "kind": "notice",
        "title": "关于保障特殊群体就医的工作通知",
        "body": "正文",
        "recipients": [tree["wjw"].pk],
        "version": 1,
    }
    assert client.post(edit, data).status_code == 302
    stale = client.post(edit, {**data, "title": "过期的编辑"})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    response = client.post(reverse("documents:document_issue", args=[doc.pk]), follow=True)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ISSUED and doc.number.endswith("〔" + str(doc.issued_on.year) + "〕1号")
    assert "已签发，文号" in response.content.decode()
    assert client.get(edit).status_code == 302  # issued: back to the detail with a message


def test_issue_refused_shows_a_chinese_message(tree, group_leader, client):
    doc = draft(group_leader, tree["wjw_group"], [tree["wjw"]])
    client.force_login(group_leader)
    response = client.post(reverse("documents:document_issue", args=[doc.pk]), follow=True)
    assert "尚未设置文号前缀" in response.content.decode()


def test_member_may_not_issue_403(tree, group_member, client):
    doc = draft(group_member, tree["wjw_group"], [tree["wjw"]])
    client.force_login(group_member)
    assert client.post(reverse("documents:document_issue", args=[doc.pk])).status_code == 403


def test_liaison_acknowledges_and_replies_with_files(tree, group_leader, liaison, other_liaison, client):
    doc = issued(group_leader, tree["wjw_group"], [tree["wjw"]], reply_due_on=datetime.date(2022, 5, 1))
    row = doc.recipients.get()
    ack = reverse("documents:recipient_acknowledge", args=[doc.pk, row.pk])
    reply = reverse("documents:recipient_reply", args=[doc.pk, row.pk])
    client.force_login(other_liaison)
    assert client.post(ack).status_code == 404
    client.force_login(liaison)
    assert client.post(ack).status_code == 302
    assert client.get(reply).status_code == 200
    empty = client.post(reply, {"text": ""})
    assert empty.status_code == 400 and "请填写回复内容" in empty.content.decode()
    assert client.post(reply, {"text": "已落实。", "files": [pdf()]}).status_code == 302
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REPLIED
    html = client.get(reverse("documents:document_detail", args=[doc.pk])).content.decode()
    assert "已落实。" in html and "回复材料.pdf" in html and 'data-warning="closed_late"' in html


def test_docx_download_has_a_chinese_filename_and_is_audited(tree, group_leader, liaison, client):
    doc = issued(group_leader, tree["wjw_group"], [tree["wjw"]], title="关于保障就医的提示函")
    client.force_login(liaison)
    response = client.get(reverse("documents:document_docx", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == "吉纪驻卫〔2022〕1号 关于保障就医的提示函.docx"
    assert response.content[:2] == b"PK"
    assert AuditEvent.objects.filter(event_type=EventType.EXPORT, object_id=str(doc.pk)).exists()


def test_ledger_export_is_filtered_scoped_and_audited(docs, liaison, group_member, client):
    client.force_login(liaison)
    response = client.get(reverse("documents:document_export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "编号",
        "文种",
        "标题",
        "纪检监察组",
        "主送单位",
        "方面/条数",
        "签发日期",
        "回复期限",
        "状态",
        "预警",
    ]
    assert {r[2] for r in rows[1:]} == {"致省卫健委的提示函", "致省人民医院的通知", "致两厅的工作通知"}
    both = next(r for r in rows[1:] if r[2] == "致两厅的工作通知")
    assert both[4] == "吉林省卫生健康委员会"  # not the other department's row
    event = AuditEvent.objects.filter(event_type=EventType.EXPORT, actor_id=liaison.pk).get()
    assert event.details["count"] == 3
    client.force_login(group_member)
    ws = load_workbook(io.BytesIO(client.get(reverse("documents:document_export"), {"status": "draft"}).content)).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["（草稿）"]


def test_reply_tracking_page_and_export(docs, liaison, group_member, client):
    client.force_login(group_member)
    html = client.get(reverse("documents:reply_tracking")).content.decode()
    assert html.count('data-testid="tracking-row"') == 4  # wjw, hosp, both×2 — no draft
    red = client.get(reverse("documents:reply_tracking"), {"warning": "red"}).content.decode()
    assert red.count('data-testid="tracking-row"') == 2
    client.force_login(liaison)
    html = client.get(reverse("documents:reply_tracking")).content.decode()
    assert html.count('data-testid="tracking-row"') == 3 and "吉林省应急管理厅" not in html
    response = client.get(reverse("documents:reply_export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 4 and ws["E1"].value == "主送单位"
    assert AuditEvent.objects.filter(event_type=EventType.EXPORT, object_repr="文书回复跟踪").exists()


def test_numbering_page(tree, office_staff, group_leader, group_member, client):
    url = reverse("documents:numbering_rules")
    client.force_login(group_member)
    assert client.get(url).status_code == 403
    client.force_login(group_leader)
    html = client.get(url).content.decode()
    assert html.count('data-testid="numbering-row"') == 1
    assert client.post(url, {"group": tree["wjw_group"].pk, "prefix": "吉纪驻卫"}).status_code == 302
    assert NumberingRule.objects.get(group=tree["wjw_group"]).prefix == "吉纪驻卫"
    assert client.post(url, {"group": tree["yjt_group"].pk, "prefix": "吉纪驻应急"}).status_code == 403
    client.force_login(office_staff)
    bad = client.post(url, {"group": tree["yjt_group"].pk, "prefix": "吉纪驻卫"})
    assert bad.status_code == 400 and "已被其他纪检监察组使用" in bad.content.decode()
    assert client.post(url, {"group": tree["yjt_group"].pk, "prefix": "吉纪驻应急"}).status_code == 302
