"""Period codes: 2022-04-27 (daily), 2022-W16 (ISO week), 2022-04 (month), 2022-03-11~2022-04-27 (campaign)."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from jiandu.core.cn import cn_date
from jiandu.core.errors import ValidationFailed

from .enums import Frequency


@dataclass(frozen=True)
class PeriodKey:
    kind: str
    code: str
    start_date: date
    end_date: date
    name: str


def _key(kind: str, start: date, end: date) -> PeriodKey:
    if kind == Frequency.DAILY:
        return PeriodKey(kind, start.isoformat(), start, start, cn_date(start))
    if kind == Frequency.WEEKLY:
        year, week, _ = start.isocalendar()
        name = f"{year}年第{week}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"
        return PeriodKey(kind, f"{year}-W{week:02d}", start, end, name)
    if kind == Frequency.MONTHLY:
        return PeriodKey(kind, f"{start.year}-{start.month:02d}", start, end, f"{start.year}年{start.month}月")
    return PeriodKey(kind, f"{start.isoformat()}~{end.isoformat()}", start, end, f"截至{cn_date(end)}")


def period_containing(kind: str, day: date, *, campaign: tuple[date, date] | None = None) -> PeriodKey:
    if kind == Frequency.DAILY:
        return _key(kind, day, day)
    if kind == Frequency.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return _key(kind, start, start + timedelta(days=6))
    if kind == Frequency.MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return _key(kind, day.replace(day=1), day.replace(day=last))
    if campaign is None:
        raise ValueError("campaign period needs its dates")
    return _key(kind, *campaign)


def campaign_period(start: date, end: date) -> PeriodKey:
    return _key(Frequency.CAMPAIGN, start, end)


def parse_code(code: str) -> PeriodKey:
    """The period of a code, or ValidationFailed with a Chinese message."""
    code = (code or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-W(\d{1,2})", code):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return _key(Frequency.WEEKLY, start, start + timedelta(days=6))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", code):
            return period_containing(Frequency.MONTHLY, date(int(m[1]), int(m[2]), 1))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", code):
            return period_containing(Frequency.DAILY, date.fromisoformat(code))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})", code):
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if end >= start:
                return campaign_period(start, end)
    except ValueError:
        pass
    raise ValidationFailed(
        f"统计周期“{code}”无法识别：应为 2022-W16（周）、2022-04（月）、2022-04-27（日）"
        "或 2022-03-11~2022-04-27（专项期间）。"
    )


def periods_between(kind: str, start: date, end: date, *, campaign: tuple[date, date] | None = None) -> list[PeriodKey]:
    """Every period of `kind` that overlaps [start, end], oldest first."""
    if kind == Frequency.CAMPAIGN:
        return [_key(kind, *campaign)] if campaign else []
    out, day = [], start
    while day <= end:
        key = period_containing(kind, day)
        out.append(key)
        day = key.end_date + timedelta(days=1)
    return out
