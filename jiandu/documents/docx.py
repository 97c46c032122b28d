"""A Document as an official .docx (GB/T 9704-2012, DESIGN §7): maps the record to the renderer of core and
records the download as an EXPORT in the audit chain."""

from datetime import date

from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import require
from jiandu.core.attachments import attachments_of
from jiandu.core.enums import EventType
from jiandu.core.official_docx import DOCX_CONTENT_TYPE, OfficialDocument, render_docx

from .enums import DocumentKind
from .models import Document

__all__ = ["DOCX_CONTENT_TYPE", "document_docx", "docx_filename", "official_document"]

UNSAFE_IN_FILENAME = '\\/:*?"<>|\r\n\t'


def official_document(document: Document, *, today: date | None = None) -> OfficialDocument:
    """The fields of the official layout: the group as issuing organ and signature, the number (a draft prints
    （草稿）), the recipients' names, the body, the issue date (today for a draft), the attachments' names."""
    recipients = [r.org.name for r in document.recipients.select_related("org").order_by("org__path")]
    files = [a.original_name.rsplit(".", 1)[0] for a in attachments_of(document, "file")]
    return OfficialDocument(
        organ_mark=document.group.name,
        number=document.number or "",
        title=document.title,
        recipients=recipients,
        body=document.body,
        signature=document.group.name,
        date=document.issued_on or today or timezone.localdate(),
        attachments=files,
        printed_by=document.group.name,
        kind_label=str(DocumentKind(document.kind).label),
    )


def docx_filename(document: Document) -> str:
    """吉纪驻卫〔2022〕3号 关于….docx (草稿 关于….docx for a draft), without characters file systems refuse."""
    stem = f"{document.number or '草稿'} {document.title}"
    stem = "".join("_" if c in UNSAFE_IN_FILENAME else c for c in stem).strip()[:120]
    return f"{stem}.docx"


def document_docx(*, actor, document: Document) -> tuple[bytes, str]:
    """The .docx of a document one may see, and its file name; audited as an EXPORT."""
    require(actor, "docx", document)
    data = render_docx(official_document(document))
    audit.record(
        EventType.EXPORT,
        actor=actor,
        obj=document,
        details={"format": "docx", "number": document.number or "", "status": document.status},
    )
    return data, docx_filename(document)
