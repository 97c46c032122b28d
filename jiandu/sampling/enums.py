from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    """A plan's life: draft → drawn → published → closed (moves: services.TRANSITIONS)."""

    DRAFT = "draft", _("草稿")  # population, strata and inspector pool being set; may be edited
    DRAWN = "drawn", _("已抽取")  # a draw exists; a new draw only as an audited redraw with a reason
    PUBLISHED = "published", _("已公开")  # the draw's seed, hash and result are public (一公开); checks begin
    CLOSED = "closed", _("已结束")  # no further checks


PLAN_STATUS_CSS = {
    PlanStatus.DRAFT: "text-bg-secondary",
    PlanStatus.DRAWN: "text-bg-info",
    PlanStatus.PUBLISHED: "text-bg-success",
    PlanStatus.CLOSED: "text-bg-dark",
}


class ItemResult(models.TextChoices):
    """The answer to one checklist item."""

    PASS = "pass", _("合格")  # the item is met
    FAIL = "fail", _("不合格")  # a problem: may become a Problem in one click
    NA = "na", _("不适用")  # the item does not apply at this site


class Resource(models.TextChoices):
    """What a stock count counts (物资状况)."""

    TENT = "tent", _("帐篷")  # 防疫帐篷
    QUILT = "quilt", _("棉被")  # 棉被
    HEATER = "heater", _("取暖设备")  # heaters in tents
    EXTINGUISHER = "extinguisher", _("灭火器")  # fire extinguishers
    OTHER = "other", _("其他")  # anything else


class Stratify(models.TextChoices):
    """How the strata of a plan are built (each stratum then has its own sample size or proportion)."""

    NONE = "none", _("不分层")  # one stratum: the whole population
    SITE_TYPE = "site_type", _("按点位类型")  # one stratum per site type
    DISTRICT = "district", _("按地区")  # one stratum per district (a chosen population org)
    BOTH = "both", _("按点位类型和地区")  # one stratum per (site type, district)


class PlanEventKind(models.TextChoices):
    CREATED = "created", _("创建")  # the plan was created (draft)
    UPDATED = "updated", _("修改")  # fields of a draft changed
    DRAWN = "drawn", _("抽取")  # the first draw
    REDRAWN = "redrawn", _("重新抽取")  # a new draw superseding the previous one, with a reason
    PUBLISHED = "published", _("公开")  # the draw was published
    CLOSED = "closed", _("结束")  # the plan was closed
