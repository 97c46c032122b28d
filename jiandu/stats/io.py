"""xlsx of data values (DESIGN §7): the filtered export, and the import whose template is the export.

Import is all-or-nothing: every row is checked (org, period, indicator, number, locks, rules per org × period)
with bulk lookups, every error is reported with its row and column in Chinese, and nothing is written unless
there are none. Then each org × period is written through the same service as the entry form.
"""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from jiandu.core import audit, exports
from jiandu.core.access import access, principal, require, visible_to
from jiandu.core.enums import EventType, Outcome
from jiandu.core.errors import AppError, ImportFailed, NotFound
from jiandu.core.xlsx import Column, RowErrors, read_rows, text
from jiandu.organizations.models import Org

from . import selectors, services
from .access import may_enter
from .models import DataSet
from .periods import parse_code
from .selectors import dataset_indicators

COLUMNS = [
    Column("org_code", "单位编码", 16, required=True),
    Column("org_name", "单位名称", 30),
    Column("period", "统计周期", 24, required=True),
    Column("indicator_code", "指标编码", 16, required=True),
    Column("indicator_name", "指标名称", 30),
    Column("unit", "单位", 8),
    Column("value", "数值", 14, required=True),
    Column("comment", "备注", 30),
]


VALUE_FIELDS = (
    "org__code", "org__name", "period__code", "indicator__code", "indicator__name", "indicator__unit", "value",
    "comment",
)  # fmt: skip


def value_rows(values, user=None):
    """Plain values with their joins, streamed (no model instances: a data set may hold millions of values)."""
    rows = values.select_related(None).values_list(*VALUE_FIELDS)
    for org_code, org_name, period, code, name, unit, value, comment in exports.each(rows):
        yield {
            "org_code": org_code,
            "org_name": org_name,
            "period": period,
            "indicator_code": code,
            "indicator_name": name,
            "unit": unit,
            "value": int(value) if value == value.to_integral_value() else float(value),
            "comment": comment,
        }


def select_values(user, params, *, pk) -> exports.Selection:
    """The values of one data set (visible and exportable, else 404 / 403) one may see, filtered by org (with
    its sub-units) and period (?org=&period=)."""
    dataset = access(user, DataSet, pk, action="export", qs=DataSet.objects.select_related("group"))
    org = access(user, Org, params["org"]) if params.get("org") else None
    period = None
    if params.get("period"):
        key = parse_code(params["period"])
        if key.kind != dataset.frequency:
            raise NotFound("统计周期与数据集的填报频率不符。")
        period = services.period_get(key)
    values = selectors.values_for(user, dataset=dataset, org=org, period=period, subtree=True)
    filters = {k: params.get(k) for k in ("org", "period") if params.get(k)}
    return exports.Selection(values, filters, obj=dataset, title=dataset.name)


VALUES = exports.register(
    exports.Ledger(
        name="stats_values",
        title="统计数据",
        model=DataSet,
        columns=COLUMNS,
        select=select_values,
        rows=value_rows,
    )
)


def datavalue_import(*, actor, dataset: DataSet, upload) -> int:
    """Import values of one data set from .xlsx: all or nothing. Returns the number of values written."""
    require(actor, "import", dataset)
    try:
        count = _import(actor, dataset, upload)
    except ImportFailed as e:
        audit.record(
            EventType.IMPORT, actor=actor, obj=dataset, outcome=Outcome.FAILURE, details={"errors": len(e.rows)}
        )
        raise
    audit.record(EventType.IMPORT, actor=actor, obj=dataset, details={"rows": count})
    return count


def _import(actor, dataset, upload) -> int:
    rows = read_rows(upload, COLUMNS)
    errors = RowErrors(COLUMNS)
    if not rows:
        errors.add(None, "value", "文件中没有数据行。")
        errors.raise_if_any()
    p = principal(actor)
    indicators = {i.code: i for i in dataset_indicators(dataset)}
    codes = {text(r["org_code"]) for _, r in rows}
    orgs = {o.code: o for o in visible_to(actor, Org).filter(code__in=codes)}
    reporting = set(dataset.reporting_orgs.values_list("pk", flat=True))
    periods = {}
    groups: dict[tuple[int, str], dict] = defaultdict(lambda: {"values": {}, "comments": {}, "rows": {}})
    for n, r in rows:
        org = orgs.get(text(r["org_code"]))
        if org is None:
            errors.add(n, "org_code", f"单位编码“{text(r['org_code'])}”不存在或无权填报。")
        elif org.pk not in reporting:
            errors.add(n, "org_code", f"{org.name}不是该数据集的填报单位。")
        elif not may_enter(p, dataset, org):
            errors.add(n, "org_code", f"无权填报{org.name}的数据。")
            org = None
        code = text(r["period"])
        key = periods.get(code)
        if key is None:
            try:
                key = periods[code] = parse_code(code)
            except AppError as e:
                errors.add(n, "period", e.message)
        if key is not None and key.kind != dataset.frequency:
            errors.add(n, "period", f"统计周期“{code}”与数据集的填报频率（{dataset.get_frequency_display()}）不符。")
            key = None
        ind = indicators.get(text(r["indicator_code"]))
        if ind is None:
            errors.add(n, "indicator_code", f"指标编码“{text(r['indicator_code'])}”不属于该数据集。")
        value = r["value"]
        if ind is not None:
            if value is None or text(value) == "":
                errors.add(n, "value", f"「{ind.name}」的数值不能为空。")
            else:
                parsed, error = services.parse_value(value, ind)
                if error:
                    errors.add(n, "value", error)
                value = parsed
        if org is not None and key is not None and ind is not None:
            g = groups[(org.pk, key.code)]
            if ind.pk in g["values"]:
                errors.add(n, "indicator_code", f"与第{g['rows'][ind.pk]}行重复：同一单位、周期、指标只能有一行。")
            g["values"][ind.pk], g["comments"][ind.pk], g["rows"][ind.pk] = value, text(r["comment"]), n
    errors.raise_if_any()
    with transaction.atomic():
        count, entries, now = 0, [], timezone.now()
        by_pk = {o.pk: o for o in orgs.values()}
        for (org_id, code), g in groups.items():
            period = services.period_get(periods[code])
            try:
                entries += services.set_values(
                    actor=actor,
                    dataset=dataset,
                    org=by_pk[org_id],
                    period=period,
                    values=g["values"],
                    comments=g["comments"],
                    versions={},
                    now=now,
                )
            except AppError as e:
                first = min(g["rows"].values())
                errors.add(first, "value", f"{by_pk[org_id].name} {period.name}：{e.message}")
            count += len(g["values"])
        if errors.items:
            transaction.set_rollback(True)
        else:
            audit.record_many(entries, actor=actor)
    errors.raise_if_any()
    return count
