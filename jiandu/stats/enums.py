from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    SUM = "sum", _("求和")  # totals add up along the tree and over periods (人次 per week)
    MAX = "max", _("最大值")  # the largest reported figure
    LAST = "last", _("最新值")  # cumulative figures (截至…): the latest period counts, summed over orgs


class Wording(models.TextChoices):
    """How a briefing writes the figure (DESIGN §7); jiandu.core.cn.cn_amount's modes."""

    EXACT = "exact", _("精确数（如2286.43万元、11118名）")  # exact; 万/亿 from 100,000 up
    OVER = "over", _("约数：余（如50余天、5.1万余人次）")  # rounded down, "余"
    NEARLY = "nearly", _("约数：近（如近300万元）")  # rounded up, "近"
    NUMERAL = "numeral", _("汉字数字（如两期）")  # small counts in characters


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
