"""Pre-aggregated reported figures (issue 9, DESIGN §10): what the dashboard and the briefing read instead of
summing every value.

A province reports 5,000,000 values (weekly, per org and indicator); "the figure as of a day" of an indicator is
the sum (or the largest value, or the latest period's sum) over every period ending by then. `Total` keeps, per
data set × indicator × period, the sum and largest value over the reporting orgs and the running sum and largest
value over the periods so far; `Reporter` keeps the first period each org reported. A figure as of a day then reads
one row per data set and indicator (end_date <= day < next_end), a few thousand rows for the province.

`refresh(dataset, indicators, orgs)` recomputes the series of those indicators (and those orgs' first periods)
from the values, in the caller's transaction: stats.services.set_values calls it for every write, so the totals
are never stale; `rebuild()` recomputes everything (the demo loader, bench/generate and the migration that
created the tables). Who may read them: `access.sees_every_value` — otherwise the reports sum the values the
viewer may see, as before.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min, Sum

from .models import DataSet, DataValue, Reporter, Total

BATCH = 2_000


def _series_rows(dataset: DataSet, values) -> list[Total]:
    """Total rows of one data set from its values grouped by indicator and period."""
    grouped = (
        values.order_by()
        .values("indicator_id", "period_id", "period__start_date", "period__end_date")
        .annotate(total=Sum("value"), top=Max("value"))
    )
    by_indicator: dict[int, list[dict]] = {}
    for r in grouped:
        by_indicator.setdefault(r["indicator_id"], []).append(r)
    rows = []
    for indicator_id, periods in by_indicator.items():
        periods.sort(key=lambda r: (r["period__end_date"], r["period__start_date"], r["period_id"]))
        running_total, running_top = Decimal(0), None
        for i, r in enumerate(periods):
            running_total += r["total"]
            running_top = r["top"] if running_top is None else max(running_top, r["top"])
            following = periods[i + 1]["period__end_date"] if i + 1 < len(periods) else None
            rows.append(
                Total(
                    dataset_id=dataset.pk,
                    group_id=dataset.group_id,
                    indicator_id=indicator_id,
                    period_id=r["period_id"],
                    start_date=r["period__start_date"],
                    end_date=r["period__end_date"],
                    next_end=following,
                    total=r["total"],
                    top=r["top"],
                    running_total=running_total,
                    running_top=running_top,
                )
            )
    return rows


def _reporter_rows(dataset: DataSet, values) -> list[Reporter]:
    firsts = values.order_by().values("org_id").annotate(first=Min("period__end_date"))
    return [
        Reporter(dataset_id=dataset.pk, group_id=dataset.group_id, org_id=r["org_id"], first_end=r["first"])
        for r in firsts
    ]


def refresh(dataset: DataSet, indicator_ids, org_ids) -> None:
    """Recompute the totals of these indicators of `dataset` and the first periods of these orgs, from the
    values as they are now in this transaction (a few thousand values: one data set's series)."""
    indicator_ids, org_ids = list(indicator_ids), list(org_ids)
    with transaction.atomic():
        values = DataValue.objects.filter(dataset=dataset, indicator_id__in=indicator_ids)
        Total.objects.filter(dataset=dataset, indicator_id__in=indicator_ids).delete()
        Total.objects.bulk_create(_series_rows(dataset, values), batch_size=BATCH)
        Reporter.objects.filter(dataset=dataset, org_id__in=org_ids).delete()
        mine = DataValue.objects.filter(dataset=dataset, org_id__in=org_ids)
        Reporter.objects.bulk_create(_reporter_rows(dataset, mine), batch_size=BATCH)


def rebuild(datasets=None) -> int:
    """Recompute every total (of `datasets`, default all) from the values; returns the rows written."""
    written = 0
    with transaction.atomic():
        qs = DataSet.objects.order_by("pk") if datasets is None else datasets
        for dataset in qs:
            Total.objects.filter(dataset=dataset).delete()
            Reporter.objects.filter(dataset=dataset).delete()
            values = DataValue.objects.filter(dataset=dataset)
            rows = _series_rows(dataset, values)
            Total.objects.bulk_create(rows, batch_size=BATCH)
            Reporter.objects.bulk_create(_reporter_rows(dataset, values), batch_size=BATCH)
            written += len(rows)
    return written
