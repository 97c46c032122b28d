"""问题整改: problems found by the groups, their rectification by the responsible org, urging and escalation.

Data and database constraints only; the rules live in services.py and urging.py (DESIGN §5, STYLE.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiandu.core.models import BaseModel

from .enums import GENERIC_SOURCES, DeadlineMode, EventKind, ProblemStatus, SourceKind, UrgeLevel


class Category(models.Model):
    """A problem category (问题类别). A configurable list; inactive categories stay on old problems."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Severity(models.Model):
    """A step of the configurable severity scale (严重程度); a higher level is more serious."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    level = models.PositiveSmallIntegerField(_("等级"), unique=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("严重程度")
        verbose_name_plural = _("严重程度")
        ordering = ["level"]
        constraints = [models.CheckConstraint(condition=Q(level__gte=1), name="severity_level_positive")]

    def __str__(self):
        return self.name


class ProblemCounter(models.Model):
    """The last sequence number of problem numbers in a year (WT-2022-0001); locked while numbering."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    last_seq = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("问题编号计数")
        verbose_name_plural = _("问题编号计数")

    def __str__(self):
        return f"{self.year}: {self.last_seq}"


class Problem(BaseModel):
    """Something found that must be put right, with a responsible org and a deadline (DESIGN §3)."""

    number = models.CharField(_("编号"), max_length=20, unique=True)
    group = models.ForeignKey(
        "organizations.Org",
        verbose_name=_("纪检监察组"),
        on_delete=models.PROTECT,
        related_name="problems",
        db_index=False,  # the (group, registered_on, …) index below starts with it
    )
    source_kind = models.CharField(_("来源"), max_length=16, choices=SourceKind.choices, default=SourceKind.DIRECT)
    source_activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("来源活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    source_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("来源文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    # A record of a later module (checks, hotline cases, test calls): its model label and id.
    source_type = models.CharField(_("来源类型"), max_length=64, blank=True)
    source_id = models.PositiveBigIntegerField(_("来源ID"), null=True, blank=True)
    description = models.TextField(_("问题描述"))
    category = models.ForeignKey(Category, verbose_name=_("问题类别"), on_delete=models.PROTECT, related_name="+")
    severity = models.ForeignKey(Severity, verbose_name=_("严重程度"), on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        "organizations.Site",
        verbose_name=_("点位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    found_org = models.ForeignKey(
        "organizations.Org",
        verbose_name=_("发现单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_org = models.ForeignKey(
        "organizations.Org", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="responsible_problems"
    )
    root_cause = models.TextField(_("问题成因"), blank=True)
    internal_note = models.TextField(_("组内备注"), blank=True, help_text=_("仅纪检监察组和委机关可见，联络员不可见。"))
    registered_on = models.DateField(_("登记日期"), db_index=True)
    deadline = models.DateField(_("整改期限"))
    deadline_mode = models.CharField(
        _("期限方式"), max_length=16, choices=DeadlineMode.choices, default=DeadlineMode.DATE
    )
    deadline_days = models.PositiveSmallIntegerField(_("期限天数"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    is_repeat = models.BooleanField(_("屡查屡犯"), default=False)
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("前次问题"), null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    urge_level = models.CharField(_("催办级别"), max_length=10, choices=UrgeLevel.choices, blank=True)
    urge_count = models.PositiveIntegerField(_("催办次数"), default=0)
    last_auto_urge_on = models.DateField(_("最近自动催办日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-registered_on", "-id"]
        indexes = [
            # The ledger's order (-registered_on, -id), for one group and for all: a page reads 20 index entries. The
            # columns after it make the index hold all a group's dashboard figures and colour chips read
            # (dashboard_by_group, warning_chips): recounting a group after a write reads the index only.
            models.Index(
                fields=[
                    "group",
                    "registered_on",
                    "id",
                    "status",
                    "deadline",
                    "closed_on",
                    "responsible_org",
                    "urge_count",
                ]
            ),
            models.Index(fields=["registered_on", "id"]),
            models.Index(fields=["status", "registered_on", "id"]),  # one status (closed: 900,000 of a million)
            models.Index(fields=["deadline"]),  # the yellow chip: due in the next days
            models.Index(fields=["group", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["responsible_org", "status"]),
            models.Index(fields=["site", "category", "closed_on"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProblemStatus.values), name="problem_status_valid"),
            models.CheckConstraint(condition=Q(source_kind__in=SourceKind.values), name="problem_source_valid"),
            models.CheckConstraint(condition=Q(deadline_mode__in=DeadlineMode.values), name="problem_deadline_mode"),
            models.CheckConstraint(condition=Q(deadline__gte=F("registered_on")), name="problem_deadline_after"),
            models.CheckConstraint(condition=~Q(description=""), name="problem_description_not_blank"),
            # A deadline given as N days keeps N; a date has none.
            models.CheckConstraint(
                condition=Q(deadline_mode=DeadlineMode.DATE, deadline_days__isnull=True)
                | (~Q(deadline_mode=DeadlineMode.DATE) & Q(deadline_days__gte=1)),
                name="problem_deadline_days",
            ),
            # Closed problems, and only they, have a closing date (not before registration).
            models.CheckConstraint(
                condition=Q(status=ProblemStatus.CLOSED, closed_on__gte=F("registered_on"))
                | (~Q(status=ProblemStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="problem_closed_on_when_closed",
            ),
            # The source fields match the source kind.
            models.CheckConstraint(
                condition=(
                    Q(source_kind=SourceKind.ACTIVITY, source_activity__isnull=False, source_document__isnull=True)
                    | Q(source_kind=SourceKind.DOCUMENT, source_document__isnull=False, source_activity__isnull=True)
                    | Q(
                        source_kind__in=list(GENERIC_SOURCES),
                        source_activity__isnull=True,
                        source_document__isnull=True,
                        source_id__isnull=False,
                    )
                    & ~Q(source_type="")
                    | Q(source_kind=SourceKind.DIRECT, source_activity__isnull=True, source_document__isnull=True)
                ),
                name="problem_source_consistent",
            ),
            models.CheckConstraint(
                condition=Q(is_repeat=False, repeat_of__isnull=True) | Q(is_repeat=True, repeat_of__isnull=False),
                name="problem_repeat_linked",
            ),
            models.CheckConstraint(condition=~Q(repeat_of=F("id")), name="problem_not_repeat_of_self"),
            models.CheckConstraint(
                condition=Q(urge_level="") | Q(urge_level__in=UrgeLevel.values), name="problem_urge_level_valid"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.short_description}"

    @property
    def short_description(self) -> str:
        text = " ".join(self.description.split())
        return text if len(text) <= 40 else text[:39] + "…"

    @property
    def is_closed(self) -> bool:
        return self.status == ProblemStatus.CLOSED


class ProblemEvent(models.Model):
    """One row of a problem's timeline: who moved it from which status to which, or urged it, and why."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("事件"), max_length=12, choices=EventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("问题事件")
        verbose_name_plural = _("问题事件")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="problem_event_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.problem_id}"


class Rectification(BaseModel):
    """A progress report of the liaison (整改进展), or the submission for verification (submitted=True).
    Evidence is attached with core.attachments (purpose before / after / file)."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="rectifications"
    )
    note = models.TextField(_("整改情况"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    submitted = models.BooleanField(_("提交核查"), default=False)
    reported_at = models.DateTimeField(_("报告时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")
        ordering = ["reported_at", "id"]

    def __str__(self):
        return f"{self.problem_id} · {self.reported_at:%Y-%m-%d}"


class Urge(models.Model):
    """A logged step of urging (催办): by a person, or automatic (by NULL, the daily job)."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="urges")
    level = models.CharField(_("级别"), max_length=10, choices=UrgeLevel.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("催办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    on = models.DateField(_("日期"), db_index=True)
    note = models.TextField(_("说明"), blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("督办文书"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(level__in=UrgeLevel.values), name="urge_level_valid")]

    def __str__(self):
        return f"{self.get_level_display()} {self.problem_id}"

    @property
    def automatic(self) -> bool:
        return self.by_id is None
