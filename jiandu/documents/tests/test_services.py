"""Numbering, the workflow table and its events and audit (DESIGN §5, STYLE.md)."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiandu.core.enums import EventType
from jiandu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiandu.core.models import AuditEvent
from jiandu.documents import services
from jiandu.documents.enums import DocumentStatus, EventKind, RecipientStatus
from jiandu.documents.models import Document, DocumentEvent, NumberingCounter, NumberingRule
from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.tests.factories import OrgFactory, user_with_role

from .factories import draft, issued, pdf, rule

D = datetime.date


@pytest.fixture
def wjw_rule(tree):
    return rule(tree["wjw_group"], "吉纪驻卫")


def _issue(leader, doc, day):
    return services.document_issue(actor=leader, document=doc, issued_on=day)


# --- Numbering ---


def test_number_format_has_full_year_no_di_no_leading_zeros():
    assert services.format_number("吉纪驻卫", 2022, 3) == "吉纪驻卫〔2022〕3号"
    assert services.format_number("吉纪驻卫", 2022, 12) == "吉纪驻卫〔2022〕12号"


def test_numbers_are_gapless_per_group_and_year(tree, group_leader, wjw_rule):
    yjt_leader = user_with_role(Role.GROUP_LEADER, tree["yjt_group"], "yjt_leader_x")
    rule(tree["yjt_group"], "吉纪驻应急")
    numbers = []
    for day in (D(2022, 3, 20), D(2022, 4, 2), D(2022, 12, 31), D(2023, 1, 3), D(2023, 2, 1)):
        doc = draft(group_leader, tree["wjw_group"], [tree["wjw"]])
        numbers.append(_issue(group_leader, doc, day).number)
    other = _issue(yjt_leader, draft(yjt_leader, tree["yjt_group"], [tree["yjt"]]), D(2022, 5, 1))
    assert numbers == [
        "吉纪驻卫〔2022〕1号",
        "吉纪驻卫〔2022〕2号",
        "吉纪驻卫〔2022〕3号",
        "吉纪驻卫〔2023〕1号",
        "吉纪驻卫〔2023〕2号",
    ]
    assert other.number == "吉纪驻应急〔2022〕1号"
    assert dict(NumberingCounter.objects.filter(group=tree["wjw_group"]).values_list("year", "last_seq")) == {
        2022: 3,
        2023: 2,
    }


def test_issue_locks_the_counter_row(tree, group_leader, wjw_rule):
    doc = draft(group_leader, tree["wjw_group"], [tree["wjw"]])
    _issue(group_leader, draft(group_leader, tree["wjw_group"], [tree["wjw"]]), D(2022, 4, 1))  # counter exists
    with CaptureQueriesContext(connection) as ctx:
        _issue(group_leader, doc, D(2022, 4, 2))
    counter_reads = [q["sql"] for q in ctx.captured_queries if "documents_numberingcounter" in q["sql"]]
    assert counter_reads, "the counter row is used"
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in sql for sql in counter_reads)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_gapless_numbers(tree, group_leader, wjw_rule):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers on its own; the row lock is exercised on PostgreSQL.")
    docs = [draft(group_leader, tree["wjw_group"], [tree["wjw"]]) for _ in range(4)]
    errors = []

    def issue(doc):
        from django.db import connections

        try:
            _issue(group_leader, Document.objects.get(pk=doc.pk), D(2022, 4, 20))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = sorted(Document.objects.filter(pk__in=[d.pk for d in docs]).values_list("number_seq", flat=True))
    assert seqs == [1, 2, 3, 4]


def test_failed_issue_consumes_no_number(tree, group_leader, wjw_rule):
    empty = draft(group_leader, tree["wjw_group"], [], body="")
    with pytest.raises(ValidationFailed) as e:
        _issue(group_leader, empty, D(2022, 4, 1))
    assert "主送单位" in e.value.message and "正文" in e.value.message
    ok = _issue(group_leader, draft(group_leader, tree["wjw_group"], [tree["wjw"]]), D(2022, 4, 2))
    assert ok.number == "吉纪驻卫〔2022〕1号"
    assert Document.objects.get(pk=empty.pk).status == DocumentStatus.DRAFT


def test_due_date_before_issue_is_refused_without_a_number(tree, group_leader, wjw_rule):
    doc = draft(group_leader, tree["wjw_group"], [tree["wjw"]], reply_due_on=D(2022, 3, 1))
    with pytest.raises(ValidationFailed, match="回复期限"):
        _issue(group_leader, doc, D(2022, 4, 1))
    assert not NumberingCounter.objects.filter(last_seq__gt=0).exists()


def test_group_without_rule_cannot_issue(tree, group_leader):
    doc = draft(group_leader, tree["wjw_group"], [tree["wjw"]])
    with pytest.raises(ValidationFailed, match="尚未设置文号前缀"):
        _issue(group_leader, doc, D(2022, 4, 1))


def test_numbering_rule_set_by_office_or_own_leader(tree, office_staff, group_leader, group_member):
    r = services.numbering_rule_set(actor=office_staff, group=tree["yjt_group"], prefix="吉纪驻应急")
    assert r.prefix == "吉纪驻应急"
    services.numbering_rule_set(actor=group_leader, group=tree["wjw_group"], prefix="吉纪驻卫")
    with pytest.raises(PermissionDenied):
        services.numbering_rule_set(actor=group_leader, group=tree["yjt_group"], prefix="吉纪驻应")
    with pytest.raises(PermissionDenied):
        services.numbering_rule_set(actor=group_member, group=tree["wjw_group"], prefix="吉纪驻卫健")
    with pytest.raises(ValidationFailed, match="已被其他纪检监察组使用"):
        services.numbering_rule_set(actor=office_staff, group=tree["wjw_group"], prefix="吉纪驻应急")
    with pytest.raises(ValidationFailed, match="不含数字、空格、括号"):
        services.numbering_rule_set(actor=office_staff, group=tree["wjw_group"], prefix="吉纪〔驻卫〕")
    assert AuditEvent.objects.filter(object_type="documents.numberingrule").count() == 2


# --- Drafts ---


def test_draft_records_event_and_audit_and_has_no_number(tree, group_member):
    doc = draft(group_member, tree["wjw_group"], [tree["wjw"], tree["hospital"]], aspects_count=6, items_count=12)
    assert doc.status == DocumentStatus.DRAFT and doc.number is None
    assert doc.scope_label == "6个方面12条"
    assert list(doc.recipients.values_list("org__code", flat=True)) == ["D-WJW", "U-HOSP"]
    assert DocumentEvent.objects.get(document=doc).kind == EventKind.CREATED
    assert AuditEvent.objects.filter(event_type=EventType.CREATE, object_id=str(doc.pk)).exists()


def test_draft_only_for_own_group_and_only_to_departments_or_units(tree, group_member):
    with pytest.raises(PermissionDenied, match="本组"):
        draft(group_member, tree["yjt_group"], [tree["yjt"]])
    with pytest.raises(ValidationFailed, match="不是驻在部门或下属单位"):
        draft(group_member, tree["wjw_group"], [tree["yjt_group"]])
    with pytest.raises(ValidationFailed, match="条数不能少于方面数"):
        draft(group_member, tree["wjw_group"], [tree["wjw"]], aspects_count=6, items_count=3)


def test_draft_edit_is_versioned_and_issued_documents_are_not_editable(tree, group_member, group_leader, wjw_rule):
    doc = draft(group_member, tree["wjw_group"], [tree["wjw"]])
    kwargs = {"kind": doc.kind, "title": "新标题", "body": doc.body, "recipients": [tree["hospital"]]}
    doc = services.document_update(actor=group_member, document=doc, expected_version=1, **kwargs)
    assert doc.version == 2 and doc.title == "新标题"
    assert list(doc.recipients.values_list("org__code", flat=True)) == ["U-HOSP"]
    with pytest.raises(Conflict):
        services.document_update(actor=group_leader, document=doc, expected_version=1, **kwargs)
    doc = _issue(group_leader, doc, D(2022, 4, 1))
    with pytest.raises(ValidationFailed, match="已签发"):
        services.document_update(actor=group_member, document=doc, expected_version=doc.version, **kwargs)
    with pytest.raises(ValidationFailed, match="已签发"):
        services.document_attach(actor=group_member, document=doc, files=[pdf()])


# --- Workflow ---


def test_only_the_owning_groups_leader_issues(tree, group_member, group_leader, other_group_member, wjw_rule):
    doc = draft(group_member, tree["wjw_group"], [tree["wjw"]])
    for who in (group_member, other_group_member):
        with pytest.raises(PermissionDenied, match="组长"):
            _issue(who, doc, D(2022, 4, 1))
    doc = _issue(group_leader, doc, D(2022, 4, 1))
    assert doc.status == DocumentStatus.ISSUED and doc.issued_by == group_leader
    event = DocumentEvent.objects.get(document=doc, kind=EventKind.ISSUED)
    assert (event.from_status, event.to_status, event.actor) == ("draft", "issued", group_leader)
    audit = AuditEvent.objects.get(event_type=EventType.TRANSITION, object_id=str(doc.pk))
    assert audit.details["action"] == "issue" and audit.details["number"] == "吉纪驻卫〔2022〕1号"
    with pytest.raises(ValidationFailed, match="不能签发"):
        _issue(group_leader, doc, D(2022, 4, 1))


def test_acknowledge_reply_and_the_document_follows(tree, group_leader, liaison, wjw_rule):
    ybj = OrgFactory(kind=OrgKind.DEPARTMENT, code="D-YBJ", name="吉林省医疗保障局")
    ybj_liaison = user_with_role(Role.LIAISON, ybj, "p_ybj_liaison")
    doc = issued(group_leader, tree["wjw_group"], [tree["wjw"], ybj], reply_due_on=D(2022, 5, 10))
    wjw_row, ybj_row = doc.recipients.get(org=tree["wjw"]), doc.recipients.get(org=ybj)

    with pytest.raises(PermissionDenied):
        services.document_acknowledge(actor=liaison, recipient=ybj_row)
    with pytest.raises(ValidationFailed, match="请先签收"):
        services.document_reply(actor=liaison, recipient=wjw_row, text="已落实")

    services.document_acknowledge(actor=liaison, recipient=wjw_row)
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.ISSUED
    with pytest.raises(ValidationFailed, match="无需重复签收"):
        services.document_acknowledge(actor=liaison, recipient=wjw_row)
    services.document_acknowledge(actor=ybj_liaison, recipient=ybj_row)
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.RECEIVED

    with pytest.raises(ValidationFailed, match="回复内容"):
        services.document_reply(actor=liaison, recipient=wjw_row, text="  ")
    services.document_reply(actor=liaison, recipient=wjw_row, text="已开通绿色通道。", files=[pdf()])
    services.document_reply(actor=ybj_liaison, recipient=ybj_row, text="已落实医保结算。")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REPLIED
    wjw_row.refresh_from_db()
    assert wjw_row.status == RecipientStatus.REPLIED and wjw_row.replied_by == liaison
    kinds = list(DocumentEvent.objects.filter(document=doc).values_list("kind", "to_status"))
    assert ("acknowledged", "received") in kinds and ("replied", "replied") in kinds
    assert kinds.count(("status", "received")) == 1 and kinds.count(("status", "replied")) == 1
    with pytest.raises(ValidationFailed, match="不能重复回复"):
        services.document_reply(actor=liaison, recipient=wjw_row, text="再次回复")


def test_liaison_of_a_parent_org_acts_for_its_unit(tree, group_leader, liaison, wjw_rule):
    doc = issued(group_leader, tree["wjw_group"], [tree["hospital"]])
    row = doc.recipients.get()
    services.document_acknowledge(actor=liaison, recipient=row)
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.RECEIVED


def test_close_rules(tree, group_leader, group_member, liaison, other_group_member, commission_leader, wjw_rule):
    needs_reply = issued(group_leader, tree["wjw_group"], [tree["wjw"]], reply_due_on=D(2022, 5, 1))
    no_reply = issued(group_leader, tree["wjw_group"], [tree["wjw"]])
    with pytest.raises(ValidationFailed, match="尚未全部签收"):
        services.document_close(actor=group_member, document=no_reply)
    for doc in (needs_reply, no_reply):
        services.document_acknowledge(actor=liaison, recipient=doc.recipients.get())
    with pytest.raises(ValidationFailed, match="尚未全部回复"):
        services.document_close(actor=group_member, document=Document.objects.get(pk=needs_reply.pk))
    for who in (other_group_member, commission_leader, liaison):
        with pytest.raises(PermissionDenied):
            services.document_close(actor=who, document=Document.objects.get(pk=no_reply.pk))
    closed = services.document_close(actor=group_member, document=Document.objects.get(pk=no_reply.pk), note="已落实")
    assert closed.status == DocumentStatus.CLOSED and closed.closed_on is not None
    services.document_reply(actor=liaison, recipient=needs_reply.recipients.get(), text="已整改")
    closed = services.document_close(actor=group_leader, document=Document.objects.get(pk=needs_reply.pk))
    assert closed.status == DocumentStatus.CLOSED
    assert DocumentEvent.objects.filter(document=closed, kind=EventKind.CLOSED, to_status="closed").exists()
    with pytest.raises(ValidationFailed, match="不能办结"):
        services.document_close(actor=group_leader, document=closed)
    with pytest.raises(ValidationFailed, match="已回复该文书"):
        services.document_reply(actor=liaison, recipient=closed.recipients.get(), text="x")
    # A document that needed no reply, closed after receipt: a late reply is refused with the document's status.
    with pytest.raises(ValidationFailed, match="已办结"):
        services.document_reply(actor=liaison, recipient=no_reply.recipients.get(), text="补充回复")


def test_recipient_for_picks_the_liaisons_row(tree, group_leader, liaison, other_liaison, wjw_rule):
    doc = issued(group_leader, tree["wjw_group"], [tree["wjw"], tree["yjt"]])
    assert services.recipient_for(liaison, doc, action="acknowledge").org == tree["wjw"]
    with pytest.raises(ValidationFailed):
        services.recipient_for(liaison, doc, tree["yjt"].pk, action="acknowledge")
    assert services.recipient_for(other_liaison, doc, action="acknowledge").org == tree["yjt"]


def test_rule_is_unique_per_group(tree):
    rule(tree["wjw_group"], "吉纪驻卫")
    assert NumberingRule.objects.filter(group=tree["wjw_group"]).count() == 1
