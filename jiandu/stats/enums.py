from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    SUM = "sum", _("求和")  # totals add up along the tree and over periods (人次 per week)
    MAX = "max", _("最大值")  # the largest reported figure
    LAST = "last", _("最新值")  # cumulative figures (截至…): the latest period counts, summed over orgs


class Frequency(models.TextChoices):
    DAILY = "daily", _("每日")  # one period per day, code 2022-04-27
    WEEKLY = "weekly", _("每周")  # ISO weeks, code 2022-W16
    MONTHLY = "monthly", _("每月")  # code 2022-04
    CAMPAIGN = "campaign", _("专项期间")  # one period from the data set's start to its end, "截至2022年4月27日"


class Operator(models.TextChoices):
    GTE = "gte", "≥"  # left is at least right (人次 ≥ 人数)
    LTE = "lte", "≤"  # left is at most right
    EQ = "eq", "="  # left equals right


class ApprovalStatus(models.TextChoices):
    APPROVED = "approved", _("已审核")  # checked by the group leader; a later change withdraws the approval
    LOCKED = "locked", _("已锁定")  # approved and frozen: values cannot change until unlocked


UNITS = ["人次", "人", "万元", "元", "支", "吨", "次", "个", "名", "位", "轮", "天", "期", "条", "份", "处"]
