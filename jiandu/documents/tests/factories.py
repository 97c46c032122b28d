"""Documents for tests, made through the services (so they carry their events and audit like real ones)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from jiandu.documents import services
from jiandu.documents.enums import DocumentKind
from jiandu.documents.models import NumberingRule

# The smallest valid PDF header: attachments are checked by content, not by name.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="回复材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def rule(group, prefix="吉纪驻卫") -> NumberingRule:
    return NumberingRule.objects.update_or_create(group=group, defaults={"prefix": prefix})[0]


def draft(author, group, recipients, **kwargs):
    values = {
        "kind": DocumentKind.REMINDER,
        "title": "关于做好疫情期间特殊群体就医保障工作的提示函",
        "body": "一、高度重视特殊群体就医需求\n1．畅通就医绿色通道。\n二、加强医疗服务监管",
        "reply_due_on": None,
    }
    values.update(kwargs)
    return services.document_create(actor=author, group=group, recipients=recipients, **values)


def issued(leader, group, recipients, *, issued_on=None, prefix="吉纪驻卫", **kwargs):
    if not NumberingRule.objects.filter(group=group).exists():
        rule(group, prefix)
    doc = draft(leader, group, recipients, **kwargs)
    return services.document_issue(actor=leader, document=doc, issued_on=issued_on or datetime.date(2022, 4, 20))
