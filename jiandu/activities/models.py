"""Supervision activities (监督检查活动), campaigns (专项监督) and topics (监督主题): data and constraints only.

The rules (who may record what, dates, confidentiality, stationed days) live in services.py; the database
holds the invariants that must never be broken, whatever writes the row.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiandu.core.models import BaseModel

from .enums import CONFIDENTIAL_METHODS, EventKind, Method


class Topic(models.Model):
    """A supervision topic (监督主题), e.g. 疫情防控. A configurable list; inactive topics stay on old records."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("监督主题")
        verbose_name_plural = _("监督主题")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Campaign(BaseModel):
    """A planned effort (专项监督) with a topic, a period, scope orgs and targets; progress comes from the
    activities linked to it. `group` NULL is a province-wide campaign of the office."""

    group = models.ForeignKey(
        "organizations.Org",
        verbose_name=_("纪检监察组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"kind": "group"},
    )
    title = models.CharField(_("名称"), max_length=120)
    topic = models.ForeignKey(Topic, verbose_name=_("监督主题"), on_delete=models.PROTECT, related_name="campaigns")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    scope_orgs = models.ManyToManyField(
        "organizations.Org", verbose_name=_("监督范围"), blank=True, related_name="campaigns_in_scope"
    )
    description = models.TextField(_("工作要求"), blank=True)
    planned_checks = models.PositiveIntegerField(_("计划检查次数"), null=True, blank=True)
    planned_sites = models.PositiveIntegerField(_("计划检查点位数"), null=True, blank=True)
    planned_days = models.PositiveIntegerField(_("计划驻点天数"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("专项监督")
        verbose_name_plural = _("专项监督")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="campaign_dates_ordered"),
            models.UniqueConstraint(fields=["group", "title", "start_date"], name="campaign_unique_title"),
        ]

    def __str__(self):
        return self.title


class Activity(BaseModel):
    """One act of supervision (监督检查活动). `code` is its human number (编号); `days` counts stationed days
    (驻点监督天数) and is set by the service; `confidential` follows the method and hides it from liaisons."""

    code = models.CharField(_("编号"), max_length=20, unique=True, null=True, editable=False)
    group = models.ForeignKey(
        "organizations.Org",
        verbose_name=_("纪检监察组"),
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"kind": "group"},
        db_index=False,  # the (group, start_date, …) index below starts with it
    )
    # No index of its own: the (method, start_date, id) index below starts with it (one index less to write per row)
    method = models.CharField(_("方式"), max_length=16, choices=Method.choices)
    title = models.CharField(_("标题"), max_length=200)
    topics = models.ManyToManyField(Topic, verbose_name=_("监督主题"), blank=True, related_name="activities")
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项监督"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        db_index=False,  # the (campaign, start_date) index below starts with it
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)  # NULL: a one-day activity
    days = models.PositiveIntegerField(_("驻点天数"), default=0)
    # The last day (end, or start for a one-day activity), kept by the database, so that the period filter
    # `start_date <= to AND ends_on >= from` reads an index from both sides instead of every earlier activity.
    ends_on = models.GeneratedField(
        expression=Coalesce("end_date", "start_date"), output_field=models.DateField(), db_persist=True
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("带队领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_activities",
        db_index=False,  # no list or figure asks by leader; users are deactivated, not deleted
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参加人员"), blank=True, related_name="activities"
    )
    external_participants = models.CharField(_("外部人员"), max_length=500, blank=True)
    target_orgs = models.ManyToManyField(
        "organizations.Org", verbose_name=_("监督对象"), blank=True, related_name="targeted_by_activities"
    )
    sites = models.ManyToManyField(
        "organizations.Site", verbose_name=_("监督点位"), blank=True, related_name="activities"
    )
    summary = models.TextField(_("情况摘要"), blank=True)
    findings = models.TextField(_("发现问题"), blank=True)
    confidential = models.BooleanField(_("保密"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # as the leader's
    )

    class Meta:
        verbose_name = _("监督检查活动")
        verbose_name_plural = _("监督检查活动")
        ordering = ["-start_date", "-id"]
        indexes = [
            # The ledger's order (-start_date, -id), for one group and for all: a page reads 20 index entries. The
            # columns after it make the index hold all a group's dashboard figures read (dashboard_by_group):
            # recounting a group after a write reads the index only, not 5,000 rows.
            models.Index(fields=["group", "start_date", "id", "method", "ends_on", "days"]),
            models.Index(fields=["start_date", "id"]),
            models.Index(fields=["method", "start_date", "id"]),  # one method (谈话 is 4 % of the ledger)
            models.Index(fields=["campaign", "start_date"]),
            models.Index(fields=["ends_on", "start_date"]),  # periods: the activities not ended before it starts
        ]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=Method.values), name="activity_method_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="activity_dates_ordered"
            ),
            # A stationed activity has a date range and counts at least one day; no other method counts days.
            models.CheckConstraint(
                condition=~Q(method=Method.STATIONED) | Q(end_date__isnull=False, days__gte=1),
                name="activity_stationed_has_range",
            ),
            models.CheckConstraint(
                condition=Q(method=Method.STATIONED) | Q(days=0), name="activity_days_only_stationed"
            ),
            # Confidentiality follows the method, so no write can leak a covert check to a liaison.
            models.CheckConstraint(
                condition=Q(confidential=True, method__in=sorted(CONFIDENTIAL_METHODS))
                | (Q(confidential=False) & ~Q(method__in=sorted(CONFIDENTIAL_METHODS))),
                name="activity_confidential_by_method",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def last_date(self):
        return self.end_date or self.start_date


class ActivityEvent(models.Model):
    """One row of an activity's timeline: who did what, when (the audit chain records it too)."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("事件"), max_length=24, choices=EventKind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("活动记录")
        verbose_name_plural = _("活动记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.activity}"
