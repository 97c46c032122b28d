"""xlsx ledgers of documents (DESIGN §7): the filtered document ledger and the reply tracking; audited exports."""

from datetime import date
from typing import NamedTuple

from jiandu.core import exports
from jiandu.core.access import visible_to
from jiandu.core.deadlines import Warning, today
from jiandu.core.xlsx import Column

from . import selectors
from .enums import DocumentKind, DocumentStatus, RecipientStatus
from .models import Document, DocumentRecipient
from .selectors import document_warning, recipient_warning

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


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _warning_labels() -> dict[str, str]:
    return {**_labels(Warning.choices), Warning.NONE: ""}


DOCUMENT_FIELDS = (
    "number", "kind", "title", "group__name", "aspects_count", "items_count", "issued_on", "reply_due_on",
    "status",
)  # fmt: skip
RECIPIENT_FIELDS = ("document_id", "org__name", "status", "replied_at")
scope_label = Document.scope_label.fget  # 6个方面12条, from the counts (a row of values has them too)


def document_rows(documents, user):
    """Ledger rows of documents from selectors.documents_for, streamed as plain values: per chunk one query of
    the documents and one of the recipients `user` may see (the rows documents_for prefetches, in the same
    order); the colour by the list's own rule (selectors.document_warning), labels looked up once."""
    on = today()
    kinds, statuses, colours = _labels(DocumentKind.choices), _labels(DocumentStatus.choices), _warning_labels()
    shown = visible_to(user, DocumentRecipient).order_by("org__path").values_list(*RECIPIENT_FIELDS, named=True)
    for chunk in exports.value_chunks(documents, DOCUMENT_FIELDS, CHUNK, named=True):
        recipients = {}
        for r in shown.filter(exports.id_in(DocumentRecipient, [d.pk for d in chunk], "document")):
            recipients.setdefault(r.document_id, []).append(r)
        for d in chunk:
            rows = recipients.get(d.pk, ())
            yield {
                "number": d.number or "（草稿）",
                "kind": kinds[d.kind],
                "title": d.title,
                "group": d.group__name,
                "recipients": "、".join(r.org__name for r in rows),
                "scope": scope_label(d),
                "issued_on": d.issued_on,
                "reply_due_on": d.reply_due_on,
                "status": statuses[d.status],
                "warning": colours[document_warning(d, rows, on=on)],
            }


TRACKING_FIELDS = (
    "document__number", "document__kind", "document__title", "document__group__name", "org__name",
    "document__issued_on", "document__reply_due_on", "document__status", "status", "received_at", "replied_at",
    "reply_text",
)  # fmt: skip


class _Sent(NamedTuple):
    """What the colour of a recipient row reads of its document."""

    status: str
    reply_due_on: date | None


def tracking_rows(rows, user=None):
    """Rows of the reply tracking (one per recipient of a sent document), document and org joined, streamed as
    plain values (one query per chunk); the colour by the tracking page's rule (selectors.recipient_warning)."""
    on = today()
    kinds, statuses, colours = _labels(DocumentKind.choices), _labels(RecipientStatus.choices), _warning_labels()
    for r in exports.each_value(rows, TRACKING_FIELDS, CHUNK, named=True):
        document = _Sent(r.document__status, r.document__reply_due_on)
        yield {
            "number": r.document__number,
            "kind": kinds[r.document__kind],
            "title": r.document__title,
            "group": r.document__group__name,
            "org": r.org__name,
            "issued_on": r.document__issued_on,
            "reply_due_on": r.document__reply_due_on,
            "status": statuses[r.status],
            "received_at": exports.local_time(r.received_at),
            "replied_at": exports.local_time(r.replied_at),
            "warning": colours[recipient_warning(r, document, on=on)],
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
