"""The access matrix of documents (DESIGN §6): every persona × visibility and every action, allowed and refused."""

import pytest

from conftest import PERSONAS
from jiandu.core.access import access, can, visible_to
from jiandu.core.errors import NotFound, PermissionDenied
from jiandu.documents import services
from jiandu.documents.models import Document, DocumentEvent, DocumentRecipient, NumberingRule

from .factories import pdf

ALL = [*PERSONAS, "other_liaison"]

VISIBLE = {
    "commission_leader": {"draft", "wjw", "hosp", "both", "yjt"},
    "office_staff": {"draft", "wjw", "hosp", "both", "yjt"},
    "group_leader": {"draft", "wjw", "hosp", "both"},
    "group_member": {"draft", "wjw", "hosp", "both"},
    "other_group_member": {"yjt"},
    "liaison": {"wjw", "hosp", "both"},  # never the draft; 省人民医院 is a unit of 省卫健委
    "other_liaison": {"both", "yjt"},
    "system_admin": set(),
    "security_admin": set(),
    "audit_admin": set(),
}


def _names(docs, qs) -> set[str]:
    ids = set(qs.values_list("pk", flat=True))
    return {name for name, d in docs.items() if d.pk in ids}


@pytest.mark.parametrize("name", ALL)
def test_document_visibility(name, request, docs):
    persona = request.getfixturevalue(name)
    assert _names(docs, visible_to(persona, Document)) == VISIBLE[name]
    for key, doc in docs.items():
        if key in VISIBLE[name]:
            assert access(persona, Document, doc.pk) == doc
        else:
            with pytest.raises(NotFound):
                access(persona, Document, doc.pk)


@pytest.mark.parametrize("name", ALL)
def test_recipient_rows_visibility(name, request, docs, tree):
    persona = request.getfixturevalue(name)
    rows = set(visible_to(persona, DocumentRecipient).filter(document=docs["both"]).values_list("org__code", flat=True))
    expected = {
        "liaison": {"D-WJW"},  # not 省应急管理厅's row of the same document
        "other_liaison": {"D-YJT"},
        "other_group_member": set(),
    }.get(name, {"D-WJW", "D-YJT"} if "both" in VISIBLE[name] else set())
    assert rows == expected


def _target(docs, action):
    if action in ("change", "attach", "issue"):
        return docs["draft"]
    if action in ("acknowledge", "reply"):
        return docs["wjw"].recipients.get()
    return docs["wjw"]


SEES_WJW = {"commission_leader", "office_staff", "group_leader", "group_member", "liaison"}
# Who may do what on the documents of 驻省卫健委组 (the draft, or the document issued to 省卫健委).
ALLOWED = {
    "change": {"group_leader", "group_member"},
    "attach": {"group_leader", "group_member"},
    "issue": {"group_leader"},
    "close": {"group_leader", "group_member"},
    "acknowledge": {"liaison"},
    "reply": {"liaison"},
    "docx": SEES_WJW,
    "view": SEES_WJW,
}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_document_actions(name, action, request, docs):
    persona = request.getfixturevalue(name)
    assert can(persona, action, _target(docs, action)) is (name in ALLOWED[action])


@pytest.mark.parametrize("name", ALL)
def test_class_level_actions(name, request, docs):
    persona = request.getfixturevalue(name)
    assert can(persona, "create", Document) is (name in {"group_leader", "group_member", "other_group_member"})
    business = {"commission_leader", "office_staff", "group_leader", "group_member", "other_group_member"}
    assert can(persona, "export", Document) is (name in business | {"liaison", "other_liaison"})
    assert can(persona, "change", NumberingRule) is (name in {"office_staff", "group_leader"})
    rule = NumberingRule.objects.get(group=docs["wjw"].group)
    assert can(persona, "change", rule) is (name in {"office_staff", "group_leader"})


def test_commission_leader_reads_only(commission_leader, docs):
    with pytest.raises(PermissionDenied):
        services.document_close(actor=commission_leader, document=docs["wjw"])
    with pytest.raises(PermissionDenied):
        services.document_issue(actor=commission_leader, document=docs["draft"])
    with pytest.raises(PermissionDenied):
        access(commission_leader, Document, docs["draft"].pk, action="change")


def test_liaison_gets_404_on_drafts_and_other_orgs_documents(liaison, other_liaison, docs):
    for key in ("draft", "yjt"):
        with pytest.raises(NotFound):
            access(liaison, Document, docs[key].pk)
    for key in ("draft", "wjw", "hosp"):
        with pytest.raises(NotFound):
            access(other_liaison, Document, docs[key].pk)


def test_liaison_timeline_leaves_out_drafting_and_other_recipients(liaison, other_liaison, group_member, docs):
    both = docs["both"]
    services.document_acknowledge(actor=liaison, recipient=both.recipients.get(org__code="D-WJW"))
    services.document_acknowledge(actor=other_liaison, recipient=both.recipients.get(org__code="D-YJT"))
    kinds = list(visible_to(liaison, DocumentEvent).filter(document=both).values_list("kind", "recipient__org__code"))
    assert ("created", None) not in kinds
    assert ("acknowledged", "D-WJW") in kinds and ("acknowledged", "D-YJT") not in kinds
    assert ("issued", None) in kinds and ("status", None) in kinds
    group_kinds = set(visible_to(group_member, DocumentEvent).filter(document=both).values_list("kind", flat=True))
    assert {"created", "issued", "acknowledged", "status"} <= group_kinds


def test_other_liaison_cannot_read_a_reply_or_its_files(liaison, other_liaison, docs, client):
    row = docs["both"].recipients.get(org__code="D-WJW")
    services.document_acknowledge(actor=liaison, recipient=row)
    services.document_reply(actor=liaison, recipient=row, text="省卫健委的回复", files=[pdf()])
    from jiandu.core.attachments import attachments_of

    att = attachments_of(row, "reply").get()
    client.force_login(other_liaison)
    page = client.get(f"/documents/{docs['both'].pk}/").content.decode()
    assert "省卫健委的回复" not in page and "回复材料.pdf" not in page
    assert client.get(f"/files/{att.pk}/").status_code == 404
    client.force_login(liaison)
    assert client.get(f"/files/{att.pk}/").status_code == 200


def test_numbering_rules_visibility(docs, other_group_member, liaison, commission_leader):
    assert set(visible_to(other_group_member, NumberingRule).values_list("prefix", flat=True)) == {"吉纪驻应急"}
    assert not visible_to(liaison, NumberingRule).exists()
    assert visible_to(commission_leader, NumberingRule).count() == 2
