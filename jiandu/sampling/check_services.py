"""Writes of site checks: checklists (per site type), the check of a site with its item results, photos and
stock counts, and a failed item turned into a problem in one click (problems.services.problem_create)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import principal, require, visible_to
from jiandu.core.attachments import store_upload
from jiandu.core.enums import EventType
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.organizations.enums import GROUP_ROLES, SiteType
from jiandu.organizations.models import Org, Site

from .enums import ItemResult, PlanStatus, Resource
from .models import Assignment, Check, CheckItemResult, CheckTemplate, CheckTemplateItem, Stock

# The seeded checklists (configurable afterwards).
DEFAULT_CHECKLISTS = {
    SiteType.TENT_SITE: (
        "防疫帐篷设置点检查清单",
        ["帐篷固定加固", "棉被配备", "消防器材", "通风照明", "人员值守"],
    ),
    SiteType.COMMUNITY: (
        "社区疫情防控检查清单",
        ["出入口管控与扫码测温", "核酸检测组织有序", "物资保障与配送", "重点人员排查登记", "环境消杀"],
    ),
    SiteType.MARKET: (
        "商超/批发市场检查清单",
        ["扫码测温与人员限流", "人员聚集与一米线", "环境消杀记录", "从业人员核酸检测", "货品供应与价格"],
    ),
}
DEFAULT_ITEMS = ["防控措施落实", "物资保障", "安全管理", "人员值守"]
# Resources counted by default at a site type (the check form offers these rows).
STOCK_RESOURCES = {SiteType.TENT_SITE: [Resource.TENT, Resource.QUILT]}
STOCK_FIELDS = ["site", "group", "counted_on", "resource", "total", "damaged", "replenished", "reinforced"]


def ensure_templates() -> None:
    """The seeded checklists (idempotent)."""
    for site_type, (title, items) in DEFAULT_CHECKLISTS.items():
        template, _ = CheckTemplate.objects.get_or_create(site_type=site_type, defaults={"title": title})
        for i, text in enumerate(items, start=1):
            CheckTemplateItem.objects.get_or_create(template=template, text=text, defaults={"order": i * 10})


def checklist_for(site_type: str) -> list[CheckTemplateItem]:
    """The active items of a site type's checklist (a generic one is seeded for a type without its own)."""
    ensure_templates()
    template = CheckTemplate.objects.filter(site_type=site_type).first()
    if template is None:
        label = dict(SiteType.choices).get(site_type, site_type)
        template = CheckTemplate.objects.create(site_type=site_type, title=f"{label}检查清单")
        for i, text in enumerate(DEFAULT_ITEMS, start=1):
            CheckTemplateItem.objects.create(template=template, text=text, order=i * 10)
    return list(template.items.filter(is_active=True).order_by("order", "id"))


@transaction.atomic
def template_set_items(*, actor, template: CheckTemplate, items: list[str], expected_version=None) -> CheckTemplate:
    """配置检查清单: the items in order; removed items are deactivated (past results keep their text)."""
    from jiandu.core.versioning import bump, lock_current

    require(actor, "change", template)
    template = lock_current(template, expected_version)
    texts = [" ".join(t.split()) for t in items if t and t.strip()]
    if not texts:
        raise ValidationFailed("检查清单至少要有一项。", fields={"items": ["请填写检查项。"]})
    if len(set(texts)) != len(texts):
        raise ValidationFailed("检查项不能重复。", fields={"items": ["检查项重复。"]})
    before = [i.text for i in template.items.filter(is_active=True).order_by("order", "id")]
    existing = {i.text: i for i in template.items.all()}
    for n, text in enumerate(texts, start=1):
        item = existing.get(text) or CheckTemplateItem(template=template, text=text[:200])
        item.order, item.is_active = n * 10, True
        item.save()
    template.items.exclude(text__in=texts).update(is_active=False)
    bump(template)
    template.save(update_fields=["version", "updated_at"])
    audit.record_change(
        actor, template, before={"items": before}, fields=[], extra={"changes": {"items": [before, texts]}}
    )
    return template


# --- Checks ---


@dataclass
class ItemAnswer:
    item: CheckTemplateItem
    result: str
    note: str = ""
    photo: object = None  # an uploaded file, or None


@dataclass
class StockCount:
    resource: str
    total: int
    damaged: int = 0
    replenished: int = 0
    reinforced: int = 0


def validate_stock(count: StockCount) -> dict[str, list[str]]:
    """The rules of a stock count in Chinese (the database enforces them too)."""
    errors: dict[str, list[str]] = {}
    label = dict(Resource.choices).get(count.resource)
    if label is None:
        return {"resource": ["物资种类不正确。"]}
    for name, cn in (("total", "总数"), ("damaged", "损坏数"), ("replenished", "补充数"), ("reinforced", "加固数")):
        value = getattr(count, name)
        if value is None or int(value) < 0:
            errors[name] = [f"{label}的{cn}不能为负数。"]
    if errors:
        return errors
    if count.damaged > count.total:
        errors["damaged"] = [f"{label}的损坏数（{count.damaged}）不能大于总数（{count.total}）。"]
    if count.replenished > count.damaged:
        errors["replenished"] = [f"{label}的补充数（{count.replenished}）不能大于损坏数（{count.damaged}）。"]
    if count.reinforced > count.total:
        errors["reinforced"] = [f"{label}的加固数（{count.reinforced}）不能大于总数（{count.total}）。"]
    return errors


def _check_group(actor, assignment: Assignment | None, group: Org | None) -> Org:
    """The owning group: the plan's, else the given one or the actor's only group."""
    if assignment is not None and assignment.draw.plan.group_id:
        return assignment.draw.plan.group
    mine = principal(actor).org_ids(*GROUP_ROLES)
    if group is not None:
        if group.pk not in mine:
            raise PermissionDenied("只能以本人所在的纪检监察组记录检查。")
        return group
    if len(mine) != 1:
        raise ValidationFailed("请指定检查所属的纪检监察组。", fields={"group": ["请选择纪检监察组。"]})
    return Org.objects.get(pk=next(iter(mine)))


@transaction.atomic
def check_record(
    *,
    actor,
    site: Site | None = None,
    assignment: Assignment | None = None,
    answers: list[ItemAnswer],
    stock: list[StockCount] = (),
    note: str = "",
    checked_at: datetime | None = None,
    group: Org | None = None,
    inspectors=None,
) -> Check:
    """记录检查结果: an assigned inspector (or a group role of the plan's group) records the check of a drawn site
    once the plan is published; a group role may also check a site outside any plan. Every active checklist item
    of the site type needs an answer (合格/不合格/不适用, a note, a photo); stock counts are validated (damaged ≤
    total, replenished ≤ damaged, reinforced ≤ total, none negative). Writes the check, its results, photos and
    counts and one CREATE audit event."""
    if assignment is not None:
        assignment = Assignment.objects.select_related("draw__plan__group", "site").get(pk=assignment.pk)
        require(actor, "record", assignment)
        plan = assignment.draw.plan
        if plan.status != PlanStatus.PUBLISHED:
            raise ValidationFailed(f"计划当前为「{plan.get_status_display()}」，公开后才能记录检查结果。")
        if assignment.draw.superseded_at is not None:
            raise ValidationFailed("该检查任务所属的抽取已作废（已重新抽取），请按新的抽取结果检查。")
        site = assignment.site
    else:
        plan = None
        if not principal(actor).has(*GROUP_ROLES):
            raise PermissionDenied("只有纪检监察组的组长、组员可以记录检查结果。")
        if site is None or not visible_to(actor, Site).filter(pk=site.pk).exists():
            raise ValidationFailed("请选择检查的点位。", fields={"site": ["请选择点位。"]})
    owner_group = _check_group(actor, assignment, group)
    checked_at = checked_at or timezone.now()
    if checked_at > timezone.now():
        raise ValidationFailed("检查时间不能晚于现在。", fields={"checked_at": ["检查时间不能晚于现在。"]})
    items = checklist_for(site.site_type)
    given = {a.item.pk: a for a in answers}
    missing = [i.text for i in items if i.pk not in given]
    if missing:
        raise ValidationFailed(f"请填写检查项的结果：{'、'.join(missing)}。", fields={"results": ["有检查项未填写。"]})
    valid_ids = {i.pk for i in items}
    for a in answers:
        if a.item.pk not in valid_ids:
            raise ValidationFailed(f"检查项「{a.item.text}」不属于该点位类型的检查清单。")
        if a.result not in ItemResult.values:
            raise ValidationFailed(f"检查项「{a.item.text}」的结果不正确。", fields={"results": ["结果不正确。"]})
        if len(a.note or "") > 500:
            raise ValidationFailed(f"检查项「{a.item.text}」的说明不能超过500个字。")
    errors: dict[str, list[str]] = {}
    resources = [c.resource for c in stock]
    if len(set(resources)) != len(resources):
        errors["stock"] = ["同一种物资只能填写一行。"]
    for c in stock:
        for k, v in validate_stock(c).items():
            errors.setdefault(k, []).extend(v)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    check = Check(
        site=site,
        plan=plan,
        assignment=assignment,
        group=owner_group,
        checked_at=checked_at,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    check.full_clean(exclude=["recorded_by", "assignment", "plan"])
    check.save()
    people = list(inspectors) if inspectors else None
    if people is None:
        people = [actor]
        if assignment is not None:
            people = list(assignment.inspectors.all()) or [actor]
            if actor not in people and principal(actor).user_id:
                people.append(actor)
    check.inspectors.set(people)
    order = {i.pk: n for n, i in enumerate(items)}
    rows = [
        CheckItemResult(
            check_record=check,
            item=a.item,
            text=a.item.text,
            order=order[a.item.pk],
            result=a.result,
            note=(a.note or "").strip(),
        )
        for a in sorted(answers, key=lambda a: order[a.item.pk])
    ]
    CheckItemResult.objects.bulk_create(rows)
    photos = []
    for a in answers:
        if a.photo:
            att = store_upload(
                actor=actor,
                owner=check,
                upload=a.photo,
                caption=a.item.text,
                purpose="item",
                sort_order=order[a.item.pk],
            )
            photos.append(att.original_name)
    counted_on = timezone.localdate(checked_at)
    for c in stock:
        s = Stock(
            site=site,
            check_record=check,
            group=owner_group,
            counted_on=counted_on,
            resource=c.resource,
            total=c.total,
            damaged=c.damaged,
            replenished=c.replenished,
            reinforced=c.reinforced,
        )
        s.full_clean(exclude=["check_record"], validate_unique=False)
        Stock.objects.update_or_create(
            site=site,
            counted_on=counted_on,
            resource=c.resource,
            defaults={
                k: getattr(s, k) for k in ("check_record", "group", "total", "damaged", "replenished", "reinforced")
            },
        )
    audit.record_change(
        actor,
        check,
        before=None,
        fields=["site", "plan", "assignment", "group", "checked_at", "note"],
        extra={
            "results": {r.text: r.result for r in rows},
            "stock": [c.__dict__ for c in stock],
            "photos": photos,
            "inspectors": [u.username for u in people],
        },
    )
    return check


# --- A failed item becomes a problem ---


def _default_category():
    from jiandu.problems.models import Category
    from jiandu.problems.services import ensure_defaults

    ensure_defaults()
    return Category.objects.filter(name="设施安全隐患").first() or Category.objects.order_by("sort_order").first()


def _default_severity():
    from jiandu.problems.models import Severity

    return Severity.objects.order_by("level").first()


@transaction.atomic
def check_item_to_problem(
    *,
    actor,
    result: CheckItemResult,
    description: str = "",
    category=None,
    severity=None,
    deadline: date | None = None,
    deadline_days: int | None = 3,
    registered_on: date | None = None,
):
    """一键转为问题: a failed item of a check becomes a problem of the check's group, at the check's site, routed to
    the site's responsible org (whose liaison sees it in their to-do), with the check as its source. Refused for
    an item that did not fail or is already a problem."""
    from jiandu.problems.enums import DeadlineMode, SourceKind
    from jiandu.problems.services import problem_create

    result = CheckItemResult.objects.select_for_update().select_related("check_record__site").get(pk=result.pk)
    check = result.check_record
    require(actor, "create_problem", check)
    if result.result != ItemResult.FAIL:
        raise ValidationFailed("只有不合格的检查项可以转为问题。")
    if result.problem_id:
        raise ValidationFailed(f"该检查项已转为问题{result.problem.number}。", code="already_problem")
    site = check.site
    text = description.strip() or f"{site.name}：{result.text}不合格。{result.note}".strip()
    problem = problem_create(
        actor=actor,
        group=check.group,
        description=text,
        category=category or _default_category(),
        severity=severity or _default_severity(),
        responsible_org=site.responsible_org,
        deadline=deadline,
        deadline_mode=DeadlineMode.DATE if deadline else DeadlineMode.CALENDAR_DAYS,
        deadline_days=None if deadline else deadline_days,
        registered_on=registered_on,
        site=site,
        source_kind=SourceKind.CHECK,
        source_type="sampling.check",
        source_id=check.pk,
    )
    result.problem = problem
    result.save(update_fields=["problem"])
    audit.record(
        EventType.UPDATE,
        actor=actor,
        obj=check,
        details={"item": result.text, "problem": problem.number},
    )
    return problem


@transaction.atomic
def check_item_link_problem(*, actor, result: CheckItemResult, problem) -> CheckItemResult:
    """关联已有问题: a failed item found a problem that was already registered (e.g. from the district's activity);
    link it instead of registering a duplicate. The problem must be at the same site and visible to the actor."""
    from jiandu.problems.models import Problem

    check = result.check_record
    require(actor, "create_problem", check)
    if result.result != ItemResult.FAIL:
        raise ValidationFailed("只有不合格的检查项可以关联问题。")
    if not visible_to(actor, Problem).filter(pk=problem.pk).exists() or problem.site_id != check.site_id:
        raise ValidationFailed("只能关联本点位的、有权查看的问题。")
    before = result.problem.number if result.problem_id else None
    result.problem = problem
    result.save(update_fields=["problem"])
    audit.record(
        EventType.UPDATE,
        actor=actor,
        obj=check,
        details={"item": result.text, "problem": [before, problem.number]},
    )
    return result
