"""The official style of numbers and dates, checked against the figures of the founding article."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from jiandu.core.cn import cn_amount, cn_date, cn_month_day, cn_numeral


@pytest.mark.parametrize(
    "value,unit,mode,expected",
    [
        (2049, "人", "exact", "2049人"),
        (87593, "人次", "exact", "8.76万人次"),
        (414000, "人次", "exact", "41.4万人次"),
        (50680000, "人次", "exact", "5068万人次"),
        (Decimal("22864300"), "元", "exact", "2286.43万元"),
        (226500, "吨", "exact", "22.65万吨"),
        (1479000, "次", "exact", "147.9万次"),
        (53, "天", "over", "50余天"),
        (50, "天", "over", "50天"),  # nothing was rounded away: no 余
        (300, "万元", "nearly", "300万元"),
        (2, "期", "numeral", "两期"),
        (12, "条", "numeral", "十二条"),
        (120, "条", "numeral", "120条"),
        (12, "轮", "over", "10余轮"),
        (334, "位", "over", "330余位"),
        (80500, "支", "over", "8万余支"),
        (51234, "人次", "over", "5.1万余人次"),
        (1103000, "人", "over", "110余万人"),
        (2980000, "元", "nearly", "近300万元"),
        (0, "份", "exact", "0份"),
        (350000000, "元", "exact", "3.5亿元"),
    ],
)
def test_article_figures(value, unit, mode, expected):
    assert cn_amount(value, unit, mode=mode) == expected


def test_exact_below_threshold_may_keep_larger_exact():
    assert cn_amount(10635, "人", exact_below=100_000) == "10635人"
    assert cn_amount(10635, "人") == "1.06万人"


def test_dates_have_no_zero_padding():
    assert cn_date(date(2022, 4, 8)) == "2022年4月8日"
    assert cn_month_day(date(2022, 3, 27)) == "3月27日"
    # 2022-04-27 20:00 UTC is 4月28日 in Asia/Shanghai
    assert cn_date(datetime(2022, 4, 27, 20, 0, tzinfo=ZoneInfo("UTC"))) == "2022年4月28日"


@pytest.mark.parametrize(
    "n,expected",
    [
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (21, "二十一"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (0, "零"),
    ],
)
def test_numerals(n, expected):
    assert cn_numeral(n) == expected
