"""Reported statistics (DESIGN §4 stats): indicators, data sets reported by given orgs at a frequency, values per
org and period with validation rules, and period approval/locking (as DHIS2's data approval)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiandu.core.models import BaseModel

from .enums import Aggregation, ApprovalStatus, Frequency, Operator, Wording


class Indicator(BaseModel):
    code = models.CharField(_("指标编码"), max_length=40, unique=True)
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=10)
    aggregation = models.CharField(_("汇总方式"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM)
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=0)
    wording = models.CharField(_("简报表述"), max_length=8, choices=Wording.choices, default=Wording.EXACT)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("统计指标")
        verbose_name_plural = _("统计指标")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(aggregation__in=Aggregation.values), name="indicator_aggregation_valid"),
            models.CheckConstraint(condition=Q(decimals__lte=4), name="indicator_decimals_range"),
            models.CheckConstraint(condition=Q(wording__in=Wording.values), name="indicator_wording_valid"),
        ]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class DataSet(BaseModel):
    name = models.CharField(_("数据集名称"), max_length=100)
    group = models.ForeignKey(
        "organizations.Org", verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="stat_datasets"
    )
    indicators = models.ManyToManyField(Indicator, through="DataSetIndicator", verbose_name=_("指标"))
    reporting_orgs = models.ManyToManyField(
        "organizations.Org", verbose_name=_("填报单位"), related_name="reported_datasets", blank=True
    )
    frequency = models.CharField(_("填报频率"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    start_date = models.DateField(_("填报起始日期"))
    end_date = models.DateField(_("填报截止日期"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(_("报送期限（期末后天数）"), default=3)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("统计数据集")
        verbose_name_plural = _("统计数据集")
        ordering = ["group__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="dataset_name_unique_per_group"),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="dataset_frequency_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="dataset_dates_ordered"
            ),
        ]

    def __str__(self):
        return self.name


class DataSetIndicator(models.Model):
    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="memberships")
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["dataset", "indicator"], name="dataset_indicator_unique")]

    def __str__(self):
        return f"{self.dataset_id}:{self.indicator_id}"


class Period(models.Model):
    """A reporting period: 2022-W16, 2022-04, 2022-04-27, or a campaign period 截至2022年4月27日."""

    kind = models.CharField(_("周期类型"), max_length=10, choices=Frequency.choices)
    code = models.CharField(_("周期编码"), max_length=32, unique=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("统计周期")
        verbose_name_plural = _("统计周期")
        ordering = ["start_date", "end_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="period_dates_ordered"),
            models.UniqueConstraint(fields=["kind", "start_date", "end_date"], name="period_unique_dates"),
        ]

    def __str__(self):
        return self.name


class DataValue(BaseModel):
    dataset = models.ForeignKey(DataSet, verbose_name=_("数据集"), on_delete=models.PROTECT, related_name="values")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="values")
    org = models.ForeignKey(
        "organizations.Org", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="stat_values"
    )
    period = models.ForeignKey(Period, verbose_name=_("统计周期"), on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4)
    comment = models.CharField(_("备注"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("统计数据")
        verbose_name_plural = _("统计数据")
        ordering = ["period__start_date", "org__path", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org", "period"], name="datavalue_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="datavalue_not_negative"),
        ]
        indexes = [models.Index(fields=["dataset", "period"]), models.Index(fields=["indicator", "period"])]

    def __str__(self):
        return f"{self.org} · {self.period} · {self.indicator.name}：{self.value}"


class ValidationRule(models.Model):
    dataset = models.ForeignKey(DataSet, verbose_name=_("数据集"), on_delete=models.CASCADE, related_name="rules")
    left = models.ForeignKey(Indicator, verbose_name=_("左侧指标"), on_delete=models.PROTECT, related_name="+")
    operator = models.CharField(_("关系"), max_length=4, choices=Operator.choices)
    right = models.ForeignKey(Indicator, verbose_name=_("右侧指标"), on_delete=models.PROTECT, related_name="+")
    message = models.CharField(_("提示"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(left=F("right")), name="rule_sides_differ"),
            models.CheckConstraint(condition=Q(operator__in=Operator.values), name="rule_operator_valid"),
        ]

    def __str__(self):
        return f"{self.left.name} {self.get_operator_display()} {self.right.name}"


class Approval(BaseModel):
    """The group leader's approval of one org's figures (with its subtree) for one period; LOCKED freezes them."""

    dataset = models.ForeignKey(DataSet, verbose_name=_("数据集"), on_delete=models.CASCADE, related_name="approvals")
    org = models.ForeignKey("organizations.Org", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, verbose_name=_("统计周期"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=ApprovalStatus.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("审核时间"))

    class Meta:
        verbose_name = _("审核锁定")
        verbose_name_plural = _("审核锁定")
        ordering = ["-approved_at"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "org", "period"], name="approval_unique"),
            models.CheckConstraint(condition=Q(status__in=ApprovalStatus.values), name="approval_status_valid"),
        ]

    def __str__(self):
        return f"{self.dataset} · {self.org} · {self.period}：{self.get_status_display()}"


class Total(models.Model):
    """A pre-aggregated figure (issue 9): one data set's indicator in one period, over every reporting org — the
    sum and the largest value — and the running sum and largest value over the data set's periods up to this one.
    `next_end` is the end of the series' next period holding a value (NULL: none yet), so the figure "as of a day"
    is the one row with end_date <= day < next_end. Written only by stats.totals, in the transaction that writes
    the values; read by the dashboard and the briefing when the viewer sees every value of their data sets."""

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="+")
    group_id = models.IntegerField()  # the data set's group (denormalised for the reports' scope filter)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    next_end = models.DateField(null=True)
    total = models.DecimalField(max_digits=28, decimal_places=4)
    top = models.DecimalField(max_digits=18, decimal_places=4)
    running_total = models.DecimalField(max_digits=28, decimal_places=4)
    running_top = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "indicator", "period"], name="total_unique")]
        indexes = [models.Index(fields=["next_end", "end_date"]), models.Index(fields=["group_id", "next_end"])]

    def __str__(self):
        return f"{self.dataset_id} · {self.indicator_id} · {self.period_id}：{self.total}"


class Reporter(models.Model):
    """An org that reported to a data set, and the end of the first period it reported (stats.totals keeps it):
    the briefing names the orgs that had reported by a day without reading every value."""

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="+")
    group_id = models.IntegerField()
    org = models.ForeignKey("organizations.Org", on_delete=models.CASCADE, related_name="+")
    first_end = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "org"], name="reporter_unique")]

    def __str__(self):
        return f"{self.dataset_id} · {self.org_id} · {self.first_end}"
