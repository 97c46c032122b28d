"""Working days in China: statutory holidays and make-up working days (调休), from `chinese-calendar`.

For a year the package does not know yet (it is published each December), Monday–Friday are working days
until the package is updated; `calendar_known(year)` tells which case applies.
"""

from datetime import date, timedelta

import chinese_calendar


def calendar_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_days(start: date, n: int, *, working: bool) -> date:
    """The date `n` calendar or working days after `start` (start itself is day 0)."""
    if not working:
        return start + timedelta(days=n)
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def days_between(start: date, end: date, *, working: bool) -> int:
    """Days from `start` to `end` (negative when end is before start), counting working days only if asked."""
    if not working:
        return (end - start).days
    sign, a, b = (1, start, end) if end >= start else (-1, end, start)
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return sign * count
