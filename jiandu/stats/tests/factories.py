import datetime

from jiandu.stats.enums import Aggregation, Frequency, Operator
from jiandu.stats.models import DataSet, DataSetIndicator, Indicator, ValidationRule


def indicator(code, name, unit="人次", aggregation=Aggregation.SUM, decimals=0) -> Indicator:
    return Indicator.objects.create(code=code, name=name, unit=unit, aggregation=aggregation, decimals=decimals)


def dataset(
    group, reporting, indicators, *, name="下沉社区周报", frequency=Frequency.WEEKLY, rules=(), **kw
) -> DataSet:
    ds = DataSet.objects.create(
        group=group,
        name=name,
        frequency=frequency,
        start_date=kw.pop("start_date", datetime.date(2022, 4, 4)),
        end_date=kw.pop("end_date", datetime.date(2022, 5, 1)),
        **kw,
    )
    for i, ind in enumerate(indicators):
        DataSetIndicator.objects.create(dataset=ds, indicator=ind, sort_order=i)
    ds.reporting_orgs.set(reporting)
    for left, right in rules:
        ValidationRule.objects.create(dataset=ds, left=left, operator=Operator.GTE, right=right)
    return ds
