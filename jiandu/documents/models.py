"""监督文书: documents a group drafts, numbers, issues to recipient orgs and follows until every reply is in.

Data and database constraints only; the rules live in services.py (DESIGN §5, STYLE.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiandu.core.models import BaseModel

from .enums import DocumentKind, DocumentStatus, EventKind, RecipientStatus


class NumberingRule(BaseModel):
    """The prefix of a group's document numbers: 吉纪驻卫 gives 吉纪驻卫〔2022〕3号. Without it a group cannot issue."""

    group = models.OneToOneField(
        "organizations.Org", verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="numbering_rule"
    )
    prefix = models.CharField(_("文号前缀"), max_length=20)

    class Meta:
        verbose_name = _("文号规则")
        verbose_name_plural = _("文号规则")
        ordering = ["group__path"]
        constraints = [
            # Two groups with one prefix would collide on their numbers.
            models.UniqueConstraint(fields=["prefix"], name="numbering_prefix_unique"),
            models.CheckConstraint(condition=~Q(prefix=""), name="numbering_prefix_not_blank"),
        ]

    def __str__(self):
        return f"{self.group} · {self.prefix}"


class NumberingCounter(models.Model):
    """The last sequence number a group used in a year. Issuing locks this row (select_for_update), so numbers
    are unique and gapless even when two leaders issue at the same moment."""

    group = models.ForeignKey(
        "organizations.Org", verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    last_seq = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("文号计数")
        verbose_name_plural = _("文号计数")
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="numbering_counter_unique")]

    def __str__(self):
        return f"{self.group_id}/{self.year}: {self.last_seq}"


class Document(BaseModel):
    """One document (监督建议书、工作通知、提示函、问题通报、督办单、意见建议) of a group."""

    group = models.ForeignKey(
        "organizations.Org", verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("文种"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    aspects_count = models.PositiveSmallIntegerField(_("方面数"), null=True, blank=True)
    items_count = models.PositiveSmallIntegerField(_("条数"), null=True, blank=True)
    reply_due_on = models.DateField(_("回复期限"), null=True, blank=True, help_text=_("留空表示无需回复。"))
    status = models.CharField(_("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    number = models.CharField(_("文号"), max_length=50, unique=True, null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(_("文号年度"), null=True, blank=True)
    number_seq = models.PositiveIntegerField(_("文号序号"), null=True, blank=True)
    issued_on = models.DateField(_("签发日期"), null=True, blank=True, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("监督文书")
        verbose_name_plural = _("监督文书")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["group", "issued_on", "id"]),  # the list's order, per group and for all
            models.Index(fields=["issued_on", "id"]),
            models.Index(fields=["group", "status"]),
            models.Index(fields=["status", "reply_due_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=DocumentStatus.values), name="document_status_valid"),
            models.UniqueConstraint(fields=["group", "number_year", "number_seq"], name="document_number_per_group"),
            # A draft has no number; everything issued has its number, year, sequence, date and signer.
            models.CheckConstraint(
                condition=(
                    Q(status=DocumentStatus.DRAFT, number__isnull=True, number_seq__isnull=True, issued_on__isnull=True)
                    | (
                        ~Q(status=DocumentStatus.DRAFT)
                        & Q(
                            number__isnull=False,
                            number_year__isnull=False,
                            number_seq__gte=1,
                            issued_on__isnull=False,
                        )
                    )
                ),
                name="document_numbered_when_issued",
            ),
            models.CheckConstraint(
                condition=Q(status=DocumentStatus.CLOSED, closed_on__isnull=False)
                | (~Q(status=DocumentStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="document_closed_on_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(aspects_count__isnull=True) | Q(aspects_count__gte=1), name="document_aspects_positive"
            ),
            models.CheckConstraint(
                condition=Q(items_count__isnull=True) | Q(items_count__gte=1), name="document_items_positive"
            ),
            models.CheckConstraint(
                condition=Q(aspects_count__isnull=True)
                | Q(items_count__isnull=True)
                | Q(items_count__gte=models.F("aspects_count")),
                name="document_items_at_least_aspects",
            ),
            models.CheckConstraint(
                condition=Q(reply_due_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(reply_due_on__gte=models.F("issued_on")),
                name="document_due_after_issue",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else f"（草稿）{self.title}"

    @property
    def scope_label(self) -> str:
        """6个方面12条 (or the part that is known)."""
        parts = []
        if self.aspects_count:
            parts.append(f"{self.aspects_count}个方面")
        if self.items_count:
            parts.append(f"{self.items_count}条")
        return "".join(parts)

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT


class DocumentRecipient(BaseModel):
    """An org a document is addressed to (主送), with its receipt and reply."""

    document = models.ForeignKey(Document, verbose_name=_("文书"), on_delete=models.CASCADE, related_name="recipients")
    org = models.ForeignKey(
        "organizations.Org", verbose_name=_("主送单位"), on_delete=models.PROTECT, related_name="received_documents"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RecipientStatus.choices, default=RecipientStatus.PENDING
    )
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_text = models.TextField(_("回复内容"), blank=True)

    class Meta:
        verbose_name = _("主送单位")
        verbose_name_plural = _("主送单位")
        ordering = ["document_id", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["document", "org"], name="recipient_unique"),
            models.CheckConstraint(condition=Q(status__in=RecipientStatus.values), name="recipient_status_valid"),
            models.CheckConstraint(
                condition=Q(status=RecipientStatus.PENDING) | Q(received_at__isnull=False),
                name="recipient_received_at_when_received",
            ),
            models.CheckConstraint(
                condition=~Q(status=RecipientStatus.REPLIED) | Q(replied_at__isnull=False),
                name="recipient_replied_at_when_replied",
            ),
        ]

    def __str__(self):
        return f"{self.document} → {self.org}"


class DocumentEvent(models.Model):
    """One row of a document's timeline: who moved it (or one of its recipients) from which status to which."""

    document = models.ForeignKey(Document, verbose_name=_("文书"), on_delete=models.CASCADE, related_name="events")
    recipient = models.ForeignKey(
        DocumentRecipient,
        verbose_name=_("主送单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("事件"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("文书事件")
        verbose_name_plural = _("文书事件")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="document_event_kind_valid")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.document_id}"
