"""Every write of documents: drafting, numbering, issuing, receipt, reply and closing (DESIGN §5).

The workflow is one table (TRANSITIONS) and one function that applies it (`_apply`): it checks the move
against the table and the actor against the access policy, saves, and writes the timeline event and the audit
event in the same transaction. An illegal move is a Chinese ValidationFailed/PermissionDenied, never a no-op.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import can as _can
from jiandu.core.access import principal, visible_to
from jiandu.core.attachments import store_upload
from jiandu.core.cn import cn_date
from jiandu.core.enums import EventType
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.versioning import bump, lock_current
from jiandu.notifications.services import notify
from jiandu.organizations.enums import GROUP_ROLES, OrgKind
from jiandu.organizations.models import Org
from jiandu.organizations.selectors import group_staff, liaisons_of

from .access import may_set_numbering
from .enums import OPEN_STATUSES, DocumentKind, DocumentStatus, EventKind, RecipientStatus
from .models import Document, DocumentEvent, DocumentRecipient, NumberingCounter, NumberingRule

DOCUMENT_FIELDS = ["group", "kind", "title", "body", "aspects_count", "items_count", "reply_due_on"]
RECIPIENT_ORG_KINDS = (OrgKind.DEPARTMENT, OrgKind.UNIT)
PREFIX_FORBIDDEN = "〔〕[]（）()号 \t\r\n"


# --- The workflow table ---


@dataclass(frozen=True)
class Move:
    label: str  # the button and the error messages
    level: str  # "document": moves the document; "recipient": moves one recipient row
    sources: tuple[str, ...]  # statuses it leaves from (of the document, or of the recipient row)
    target: str
    event: str
    who: str  # who may, for the refusal message
    sources_without_reply: tuple[str, ...] = ()  # extra sources when the document needs no reply
    document_sources: tuple[str, ...] = ()  # recipient moves: the document statuses that allow them


TRANSITIONS: dict[str, Move] = {
    # draft → issued: only the owning group's leader; assigns the number.
    "issue": Move("签发", "document", (DocumentStatus.DRAFT,), DocumentStatus.ISSUED, EventKind.ISSUED, "本组组长"),
    # per recipient pending → received: a liaison whose org subtree holds the recipient org.
    "acknowledge": Move(
        "签收",
        "recipient",
        (RecipientStatus.PENDING,),
        RecipientStatus.RECEIVED,
        EventKind.ACKNOWLEDGED,
        "主送单位的联络员",
        document_sources=OPEN_STATUSES,
    ),
    # per recipient received → replied: the same liaison, with text and/or files.
    "reply": Move(
        "回复",
        "recipient",
        (RecipientStatus.RECEIVED,),
        RecipientStatus.REPLIED,
        EventKind.REPLIED,
        "主送单位的联络员",
        document_sources=OPEN_STATUSES,
    ),
    # → closed (办结): the owning group, once every reply is in; a document that needs no reply (no
    # reply_due_on) once every recipient has acknowledged it. Never straight from issued: a document nobody
    # has received is not done.
    "close": Move(
        "办结",
        "document",
        (DocumentStatus.REPLIED,),
        DocumentStatus.CLOSED,
        EventKind.CLOSED,
        "本组组长或组员",
        sources_without_reply=(DocumentStatus.RECEIVED,),
    ),
}


def _allowed_sources(move: Move, document: Document) -> tuple[str, ...]:
    if move.level == "document" and document.reply_due_on is None:
        return move.sources + move.sources_without_reply
    return move.sources


def _refuse_document_move(move: Move, document: Document) -> None:
    status = DocumentStatus(document.status).label
    if move is TRANSITIONS["close"] and document.status == DocumentStatus.RECEIVED:
        raise ValidationFailed("该文书要求回复，主送单位尚未全部回复，不能办结。", code="illegal_transition")
    if move is TRANSITIONS["close"] and document.status == DocumentStatus.ISSUED:
        raise ValidationFailed("主送单位尚未全部签收，不能办结。", code="illegal_transition")
    raise ValidationFailed(f"文书当前为“{status}”，不能{move.label}。", code="illegal_transition")


def _check_document_move(name: str, document: Document) -> Move:
    move = TRANSITIONS[name]
    if document.status not in _allowed_sources(move, document):
        _refuse_document_move(move, document)
    return move


def _check_recipient_move(name: str, recipient: DocumentRecipient, document: Document) -> Move:
    move = TRANSITIONS[name]
    if recipient.status not in move.sources:
        org = recipient.org.display_name
        if name == "acknowledge":
            raise ValidationFailed(f"{org}已签收该文书，无需重复签收。", code="illegal_transition")
        if recipient.status == RecipientStatus.PENDING:
            raise ValidationFailed(f"{org}尚未签收该文书，请先签收再回复。", code="illegal_transition")
        raise ValidationFailed(f"{org}已回复该文书，不能重复回复。", code="illegal_transition")
    if document.status not in move.document_sources:
        status = DocumentStatus(document.status).label
        raise ValidationFailed(f"文书当前为“{status}”，不能{move.label}。", code="illegal_transition")
    return move


def _require(actor, action: str, obj, message: str) -> None:
    if not _can(actor, action, obj):
        raise PermissionDenied(message)


def _now(at: datetime | None) -> datetime:
    """Now, or the given moment (the demo loader records the 2022 history at its real dates)."""
    return at or timezone.now()


def _event(document, kind, *, actor, at, from_status="", to_status="", recipient=None, note="") -> DocumentEvent:
    return DocumentEvent.objects.create(
        document=document,
        recipient=recipient,
        at=at,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _audit_transition(actor, document: Document, action: str, from_status: str, to_status: str, **extra):
    details = {"action": action, "from": from_status, "to": to_status, "number": document.number or "", **extra}
    # `username` names the writer only when there is no actor: the demo loader's registrations without a liaison.
    audit.record(EventType.TRANSITION, actor=actor, obj=document, details=details, username="load_demo")


# --- Drafts ---


def _clean_draft(*, kind, title, body, aspects_count, items_count) -> tuple[str, str]:
    errors = {}
    if kind not in DocumentKind.values:
        errors["kind"] = ["请选择文种。"]
    title = (title or "").strip()
    if not title:
        errors["title"] = ["标题不能为空。"]
    elif len(title) > Document._meta.get_field("title").max_length:
        errors["title"] = ["标题不能超过200个字。"]
    for name, value, label in (("aspects_count", aspects_count, "方面数"), ("items_count", items_count, "条数")):
        if value is not None and (not isinstance(value, int) or value < 1 or value > 999):
            errors[name] = [f"{label}应为1～999的整数，或留空。"]
    if not errors and aspects_count and items_count and items_count < aspects_count:
        errors["items_count"] = ["条数不能少于方面数（如“6个方面12条”）。"]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)
    return title, (body or "").replace("\r\n", "\n").strip()


def _clean_recipients(actor, recipients) -> list[Org]:
    """Departments and units the actor can see; no duplicates, in the order given."""
    orgs, seen = [], set()
    visible = set(visible_to(actor, Org).filter(pk__in=[o.pk for o in recipients]).values_list("pk", flat=True))
    for org in recipients:
        if org.pk in seen:
            continue
        if org.pk not in visible:
            raise ValidationFailed("主送单位不存在或无权选择。", fields={"recipients": ["主送单位不存在或无权选择。"]})
        if org.kind not in RECIPIENT_ORG_KINDS:
            raise ValidationFailed(
                f"“{org.name}”不是驻在部门或下属单位，不能作为主送单位。",
                fields={"recipients": ["主送单位只能是驻在部门或下属单位。"]},
            )
        seen.add(org.pk)
        orgs.append(org)
    return orgs


def _store_files(actor, owner, files, purpose: str) -> list[str]:
    names = []
    for i, upload in enumerate(files or ()):
        att = store_upload(actor=actor, owner=owner, upload=upload, purpose=purpose, sort_order=i)
        names.append(att.original_name)
    return names


@transaction.atomic
def document_create(
    *,
    actor,
    group: Org,
    kind: str,
    title: str,
    body: str = "",
    recipients=(),
    aspects_count: int | None = None,
    items_count: int | None = None,
    reply_due_on: date | None = None,
    files=(),
    at: datetime | None = None,
) -> Document:
    """A group member or leader drafts a document for their own group. A draft has no number and is seen by the
    group (and the commission) only. Writes the CREATED event and a CREATE audit event."""
    _require(actor, "create", Document, "只有纪检监察组的组长、组员可以起草文书。")
    if group.pk not in principal(actor).org_ids(*GROUP_ROLES):
        raise PermissionDenied("只能为本组起草文书。")
    title, body = _clean_draft(kind=kind, title=title, body=body, aspects_count=aspects_count, items_count=items_count)
    orgs = _clean_recipients(actor, recipients)
    document = Document(
        group=group,
        kind=kind,
        title=title,
        body=body,
        aspects_count=aspects_count,
        items_count=items_count,
        reply_due_on=reply_due_on,
        drafted_by=actor,
    )
    document.full_clean(exclude=["drafted_by", "issued_by"])
    document.save()
    DocumentRecipient.objects.bulk_create([DocumentRecipient(document=document, org=o) for o in orgs])
    names = _store_files(actor, document, files, "file")
    _event(document, EventKind.CREATED, actor=actor, at=_now(at), to_status=DocumentStatus.DRAFT)
    audit.record_change(
        actor, document, before=None, fields=DOCUMENT_FIELDS, extra={"recipients": [o.pk for o in orgs], "files": names}
    )
    return document


@transaction.atomic
def document_update(
    *,
    actor,
    document: Document,
    expected_version: int | None,
    kind: str,
    title: str,
    body: str = "",
    recipients=(),
    aspects_count: int | None = None,
    items_count: int | None = None,
    reply_due_on: date | None = None,
    files=(),
) -> Document:
    """Edit a draft (optimistic locking: a save over a newer version is a Conflict). Issued documents are not
    editable. Recipients not chosen any more are removed. Writes the UPDATED event and an UPDATE audit event."""
    _require(actor, "change", document, "只有本组的组长、组员可以修改文书草稿。")
    document = lock_current(document, expected_version)
    if document.status != DocumentStatus.DRAFT:
        raise ValidationFailed("文书已签发，不能再修改。", code="not_editable")
    title, body = _clean_draft(kind=kind, title=title, body=body, aspects_count=aspects_count, items_count=items_count)
    orgs = _clean_recipients(actor, recipients)
    before = audit.snapshot(document, DOCUMENT_FIELDS)
    old_orgs = set(document.recipients.values_list("org_id", flat=True))
    document.kind, document.title, document.body = kind, title, body
    document.aspects_count, document.items_count, document.reply_due_on = aspects_count, items_count, reply_due_on
    new_orgs = {o.pk for o in orgs}
    changed = audit.snapshot(document, DOCUMENT_FIELDS) != before or new_orgs != old_orgs
    names = _store_files(actor, document, files, "file")
    if not changed and not names:
        return document
    document.recipients.exclude(org_id__in=new_orgs).delete()
    DocumentRecipient.objects.bulk_create(
        [DocumentRecipient(document=document, org=o) for o in orgs if o.pk not in old_orgs]
    )
    bump(document)
    document.full_clean(exclude=["drafted_by", "issued_by"])
    document.save()
    _event(document, EventKind.UPDATED, actor=actor, at=timezone.now())
    extra = {"files": names} if names else {}
    if new_orgs != old_orgs:
        extra["recipients"] = [sorted(old_orgs), sorted(new_orgs)]
    audit.record_change(actor, document, before=before, fields=DOCUMENT_FIELDS, extra=extra)
    return document


@transaction.atomic
def document_attach(*, actor, document: Document, files) -> list[str]:
    """Attach files (checked by content) to a draft. Issued documents keep the files they were issued with."""
    _require(actor, "attach", document, "只有本组的组长、组员可以上传文书附件。")
    document = lock_current(document, None)
    if document.status != DocumentStatus.DRAFT:
        raise ValidationFailed("文书已签发，不能再添加附件。", code="not_editable")
    if not files:
        raise ValidationFailed("请选择要上传的文件。", fields={"files": ["请选择文件。"]})
    names = _store_files(actor, document, files, "file")
    _event(document, EventKind.ATTACHED, actor=actor, at=timezone.now(), note="、".join(names))
    audit.record(EventType.UPDATE, actor=actor, obj=document, details={"files": names})
    return names


# --- Numbering ---


def format_number(prefix: str, year: int, seq: int) -> str:
    """吉纪驻卫〔2022〕3号: the full year in 〔〕, no 第, no leading zeros (GB/T 9704-2012 7.2.4)."""
    return f"{prefix}〔{year}〕{seq}号"


@transaction.atomic
def numbering_rule_set(*, actor, group: Org, prefix: str, expected_version: int | None = None) -> NumberingRule:
    """Set the prefix of a group's numbers (the office, or the group's own leader). The sequence per year goes
    on across a change of prefix; two groups may not share a prefix."""
    if not may_set_numbering(principal(actor), group.pk) or not visible_to(actor, Org).filter(pk=group.pk).exists():
        raise PermissionDenied("只有派驻机构管理室或本组组长可以设置文号前缀。")
    if group.kind != OrgKind.GROUP:
        raise ValidationFailed("只有纪检监察组（或纪委）可以设置文号。", fields={"group": ["请选择纪检监察组。"]})
    prefix = (prefix or "").strip()
    if not prefix:
        raise ValidationFailed("文号前缀不能为空，例如“吉纪驻卫”。", fields={"prefix": ["请填写文号前缀。"]})
    if len(prefix) > 20 or any(c in PREFIX_FORBIDDEN for c in prefix) or any(c.isdigit() for c in prefix):
        raise ValidationFailed(
            "文号前缀为机关代字，不超过20个字，不含数字、空格、括号和“号”，例如“吉纪驻卫”。",
            fields={"prefix": ["文号前缀格式不正确。"]},
        )
    if NumberingRule.objects.filter(prefix=prefix).exclude(group=group).exists():
        raise ValidationFailed(f"文号前缀“{prefix}”已被其他纪检监察组使用。", fields={"prefix": ["前缀已被使用。"]})
    rule = NumberingRule.objects.select_for_update().filter(group=group).first()
    if rule is None:
        rule = NumberingRule.objects.create(group=group, prefix=prefix)
        audit.record_change(actor, rule, before=None, fields=["group", "prefix"])
        return rule
    if expected_version is not None:
        rule = lock_current(rule, expected_version)
    if rule.prefix == prefix:
        return rule
    before = audit.snapshot(rule, ["group", "prefix"])
    rule.prefix = prefix
    bump(rule)
    rule.save()
    audit.record_change(actor, rule, before=before, fields=["group", "prefix"])
    return rule


def _next_number(group: Org, year: int) -> tuple[str, int]:
    """The next number of `group` in `year`, under a lock of the counter row. Call inside the issuing
    transaction: if the issue fails afterwards, the counter rolls back with it, so no number is lost."""
    rule = NumberingRule.objects.filter(group=group).first()
    if rule is None:
        raise ValidationFailed(
            f"{group.name}尚未设置文号前缀，不能签发。请派驻机构管理室或本组组长在“文号设置”中设置。",
            code="no_numbering_rule",
        )
    counter = NumberingCounter.objects.select_for_update().filter(group=group, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberingCounter.objects.create(group=group, year=year, last_seq=0)
        except IntegrityError:
            pass  # another issue created it first; lock theirs
        counter = NumberingCounter.objects.select_for_update().get(group=group, year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return format_number(rule.prefix, year, counter.last_seq), counter.last_seq


# --- Workflow ---


@transaction.atomic
def document_issue(
    *,
    actor,
    document: Document,
    expected_version: int | None = None,
    issued_on: date | None = None,
    at: datetime | None = None,
) -> Document:
    """签发: the group leader issues a draft. It needs a title, a body and at least one recipient, a reply
    deadline not before the issue date, and the group's numbering rule; it gets the next number of the group
    and year (吉纪驻卫〔2022〕3号). Recipients see it from now on. Writes the ISSUED event and a TRANSITION."""
    _require(actor, "issue", document, "只有本组组长可以签发文书。")
    document = lock_current(document, expected_version)
    move = _check_document_move("issue", document)
    issued_on = issued_on or timezone.localdate()
    problems = {}
    if not document.title.strip():
        problems["title"] = ["标题不能为空。"]
    if not document.body.strip():
        problems["body"] = ["正文不能为空。"]
    if not document.recipients.exists():
        problems["recipients"] = ["请至少选择一个主送单位。"]
    if document.reply_due_on and document.reply_due_on < issued_on:
        problems["reply_due_on"] = [f"回复期限（{cn_date(document.reply_due_on)}）早于签发日期，请先修改。"]
    if problems:
        raise ValidationFailed("签发前请补全：" + "；".join(m for ms in problems.values() for m in ms), fields=problems)
    number, seq = _next_number(document.group, issued_on.year)
    document.status = move.target
    document.number, document.number_year, document.number_seq = number, issued_on.year, seq
    document.issued_on, document.issued_by = issued_on, actor
    bump(document)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        raise ValidationFailed(f"文号“{number}”已被占用，请检查本组的文号前缀。", code="number_taken") from None
    _event(document, move.event, actor=actor, at=_now(at), from_status=DocumentStatus.DRAFT, to_status=move.target)
    _audit_transition(actor, document, "issue", DocumentStatus.DRAFT, move.target)
    url = reverse("documents:document_detail", args=[document.pk])
    for recipient in document.recipients.select_related("org"):
        due = f"，请于{cn_date(document.reply_due_on)}前回复" if document.reply_due_on else ""
        notify(
            recipients=liaisons_of(recipient.org),
            kind="document_issued",
            obj=document,
            url=url,
            title=f"{document.group.display_name}发来{document.get_kind_display()}：{document.title}",
            body=f"{number}。请签收{due}。",
        )
    return document


def _follow_recipients(document: Document, *, actor, at) -> None:
    """The document's status follows its recipients: received once all acknowledged, replied once all replied."""
    statuses = list(document.recipients.values_list("status", flat=True))
    if statuses and all(s == RecipientStatus.REPLIED for s in statuses):
        target = DocumentStatus.REPLIED
    elif statuses and all(s != RecipientStatus.PENDING for s in statuses):
        target = DocumentStatus.RECEIVED
    else:
        target = DocumentStatus.ISSUED
    if target == document.status:
        return
    before = document.status
    document.status = target
    bump(document)
    document.save(update_fields=["status", "version", "updated_at"])
    note = "全部主送单位已回复。" if target == DocumentStatus.REPLIED else "全部主送单位已签收。"
    _event(document, EventKind.STATUS, actor=actor, at=at, from_status=before, to_status=target, note=note)
    _audit_transition(actor, document, "follow", before, target)


def _recipient_move(
    name: str,
    *,
    actor,
    recipient: DocumentRecipient,
    text: str = "",
    files=(),
    at: datetime | None = None,
    check_actor: bool = True,
) -> DocumentRecipient:
    move = TRANSITIONS[name]
    if check_actor:
        _require(actor, name, recipient, f"只有{recipient.org.display_name}（或其上级单位）的联络员可以{move.label}。")
    document = lock_current(recipient.document, None)  # serializes the status that follows the rows
    recipient = lock_current(recipient, None)
    _check_recipient_move(name, recipient, document)
    at = _now(at)
    user = actor if getattr(actor, "is_authenticated", False) else None
    before = recipient.status
    names = []
    if name == "acknowledge":
        recipient.received_at, recipient.received_by = at, user
    else:
        text = (text or "").replace("\r\n", "\n").strip()
        if not text and not files:
            raise ValidationFailed("请填写回复内容或上传回复材料。", fields={"text": ["请填写回复内容。"]})
        recipient.replied_at, recipient.replied_by, recipient.reply_text = at, user, text
        names = _store_files(actor, recipient, files, "reply")
    recipient.status = move.target
    bump(recipient)
    recipient.save()
    _event(
        document,
        move.event,
        actor=actor,
        at=at,
        from_status=before,
        to_status=move.target,
        recipient=recipient,
        note="、".join(names),
    )
    _audit_transition(actor, document, name, before, move.target, recipient_org=recipient.org_id, files=names)
    _follow_recipients(document, actor=actor, at=at)
    if name == "reply":
        notify(
            recipients=group_staff(document.group),
            kind="document_replied",
            obj=document,
            url=reverse("documents:document_detail", args=[document.pk]),
            title=f"{recipient.org.display_name}已回复：{document.number} {document.title}",
            body=text[:200],
        )
    recipient.document = document
    return recipient


@transaction.atomic
def document_acknowledge(*, actor, recipient: DocumentRecipient, at: datetime | None = None) -> DocumentRecipient:
    """签收: the liaison of a recipient org (or of an org above it) acknowledges receipt. When every recipient
    has, the document becomes 已签收. Writes the ACKNOWLEDGED event (and STATUS when the document moves)."""
    return _recipient_move("acknowledge", actor=actor, recipient=recipient, at=at)


@transaction.atomic
def document_reply(
    *, actor, recipient: DocumentRecipient, text: str = "", files=(), at: datetime | None = None
) -> DocumentRecipient:
    """回复: the same liaison submits the reply, as text and/or files (checked by content). When every recipient
    has replied, the document becomes 已回复. A reply after the deadline is flagged 逾期办结 (closed_late)."""
    return _recipient_move("reply", actor=actor, recipient=recipient, text=text, files=files, at=at)


@transaction.atomic
def document_close(
    *, actor, document: Document, note: str = "", closed_on: date | None = None, at: datetime | None = None
) -> Document:
    """办结: the owning group closes the document once every reply is in (or, for a document that needs no
    reply, once every recipient has acknowledged it). Writes the CLOSED event and a TRANSITION."""
    _require(actor, "close", document, "只有本组的组长、组员可以办结文书。")
    document = lock_current(document, None)
    move = _check_document_move("close", document)
    before = document.status
    document.status = move.target
    document.closed_on = closed_on or timezone.localdate()
    bump(document)
    document.save()
    _event(document, move.event, actor=actor, at=_now(at), from_status=before, to_status=move.target, note=note)
    _audit_transition(actor, document, "close", before, move.target, note=note)
    return document


# --- What the actor may do now (buttons, API) ---


def recipient_rows_for(actor, document: Document, org_id=None) -> list[DocumentRecipient]:
    """The recipient rows of `document` the actor acts for as a liaison (optionally the one of `org_id`)."""
    rows = [
        r
        for r in visible_to(actor, DocumentRecipient).filter(document=document).select_related("org", "document")
        if _can(actor, "acknowledge", r)
    ]
    if org_id not in (None, ""):
        try:
            org_id = int(org_id)
        except (TypeError, ValueError):
            raise ValidationFailed("org 应为主送单位的机构 id。", fields={"org": ["应为整数。"]}) from None
        rows = [r for r in rows if r.org_id == org_id]
    return rows


def recipient_for(actor, document: Document, org_id=None, *, action: str) -> DocumentRecipient:
    """The one row a liaison acknowledges or replies for: the one of `org_id`, or their only row."""
    rows = recipient_rows_for(actor, document, org_id)
    label = TRANSITIONS[action].label
    if not rows:
        if org_id not in (None, ""):
            raise ValidationFailed(
                "该机构不是本文书的主送单位，或您不是其联络员。", fields={"org": ["无效的主送单位。"]}
            )
        raise PermissionDenied(f"只有主送单位的联络员可以{label}。")
    if len(rows) > 1:
        open_rows = [r for r in rows if r.status in TRANSITIONS[action].sources]
        if len(open_rows) != 1:
            raise ValidationFailed(f"您联系多个主送单位，请指定要{label}的单位（org）。", fields={"org": ["请指定。"]})
        return open_rows[0]
    return rows[0]


def document_actions(actor, document: Document) -> dict[str, bool]:
    """Which workflow buttons to show: allowed by both the table (status) and the policy (actor)."""
    draft = document.status == DocumentStatus.DRAFT
    close_ok = document.status in _allowed_sources(TRANSITIONS["close"], document)
    return {
        "edit": draft and _can(actor, "change", document),
        "attach": draft and _can(actor, "attach", document),
        "issue": draft and _can(actor, "issue", document),
        "close": close_ok and _can(actor, "close", document),
        "docx": _can(actor, "docx", document),
    }


def recipient_actions(actor, recipient: DocumentRecipient, document: Document) -> dict[str, bool]:
    open_doc = document.status in OPEN_STATUSES
    return {
        "acknowledge": open_doc
        and recipient.status == RecipientStatus.PENDING
        and _can(actor, "acknowledge", recipient),
        "reply": open_doc and recipient.status == RecipientStatus.RECEIVED and _can(actor, "reply", recipient),
    }
