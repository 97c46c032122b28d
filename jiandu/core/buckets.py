"""Counts of records per ISO week or per month of a date column, for charts and monthly tables.

The database groups by the day (an index on the column covers that, and no function runs per row: on SQLite,
Django's week and month truncations are Python functions called once for every record), and the days are summed
into weeks or months here: a period holds at most a few thousand days, a province a million records.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import CharField, Count, F, Func, QuerySet, Sum


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def per_day(qs: QuerySet, field: str, *, total: str = "") -> list[tuple[date, int, int]]:
    """(day, records, sum of `total` or 0) for each day of `field` holding a record, oldest first."""
    annotations = {"n": Count("pk")}
    if total:
        annotations["t"] = Sum(total)
    rows = qs.order_by().values_list(field).annotate(**annotations)
    return sorted((r[0], r[1], (r[2] or 0) if total else 0) for r in rows if r[0] is not None)


def _bucketed(qs: QuerySet, field: str, key, total: str) -> list[tuple[date, int, int]]:
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, n, t in per_day(qs, field, total=total):
        bucket = counts[key(day)]
        bucket[0] += n
        bucket[1] += t
    return [(k, n, t) for k, (n, t) in sorted(counts.items())]


def per_week(qs: QuerySet, field: str, *, total: str = "") -> list[tuple[date, int, int]]:
    """(Monday of the ISO week, records, sum of `total`) for each week holding a record, oldest first."""
    return _bucketed(qs, field, monday, total)


def per_month(qs: QuerySet, field: str, *, total: str = "") -> list[tuple[date, int, int]]:
    """(first day of the month, records, sum of `total`) for each month holding a record, oldest first."""
    return _bucketed(qs, field, first_of_month, total)


class _Scanned(Func):
    """A column as it is, written `+column` on SQLite: the idiom that keeps its planner from answering a GROUP BY by
    walking the column's index (see scanned)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


def scanned(field: str):
    """`field` as an expression to group by (annotate a name with it, group by that name): the same values, but no
    index answers the grouping. Grouping a million rows on an indexed column, SQLite walks that index to skip the
    sort and looks up every row for the other columns (~1.8 s for the activities of a province by group and
    method); on the expressions it reads the table (or a covering index) and sorts (~0.6 s). PostgreSQL hashes
    either way and sees the plain column."""
    return _Scanned(F(field))


class _ScannedDay(_Scanned):
    output_field = CharField()  # no converter: read by to_date


def scanned_day(field: str):
    """scanned() of a date column, read without Django's converter: SQLite keeps dates as ISO text, which Django
    parses in Python one row at a time (~4 µs a row: 12 ms for the 3,000 days of one group's activities). Read
    each value with to_date."""
    return _ScannedDay(F(field))


def to_date(value) -> date | None:
    """A day read through scanned_day: SQLite's ISO text, or the date PostgreSQL's driver gives."""
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)
