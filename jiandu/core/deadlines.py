"""Warning colours (红黄绿灯, DESIGN §5) for anything with a deadline, computed one way everywhere.

green: more than N days remain; yellow: 0–N days remain; red: overdue; none: no deadline, or closed on time;
closed_late: closed after the deadline. N = settings.JIANDU_WARNING_DAYS (default 3); days are calendar days,
or working days when settings.JIANDU_WARNING_WORKING_DAYS is on.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .workdays import add_days, days_between


class Warning(models.TextChoices):
    GREEN = "green", _("绿灯")  # more than N days remain
    YELLOW = "yellow", _("黄灯")  # 0–N days remain
    RED = "red", _("红灯")  # overdue
    NONE = "none", _("—")  # no deadline, or closed on time
    CLOSED_LATE = "closed_late", _("逾期办结")  # closed after the deadline


# Bootstrap classes for the badge of each colour.
WARNING_CSS = {
    Warning.GREEN: "text-bg-success",
    Warning.YELLOW: "text-bg-warning",
    Warning.RED: "text-bg-danger",
    Warning.NONE: "text-bg-light border",
    Warning.CLOSED_LATE: "text-bg-secondary",
}


def today() -> date:
    return timezone.localdate()


def warning_for(due: date | None, *, closed_on: date | None = None, on: date | None = None) -> str:
    if due is None:
        return Warning.NONE
    if closed_on is not None:
        return Warning.CLOSED_LATE if closed_on > due else Warning.NONE
    remaining = days_between(on or today(), due, working=settings.JIANDU_WARNING_WORKING_DAYS)
    if remaining < 0:
        return Warning.RED
    if remaining <= settings.JIANDU_WARNING_DAYS:
        return Warning.YELLOW
    return Warning.GREEN


def yellow_until(on: date | None = None) -> date:
    """The last due date that is still yellow today."""
    return add_days(on or today(), settings.JIANDU_WARNING_DAYS, working=settings.JIANDU_WARNING_WORKING_DAYS)


def warning_q(colour: str, *, due_field: str, open_q: Q, on: date | None = None) -> Q:
    """A filter for the open records of one colour, for list filters and counts in the database."""
    on = on or today()
    if colour == Warning.RED:
        return open_q & Q(**{f"{due_field}__lt": on})
    if colour == Warning.YELLOW:
        return open_q & Q(**{f"{due_field}__gte": on, f"{due_field}__lte": yellow_until(on)})
    if colour == Warning.GREEN:
        return open_q & Q(**{f"{due_field}__gt": yellow_until(on)})
    raise ValueError(colour)


def days_overdue(due: date | None, *, closed_on: date | None = None, on: date | None = None) -> int:
    """Days past the deadline (0 when not overdue), at closing or today."""
    if due is None:
        return 0
    end = closed_on or on or today()
    return max(0, days_between(due, end, working=settings.JIANDU_WARNING_WORKING_DAYS))
