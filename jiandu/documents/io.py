"""xlsx ledgers of documents (DESIGN §7): the filtered document ledger and the reply tracking; audited exports."""

from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import require
from jiandu.core.deadlines import Warning
from jiandu.core.enums import EventType
from jiandu.core.xlsx import Column, write_workbook

from .enums import DocumentKind, DocumentStatus, RecipientStatus
from .models import Document
from .selectors import with_recipient_warnings, with_warnings

DOCUMENT_COLUMNS = [
    Column("number", "编号", 22),
    Column("kind", "文种", 12),
    Column("title", "标题", 40),
    Column("group", "纪检监察组", 30),
    Column("recipients", "主送单位", 34),
    Column("scope", "方面/条数", 14),
    Column("issued_on", "签发日期", 12),
    Column("reply_due_on", "回复期限", 12),
    Column("status", "状态", 10),
    Column("warning", "预警", 10),
]

TRACKING_COLUMNS = [
    Column("number", "编号", 22),
    Column("kind", "文种", 12),
    Column("title", "标题", 40),
    Column("group", "纪检监察组", 30),
    Column("org", "主送单位", 28),
    Column("issued_on", "签发日期", 12),
    Column("reply_due_on", "回复期限", 12),
    Column("status", "签收/回复状态", 12),
    Column("received_at", "签收时间", 18),
    Column("replied_at", "回复时间", 18),
    Column("warning", "预警", 10),
    Column("reply_text", "回复内容", 50),
]

CHUNK = 1000


def _warning_label(colour: str) -> str:
    return "" if colour == Warning.NONE else str(Warning(colour).label)


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def document_rows(documents):
    """Ledger rows of documents from selectors.documents_for, in chunks (the recipients are prefetched)."""
    total = documents.count()
    for start in range(0, total, CHUNK):
        for d in with_warnings(documents[start : start + CHUNK]):
            yield {
                "number": d.number or "（草稿）",
                "kind": str(DocumentKind(d.kind).label),
                "title": d.title,
                "group": d.group.name,
                "recipients": "、".join(r.org.name for r in d.shown_recipients),
                "scope": d.scope_label,
                "issued_on": d.issued_on,
                "reply_due_on": d.reply_due_on,
                "status": str(DocumentStatus(d.status).label),
                "warning": _warning_label(d.warning),
            }


def tracking_rows(rows):
    total = rows.count()
    for start in range(0, total, CHUNK):
        for r in with_recipient_warnings(rows[start : start + CHUNK]):
            d = r.document
            yield {
                "number": d.number,
                "kind": str(DocumentKind(d.kind).label),
                "title": d.title,
                "group": d.group.name,
                "org": r.org.name,
                "issued_on": d.issued_on,
                "reply_due_on": d.reply_due_on,
                "status": str(RecipientStatus(r.status).label),
                "received_at": _local(r.received_at),
                "replied_at": _local(r.replied_at),
                "warning": _warning_label(r.warning),
                "reply_text": r.reply_text,
            }


def _export(actor, title: str, columns, rows, filters: dict | None) -> tuple[bytes, int]:
    require(actor, "export", Document)
    rows = list(rows)
    data = write_workbook(title, columns, rows)
    audit.record(
        EventType.EXPORT,
        actor=actor,
        object_type="documents.document",
        object_repr=title,
        details={"count": len(rows), "filters": filters or {}, "format": "xlsx"},
    )
    return data, len(rows)


def document_export(*, actor, documents, filters: dict | None = None) -> tuple[bytes, int]:
    """The document ledger (监督文书台账) of `documents` (already scoped to `actor`) as .xlsx; audited."""
    return _export(actor, "监督文书台账", DOCUMENT_COLUMNS, document_rows(documents), filters)


def reply_export(*, actor, rows, filters: dict | None = None) -> tuple[bytes, int]:
    """The reply tracking (回复跟踪) of recipient rows (already scoped to `actor`) as .xlsx; audited."""
    return _export(actor, "文书回复跟踪", TRACKING_COLUMNS, tracking_rows(rows), filters)
