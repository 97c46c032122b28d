"""Data of double-random spot checks (双随机抽查): plans, their reproducible draws, assignments, checklists,
checks with their item results, and stock counts. Invariants live in the database (CheckConstraint)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiandu.core.models import BaseModel
from jiandu.organizations.enums import SiteType

from .enums import ItemResult, PlanEventKind, PlanStatus, Resource, Stratify


class SamplingPlan(BaseModel):
    """A seeded, reproducible random draw of sites and inspectors (双随机抽查计划). `group` NULL: office-wide."""

    group = models.ForeignKey(
        "organizations.Org",
        verbose_name=_("纪检监察组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sampling_plans",
    )
    title = models.CharField(_("计划名称"), max_length=120)
    campaign = models.ForeignKey(
        "activities.Campaign",
        verbose_name=_("专项监督"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sampling_plans",
    )
    description = models.TextField(_("说明"), blank=True)
    # The population: active sites of these types (empty: every type) whose responsible org lies in the subtree
    # of one of `orgs` (none: everywhere), not checked within `exclude_days` days before the draw.
    site_types = models.JSONField(_("点位类型"), default=list, blank=True)
    orgs = models.ManyToManyField(
        "organizations.Org", verbose_name=_("地区/单位范围"), blank=True, related_name="sampling_scopes"
    )
    exclude_days = models.PositiveIntegerField(_("排除近N天已检查点位"), default=0)
    stratify = models.CharField(_("分层方式"), max_length=12, choices=Stratify.choices, default=Stratify.NONE)
    sample_size = models.PositiveIntegerField(_("每层抽取数量"), null=True, blank=True)
    sample_proportion = models.DecimalField(_("每层抽取比例"), max_digits=5, decimal_places=4, null=True, blank=True)
    # {stratum key: {"size": n} | {"proportion": "0.2"}} overriding the defaults above for one stratum.
    strata_overrides = models.JSONField(_("分层抽取设置"), default=dict, blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员库"), blank=True, related_name="sampling_pools"
    )
    inspectors_per_site = models.PositiveSmallIntegerField(_("每个点位检查人数"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("双随机抽查计划")
        verbose_name_plural = _("双随机抽查计划")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(condition=Q(stratify__in=Stratify.values), name="plan_stratify_valid"),
            models.CheckConstraint(condition=Q(inspectors_per_site__gte=1), name="plan_inspectors_per_site"),
            models.CheckConstraint(
                condition=Q(sample_proportion__isnull=True) | Q(sample_proportion__gt=0, sample_proportion__lte=1),
                name="plan_proportion_range",
            ),
            models.CheckConstraint(condition=Q(sample_size__isnull=True) | Q(sample_size__gte=1), name="plan_size"),
            models.CheckConstraint(condition=~Q(title=""), name="plan_title_not_blank"),
        ]

    def __str__(self):
        return self.title

    @property
    def current_draw(self):
        return self.draws.filter(superseded_at__isnull=True).order_by("-number").first()


class PlanEvent(models.Model):
    """A row of a plan's timeline: created, changed, drawn, redrawn, published, closed."""

    plan = models.ForeignKey(SamplingPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("事件"), max_length=16, choices=PlanEventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("计划事件")
        verbose_name_plural = _("计划事件")
        ordering = ["plan", "at", "id"]

    def __str__(self):
        return f"{self.plan} · {self.kind}"


class Draw(models.Model):
    """One draw of a plan: every input and the result, so that anyone can re-derive it (一公开).
    A redraw makes a new Draw and marks the old one superseded; nothing is overwritten."""

    plan = models.ForeignKey(SamplingPlan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="draws")
    number = models.PositiveIntegerField(_("第几次抽取"))
    seed = models.CharField(_("随机种子"), max_length=64)
    algorithm = models.CharField(_("算法"), max_length=40)
    algorithm_version = models.CharField(_("算法版本"), max_length=10)
    population_hash = models.CharField(_("总体快照哈希(SHA-256)"), max_length=64)
    population_size = models.PositiveIntegerField(_("总体点位数"))
    # [{"key", "label", "n", "population": [site codes, sorted]}] in stratum order.
    strata = models.JSONField(_("分层与总体"), default=list)
    # {stratum key: [site codes in drawn order]}
    sample = models.JSONField(_("抽取结果"), default=dict)
    # [{"username", "org_path"}] of the pool; {site code: responsible org path}: the conflict-of-interest inputs.
    inspector_pool = models.JSONField(_("检查人员库快照"), default=list)
    site_org_paths = models.JSONField(_("点位责任单位路径"), default=dict)
    # {site code: [usernames]}
    assignments = models.JSONField(_("人员分配结果"), default=dict)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(_("抽取时间"))
    reason = models.CharField(_("重新抽取原因"), max_length=300, blank=True)
    superseded_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽取记录")
        verbose_name_plural = _("抽取记录")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="draw_number_unique"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(superseded_at__isnull=True), name="draw_one_current_per_plan"
            ),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="draw_redraw_has_reason"),
        ]

    def __str__(self):
        return f"{self.plan} · 第{self.number}次抽取"

    @property
    def sample_size(self) -> int:
        return sum(len(v) for v in self.sample.values())


class Assignment(models.Model):
    """One drawn site of a draw and the inspectors assigned to check it."""

    draw = models.ForeignKey(Draw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="assignments_set")
    site = models.ForeignKey(
        "organizations.Site", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="sampling_assignments"
    )
    stratum = models.CharField(_("分层"), max_length=120, blank=True)
    order = models.PositiveIntegerField(_("顺序"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), blank=True, related_name="sampling_assignments"
    )

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["draw", "order"]
        constraints = [models.UniqueConstraint(fields=["draw", "site"], name="assignment_site_once_per_draw")]

    def __str__(self):
        return f"{self.site} · {self.draw.plan}"


class CheckTemplate(BaseModel):
    """The checklist of a site type (configurable)."""

    site_type = models.CharField(_("点位类型"), max_length=20, choices=SiteType.choices, unique=True)
    title = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("检查清单")
        verbose_name_plural = _("检查清单")
        ordering = ["site_type"]

    def __str__(self):
        return self.title


class CheckTemplateItem(models.Model):
    template = models.ForeignKey(CheckTemplate, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("检查项"), max_length=200)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "text"], name="template_item_text_unique")]

    def __str__(self):
        return self.text


class Check(BaseModel):
    """The result of checking one site (抽查/检查结果)."""

    site = models.ForeignKey(
        "organizations.Site", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="checks"
    )
    plan = models.ForeignKey(
        SamplingPlan, verbose_name=_("计划"), null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("检查任务"), null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    group = models.ForeignKey(
        "organizations.Org", verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="site_checks"
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), related_name="site_checks"
    )
    checked_at = models.DateTimeField(_("检查时间"), db_index=True)
    note = models.TextField(_("总体情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["site", "checked_at"]), models.Index(fields=["group", "checked_at"])]

    def __str__(self):
        return f"{self.site} · {self.checked_at:%Y-%m-%d}"


class CheckItemResult(models.Model):
    """The answer to one checklist item; a failed item may become a Problem (kept in `problem`)."""

    check_record = models.ForeignKey(Check, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(
        CheckTemplateItem, verbose_name=_("检查项"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(_("检查项"), max_length=200)  # copied: the checklist may change later
    order = models.PositiveIntegerField(_("顺序"), default=0)
    result = models.CharField(_("结果"), max_length=4, choices=ItemResult.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_results",
    )

    class Meta:
        verbose_name = _("检查项结果")
        verbose_name_plural = _("检查项结果")
        ordering = ["check_record", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(result__in=ItemResult.values), name="item_result_valid"),
            models.CheckConstraint(
                condition=Q(problem__isnull=True) | Q(result=ItemResult.FAIL), name="item_problem_only_when_failed"
            ),
        ]

    def __str__(self):
        return f"{self.text}：{self.get_result_display()}"


class Stock(BaseModel):
    """Counts of a resource at a site on a date (物资状况): total, damaged, replenished, reinforced."""

    site = models.ForeignKey(
        "organizations.Site", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="stock"
    )
    check_record = models.ForeignKey(
        Check, verbose_name=_("检查"), null=True, blank=True, on_delete=models.CASCADE, related_name="stock"
    )
    group = models.ForeignKey(
        "organizations.Org", verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="stock_counts"
    )
    counted_on = models.DateField(_("日期"), db_index=True)
    resource = models.CharField(_("物资"), max_length=16, choices=Resource.choices)
    total = models.PositiveIntegerField(_("总数"))
    damaged = models.PositiveIntegerField(_("损坏数"), default=0)
    replenished = models.PositiveIntegerField(_("补充数"), default=0)
    reinforced = models.PositiveIntegerField(_("加固数"), default=0)

    class Meta:
        verbose_name = _("物资状况")
        verbose_name_plural = _("物资状况")
        ordering = ["-counted_on", "site", "resource"]
        constraints = [
            models.UniqueConstraint(fields=["site", "counted_on", "resource"], name="stock_one_count_per_day"),
            models.CheckConstraint(condition=Q(resource__in=Resource.values), name="stock_resource_valid"),
            models.CheckConstraint(
                condition=Q(total__gte=0, damaged__gte=0, replenished__gte=0, reinforced__gte=0),
                name="stock_not_negative",
            ),
            models.CheckConstraint(condition=Q(damaged__lte=F("total")), name="stock_damaged_le_total"),
            models.CheckConstraint(condition=Q(replenished__lte=F("damaged")), name="stock_replenished_le_damaged"),
            models.CheckConstraint(condition=Q(reinforced__lte=F("total")), name="stock_reinforced_le_total"),
        ]

    def __str__(self):
        return f"{self.site} · {self.get_resource_display()} · {self.counted_on}"
