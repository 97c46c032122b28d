"""Every write of reported statistics: indicators, data sets and rules, data entry, approval and locking.

Each service checks the actor through the access policy, runs in one transaction, validates with full_clean and
the data set's rules, detects concurrent edits by version, and records the audit event with the write.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import principal, require
from jiandu.core.enums import EventType
from jiandu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiandu.core.versioning import bump, lock_current
from jiandu.organizations.enums import OrgKind

from . import totals
from .access import in_group, may_enter
from .enums import ApprovalStatus, Operator
from .models import Approval, DataSet, DataSetIndicator, DataValue, Indicator, Period, ValidationRule
from .periods import PeriodKey, parse_code

INDICATOR_FIELDS = ["code", "name", "unit", "aggregation", "decimals", "wording", "description", "is_active"]
DATASET_FIELDS = ["name", "group", "frequency", "start_date", "end_date", "due_days", "description", "is_active"]
OPERATOR_TEXT = {Operator.GTE: "不应小于", Operator.LTE: "不应大于", Operator.EQ: "应等于"}


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as e:
        fields = {k: [str(m) for m in v] for k, v in e.message_dict.items()}
        first = next(iter(fields.values()))[0] if fields else "内容有误。"
        raise ValidationFailed(first, fields=fields) from None


# --- Periods ---


def period_get(key: PeriodKey | str) -> Period:
    """The Period row of a code or key, created on first use (periods are reference data, not audited)."""
    if isinstance(key, str):
        key = parse_code(key)
    period, _ = Period.objects.get_or_create(
        code=key.code,
        defaults={"kind": key.kind, "start_date": key.start_date, "end_date": key.end_date, "name": key.name},
    )
    return period


def due_on(dataset: DataSet, period: Period) -> date:
    from datetime import timedelta

    return period.end_date + timedelta(days=dataset.due_days)


# --- Indicators ---


@transaction.atomic
def indicator_create(*, actor, **fields) -> Indicator:
    """New indicator (office or a group leader); the code is unique."""
    require(actor, "create", Indicator)
    if Indicator.objects.filter(code=fields.get("code")).exists():
        raise ValidationFailed(f"指标编码“{fields.get('code')}”已存在。", fields={"code": ["指标编码已存在。"]})
    indicator = Indicator(**{k: v for k, v in fields.items() if k in INDICATOR_FIELDS})
    _clean(indicator)
    indicator.save()
    audit.record_change(actor, indicator, before=None, fields=INDICATOR_FIELDS)
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, expected_version: int | None, **fields) -> Indicator:
    require(actor, "change", indicator)
    indicator = lock_current(indicator, expected_version)
    before = audit.snapshot(indicator, INDICATOR_FIELDS)
    taken = Indicator.objects.filter(code=fields.get("code")).exclude(pk=indicator.pk)
    if "code" in fields and taken.exists():
        raise ValidationFailed(f"指标编码“{fields['code']}”已存在。", fields={"code": ["指标编码已存在。"]})
    for k, v in fields.items():
        if k in INDICATOR_FIELDS:
            setattr(indicator, k, v)
    _clean(indicator)
    bump(indicator)
    indicator.save()
    audit.record_change(actor, indicator, before=before, fields=INDICATOR_FIELDS)
    return indicator


# --- Data sets and rules ---


def _check_group(actor, group) -> None:
    p = principal(actor)
    if group.kind != OrgKind.GROUP:
        raise ValidationFailed("数据集须属于一个纪检监察组。", fields={"group": ["请选择纪检监察组。"]})
    if not (p.has("office_staff") or in_group(p, group.pk, "group_leader")):
        raise PermissionDenied("只有派驻机构管理室或本组组长可以维护本组的数据集。")


def _set_members(dataset: DataSet, indicators, reporting_orgs) -> None:
    if indicators is not None:
        DataSetIndicator.objects.filter(dataset=dataset).delete()
        DataSetIndicator.objects.bulk_create(
            [DataSetIndicator(dataset=dataset, indicator=ind, sort_order=i) for i, ind in enumerate(indicators)]
        )
    if reporting_orgs is not None:
        bad = [o.name for o in reporting_orgs if o.kind not in (OrgKind.DEPARTMENT, OrgKind.UNIT)]
        if bad:
            raise ValidationFailed(f"填报单位须为驻在部门或下属单位：{'、'.join(bad)}。")
        dataset.reporting_orgs.set(reporting_orgs)


@transaction.atomic
def dataset_create(*, actor, group, indicators=(), reporting_orgs=(), **fields) -> DataSet:
    """New data set of a group (office, or that group's leader) with its ordered indicators and reporting orgs."""
    require(actor, "create", DataSet)
    _check_group(actor, group)
    dataset = DataSet(group=group, **{k: v for k, v in fields.items() if k in DATASET_FIELDS and k != "group"})
    _clean(dataset)
    dataset.save()
    _set_members(dataset, list(indicators), list(reporting_orgs))
    audit.record_change(
        actor,
        dataset,
        before=None,
        fields=DATASET_FIELDS,
        extra={"indicators": [i.code for i in indicators], "reporting_orgs": [o.pk for o in reporting_orgs]},
    )
    return dataset


@transaction.atomic
def dataset_update(
    *, actor, dataset: DataSet, expected_version: int | None, indicators=None, reporting_orgs=None, **fields
) -> DataSet:
    require(actor, "change", dataset)
    dataset = lock_current(dataset, expected_version)
    before = audit.snapshot(dataset, DATASET_FIELDS)
    for k, v in fields.items():
        if k in DATASET_FIELDS and k != "group":
            setattr(dataset, k, v)
    _clean(dataset)
    bump(dataset)
    dataset.save()
    _set_members(dataset, list(indicators) if indicators is not None else None, reporting_orgs)
    extra = {}
    if indicators is not None:
        extra["indicators"] = [i.code for i in indicators]
    if reporting_orgs is not None:
        extra["reporting_orgs"] = [o.pk for o in reporting_orgs]
    audit.record_change(actor, dataset, before=before, fields=DATASET_FIELDS, extra=extra)
    return dataset


@transaction.atomic
def rule_add(
    *, actor, dataset: DataSet, left: Indicator, operator: str, right: Indicator, message=""
) -> ValidationRule:
    """A cross-indicator rule, e.g. 下沉人次 ≥ 下沉人数; both indicators must belong to the data set."""
    require(actor, "change", dataset)
    members = set(dataset.members.values_list("indicator_id", flat=True))
    if left.pk not in members or right.pk not in members:
        raise ValidationFailed("校验规则的两个指标都须属于该数据集。")
    rule = ValidationRule(dataset=dataset, left=left, operator=operator, right=right, message=message)
    _clean(rule)
    rule.save()
    audit.record(EventType.CREATE, actor=actor, obj=rule, details={"rule": str(rule), "dataset": dataset.pk})
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: ValidationRule) -> None:
    """Remove a validation rule of a data set (who may change the data set); values already entered stay."""
    require(actor, "change", rule.dataset)
    rule = ValidationRule.objects.select_for_update().select_related("left", "right").filter(pk=rule.pk).first()
    if rule is None:
        raise NotFound("该校验规则已被删除。")
    audit.record(EventType.DELETE, actor=actor, obj=rule, details={"rule": str(rule), "dataset": rule.dataset_id})
    rule.delete()


# --- Locking ---


def lock_of(dataset: DataSet, org, period: Period) -> Approval | None:
    """The approval that covers `org` for the period (on the org itself or an ancestor), if any; locked first."""
    rows = Approval.objects.filter(dataset=dataset, period=period).select_related("org")
    covering = [a for a in rows if org.path.startswith(a.org.path)]
    covering.sort(key=lambda a: a.status != ApprovalStatus.LOCKED)
    return covering[0] if covering else None


def _require_unlocked(dataset, org, period) -> list[Approval]:
    """Raise if the period is locked for the org; return the (unlocked) approvals that a change withdraws."""
    rows = [a for a in Approval.objects.filter(dataset=dataset, period=period).select_related("org")]
    covering = [a for a in rows if org.path.startswith(a.org.path)]
    for a in covering:
        if a.status == ApprovalStatus.LOCKED:
            raise ValidationFailed(
                f"{period.name}的数据已由{a.org.display_name}审核锁定，不能修改；如需修改请组长先解锁。", code="locked"
            )
    return covering


# --- Data entry ---


def parse_value(raw, indicator: Indicator) -> tuple[Decimal | None, str | None]:
    """(value, error) from a form/import/API input; blank is None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None, f"「{indicator.name}」应填写数字。"
    if not value.is_finite():
        return None, f"「{indicator.name}」应填写数字。"
    if value < 0:
        return None, f"「{indicator.name}」不能为负数。"
    if -value.as_tuple().exponent > indicator.decimals and value != value.quantize(
        Decimal(1).scaleb(-indicator.decimals)
    ):
        return None, f"「{indicator.name}」最多保留{indicator.decimals}位小数。"
    if value >= Decimal(10) ** 14:
        return None, f"「{indicator.name}」数值过大。"
    return value, None


def check_rules(rules, values: dict[int, Decimal | None]) -> list[tuple[Indicator, str]]:
    """Cross-indicator rules over the values of one org and period ({indicator_id: value}); blank sides pass."""
    errors = []
    for rule in rules:
        lv, rv = values.get(rule.left_id), values.get(rule.right_id)
        if lv is None or rv is None:
            continue
        ok = {Operator.GTE: lv >= rv, Operator.LTE: lv <= rv, Operator.EQ: lv == rv}[rule.operator]
        if not ok:
            text = rule.message or f"「{rule.left.name}」{OPERATOR_TEXT[rule.operator]}「{rule.right.name}」"
            errors.append(
                (rule.left, f"{text}（{lv.normalize():f} {rule.get_operator_display()} {rv.normalize():f} 不成立）。")
            )
    return errors


def _check_target(actor, dataset: DataSet, org, period: Period) -> None:
    if not dataset.is_active:
        raise ValidationFailed("该数据集已停用。")
    if not dataset.reporting_orgs.filter(pk=org.pk).exists():
        raise ValidationFailed(
            f"{org.display_name}不是“{dataset.name}”的填报单位。", fields={"org": ["不是填报单位。"]}
        )
    if period.kind != dataset.frequency:
        raise ValidationFailed(
            f"统计周期“{period.name}”与数据集的填报频率（{dataset.get_frequency_display()}）不符。",
            fields={"period": ["周期类型不符。"]},
        )
    if not may_enter(principal(actor), dataset, org):
        raise PermissionDenied("只有填报单位的联络员或本组人员可以填报该单位的数据。")


def set_values(*, actor, dataset, org, period, values: dict, comments: dict, versions: dict, now):
    """Validate and write one org × period; returns (audit entries, changed count). Raises ValidationFailed."""
    _check_target(actor, dataset, org, period)
    approvals = _require_unlocked(dataset, org, period)
    indicators = {m.indicator_id: m.indicator for m in dataset.members.select_related("indicator")}
    existing = {
        v.indicator_id: v for v in DataValue.objects.select_for_update().filter(org=org, period=period, dataset=dataset)
    }
    errors: dict[str, list[str]] = {}
    parsed: dict[int, Decimal | None] = {}
    for ind_id, raw in values.items():
        ind = indicators.get(ind_id)
        if ind is None:
            raise ValidationFailed("指标不属于该数据集。")
        value, error = parse_value(raw, ind)
        if error:
            errors.setdefault(ind.code, []).append(error)
        parsed[ind_id] = value
        expected = versions.get(ind_id)
        current = existing.get(ind_id)
        if expected is not None and int(expected) != (current.version if current else 0):
            raise Conflict(f"「{ind.name}」已被他人修改，请刷新页面后重新填报。")
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    merged = {i: v.value for i, v in existing.items()}
    merged.update(parsed)
    rule_errors = check_rules(dataset.rules.select_related("left", "right"), merged)
    if rule_errors:
        fields = {}
        for ind, msg in rule_errors:
            fields.setdefault(ind.code, []).append(msg)
        raise ValidationFailed(rule_errors[0][1], fields=fields)
    entries = []
    for ind_id, value in parsed.items():
        current, comment = existing.get(ind_id), (comments.get(ind_id) or "").strip()[:200]
        if value is None:
            if current is not None:
                entries.append(
                    {"event_type": EventType.DELETE, "obj": current, "details": {"value": str(current.value)}}
                )
                current.delete()
            continue
        if current is None:
            dv = DataValue(dataset=dataset, indicator_id=ind_id, org=org, period=period, value=value, comment=comment)
            dv.entered_by, dv.entered_at = actor, now
            _clean(dv)
            dv.save()
            entries.append(
                audit.change_entry(dv, before=None, fields=["org", "period", "indicator", "value", "comment"])
            )
        elif current.value != value or current.comment != comment:
            before = audit.snapshot(current, ["value", "comment"])
            current.value, current.comment, current.entered_by, current.entered_at = value, comment, actor, now
            bump(current)
            current.save()
            entries.append(audit.change_entry(current, before=before, fields=["value", "comment"]))
    if entries:
        totals.refresh(dataset, parsed, [org.pk])  # the pre-aggregated figures, in this transaction
        for a in approvals:  # an approved (unlocked) figure that changes is no longer approved
            entries.append(
                {
                    "event_type": EventType.TRANSITION,
                    "obj": a,
                    "details": {"from": a.status, "to": "", "note": "数据已修改，审核撤回"},
                }
            )
            a.delete()
    return entries


@transaction.atomic
def datavalue_set_many(
    *,
    actor,
    dataset: DataSet,
    org,
    period: Period,
    values: dict,
    comments: dict | None = None,
    versions: dict | None = None,
) -> int:
    """Enter the figures of one org for one period (all indicators of the data set at once).

    `values` maps indicator id → number (blank clears the value). Refused when the period is locked for the org
    (or an ancestor), when a value is negative or not a number, or when a validation rule fails; `versions`
    (indicator id → version read, 0 for none) detects concurrent edits. A change withdraws an unlocked approval.
    """
    entries = set_values(
        actor=actor,
        dataset=dataset,
        org=org,
        period=period,
        values=values,
        comments=comments or {},
        versions=versions or {},
        now=timezone.now(),
    )
    audit.record_many(entries, actor=actor)
    return len(entries)


# --- Approval and locking ---


@transaction.atomic
def approval_approve(*, actor, dataset: DataSet, org, period: Period, lock: bool = True) -> Approval:
    """The owning group's leader approves (and by default locks) the figures of an org and its subtree."""
    require(actor, "approve", dataset)
    if not dataset.reporting_orgs.filter(path__startswith=org.path).exists():
        raise ValidationFailed(f"{org.display_name}及其下级单位都不填报“{dataset.name}”。")
    if period.kind != dataset.frequency:
        raise ValidationFailed("统计周期与数据集的填报频率不符。")
    status = ApprovalStatus.LOCKED if lock else ApprovalStatus.APPROVED
    approval = Approval.objects.select_for_update().filter(dataset=dataset, org=org, period=period).first()
    before = approval.status if approval else ""
    if approval is None:
        approval = Approval(dataset=dataset, org=org, period=period)
    elif approval.status == status:
        raise ValidationFailed(f"{org.display_name}{period.name}的数据已{approval.get_status_display()}。")
    else:
        bump(approval)
    approval.status, approval.approved_by, approval.approved_at = status, actor, timezone.now()
    _clean(approval)
    approval.save()
    audit.record(
        EventType.TRANSITION,
        actor=actor,
        obj=approval,
        details={"from": before, "to": status, "dataset": dataset.pk, "org": org.pk, "period": period.code},
    )
    return approval


@transaction.atomic
def approval_unlock(*, actor, dataset: DataSet, org, period: Period, reason: str) -> None:
    """The owning group's leader withdraws an approval/lock, with a reason that goes into the audit event."""
    require(actor, "unlock", dataset)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("解锁须填写原因。", fields={"reason": ["请填写解锁原因。"]})
    approval = Approval.objects.select_for_update().filter(dataset=dataset, org=org, period=period).first()
    if approval is None:
        raise ValidationFailed(f"{org.display_name}{period.name}的数据未审核锁定，无需解锁。")
    audit.record(
        EventType.TRANSITION,
        actor=actor,
        obj=approval,
        details={
            "from": approval.status,
            "to": "unlocked",
            "reason": reason,
            "dataset": dataset.pk,
            "org": org.pk,
            "period": period.code,
        },
    )
    approval.delete()
