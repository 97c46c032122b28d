"""Chinese numbers and dates in the official style (DESIGN §7). One helper, used by every page and document.

cn_amount(414000, "人次")                 → "41.4万人次"
cn_amount(50680000, "人次")               → "5068万人次"
cn_amount(Decimal("22864300"), "元")      → "2286.43万元"
cn_amount(53, "天", mode="over")          → "50余天"
cn_amount(80500, "支", mode="over")       → "8万余支"
cn_amount(1103000, "人", mode="over")     → "110余万人"
cn_amount(2980000, "元", mode="nearly")   → "近300万元"
cn_amount(2, "期", mode="numeral")        → "两期"
cn_date(date(2022, 4, 28))                → "2022年4月28日"
"""

import math
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils import timezone

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
DIGITS = "零一二三四五六七八九"


def _strip(d: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 41.40 → "41.4", 5068.00 → "5068"."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _scale(value: Decimal) -> tuple[Decimal, str]:
    if value >= YI:
        return value / YI, "亿"
    if value >= WAN:
        return value / WAN, "万"
    return value, ""


def _round_sig(x: Decimal, sig: int, up: bool) -> Decimal:
    """Round x to `sig` significant digits, down (for 余) or up (for 近)."""
    if x == 0:
        return x
    exponent = math.floor(math.log10(float(x))) - sig + 1
    quantum = Decimal(1).scaleb(exponent)
    steps = (x / quantum).to_integral_value(rounding=ROUND_DOWN)
    if up and steps * quantum < x:
        steps += 1
    return steps * quantum


def cn_amount(value, unit: str = "", *, mode: str = "exact", exact_below: int = 10_000, places: int = 2) -> str:
    """A figure for Chinese text. mode: "exact" (default), "over" (…余, a floor), "nearly" (近…, a ceiling),
    "numeral" (characters for a small count: 两期, 十二条).

    Exact integers below `exact_below` are written in full; larger figures in 万 or 亿 with at most `places`
    decimals (rounded half up). A round figure stays exact in "over" and "nearly" (50天, not 50余天).
    """
    if value is None:
        return "—"
    v = Decimal(str(value))
    if v < 0:
        return "-" + cn_amount(-v, unit, mode=mode, exact_below=exact_below, places=places)
    if mode == "numeral":
        if v == v.to_integral_value() and v < 100:
            n = int(v)
            return ("两" if n == 2 else cn_numeral(n)) + unit
        mode = "exact"
    if mode == "exact":
        if v < exact_below and v == v.to_integral_value():
            return f"{int(v)}{unit}"
        scaled, mag = _scale(v)
        q = Decimal(1).scaleb(-places)
        return f"{_strip(scaled.quantize(q, rounding=ROUND_HALF_UP))}{mag}{unit}"
    scaled, mag = _scale(v)
    if mag:
        sig = 2
    else:
        digits = len(str(int(scaled))) if scaled >= 1 else 1
        sig = max(1, digits - 1)
    if mode in ("over", "nearly") and _round_sig(scaled, sig, up=False) == scaled:
        return cn_amount(v, unit, exact_below=exact_below, places=places)
    if mode == "over":
        shown = _round_sig(scaled, sig, up=False)
        if not mag:
            return f"{_strip(shown)}余{unit}"
        if shown == shown.to_integral_value() and shown >= 10:
            return f"{_strip(shown)}余{mag}{unit}"  # 110余万人
        return f"{_strip(shown)}{mag}余{unit}"  # 8万余支, 5.1万余人次
    if mode == "nearly":
        shown = _round_sig(scaled, sig, up=True)
        return f"近{_strip(shown)}{mag}{unit}"
    raise ValueError(f"unknown mode {mode!r}")


def cn_date(value: date | datetime | None) -> str:
    """2022年4月28日 — no zero padding; datetimes are read in Asia/Shanghai."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_week(value: date) -> str:
    """2022年第11周 — the ISO week (Monday to Sunday) of a date, for weekly charts."""
    year, week, _ = value.isocalendar()
    return f"{year}年第{week}周"


def cn_month_day(value: date) -> str:
    """4月28日, as in the article's photo captions."""
    return f"{value.month}月{value.day}日"


def cn_numeral(n: int) -> str:
    """Chinese numerals for headings and counts in text: 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 100 → 一百."""
    if n < 0:
        raise ValueError("negative")
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return DIGITS[tens] + "十" + (DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return DIGITS[hundreds] + "百"
        tail = ("零" + DIGITS[rest]) if rest < 10 else (("一" + cn_numeral(rest)) if rest < 20 else cn_numeral(rest))
        return DIGITS[hundreds] + "百" + tail
    return str(n)
