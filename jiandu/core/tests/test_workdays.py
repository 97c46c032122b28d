from datetime import date

from jiandu.core.workdays import add_days, calendar_known, days_between, is_workday


def test_statutory_holiday_and_make_up_day():
    assert not is_workday(date(2022, 4, 5))  # 清明节
    assert is_workday(date(2022, 4, 2))  # Saturday made a working day (调休)


def test_add_working_days_skips_the_qingming_break():
    # Friday 2022-04-01 + 3 working days: Sat 4/2 (make-up), then 4/3–4/5 off, Wed 4/6, Thu 4/7
    assert add_days(date(2022, 4, 1), 3, working=True) == date(2022, 4, 7)
    assert add_days(date(2022, 4, 1), 3, working=False) == date(2022, 4, 4)


def test_days_between_both_ways():
    assert days_between(date(2022, 4, 1), date(2022, 4, 7), working=True) == 3
    assert days_between(date(2022, 4, 7), date(2022, 4, 1), working=True) == -3
    assert days_between(date(2022, 4, 1), date(2022, 4, 7), working=False) == 6


def test_unknown_year_falls_back_to_weekdays():
    assert calendar_known(2022)
    far = date(2099, 6, 1)  # a Monday
    assert not calendar_known(2099)
    assert is_workday(far) and not is_workday(date(2099, 6, 6))
