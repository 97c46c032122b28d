"""Every write of the reports module: a briefing is generated (compose → kept), edited by its author, exported.

A kept briefing is a snapshot: its figures are those of the moment it was generated; generating again gives
the figures of the records as they are then."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import require
from jiandu.core.enums import EventType
from jiandu.core.errors import ValidationFailed
from jiandu.core.official_docx import OfficialDocument, render_docx
from jiandu.core.versioning import bump, lock_current
from jiandu.organizations.models import Org

from . import briefing as text
from .models import Briefing

AUDITED_FIELDS = ["title", "number", "issuer", "group", "date_from", "date_to", "closing"]
UNSAFE_IN_FILENAME = '\\/:*?"<>|\r\n\t'
MAX_DAYS = 3 * 366  # a briefing covers at most three years


def check_period(date_from: date | None, date_to: date | None) -> None:
    errors = {}
    if date_from is None:
        errors["date_from"] = ["请填写起始日期。"]
    if date_to is None:
        errors["date_to"] = ["请填写截止日期。"]
    if not errors and date_from > date_to:
        errors["date_to"] = ["截止日期不能早于起始日期。"]
    if not errors and (date_to - date_from).days > MAX_DAYS:
        errors["date_to"] = ["简报期间最长三年，请缩短期间。"]
    if errors:
        raise ValidationFailed("简报期间有误。", fields=errors)


def next_number(issuer: str, year: int) -> str:
    """2022年第3期: the issuer's briefings of the year, plus one."""
    count = Briefing.objects.filter(issuer=issuer, number__startswith=f"{year}年").count()
    return f"{year}年第{count + 1}期"


def briefing_date(date_to: date) -> date:
    """The date the briefing carries: the end of its period, or today for a period still running."""
    return min(date_to, timezone.localdate())


def briefing_create(*, actor, groups: list[Org] | None, date_from: date, date_to: date) -> Briefing:
    """Generate a briefing for the scope and period from the records the author may see, and keep it.
    A briefing over one group belongs to that group (its staff see it); over several, to the commission."""
    require(actor, "create", Briefing)
    check_period(date_from, date_to)
    composition = text.compose(actor, groups=groups, date_from=date_from, date_to=date_to)
    covered = text.scope_groups_for(actor, groups)
    with transaction.atomic():
        b = Briefing(
            number=next_number(composition.issuer, briefing_date(date_to).year),
            title=composition.title,
            issuer=composition.issuer,
            group=covered[0] if len(covered) == 1 else None,
            date_from=date_from,
            date_to=date_to,
            sections=[s.as_dict() for s in composition.sections],
            closing=composition.closing,
            created_by=actor,
        )
        b.full_clean()
        b.save()
        b.scope_groups.set(groups or [])
        audit.record_change(actor, b, before=None, fields=AUDITED_FIELDS, extra={"scope": [g.pk for g in groups or []]})
    return b


def briefing_update(
    *, actor, briefing: Briefing, title: str, paragraphs: dict[str, str], closing: str, version: int | None
) -> Briefing:
    """The author edits the text before export: the title, each section's paragraphs (one per line) and the
    closing. Headings stay. A newer version saved meanwhile is a conflict."""
    require(actor, "change", briefing)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写简报标题。", fields={"title": ["请填写简报标题。"]})
    with transaction.atomic():
        b = lock_current(briefing, version)
        before = audit.snapshot(b, AUDITED_FIELDS)
        sections = []
        for s in b.sections:
            lines = paragraphs.get(s["key"])
            if lines is not None:
                s = {**s, "paragraphs": [line.strip() for line in lines.splitlines() if line.strip()]}
            sections.append(s)
        b.title, b.sections, b.closing = title[:200], sections, (closing or "").strip()
        bump(b)
        b.save()
        audit.record_change(actor, b, before=before, fields=AUDITED_FIELDS, extra={"text": "edited"})
    return b


def briefing_delete(*, actor, briefing: Briefing) -> None:
    require(actor, "delete", briefing)
    with transaction.atomic():
        audit.record(EventType.DELETE, actor=actor, obj=briefing, details={"number": briefing.number})
        briefing.delete()


# --- Output ---


def subtitle(b) -> str:
    return f"{b.issuer}　{b.number}　{text.period_phrase(b.date_from, b.date_to)}"


def official(title: str, number: str, issuer: str, date_to: date, sections, closing: str) -> OfficialDocument:
    """The briefing in the official layout: 工作简报 as the red mark, the 期号 under it, the text with its
    一、 headings, signed and printed by the issuer."""
    return OfficialDocument(
        organ_mark="派驻监督工作简报",
        number=number,
        title=title,
        recipients=[],
        body="\n".join(text.as_lines(sections, closing)),
        signature=issuer,
        date=briefing_date(date_to),
        printed_by=issuer,
        kind_label="工作简报",
    )


def filename(b, ext: str) -> str:
    stem = "".join("_" if c in UNSAFE_IN_FILENAME else c for c in f"{b.number} {b.title}").strip()[:120]
    return f"{stem}.{ext}"


def briefing_export(*, actor, briefing: Briefing, fmt: str) -> tuple[bytes, str, str]:
    """(data, content type, file name) of a kept briefing as .docx or Markdown; audited as an EXPORT."""
    require(actor, "export", briefing)
    if fmt == "docx":
        from jiandu.core.official_docx import DOCX_CONTENT_TYPE

        data = render_docx(
            official(
                briefing.title, briefing.number, briefing.issuer, briefing.date_to, briefing.sections, briefing.closing
            )
        )
        content_type = DOCX_CONTENT_TYPE
    elif fmt == "md":
        data = text.as_markdown(briefing.title, subtitle(briefing), briefing.sections, briefing.closing).encode()
        content_type = "text/markdown; charset=utf-8"
    else:
        raise ValidationFailed("导出格式只能是 docx 或 md。")
    audit.record(EventType.EXPORT, actor=actor, obj=briefing, details={"format": fmt, "number": briefing.number})
    return data, content_type, filename(briefing, fmt)
