"""Warning colours (红黄绿灯) with a frozen 'today', in calendar and working days."""

from datetime import date

import pytest

from jiandu.core.deadlines import Warning, days_overdue, warning_for, yellow_until

TODAY = date(2022, 4, 1)  # a Friday before the Qingming break (4/2 make-up working day, 4/3–4/5 off)


@pytest.mark.parametrize(
    "due,expected",
    [
        (date(2022, 4, 10), Warning.GREEN),
        (date(2022, 4, 5), Warning.GREEN),
        (date(2022, 4, 4), Warning.YELLOW),
        (date(2022, 4, 1), Warning.YELLOW),
        (date(2022, 3, 31), Warning.RED),
        (None, Warning.NONE),
    ],
)
def test_calendar_days(due, expected, settings):
    settings.JIANDU_WARNING_DAYS = 3
    settings.JIANDU_WARNING_WORKING_DAYS = False
    assert warning_for(due, on=TODAY) == expected


def test_working_days_stretch_yellow_over_holidays(settings):
    settings.JIANDU_WARNING_DAYS = 3
    settings.JIANDU_WARNING_WORKING_DAYS = True
    # 4/7 is 3 working days away (4/2, 4/6, 4/7): still yellow; in calendar days it would be green
    assert warning_for(date(2022, 4, 7), on=TODAY) == Warning.YELLOW
    assert yellow_until(TODAY) == date(2022, 4, 7)
    settings.JIANDU_WARNING_WORKING_DAYS = False
    assert warning_for(date(2022, 4, 7), on=TODAY) == Warning.GREEN


def test_closed_records():
    assert warning_for(date(2022, 4, 5), closed_on=date(2022, 4, 5)) == Warning.NONE
    assert warning_for(date(2022, 4, 5), closed_on=date(2022, 4, 6)) == Warning.CLOSED_LATE
    assert days_overdue(date(2022, 4, 5), closed_on=date(2022, 4, 8)) == 3
    assert days_overdue(date(2022, 4, 5), on=date(2022, 4, 1)) == 0
