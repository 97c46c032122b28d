"""xlsx ledgers of documents (DESIGN §7): the filtered document ledger and the reply tracking; audited exports."""

from django.utils import timezone

from jiandu.core import exports
from jiandu.core.deadlines import Warning
from jiandu.core.xlsx import Column

from . import selectors
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

CHUNK = exports.CHUNK


def _warning_label(colour: str) -> str:
    return "" if colour == Warning.NONE else str(Warning(colour).label)


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def document_rows(documents, user=None):
    """Ledger rows of documents from selectors.documents_for, in chunks (the recipients one may see are
    prefetched per chunk: no query per row)."""
    for chunk in exports.chunks(documents, CHUNK):
        for d in with_warnings(chunk):
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


def tracking_rows(rows, user=None):
    """Rows of the reply tracking (one per recipient of a sent document), document and org joined."""
    for chunk in exports.chunks(rows, CHUNK):
        for r in with_recipient_warnings(chunk):
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


def select_documents(user, params) -> exports.Selection:
    """The document list's filters, as on the list page."""
    filters = selectors.parse_filters(user, params)
    return exports.Selection(selectors.apply_filters(user, filters), filters.as_params())


def select_replies(user, params) -> exports.Selection:
    """The reply tracking's filters (statuses of the recipient rows), as on the tracking page."""
    filters = selectors.parse_filters(user, params, statuses=RecipientStatus.values)
    return exports.Selection(selectors.apply_tracking_filters(user, filters), filters.as_params())


DOCUMENTS = exports.register(
    exports.Ledger(
        name="documents",
        title="监督文书台账",
        model=Document,
        columns=DOCUMENT_COLUMNS,
        select=select_documents,
        rows=document_rows,
    )
)
REPLIES = exports.register(
    exports.Ledger(
        name="document_replies",
        title="文书回复跟踪",
        model=Document,
        columns=TRACKING_COLUMNS,
        select=select_replies,
        rows=tracking_rows,
    )
)
