"""热线监督: the hotline registry, citizen cases (热线工单) and covert test calls (暗访测试).

Data and database constraints only; the rules live in services.py (DESIGN §5, STYLE.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiandu.core.crypto import EncryptedTextField
from jiandu.core.models import BaseModel

from .enums import MAX_WAIT_SECONDS, MIN_PASSING_SCORE, CaseEventKind, CaseStatus, TestCallStatus


class Hotline(BaseModel):
    """A service hotline (12316新农村热线, 备春耕服务热线, 12345) operated by an org and supervised by a group."""

    name = models.CharField(_("热线名称"), max_length=100)
    number = models.CharField(_("号码"), max_length=30)
    operating_org = models.ForeignKey(
        "organizations.Org", verbose_name=_("运营单位"), on_delete=models.PROTECT, related_name="hotlines"
    )
    group = models.ForeignKey(
        "organizations.Org",
        verbose_name=_("监督的纪检监察组"),
        on_delete=models.PROTECT,
        related_name="supervised_hotlines",
        help_text=_("默认为监督运营单位的纪检监察组。"),
    )
    hours = models.CharField(_("服务时间"), max_length=60, blank=True)
    topic = models.ForeignKey(
        "activities.Topic",
        verbose_name=_("监督主题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotlines",
    )
    site = models.ForeignKey(
        "organizations.Site",
        verbose_name=_("点位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotlines",
        help_text=_("点位登记中的热线点位（类型：热线）。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务热线")
        verbose_name_plural = _("服务热线")
        ordering = ["operating_org__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["operating_org", "name"], name="hotline_name_per_org"),
            models.CheckConstraint(condition=~Q(name=""), name="hotline_name_not_blank"),
            models.CheckConstraint(condition=~Q(number=""), name="hotline_number_not_blank"),
        ]

    def __str__(self):
        return f"{self.name}（{self.number}）"


class HotlineCounter(models.Model):
    """The last case sequence number of a hotline in a year; locked while numbering (RX-…-2022-0001)."""

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hotline", "year"], name="hotline_counter_unique")]

    def __str__(self):
        return f"{self.hotline_id}/{self.year}: {self.last_seq}"


class HotlineCase(BaseModel):
    """热线工单: one citizen call, routed to the org that must answer by a deadline, answered, called back, closed.

    caller_name and caller_phone are personal data: encrypted at rest (SM4), masked everywhere except an audited
    view (services)."""

    hotline = models.ForeignKey(Hotline, verbose_name=_("热线"), on_delete=models.PROTECT, related_name="cases")
    group = models.ForeignKey(
        "organizations.Org", verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="hotline_cases"
    )
    number = models.CharField(_("工单号"), max_length=40)
    received_at = models.DateTimeField(_("来电时间"), db_index=True)
    # Stored SM4-encrypted (jiandu.core.crypto); the services cut them to 50 and 30 characters.
    caller_name = EncryptedTextField(_("来电人"), blank=True)
    caller_phone = EncryptedTextField(_("来电号码"), blank=True)
    issue = models.TextField(_("反映问题"))
    category = models.CharField(_("问题类别"), max_length=40, blank=True)
    routed_org = models.ForeignKey(
        "organizations.Org",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routed_hotline_cases",
    )
    answer_due_on = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    callback_note = models.TextField(_("回访情况"), blank=True)
    substantiated = models.BooleanField(_("反映属实"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("转办问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("热线工单")
        verbose_name_plural = _("热线工单")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["group", "status"]),
            models.Index(fields=["status", "answer_due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "number"], name="hotline_case_number_unique"),
            models.CheckConstraint(condition=~Q(number=""), name="hotline_case_number_not_blank"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="hotline_case_status_valid"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="hotline_case_satisfaction_1_5",
            ),
            # Routed means: an org that must answer and a deadline.
            models.CheckConstraint(
                condition=Q(status=CaseStatus.RECEIVED) | Q(routed_org__isnull=False, answer_due_on__isnull=False),
                name="hotline_case_routed_when_assigned",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[CaseStatus.RECEIVED, CaseStatus.ASSIGNED]) | Q(answered_at__isnull=False),
                name="hotline_case_answered_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[CaseStatus.CALLED_BACK, CaseStatus.CLOSED]) | Q(called_back_at__isnull=False),
                name="hotline_case_called_back_at",
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="hotline_case_closed_at",
            ),
            models.CheckConstraint(
                condition=Q(problem__isnull=True) | Q(substantiated=True), name="hotline_case_problem_substantiated"
            ),
        ]

    def __str__(self):
        return f"{self.number}"

    @property
    def short_issue(self) -> str:
        return self.issue if len(self.issue) <= 40 else self.issue[:40] + "…"


class CaseEvent(models.Model):
    """One row of a case's timeline: who moved it from which status to which, with a note."""

    case = models.ForeignKey(HotlineCase, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("事件"), max_length=16, choices=CaseEventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CaseEventKind.values), name="hotline_case_event_kind_valid")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_id}"


# A done call fails when it was not connected, waited too long, answered wrongly or scored ≤ 2.
FAILED_CALL_Q = Q(status=TestCallStatus.DONE) & (
    Q(connected=False)
    | Q(wait_seconds__gt=MAX_WAIT_SECONDS)
    | Q(answer_correct=False)
    | Q(quality_score__lt=MIN_PASSING_SCORE)
)


class TestCall(BaseModel):
    """暗访测试: a covert call by a group to a hotline. CONFIDENTIAL: a liaison never sees it (access.py)."""

    __test__ = False  # not a pytest test class, whatever its name

    hotline = models.ForeignKey(Hotline, verbose_name=_("热线"), on_delete=models.PROTECT, related_name="test_calls")
    group = models.ForeignKey(
        "organizations.Org", verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="test_calls"
    )
    planned_at = models.DateTimeField(_("计划时间"), db_index=True)
    called_at = models.DateTimeField(_("拨打时间"), null=True, blank=True, db_index=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拨打人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    connected = models.BooleanField(_("是否接通"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("等待秒数"), null=True, blank=True)
    answer_correct = models.BooleanField(_("答复是否准确"), null=True, blank=True)
    quality_score = models.PositiveSmallIntegerField(_("服务质量评分"), null=True, blank=True)
    question = models.CharField(_("测试问题"), max_length=200, blank=True)
    note = models.TextField(_("情况记录"), blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=TestCallStatus.choices, default=TestCallStatus.PLANNED)
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("转办问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("暗访测试")
        verbose_name_plural = _("暗访测试")
        ordering = ["-planned_at", "-id"]
        indexes = [models.Index(fields=["group", "status"]), models.Index(fields=["hotline", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TestCallStatus.values), name="test_call_status_valid"),
            models.CheckConstraint(
                condition=Q(quality_score__isnull=True) | Q(quality_score__gte=1, quality_score__lte=5),
                name="test_call_score_1_5",
            ),
            # A done call has its time and whether it was connected; a planned call has no result.
            models.CheckConstraint(
                condition=Q(status=TestCallStatus.DONE, called_at__isnull=False, connected__isnull=False)
                | Q(
                    status=TestCallStatus.PLANNED,
                    called_at__isnull=True,
                    connected__isnull=True,
                    answer_correct__isnull=True,
                    quality_score__isnull=True,
                ),
                name="test_call_result_when_done",
            ),
            # Nobody answered: there is no answer to judge.
            models.CheckConstraint(
                condition=~Q(connected=False) | Q(answer_correct__isnull=True, quality_score__isnull=True),
                name="test_call_no_answer_when_not_connected",
            ),
            models.CheckConstraint(
                condition=Q(problem__isnull=True) | Q(status=TestCallStatus.DONE), name="test_call_problem_when_done"
            ),
        ]

    def __str__(self):
        return f"暗访测试 {self.hotline.name} {self.planned_at:%Y-%m-%d}"

    @property
    def failed(self) -> bool:
        """The rule of FAILED_CALL_Q, on one record."""
        if self.status != TestCallStatus.DONE:
            return False
        return (
            self.connected is False
            or (self.wait_seconds or 0) > MAX_WAIT_SECONDS
            or self.answer_correct is False
            or (self.quality_score is not None and self.quality_score < MIN_PASSING_SCORE)
        )

    @property
    def failure_reasons(self) -> list[str]:
        if self.status != TestCallStatus.DONE:
            return []
        reasons = []
        if self.connected is False:
            reasons.append("未接通")
        if (self.wait_seconds or 0) > MAX_WAIT_SECONDS:
            reasons.append(f"等待{self.wait_seconds}秒（超过{MAX_WAIT_SECONDS}秒）")
        if self.answer_correct is False:
            reasons.append("答复不准确")
        if self.quality_score is not None and self.quality_score < MIN_PASSING_SCORE:
            reasons.append(f"服务质量评分{self.quality_score}分")
        return reasons
