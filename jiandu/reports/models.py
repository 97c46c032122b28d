"""Reports are read from the other modules' selectors; only a briefing is kept, so that its text can be edited
before export and found again."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiandu.core.models import BaseModel


class Briefing(BaseModel):
    """工作简报: generated for a scope (groups) and a period, then edited by its author before export.

    `sections` holds the text as [{"key", "heading", "paragraphs": [str]}]; every figure in it was derived from
    records and data values when generated. `group` is the owning group when the scope is one group (its staff
    see it); a briefing over several groups or the province has none (only the commission sees it)."""

    number = models.CharField(_("期号"), max_length=20)  # 2022年第3期: per issuer and year, a human number
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("编发单位"), max_length=100)  # the group, or the author's commission office
    group = models.ForeignKey(
        "organizations.Org",
        verbose_name=_("纪检监察组"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefings",
    )
    scope_groups = models.ManyToManyField(
        "organizations.Org", verbose_name=_("范围"), blank=True, related_name="+"
    )  # empty: every group the author could see
    date_from = models.DateField(_("起始日期"))
    date_to = models.DateField(_("截止日期"))
    sections = models.JSONField(_("正文"), default=list)
    closing = models.TextField(_("结束语"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(date_from__lte=F("date_to")), name="briefing_period_order")]

    def __str__(self):
        return self.title
