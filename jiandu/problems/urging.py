"""Urging and escalation (催办, DESIGN §5): 提示 → 催办 → 督办单 → 问题通报, by hand and by the daily job.

Every step is an Urge row, a timeline event (URGED) and an audit event, and tells the liaisons of the
responsible org; escalations (督办单, 问题通报) also tell the group leader(s).

Who writes the 督办单 / 问题通报: a group leader who escalates by hand gets a draft document of that kind, made
through the documents services (document_create) with the leader as its author and the responsible org as its
recipient. The daily job has no user, and a document drafted in a leader's name by a machine would put a false
author in the audit chain, so the job only records the automatic step (by = NULL) and asks the group leader(s)
to draft it; when the leader then escalates by hand at that level, the draft is linked to that same step, so the
ladder counts it once.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import can, principal
from jiandu.core.cn import cn_date
from jiandu.core.deadlines import Warning, days_overdue, warning_q
from jiandu.core.enums import EventType
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.jobs import register_daily
from jiandu.core.versioning import bump, lock_current
from jiandu.organizations.enums import GROUP_ROLES, Role

from .enums import DOCUMENT_LEVELS, LIAISON_STATUSES, URGE_RANK, EventKind, UrgeLevel
from .models import Problem, Urge
from .workflow import _event, group_people, liaisons_of, tell

# Problems whose rectification is the liaison's to do: only these are urged.
URGEABLE = LIAISON_STATUSES
# The daily job: days overdue → the level it escalates to (the highest that applies). One place to change them.
AUTO_LADDER = [(15, UrgeLevel.BULLETIN), (7, UrgeLevel.DIRECTIVE), (1, UrgeLevel.URGE)]
# What a bulk action may send: the document levels are drafted one problem at a time.
BULK_LEVELS = (UrgeLevel.REMIND, UrgeLevel.URGE)
DOCUMENT_REPLY_DAYS = 5
SYSTEM_NAME = "daily_job"


def auto_level(days: int) -> str:
    for threshold, level in AUTO_LADDER:
        if days >= threshold:
            return level
    return ""


def next_level(problem: Problem) -> str:
    """The step after the highest one reached in this round (for the form's default)."""
    order = [UrgeLevel.REMIND, UrgeLevel.URGE, UrgeLevel.DIRECTIVE, UrgeLevel.BULLETIN]
    rank = URGE_RANK[problem.urge_level or ""]
    return order[min(rank, len(order) - 1)] if rank else UrgeLevel.URGE


def _tell_urge(problem: Problem, level: str, note: str, *, document=None, automatic=False) -> None:
    label = UrgeLevel(level).label
    who = "系统自动" if automatic else problem.group.name
    body = f"{who}{label}：{problem.short_description}。整改期限：{cn_date(problem.deadline)}。{note}"
    tell(liaisons_of(problem.responsible_org), problem, f"{label}：{problem.number}", body, kind="problem_urge")
    if level in DOCUMENT_LEVELS:
        ask = "已起草，请审核签发。" if document is not None else f"请起草{label}并签发。"
        tell(
            group_people(problem.group_id, Role.GROUP_LEADER),
            problem,
            f"问题升级为{label}：{problem.number}",
            f"{body}{ask}",
            kind="problem_escalated",
        )


def _record(problem: Problem, *, level: str, by, at, on: date, note: str, document=None) -> Urge:
    """One step of the ladder: the Urge row, the problem's counters, the event, the audit, the notifications."""
    urge = Urge.objects.create(problem=problem, level=level, by=by, at=at, on=on, note=note, document=document)
    problem.urge_count += 1
    if URGE_RANK[level] > URGE_RANK[problem.urge_level or ""]:
        problem.urge_level = level
    if by is None:
        problem.last_auto_urge_on = on
    bump(problem)
    problem.save(update_fields=["urge_count", "urge_level", "last_auto_urge_on", "version", "updated_at"])
    label = UrgeLevel(level).label
    text = f"{'自动' if by is None else ''}{label}" + (f"：{note}" if note else "")
    _event(problem, EventKind.URGED, actor=by, at=at, note=text)
    details = {"problem": problem.number, "level": level, "automatic": by is None, "note": note}
    if document is not None:
        details["document"] = document.pk
    audit.record(EventType.CREATE, actor=by, obj=urge, details=details, username=SYSTEM_NAME)
    _tell_urge(problem, level, note, document=document, automatic=by is None)
    return urge


def _draft_document(actor, problem: Problem, level: str, note: str):
    from jiandu.documents import services as document_services
    from jiandu.documents.enums import DocumentKind

    today = timezone.localdate()
    overdue = days_overdue(problem.deadline)
    state = f"已逾期{overdue}天" if overdue else f"整改期限为{cn_date(problem.deadline)}"
    if level == UrgeLevel.DIRECTIVE:
        kind, title = DocumentKind.DIRECTIVE, f"关于督促整改{problem.number}号问题的督办单"
        ask = f"请于{cn_date(today + timedelta(days=DOCUMENT_REPLY_DAYS))}前完成整改并书面反馈整改情况。"
    else:
        kind, title = DocumentKind.BULLETIN, f"关于{problem.number}号问题整改不力情况的通报"
        ask = "现予通报，请认真剖析原因，压实整改责任，限期整改到位并书面反馈。"
    body = "\n".join(
        line
        for line in (
            f"{problem.responsible_org.name}：",
            f"{cn_date(problem.registered_on)}，{problem.group.name}发现你单位存在以下问题：{problem.description}",
            f"该问题{state}，尚未整改到位。{note}".strip(),
            ask,
        )
        if line
    )
    return document_services.document_create(
        actor=actor,
        group=problem.group,
        kind=kind,
        title=title,
        body=body,
        recipients=[problem.responsible_org],
        reply_due_on=today + timedelta(days=DOCUMENT_REPLY_DAYS),
    )


@transaction.atomic
def problem_urge(*, actor, problem: Problem, level: str = UrgeLevel.URGE, note: str = "", at=None) -> Urge:
    """催办 by hand: the owning group urges a problem the liaison has to act on. 提示/催办 by a leader or member;
    督办单/问题通报 only by the leader, and they draft a document of that kind (documents services) addressed
    to the responsible org. Any level may be sent again by hand (the job never repeats a level)."""
    if level not in UrgeLevel.values:
        raise ValidationFailed("请选择催办级别。", fields={"level": ["请选择催办级别。"]})
    if not can(actor, "urge", problem):
        raise PermissionDenied("只有本组的组长、组员可以催办。")
    if level in DOCUMENT_LEVELS and not can(actor, "escalate", problem):
        raise PermissionDenied(f"只有本组组长可以下发{UrgeLevel(level).label}。")
    problem = lock_current(problem, None)
    if problem.status not in URGEABLE:
        raise ValidationFailed(
            f"问题当前为“{problem.get_status_display()}”，不在联络员整改环节，无需催办。", code="not_urgeable"
        )
    note = (note or "").strip()
    at = at or timezone.now()
    document = _draft_document(actor, problem, level, note) if level in DOCUMENT_LEVELS else None
    if document is not None:
        pending = problem.urges.filter(level=level, by__isnull=True, document__isnull=True).order_by("-at").first()
        if pending is not None:  # the job's automatic step asked for this document: link it there
            pending.document = document
            pending.save(update_fields=["document"])
            label = UrgeLevel(level).label
            _event(problem, EventKind.URGED, actor=actor, at=at, note=f"起草{label}：{document.title}")
            audit.record(
                EventType.UPDATE,
                actor=actor,
                obj=pending,
                details={"problem": problem.number, "level": level, "document": document.pk},
            )
            _tell_urge(problem, level, note, document=document)
            return pending
    return _record(problem, level=level, by=actor, at=at, on=timezone.localdate(at), note=note, document=document)


@transaction.atomic
def problems_urge_bulk(*, actor, problems, level: str = UrgeLevel.URGE, note: str = "") -> dict:
    """批量催办: urge every problem of `problems` (a queryset already scoped and filtered for the actor — all
    filtered records, not one page) that belongs to one of the actor's groups and waits for the liaison.
    Returns {"urged": n, "skipped": m}."""
    if level not in BULK_LEVELS:
        raise ValidationFailed(
            "批量操作只能发送提示或催办；督办单、问题通报请逐件下发。", fields={"level": ["级别有误。"]}
        )
    if not can(actor, "urge", Problem):
        raise PermissionDenied("只有纪检监察组的组长、组员可以催办。")
    total = problems.count()
    targets = problems.filter(status__in=URGEABLE, group_id__in=principal(actor).org_ids(*GROUP_ROLES))
    at, urged = timezone.now(), 0
    note = (note or "").strip()
    for problem in targets.select_related("group", "responsible_org").order_by("pk").select_for_update(of=("self",)):
        _record(problem, level=level, by=actor, at=at, on=timezone.localdate(at), note=note)
        urged += 1
    return {"urged": urged, "skipped": total - urged}


# --- The daily job ---


@register_daily("problems.daily")
def problems_daily(today: date) -> dict:
    """Every morning: a problem the liaison still has to act on gets a 提示 when it turns yellow, and is escalated
    by days overdue (AUTO_LADDER: ≥1 催办, ≥7 督办单, ≥15 问题通报). Colours are computed on read, so nothing is
    recomputed here. Never the same level twice in a round (urge_level), never twice a day (last_auto_urge_on):
    running the job again the same day sends nothing. Returns counts per level."""
    counts = {level: 0 for level in UrgeLevel.values}
    open_q = Q(status__in=URGEABLE)
    base = (
        Problem.objects.filter(open_q)
        .exclude(last_auto_urge_on=today)
        .select_related("group", "responsible_org")
        .order_by("pk")
    )
    at = timezone.now()
    yellow = base.filter(warning_q(Warning.YELLOW, due_field="deadline", open_q=open_q, on=today), urge_level="")
    for problem in yellow.select_for_update(of=("self",)):
        _record(problem, level=UrgeLevel.REMIND, by=None, at=at, on=today, note="整改期限临近，请抓紧整改。")
        counts[UrgeLevel.REMIND] += 1
    for problem in base.filter(deadline__lt=today).select_for_update(of=("self",)):
        days = days_overdue(problem.deadline, on=today)
        level = auto_level(days)
        if not level or URGE_RANK[level] <= URGE_RANK[problem.urge_level or ""]:
            continue
        _record(problem, level=level, by=None, at=at, on=today, note=f"已逾期{days}天，请立即整改。")
        counts[level] += 1
    counts["total"] = sum(counts.values())
    return counts
