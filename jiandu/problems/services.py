"""Every write of problems: registration (numbering, deadlines, sources, repeat detection) and edits with
optimistic locking. The workflow (start, submit, return, close, reopen) is in workflow.py and urging in urging.py;
they are re-exported here, so callers use `jiandu.problems.services` for every write.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import can as _can
from jiandu.core.access import principal, require, visible_to
from jiandu.core.attachments import store_upload
from jiandu.core.cn import cn_date
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.versioning import bump, lock_current
from jiandu.organizations.enums import GROUP_ROLES, OrgKind
from jiandu.organizations.models import Org, Site

from .enums import (
    GENERIC_SOURCES,
    DeadlineMode,
    EventKind,
    ProblemStatus,
    SourceKind,
)
from .models import Category, Problem, ProblemCounter, Severity
from .workflow import (
    TRANSITIONS,
    Move,
    _clean_text,
    _event,
    _group_move,
    _now,
    _user,
    compute_deadline,
    ensure_defaults,
    group_people,
    liaisons_of,
    notifications_off,
    problem_actions,
    problem_close,
    problem_reopen,
    problem_report,
    problem_return,
    problem_start,
    problem_submit,
    problem_url,
    tell,
)

__all__ = [
    "CATEGORY_FIELDS",
    "EDITABLE_FIELDS",
    "PROBLEM_FIELDS",
    "SEVERITY_FIELDS",
    "TRANSITIONS",
    "Move",
    "category_save",
    "compute_deadline",
    "ensure_defaults",
    "find_repeat",
    "group_people",
    "liaisons_of",
    "notifications_off",
    "problem_actions",
    "problem_close",
    "problem_create",
    "problem_reopen",
    "problem_report",
    "problem_return",
    "problem_start",
    "problem_submit",
    "problem_update",
    "problem_url",
    "repeat_window_days",
    "severity_save",
    "tell",
]

PROBLEM_FIELDS = [
    "group",
    "description",
    "category",
    "severity",
    "site",
    "found_org",
    "responsible_org",
    "root_cause",
    "registered_on",
    "deadline",
    "deadline_mode",
    "deadline_days",
    "source_kind",
    "source_activity",
    "source_document",
    "source_type",
    "source_id",
    "is_repeat",
    "repeat_of",
]
# What the group may change after registration (internal_note is audited as "changed", never its text).
EDITABLE_FIELDS = [
    "description",
    "category",
    "severity",
    "site",
    "found_org",
    "responsible_org",
    "root_cause",
    "deadline",
    "deadline_mode",
    "deadline_days",
]
RESPONSIBLE_ORG_KINDS = (OrgKind.DEPARTMENT, OrgKind.UNIT)
MAX_DESCRIPTION = 2000


def repeat_window_days() -> int:
    """屡查屡犯 window: settings.JIANDU_REPEAT_WINDOW_DAYS (default 180)."""
    return int(getattr(settings, "JIANDU_REPEAT_WINDOW_DAYS", 180))


# --- Registration ---


def _next_number(year: int) -> str:
    """WT-2022-0001: the next number of the year, under a lock of the counter row (gapless, no duplicates)."""
    counter = ProblemCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ProblemCounter.objects.create(year=year, last_seq=0)
        except IntegrityError:
            pass  # another registration created it first; lock theirs
        counter = ProblemCounter.objects.select_for_update().get(year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return f"WT-{year}-{counter.last_seq:04d}"


def find_repeat(*, site: Site | None, responsible_org: Org, category: Category, on: date) -> Problem | None:
    """屡查屡犯: the latest problem of the same category closed within the window before `on`, at the same site
    (or, without a site, with the same responsible org)."""
    since = on - timedelta(days=repeat_window_days())
    qs = Problem.objects.filter(status=ProblemStatus.CLOSED, category=category, closed_on__gte=since, closed_on__lte=on)
    qs = qs.filter(site=site) if site is not None else qs.filter(responsible_org=responsible_org)
    return qs.order_by("-closed_on", "-id").first()


def _visible(actor, model, obj, field: str, label: str):
    if obj is not None and not visible_to(actor, model).filter(pk=obj.pk).exists():
        raise ValidationFailed(f"{label}不存在或无权选择。", fields={field: [f"{label}不存在或无权选择。"]})


def _clean_fields(actor, *, description, category, severity, responsible_org, site, found_org) -> str:
    errors = {}
    description = _clean_text(description)
    if not description:
        errors["description"] = ["请填写问题描述。"]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [f"问题描述不能超过{MAX_DESCRIPTION}个字。"]
    if category is None:
        errors["category"] = ["请选择问题类别。"]
    if severity is None:
        errors["severity"] = ["请选择严重程度。"]
    if responsible_org is None:
        errors["responsible_org"] = ["请选择责任单位。"]
    elif responsible_org.kind not in RESPONSIBLE_ORG_KINDS:
        errors["responsible_org"] = ["责任单位只能是驻在部门或下属单位/属地。"]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    _visible(actor, Org, responsible_org, "responsible_org", "责任单位")
    _visible(actor, Site, site, "site", "点位")
    _visible(actor, Org, found_org, "found_org", "发现单位")
    return description


def _clean_source(actor, *, source_kind, source_activity, source_document, source_type, source_id):
    from jiandu.activities.models import Activity
    from jiandu.documents.models import Document

    if source_kind not in SourceKind.values:
        raise ValidationFailed("来源类型不正确。", fields={"source_kind": ["来源类型不正确。"]})
    if source_kind == SourceKind.ACTIVITY:
        if source_activity is None:
            raise ValidationFailed("请指定来源活动。", fields={"source_activity": ["请指定来源活动。"]})
        _visible(actor, Activity, source_activity, "source_activity", "来源活动")
        return source_activity, None, "", None
    if source_kind == SourceKind.DOCUMENT:
        if source_document is None:
            raise ValidationFailed("请指定来源文书。", fields={"source_document": ["请指定来源文书。"]})
        _visible(actor, Document, source_document, "source_document", "来源文书")
        return None, source_document, "", None
    if source_kind in GENERIC_SOURCES:
        if not source_type or source_id is None:
            raise ValidationFailed("请指定来源记录（source_type、source_id）。", fields={"source_id": ["必填。"]})
        return None, None, source_type[:64], source_id
    return None, None, "", None


@transaction.atomic
def problem_create(
    *,
    actor,
    group: Org,
    description: str,
    category: Category,
    severity: Severity,
    responsible_org: Org,
    deadline: date | None = None,
    deadline_mode: str = DeadlineMode.DATE,
    deadline_days: int | None = None,
    registered_on: date | None = None,
    site: Site | None = None,
    found_org: Org | None = None,
    root_cause: str = "",
    internal_note: str = "",
    source_kind: str = SourceKind.DIRECT,
    source_activity=None,
    source_document=None,
    source_type: str = "",
    source_id: int | None = None,
    photos=(),
    at: datetime | None = None,
) -> Problem:
    """登记问题: a group member or leader registers a problem for their own group, from any source (an activity,
    a document, a later module's record by source_type/source_id, or directly). It gets the next number of the
    year (WT-2022-0001), its deadline date (given, or N calendar/working days), and is flagged 屡查屡犯 when a
    problem of the same category at the same site (or org) was closed within the window. Writes the CREATED
    event and a CREATE audit event; tells the liaisons of the responsible org."""
    if group.pk not in principal(actor).org_ids(*GROUP_ROLES) or group.kind != OrgKind.GROUP:
        raise PermissionDenied("只有纪检监察组的组长、组员可以为本组登记问题。")
    description = _clean_fields(
        actor,
        description=description,
        category=category,
        severity=severity,
        responsible_org=responsible_org,
        site=site,
        found_org=found_org,
    )
    activity, document, source_type, source_id = _clean_source(
        actor,
        source_kind=source_kind,
        source_activity=source_activity,
        source_document=source_document,
        source_type=source_type,
        source_id=source_id,
    )
    today = timezone.localdate()
    registered_on = registered_on or today
    if registered_on > today:
        raise ValidationFailed("登记日期不能晚于今天。", fields={"registered_on": ["登记日期不能晚于今天。"]})
    deadline = compute_deadline(registered_on, deadline_mode, deadline_days, deadline)
    repeat = find_repeat(site=site, responsible_org=responsible_org, category=category, on=registered_on)
    problem = Problem(
        number=_next_number(registered_on.year),
        group=group,
        source_kind=source_kind,
        source_activity=activity,
        source_document=document,
        source_type=source_type,
        source_id=source_id,
        description=description,
        category=category,
        severity=severity,
        site=site,
        found_org=found_org,
        responsible_org=responsible_org,
        root_cause=_clean_text(root_cause),
        internal_note=_clean_text(internal_note),
        registered_on=registered_on,
        deadline=deadline,
        deadline_mode=deadline_mode,
        deadline_days=None if deadline_mode == DeadlineMode.DATE else deadline_days,
        is_repeat=repeat is not None,
        repeat_of=repeat,
        created_by=_user(actor),
    )
    problem.full_clean(exclude=["created_by", "repeat_of", "source_activity", "source_document"])
    problem.save()
    names = [
        store_upload(actor=actor, owner=problem, upload=u, purpose="photo", sort_order=i).original_name
        for i, u in enumerate(photos or ())
    ]
    note = f"屡查屡犯：与{repeat.number}同类问题" if repeat else ""
    _event(problem, EventKind.CREATED, actor=actor, at=_now(at), to_status=ProblemStatus.OPEN, note=note)
    audit.record_change(
        actor, problem, before=None, fields=PROBLEM_FIELDS, extra={"number": problem.number, "photos": names}
    )
    tell(
        liaisons_of(responsible_org),
        problem,
        f"新问题待整改：{problem.number}",
        f"{group.name}登记问题：{problem.short_description}。整改期限：{cn_date(deadline)}。",
        kind="problem_registered",
    )
    return problem


# --- Edits (optimistic locking; optionally with a move of the group in the same step) ---


GROUP_MOVES = ("return", "close", "reopen")


@transaction.atomic
def problem_update(
    *,
    actor,
    problem: Problem,
    expected_version: int | None,
    action: str = "",
    action_note: str = "",
    **changes,
) -> Problem:
    """The owning group changes a problem's fields (category, severity, responsible org, deadline, …) — and, if
    asked, moves it (return/close/reopen) in the same atomic step (DESIGN §13). A save over a newer version is
    a Conflict. A closed problem is not editable (reopen it first) unless the same step reopens it. Writes the
    UPDATED event and an UPDATE audit event (the internal note's text never enters the timeline)."""
    if not _can(actor, "change", problem):
        raise PermissionDenied("只有本组的组长、组员可以修改问题。")
    if action and action not in GROUP_MOVES:
        raise ValidationFailed("不支持的状态变更。", fields={"action": ["只能为 return、close 或 reopen。"]})
    problem = lock_current(problem, expected_version)
    if action == "reopen":
        problem = _group_move("reopen", actor=actor, problem=problem, note=action_note)
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationFailed("问题已销号，不能修改；如需继续整改，请组长先“重新整改”。", code="not_editable")
    unknown = set(changes) - {*EDITABLE_FIELDS, "internal_note"}
    if unknown:
        raise ValidationFailed(f"不能修改的字段：{'、'.join(sorted(unknown))}。")
    before = audit.snapshot(problem, EDITABLE_FIELDS)
    old_note = problem.internal_note
    values = {f: changes.get(f, getattr(problem, f)) for f in EDITABLE_FIELDS}
    values["description"] = _clean_fields(
        actor,
        description=values["description"],
        category=values["category"],
        severity=values["severity"],
        responsible_org=values["responsible_org"],
        site=values["site"],
        found_org=values["found_org"],
    )
    mode = values["deadline_mode"]
    if mode != DeadlineMode.DATE and ("deadline_days" in changes or "deadline_mode" in changes):
        values["deadline"] = compute_deadline(problem.registered_on, mode, values["deadline_days"], None)
    else:
        values["deadline"] = compute_deadline(problem.registered_on, DeadlineMode.DATE, None, values["deadline"])
        if "deadline" in changes and changes["deadline"] != problem.deadline:
            mode = values["deadline_mode"] = DeadlineMode.DATE
    if mode == DeadlineMode.DATE:
        values["deadline_days"] = None
    values["root_cause"] = _clean_text(values["root_cause"])
    for f, v in values.items():
        setattr(problem, f, v)
    if "internal_note" in changes:
        problem.internal_note = _clean_text(changes["internal_note"])
    after = audit.snapshot(problem, EDITABLE_FIELDS)
    note_changed = problem.internal_note != old_note
    if after != before or note_changed:
        bump(problem)
        problem.full_clean(exclude=["created_by", "repeat_of", "source_activity", "source_document"])
        problem.save()
        changed = audit.diff(before, after)
        labels = [str(Problem._meta.get_field(f).verbose_name) for f in changed]
        _event(
            problem,
            EventKind.UPDATED,
            actor=actor,
            at=timezone.now(),
            note="修改：" + "、".join(labels) if labels else "修改组内备注",
        )
        audit.record_change(
            actor,
            problem,
            before=before,
            fields=EDITABLE_FIELDS,
            extra={"internal_note_changed": True} if note_changed else None,
        )
        if "responsible_org" in changed:
            tell(
                liaisons_of(problem.responsible_org),
                problem,
                f"问题转交本单位整改：{problem.number}",
                problem.short_description,
                kind="problem_registered",
            )
    if action in ("return", "close"):
        problem = _group_move(action, actor=actor, problem=problem, note=action_note)
    return problem


# --- Categories and the severity scale (configurable lists; deactivated, never deleted) ---

CATEGORY_FIELDS = ["name", "sort_order", "is_active"]
SEVERITY_FIELDS = ["name", "level", "is_active"]


def _full_clean(obj) -> None:
    try:
        obj.full_clean(validate_unique=False)
    except ValidationError as e:
        fields = {k: [str(m) for m in v] for k, v in e.message_dict.items()}
        first = next(iter(fields.values()))[0] if fields else "内容有误。"
        raise ValidationFailed(first, fields=fields) from None


def _unique(model, obj, field: str, value, message: str) -> None:
    if model.objects.filter(**{field: value}).exclude(pk=obj.pk).exists():
        raise ValidationFailed(message, fields={field: [message]})


def _config_save(actor, model, obj, fields: list[str], values: dict):
    """Create (obj None) or update one entry of a configurable list; the audit keeps the change."""
    if obj is None:
        require(actor, "create", model)
        obj, before = model(), None
    else:
        require(actor, "change", obj)
        obj = model.objects.select_for_update().get(pk=obj.pk)
        before = audit.snapshot(obj, fields)
    for k in fields:
        if k in values:
            setattr(obj, k, values[k])
    if isinstance(obj.name, str):
        obj.name = obj.name.strip()
    return obj, before


@transaction.atomic
def category_save(*, actor, category: Category | None = None, **values) -> Category:
    """New or edited problem category (office, system admin). A category in use is deactivated, not deleted:
    old problems keep it, the register form no longer offers it."""
    category, before = _config_save(actor, Category, category, CATEGORY_FIELDS, values)
    if not category.name:
        raise ValidationFailed("请填写类别名称。", fields={"name": ["请填写类别名称。"]})
    _unique(Category, category, "name", category.name, f"问题类别“{category.name}”已存在。")
    _full_clean(category)
    category.save()
    audit.record_change(actor, category, before=before, fields=CATEGORY_FIELDS)
    return category


@transaction.atomic
def severity_save(*, actor, severity: Severity | None = None, **values) -> Severity:
    """New or edited step of the severity scale (office, system admin); name and level are unique."""
    severity, before = _config_save(actor, Severity, severity, SEVERITY_FIELDS, values)
    if not severity.name:
        raise ValidationFailed("请填写严重程度名称。", fields={"name": ["请填写严重程度名称。"]})
    if severity.level is None or severity.level < 1:
        raise ValidationFailed("等级须为不小于1的整数。", fields={"level": ["等级须为不小于1的整数。"]})
    _unique(Severity, severity, "name", severity.name, f"严重程度“{severity.name}”已存在。")
    _unique(Severity, severity, "level", severity.level, f"等级{severity.level}已被其他严重程度使用。")
    _full_clean(severity)
    severity.save()
    audit.record_change(actor, severity, before=before, fields=SEVERITY_FIELDS)
    return severity
