"""Every write of activities (监督检查活动) and campaigns (专项监督).

Each service checks the rule, writes inside one transaction, adds a timeline row (ActivityEvent) and records
the audit event in the same transaction. Edits carry the version they were opened at (optimistic locking).

Dates: an activity records what happened, so neither of its dates may lie after today (Asia/Shanghai). A
stationed stint still going on is recorded up to today and extended by an edit later; planned work belongs
to a campaign, whose period may lie in the future.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import require, visible_to
from jiandu.core.attachments import attachments_of, store_upload
from jiandu.core.enums import EventType
from jiandu.core.errors import NotFound, ValidationFailed
from jiandu.core.models import Attachment
from jiandu.core.versioning import bump, lock_current
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, OrgKind
from jiandu.organizations.models import Org, Site, User

from .enums import CONFIDENTIAL_METHODS, AttachmentPurpose, EventKind, Method
from .models import Activity, ActivityEvent, Campaign, Topic

ACTIVITY_FIELDS = [
    "code",
    "group",
    "method",
    "title",
    "campaign",
    "start_date",
    "end_date",
    "days",
    "leader",
    "external_participants",
    "summary",
    "findings",
    "confidential",
]
ACTIVITY_M2M = ["topics", "participants", "target_orgs", "sites"]
# Who may take part in or lead an activity: supervisors (commission or group roles), never a liaison of the
# supervised org — people from outside go into external_participants as free text.
PARTICIPANT_ROLES = (*COMMISSION_ROLES, *GROUP_ROLES)
TARGET_ORG_KINDS = (OrgKind.DEPARTMENT, OrgKind.UNIT)
MAX_STATIONED_DAYS = 366
FIELD_LABELS = {
    "group": "纪检监察组",
    "method": "方式",
    "title": "标题",
    "campaign": "专项监督",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "days": "驻点天数",
    "leader": "带队领导",
    "external_participants": "外部人员",
    "summary": "情况摘要",
    "findings": "发现问题",
    "confidential": "保密",
    "topics": "监督主题",
    "participants": "参加人员",
    "target_orgs": "监督对象",
    "sites": "监督点位",
    "code": "编号",
}


def today() -> date:
    return timezone.localdate()


# --- Rules shared by the form/API services and the xlsx import ---


def date_errors(method: str, start: date | None, end: date | None, *, on: date | None = None) -> dict[str, str]:
    """{field: Chinese message} for the dates of an activity of `method`."""
    on = on or today()
    errors = {}
    if start is None:
        errors["start_date"] = "请填写开始日期。"
        return errors
    if start > on:
        errors["start_date"] = "活动记录已开展的工作，开始日期不能晚于今天。"
    if end is not None:
        if end < start:
            errors["end_date"] = "结束日期不能早于开始日期。"
        elif end > on:
            errors["end_date"] = "结束日期不能晚于今天；正在进行的驻点监督请先登记到今天，以后再延长。"
        elif method == Method.STATIONED and (end - start).days + 1 > MAX_STATIONED_DAYS:
            errors["end_date"] = f"一次驻点监督不能超过{MAX_STATIONED_DAYS}天，请分段登记。"
    elif method == Method.STATIONED:
        errors["end_date"] = "驻点监督须填写起止日期（驻点天数按起止日期计算）。"
    return errors


def normalized_end(method: str, start: date, end: date | None) -> date | None:
    """A one-day activity keeps no end date, except a stationed one (its range is what counts)."""
    if end is not None and end == start and method != Method.STATIONED:
        return None
    return end


def stationed_days_of(method: str, start: date, end: date | None) -> int:
    """驻点天数: end − start + 1 for a stationed activity, 0 for every other method."""
    if method != Method.STATIONED or end is None:
        return 0
    return (end - start).days + 1


def is_confidential(method: str) -> bool:
    return method in CONFIDENTIAL_METHODS


def eligible_people():
    """Active accounts that may lead or take part in an activity (commission or group roles)."""
    return User.objects.filter(is_active=True, grants__role__in=PARTICIPANT_ROLES).distinct()


def _fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed("；".join(errors.values()), fields={k: [v] for k, v in errors.items()})


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except DjangoValidationError as e:
        fields = {k if k != "__all__" else "non_field_errors": list(v) for k, v in e.message_dict.items()}
        raise ValidationFailed("；".join(m for msgs in fields.values() for m in msgs), fields=fields) from None


def _ids(objs: Iterable) -> list[int]:
    return sorted({o.pk if hasattr(o, "pk") else int(o) for o in objs or ()})


def _check_people(leader, participants: list[int], errors: dict) -> None:
    wanted = set(participants) | ({leader.pk} if leader is not None else set())
    if not wanted:
        return
    ok = set(eligible_people().filter(pk__in=wanted).values_list("pk", flat=True))
    if leader is not None and leader.pk not in ok:
        errors["leader"] = f"带队领导「{leader.display_name}」不是在岗的纪检监察干部账号。"
    bad = [pk for pk in participants if pk not in ok]
    if bad:
        names = "、".join(str(u) for u in User.objects.filter(pk__in=bad)[:5])
        errors["participants"] = (
            f"参加人员「{names}」不是在岗的纪检监察干部账号；驻在部门等外部人员请填在“外部人员”中。"
        )


def _check_orgs_and_sites(actor, target_orgs: list[int], sites: list[int], errors: dict, keep=()) -> None:
    if target_orgs:
        found = set(
            visible_to(actor, Org).filter(pk__in=target_orgs, kind__in=TARGET_ORG_KINDS).values_list("pk", flat=True)
        )
        if set(target_orgs) - found:
            errors["target_orgs"] = "监督对象须为可见的驻在部门或下属单位/属地。"
    if sites:
        found = set(visible_to(actor, Site).filter(pk__in=sites).values_list("pk", flat=True))
        if set(sites) - found:
            errors["sites"] = "监督点位不存在或无权使用。"
        inactive = set(Site.objects.filter(pk__in=sites, is_active=False).values_list("pk", flat=True)) - set(keep)
        if inactive and "sites" not in errors:
            errors["sites"] = "所选点位已停用，不能用于新的检查。"


def _check_topics(topics: list[int], errors: dict, keep=()) -> None:
    if not topics:
        return
    found = dict(Topic.objects.filter(pk__in=topics).values_list("pk", "is_active"))
    if set(topics) - set(found) or any(not active and pk not in keep for pk, active in found.items()):
        errors["topics"] = "监督主题不存在或已停用。"


def _check_campaign(actor, campaign: Campaign | None, group: Org, errors: dict) -> None:
    if campaign is None:
        return
    if not visible_to(actor, Campaign).filter(pk=campaign.pk).exists():
        errors["campaign"] = "专项监督不存在或无权使用。"
    elif campaign.group_id is not None and campaign.group_id != group.pk:
        errors["campaign"] = f"专项监督「{campaign.title}」属于其他纪检监察组。"


def _activity_snapshot(activity: Activity) -> dict:
    values = audit.snapshot(activity, ACTIVITY_FIELDS)
    for name in ACTIVITY_M2M:
        values[name] = sorted(getattr(activity, name).values_list("pk", flat=True))
    return values


def _event(activity, actor, kind, note="", details=None) -> ActivityEvent:
    return ActivityEvent.objects.create(
        activity=activity,
        actor=actor if actor and actor.is_authenticated else None,
        kind=kind,
        note=note[:300],
        details=details or {},
    )


def _store_attachments(actor, activity, photos, files) -> list[Attachment]:
    """Photos are (upload, caption) pairs; files are uploads. Each is checked by content and size."""
    last = attachments_of(activity).order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    stored = []
    for upload, caption in photos or ():
        last += 1
        att = store_upload(
            actor=actor,
            owner=activity,
            upload=upload,
            caption=(caption or "").strip(),
            purpose=AttachmentPurpose.PHOTO,
            sort_order=last,
        )
        if not att.is_image:
            raise ValidationFailed(
                f"“{att.original_name}”不是图片，请作为附件上传。", fields={"photos": ["照片须为图片文件。"]}
            )
        stored.append(att)
    for upload in files or ():
        last += 1
        stored.append(
            store_upload(actor=actor, owner=activity, upload=upload, purpose=AttachmentPurpose.FILE, sort_order=last)
        )
    return stored


def _attachment_details(stored: list[Attachment]) -> dict:
    return {
        "attachments": [
            {"id": a.pk, "name": a.original_name, "sha256": a.sha256, "caption": a.caption, "purpose": a.purpose}
            for a in stored
        ]
    }


# --- Activities ---


def _validated(
    actor,
    *,
    group,
    method,
    title,
    start_date,
    end_date,
    topics,
    campaign,
    leader,
    participants,
    target_orgs,
    sites,
    current: Activity | None = None,
) -> dict:
    errors: dict[str, str] = {}
    if method not in Method.values:
        errors["method"] = "请选择有效的监督方式。"
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写标题。"
    errors.update(date_errors(method, start_date, end_date))
    keep = {} if current is None else {name: _ids(getattr(current, name).all()) for name in ("topics", "sites")}
    _check_topics(topics, errors, keep=keep.get("topics", ()))
    _check_campaign(actor, campaign, group, errors)
    if current is None or leader != current.leader or participants != _ids(current.participants.all()):
        _check_people(leader, participants, errors)
    _check_orgs_and_sites(actor, target_orgs, sites, errors, keep=keep.get("sites", ()))
    _fail(errors)
    return {"title": title, "end_date": normalized_end(method, start_date, end_date)}


@transaction.atomic
def activity_create(
    *,
    actor,
    group: Org,
    method: str,
    title: str,
    start_date: date,
    end_date: date | None = None,
    topics: Iterable = (),
    campaign: Campaign | None = None,
    leader: User | None = None,
    participants: Iterable = (),
    external_participants: str = "",
    target_orgs: Iterable = (),
    sites: Iterable = (),
    summary: str = "",
    findings: str = "",
    photos: Iterable = (),
    files: Iterable = (),
) -> Activity:
    """Record an activity for one of the actor's groups, with its photos (upload, caption) and files.

    Rules: a stationed activity has a date range and counts its days; covert and unannounced activities are
    confidential; dates not after today; leader and participants are active supervisors; target orgs, sites
    and the campaign must be visible to the actor. Side effects: a CREATED timeline row and a CREATE audit event.
    """
    if group is None or group.kind != OrgKind.GROUP:
        raise ValidationFailed("请选择纪检监察组。", fields={"group": ["请选择纪检监察组。"]})
    require(actor, "create", Activity(group=group))
    topics, participants = _ids(topics), _ids(participants)
    target_orgs, sites = _ids(target_orgs), _ids(sites)
    clean = _validated(
        actor,
        group=group,
        method=method,
        title=title,
        start_date=start_date,
        end_date=end_date,
        topics=topics,
        campaign=campaign,
        leader=leader,
        participants=participants,
        target_orgs=target_orgs,
        sites=sites,
    )
    activity = Activity(
        group=group,
        method=method,
        title=clean["title"],
        campaign=campaign,
        start_date=start_date,
        end_date=clean["end_date"],
        days=stationed_days_of(method, start_date, clean["end_date"]),
        leader=leader,
        external_participants=(external_participants or "").strip(),
        summary=(summary or "").strip(),
        findings=(findings or "").strip(),
        confidential=is_confidential(method),
        created_by=actor,
    )
    _full_clean(activity, exclude=["code"])
    activity.save()
    activity.code = activity_code(activity.pk)
    activity.save(update_fields=["code"])
    activity.topics.set(topics)
    activity.participants.set(participants)
    activity.target_orgs.set(target_orgs)
    activity.sites.set(sites)
    stored = _store_attachments(actor, activity, photos, files)
    details = _attachment_details(stored) if stored else {}
    note = f"登记活动，上传照片/附件{len(stored)}个" if stored else "登记活动"
    _event(activity, actor, EventKind.CREATED, note, details)
    audit.record_change(
        actor,
        activity,
        before=None,
        fields=ACTIVITY_FIELDS,
        extra={name: _ids(getattr(activity, name).all()) for name in ACTIVITY_M2M} | details,
    )
    return activity


def activity_code(pk: int) -> str:
    """The human number (编号) of an activity: HD and seven digits."""
    return f"HD{pk:07d}"


@transaction.atomic
def activity_update(
    *,
    actor,
    activity: Activity,
    expected_version: int | None,
    method: str,
    title: str,
    start_date: date,
    end_date: date | None = None,
    topics: Iterable = (),
    campaign: Campaign | None = None,
    leader: User | None = None,
    participants: Iterable = (),
    external_participants: str = "",
    target_orgs: Iterable = (),
    sites: Iterable = (),
    summary: str = "",
    findings: str = "",
) -> Activity:
    """Edit an activity of one's own group (the group itself is fixed). Same rules as activity_create; the
    method decides confidentiality and stationed days again. A save over a newer version is a Conflict.
    Side effects: an UPDATED timeline row with the changes and an UPDATE audit event (none if nothing changed)."""
    require(actor, "change", activity)
    activity = lock_current(activity, expected_version)
    topics, participants = _ids(topics), _ids(participants)
    target_orgs, sites = _ids(target_orgs), _ids(sites)
    clean = _validated(
        actor,
        group=activity.group,
        method=method,
        title=title,
        start_date=start_date,
        end_date=end_date,
        topics=topics,
        campaign=campaign,
        leader=leader,
        participants=participants,
        target_orgs=target_orgs,
        sites=sites,
        current=activity,
    )
    before = _activity_snapshot(activity)
    activity.method, activity.title, activity.campaign = method, clean["title"], campaign
    activity.start_date, activity.end_date = start_date, clean["end_date"]
    activity.days = stationed_days_of(method, start_date, clean["end_date"])
    activity.leader = leader
    activity.external_participants = (external_participants or "").strip()
    activity.summary, activity.findings = (summary or "").strip(), (findings or "").strip()
    activity.confidential = is_confidential(method)
    after = audit.snapshot(activity, ACTIVITY_FIELDS) | {
        "topics": topics,
        "participants": participants,
        "target_orgs": target_orgs,
        "sites": sites,
    }
    changes = audit.diff(before, after)
    if not changes:
        return activity  # nothing changed: no new version, no timeline noise
    bump(activity)
    _full_clean(activity, exclude=["code"])
    activity.save()
    for name in ACTIVITY_M2M:
        if name in changes:
            getattr(activity, name).set(after[name])
    note = "修改：" + "、".join(FIELD_LABELS.get(k, k) for k in changes)
    _event(activity, actor, EventKind.UPDATED, note, {"changes": changes})
    audit.record(EventType.UPDATE, actor=actor, obj=activity, details={"changes": changes})
    return activity


@transaction.atomic
def activity_add_attachments(*, actor, activity: Activity, photos: Iterable = (), files: Iterable = ()) -> list:
    """Add photos (upload, caption) and files to an activity of one's own group. Each upload is checked by
    content and size and stored with its SHA-256 (images get a thumbnail). Side effects: a timeline row and an
    UPDATE audit event listing the files."""
    require(actor, "attach", activity)
    stored = _store_attachments(actor, activity, list(photos or ()), list(files or ()))
    if not stored:
        raise ValidationFailed("请选择要上传的照片或附件。", fields={"photos": ["请选择文件。"]})
    details = _attachment_details(stored)
    names = "、".join(a.original_name for a in stored[:5])
    _event(activity, actor, EventKind.ATTACHMENT_ADDED, f"上传{len(stored)}个：{names}", details)
    audit.record(EventType.UPDATE, actor=actor, obj=activity, details=details | {"action": "attachment_added"})
    return stored


@transaction.atomic
def activity_remove_attachment(*, actor, activity: Activity, attachment_id) -> None:
    """Remove a photo or file of an activity of one's own group. The row goes now; the files on disk go when
    the transaction commits. Side effects: a timeline row and an UPDATE audit event with the file's hash."""
    require(actor, "attach", activity)
    try:
        att = attachments_of(activity).get(pk=int(attachment_id))
    except (Attachment.DoesNotExist, TypeError, ValueError):
        raise NotFound("该照片或附件不存在。") from None
    details = {"attachment": {"id": att.pk, "name": att.original_name, "sha256": att.sha256, "caption": att.caption}}
    file, thumb = att.file, att.thumbnail
    att.delete()

    def remove_files():
        file.delete(save=False)
        if thumb:
            thumb.delete(save=False)

    transaction.on_commit(remove_files)
    _event(activity, actor, EventKind.ATTACHMENT_REMOVED, f"删除：{details['attachment']['name']}", details)
    audit.record(EventType.UPDATE, actor=actor, obj=activity, details=details | {"action": "attachment_removed"})
