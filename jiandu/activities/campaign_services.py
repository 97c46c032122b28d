"""Every write of campaigns (专项监督): plan and edit, each in one transaction with its audit event.

The office plans for any group or province-wide (group NULL); a group plans its own. Progress is not stored:
selectors.campaign_progress counts the linked activities.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from jiandu.core import audit
from jiandu.core.access import require, visible_to
from jiandu.core.enums import EventType
from jiandu.core.errors import ValidationFailed
from jiandu.core.versioning import bump, lock_current
from jiandu.organizations.enums import OrgKind
from jiandu.organizations.models import Org

from .models import Campaign, Topic
from .services import _fail, _full_clean, _ids

CAMPAIGN_FIELDS = [
    "group",
    "title",
    "topic",
    "start_date",
    "end_date",
    "description",
    "planned_checks",
    "planned_sites",
    "planned_days",
]


def _campaign_checks(actor, *, group, title, topic, start_date, end_date, scope_orgs, planned, current=None):
    errors: dict[str, str] = {}
    if group is not None and group.kind != OrgKind.GROUP:
        errors["group"] = "请选择纪检监察组，或留空表示全省性的专项监督。"
    if not (title or "").strip():
        errors["title"] = "请填写名称。"
    if topic is None:
        errors["topic"] = "请选择监督主题。"
    elif not topic.is_active and (current is None or current.topic_id != topic.pk):
        errors["topic"] = "该监督主题已停用。"
    if start_date is None:
        errors["start_date"] = "请填写开始日期。"
    if end_date is None:
        errors["end_date"] = "请填写结束日期。"
    elif start_date is not None and end_date < start_date:
        errors["end_date"] = "结束日期不能早于开始日期。"
    for name, value in planned.items():
        if value is not None and value < 0:
            errors[name] = "计划数不能为负数。"
    if scope_orgs:
        found = visible_to(actor, Org).filter(pk__in=scope_orgs).count()
        if found != len(scope_orgs):
            errors["scope_orgs"] = "监督范围中有不存在或无权使用的单位。"
    _fail(errors)


@transaction.atomic
def campaign_create(
    *,
    actor,
    group: Org | None,
    title: str,
    topic: Topic | None,
    start_date: date,
    end_date: date,
    scope_orgs: Iterable = (),
    description: str = "",
    planned_checks: int | None = None,
    planned_sites: int | None = None,
    planned_days: int | None = None,
) -> Campaign:
    """Plan a campaign (专项监督). The office plans for any group or province-wide (group None); a group plans
    its own. Records a CREATE audit event."""
    require(actor, "create", Campaign(group=group))
    scope_orgs = _ids(scope_orgs)
    planned = {"planned_checks": planned_checks, "planned_sites": planned_sites, "planned_days": planned_days}
    _campaign_checks(
        actor,
        group=group,
        title=title,
        topic=topic,
        start_date=start_date,
        end_date=end_date,
        scope_orgs=scope_orgs,
        planned=planned,
    )
    campaign = Campaign(
        group=group,
        title=title.strip(),
        topic=topic,
        start_date=start_date,
        end_date=end_date,
        description=(description or "").strip(),
        created_by=actor,
        **planned,
    )
    _full_clean(campaign)
    _check_title_free(campaign)
    campaign.save()
    campaign.scope_orgs.set(scope_orgs)
    audit.record_change(actor, campaign, before=None, fields=CAMPAIGN_FIELDS, extra={"scope_orgs": scope_orgs})
    return campaign


def _check_title_free(campaign: Campaign) -> None:
    qs = Campaign.objects.filter(group=campaign.group, title=campaign.title, start_date=campaign.start_date)
    if campaign.pk:
        qs = qs.exclude(pk=campaign.pk)
    if qs.exists():
        raise ValidationFailed("同名、同开始日期的专项监督已存在。", fields={"title": ["名称重复。"]})


@transaction.atomic
def campaign_update(
    *,
    actor,
    campaign: Campaign,
    expected_version: int | None,
    title: str,
    topic: Topic | None,
    start_date: date,
    end_date: date,
    scope_orgs: Iterable = (),
    description: str = "",
    planned_checks: int | None = None,
    planned_sites: int | None = None,
    planned_days: int | None = None,
) -> Campaign:
    """Edit a campaign (its group is fixed). A save over a newer version is a Conflict. Records an UPDATE
    audit event when something changed."""
    require(actor, "change", campaign)
    campaign = lock_current(campaign, expected_version)
    scope_orgs = _ids(scope_orgs)
    planned = {"planned_checks": planned_checks, "planned_sites": planned_sites, "planned_days": planned_days}
    _campaign_checks(
        actor,
        group=campaign.group,
        title=title,
        topic=topic,
        start_date=start_date,
        end_date=end_date,
        scope_orgs=scope_orgs,
        planned=planned,
        current=campaign,
    )
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS) | {"scope_orgs": _ids(campaign.scope_orgs.all())}
    campaign.title, campaign.topic = title.strip(), topic
    campaign.start_date, campaign.end_date = start_date, end_date
    campaign.description = (description or "").strip()
    for name, value in planned.items():
        setattr(campaign, name, value)
    after = audit.snapshot(campaign, CAMPAIGN_FIELDS) | {"scope_orgs": scope_orgs}
    changes = audit.diff(before, after)
    if not changes:
        return campaign
    bump(campaign)
    _full_clean(campaign)
    _check_title_free(campaign)
    campaign.save()
    if "scope_orgs" in changes:
        campaign.scope_orgs.set(scope_orgs)
    audit.record(EventType.UPDATE, actor=actor, obj=campaign, details={"changes": changes})
    return campaign
