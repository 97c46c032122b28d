"""The rectification workflow of problems (DESIGN §5) and who is told about it.

The workflow is one table (TRANSITIONS) and one function that applies it (`_apply`): it checks the move against
the table and the actor against the access policy, saves, and writes the timeline event and the audit event in
the same transaction. An illegal move is a Chinese ValidationFailed, a wrong actor PermissionDenied; never a
silent no-op. Registration and edits are in services.py, urging and escalation in urging.py.
"""

import contextlib
import contextvars
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiandu.core import audit, freshness
from jiandu.core.access import can as _can
from jiandu.core.attachments import store_upload
from jiandu.core.cn import cn_date
from jiandu.core.enums import EventType
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.versioning import bump, lock_current
from jiandu.core.workdays import add_days
from jiandu.organizations.enums import GROUP_ROLES, Role
from jiandu.organizations.models import Org, RoleGrant, User

from .enums import (
    DEFAULT_CATEGORIES,
    DEFAULT_SEVERITIES,
    DeadlineMode,
    EventKind,
    ProblemStatus,
    RectificationPurpose,
)
from .models import Category, Problem, ProblemEvent, Rectification, Severity

MAX_DEADLINE_DAYS = 365


# --- Notifications (switched off by the demo loader, which replays 2022) ---

_quiet = contextvars.ContextVar("problems_quiet", default=False)


@contextlib.contextmanager
def notifications_off():
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def problem_url(problem: Problem) -> str:
    return reverse("problems:problem_detail", args=[problem.pk])


def liaisons_of(org: Org) -> list[User]:
    """The liaisons of `org` or of an org above it (their subtree holds it)."""
    grants = RoleGrant.objects.filter(role=Role.LIAISON, org_id__in=org.ancestor_ids(), user__is_active=True)
    return list(User.objects.filter(pk__in=grants.values("user_id")).order_by("pk"))


def group_people(group_id: int, *roles: str) -> list[User]:
    grants = RoleGrant.objects.filter(role__in=roles or GROUP_ROLES, org_id=group_id, user__is_active=True)
    return list(User.objects.filter(pk__in=grants.values("user_id")).order_by("pk"))


def tell(recipients, problem: Problem, title: str, body: str = "", kind: str = "") -> None:
    if _quiet.get():
        return
    from jiandu.notifications.services import notify

    notify(recipients=recipients, title=title, body=body, url=problem_url(problem), kind=kind, obj=problem)


# --- Configuration lists ---


def ensure_defaults() -> None:
    """The seeded categories and severity scale (also made by a migration; here for a flushed database)."""
    for i, name in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"sort_order": (i + 1) * 10})
    for name, level in DEFAULT_SEVERITIES:
        Severity.objects.get_or_create(level=level, defaults={"name": name})


# --- The workflow table ---


@dataclass(frozen=True)
class Move:
    label: str  # the button and the error messages
    sources: tuple[str, ...]
    target: str
    event: str
    who: str  # who may, for the refusal message
    reason_required: bool = False


TRANSITIONS: dict[str, Move] = {
    # The liaison of the responsible org (or of an org above it) starts rectifying.
    "start": Move(
        "开始整改",
        (ProblemStatus.OPEN, ProblemStatus.RETURNED, ProblemStatus.REOPENED),
        ProblemStatus.IN_PROGRESS,
        EventKind.STARTED,
        "责任单位的联络员",
    ),
    # … and submits the rectification for verification (with a note or measures).
    "submit": Move(
        "提交核查", (ProblemStatus.IN_PROGRESS,), ProblemStatus.SUBMITTED, EventKind.SUBMITTED, "责任单位的联络员"
    ),
    # The owning group (leader or member) returns an insufficient rectification, with a reason.
    "return": Move(
        "退回重改",
        (ProblemStatus.SUBMITTED,),
        ProblemStatus.RETURNED,
        EventKind.RETURNED,
        "本组组长或组员",
        reason_required=True,
    ),
    # Only the owning group's leader closes (销号).
    "close": Move("销号", (ProblemStatus.SUBMITTED,), ProblemStatus.CLOSED, EventKind.CLOSED, "本组组长"),
    # Only the owning group's leader reopens a closed problem, with a reason.
    "reopen": Move(
        "重新整改",
        (ProblemStatus.CLOSED,),
        ProblemStatus.REOPENED,
        EventKind.REOPENED,
        "本组组长",
        reason_required=True,
    ),
}


def _now(at: datetime | None) -> datetime:
    """Now, or the given moment (the demo loader records the 2022 history at its real dates)."""
    return at or timezone.now()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(problem, kind, *, actor, at, from_status="", to_status="", note="") -> ProblemEvent:
    return ProblemEvent.objects.create(
        problem=problem,
        at=at,
        actor=_user(actor),
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _clean_text(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _check_move(name: str, problem: Problem) -> Move:
    move = TRANSITIONS[name]
    if problem.status not in move.sources:
        status = ProblemStatus(problem.status).label
        if name == "submit" and problem.status in TRANSITIONS["start"].sources:
            raise ValidationFailed(f"问题当前为“{status}”，请先开始整改，再提交核查。", code="illegal_transition")
        raise ValidationFailed(f"问题当前为“{status}”，不能{move.label}。", code="illegal_transition")
    return move


def _apply(
    name: str,
    *,
    actor,
    problem: Problem,
    note: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
    check_actor: bool = True,
    on: date | None = None,
    extra: dict | None = None,
) -> Problem:
    """Apply one move of TRANSITIONS: actor, table, save, event, audit — in the caller's transaction."""
    move = TRANSITIONS[name]
    if check_actor and not _can(actor, name, problem):
        raise PermissionDenied(f"只有{move.who}可以{move.label}。")
    problem = lock_current(problem, expected_version)
    _check_move(name, problem)
    note = _clean_text(note)
    if move.reason_required and not note:
        raise ValidationFailed(f"{move.label}须填写理由。", fields={"note": ["请填写理由。"]})
    at = _now(at)
    before = problem.status
    problem.status = move.target
    if move.target == ProblemStatus.CLOSED:
        problem.closed_on = on or timezone.localdate(at)
        if problem.closed_on < problem.registered_on:
            raise ValidationFailed("销号日期不能早于登记日期。", fields={"closed_on": ["日期有误。"]})
    else:
        problem.closed_on = None
    if name == "reopen":
        problem.urge_level = ""  # a new round of rectification: the escalation ladder starts again
    bump(problem)
    problem.save()
    _event(problem, move.event, actor=actor, at=at, from_status=before, to_status=move.target, note=note)
    details = {"action": name, "from": before, "to": move.target, "number": problem.number, "note": note}
    audit.record(
        EventType.TRANSITION,
        actor=_user(actor),
        obj=problem,
        details={**details, **(extra or {})},
        username="load_demo",
    )
    return problem


def compute_deadline(registered_on: date, mode: str, days: int | None, deadline: date | None) -> date:
    """The deadline date: given, or N calendar / working days after registration (Chinese holidays honoured)."""
    if mode == DeadlineMode.DATE:
        if deadline is None:
            raise ValidationFailed("请填写整改期限。", fields={"deadline": ["请填写整改期限。"]})
        if deadline < registered_on:
            raise ValidationFailed(
                f"整改期限（{cn_date(deadline)}）不能早于登记日期（{cn_date(registered_on)}）。",
                fields={"deadline": ["整改期限不能早于登记日期。"]},
            )
        return deadline
    if mode not in DeadlineMode.values:
        raise ValidationFailed("请选择期限方式。", fields={"deadline_mode": ["请选择期限方式。"]})
    if not isinstance(days, int) or days < 1 or days > MAX_DEADLINE_DAYS:
        raise ValidationFailed(
            f"期限天数应为1～{MAX_DEADLINE_DAYS}的整数。", fields={"deadline_days": ["请填写期限天数。"]}
        )
    return add_days(registered_on, days, working=mode == DeadlineMode.WORKING_DAYS)


# --- The workflow ---


def _store_evidence(actor, rectification, before=(), after=(), files=()) -> list[str]:
    names = []
    for purpose, uploads in (
        (RectificationPurpose.BEFORE, before),
        (RectificationPurpose.AFTER, after),
        (RectificationPurpose.FILE, files),
    ):
        for i, upload in enumerate(uploads or ()):
            att = store_upload(actor=actor, owner=rectification, upload=upload, purpose=purpose, sort_order=i)
            names.append(att.original_name)
    return names


def _report(actor, problem, *, note, measures, submitted, at, before=(), after=(), files=()):
    rect = Rectification.objects.create(
        problem=problem,
        note=note,
        measures=measures,
        submitted=submitted,
        reported_at=at,
        reported_by=_user(actor),
    )
    return rect, _store_evidence(actor, rect, before, after, files)


LIAISON_LABELS = {"start": "开始整改", "report": "报告整改进展", "submit": "提交核查"}


def _liaison_check(name: str, actor, problem: Problem, check_actor: bool) -> None:
    if check_actor and not _can(actor, name, problem):
        org = problem.responsible_org.display_name
        raise PermissionDenied(f"只有{org}（或其上级单位）的联络员可以{LIAISON_LABELS[name]}。")


@transaction.atomic
def problem_start(
    *,
    actor,
    problem: Problem,
    note: str = "",
    measures: str = "",
    before=(),
    after=(),
    files=(),
    expected_version: int | None = None,
    at: datetime | None = None,
    check_actor: bool = True,
) -> Problem:
    """开始整改: the liaison of the responsible org moves an open, returned or reopened problem to 整改中,
    optionally with a first progress report (note, measures, before/after photos). Writes STARTED (+ PROGRESS)."""
    _liaison_check("start", actor, problem, check_actor)
    at = _now(at)
    problem = _apply(
        "start", actor=actor, problem=problem, note="", at=at, expected_version=expected_version, check_actor=False
    )
    note, measures = _clean_text(note), _clean_text(measures)
    if note or measures or before or after or files:
        _report(
            actor,
            problem,
            note=note,
            measures=measures,
            submitted=False,
            at=at,
            before=before,
            after=after,
            files=files,
        )
        _event(problem, EventKind.PROGRESS, actor=actor, at=at, note=note or measures)
    return problem


@transaction.atomic
def problem_report(
    *, actor, problem: Problem, note: str = "", measures: str = "", before=(), after=(), files=()
) -> Rectification:
    """整改进展: while 整改中, the liaison reports progress and measures with evidence. No status change."""
    _liaison_check("report", actor, problem, True)
    problem = lock_current(problem, None)
    if problem.status != ProblemStatus.IN_PROGRESS:
        raise ValidationFailed(
            f"问题当前为“{problem.get_status_display()}”，请先开始整改，再报告进展。", code="illegal_transition"
        )
    note, measures = _clean_text(note), _clean_text(measures)
    if not (note or measures or before or after or files):
        raise ValidationFailed("请填写整改情况或整改措施，或上传佐证材料。", fields={"note": ["请填写整改情况。"]})
    at = timezone.now()
    rect, names = _report(
        actor, problem, note=note, measures=measures, submitted=False, at=at, before=before, after=after, files=files
    )
    _event(problem, EventKind.PROGRESS, actor=actor, at=at, note=note or measures)
    audit.record(EventType.UPDATE, actor=actor, obj=problem, details={"rectification": rect.pk, "files": names})
    bump(problem)
    problem.save(update_fields=["version", "updated_at"])
    return rect


@transaction.atomic
def problem_submit(
    *,
    actor,
    problem: Problem,
    note: str = "",
    measures: str = "",
    before=(),
    after=(),
    files=(),
    expected_version: int | None = None,
    at: datetime | None = None,
    check_actor: bool = True,
) -> Problem:
    """提交核查: the liaison submits the rectification (整改情况 and/or 整改措施 are required, with optional
    before/after photos and files). The group members and leader are told to verify."""
    _liaison_check("submit", actor, problem, check_actor)
    note, measures = _clean_text(note), _clean_text(measures)
    current = Problem.objects.filter(pk=problem.pk).values_list("status", flat=True).first()
    if current == ProblemStatus.IN_PROGRESS and not (note or measures):
        raise ValidationFailed("提交核查须填写整改情况或整改措施。", fields={"note": ["请填写整改情况。"]})
    at = _now(at)
    problem = _apply(
        "submit", actor=actor, problem=problem, note=note, at=at, expected_version=expected_version, check_actor=False
    )
    _report(
        actor, problem, note=note, measures=measures, submitted=True, at=at, before=before, after=after, files=files
    )
    tell(
        group_people(problem.group_id),
        problem,
        f"整改待核查：{problem.number}",
        f"{problem.responsible_org.display_name}已提交整改情况：{note or measures}",
        kind="problem_submitted",
    )
    return problem


def _group_move(name: str, *, actor, problem, note="", on=None, at=None, expected_version=None) -> Problem:
    problem = _apply(name, actor=actor, problem=problem, note=note, at=at, on=on, expected_version=expected_version)
    titles = {"return": "整改被退回重改", "close": "问题已销号", "reopen": "问题重新整改"}
    body = note or f"{problem.group.name}已核查。"
    tell(
        liaisons_of(problem.responsible_org), problem, f"{titles[name]}：{problem.number}", body, kind=f"problem_{name}"
    )
    return problem


@transaction.atomic
def problem_return(
    *, actor, problem: Problem, reason: str, expected_version: int | None = None, at: datetime | None = None
) -> Problem:
    """退回重改: the owning group (leader or member) returns a submitted rectification, with a reason.
    The problem goes back to the liaison's to-do; the liaisons are told."""
    return _group_move("return", actor=actor, problem=problem, note=reason, at=at, expected_version=expected_version)


@transaction.atomic
def problem_close(
    *,
    actor,
    problem: Problem,
    note: str = "",
    closed_on: date | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Problem:
    """销号: only the owning group's leader closes a submitted problem. Closed after the deadline → 逾期办结."""
    return _group_move(
        "close", actor=actor, problem=problem, note=note, on=closed_on, at=at, expected_version=expected_version
    )


@transaction.atomic
def problem_reopen(
    *,
    actor,
    problem: Problem,
    reason: str,
    deadline: date | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Problem:
    """重新整改: only the owning group's leader reopens a closed problem, with a reason (and optionally a new
    deadline). The escalation ladder starts again; the liaisons are told."""
    problem = _group_move("reopen", actor=actor, problem=problem, note=reason, at=at, expected_version=expected_version)
    if deadline is not None and deadline != problem.deadline:
        compute_deadline(problem.registered_on, DeadlineMode.DATE, None, deadline)
        Problem.objects.filter(pk=problem.pk).update(
            deadline=deadline, deadline_mode=DeadlineMode.DATE, deadline_days=None
        )
        freshness.touch([problem.group_id], apps=["problems"])  # update() sends no signal
        problem.deadline, problem.deadline_mode, problem.deadline_days = deadline, DeadlineMode.DATE, None
    return problem


# --- What the actor may do now (buttons, API) ---


def problem_actions(actor, problem: Problem) -> dict[str, bool]:
    """Which buttons to show: allowed by both the table (status) and the policy (actor)."""
    from .urging import URGEABLE

    out = {name: problem.status in move.sources and _can(actor, name, problem) for name, move in TRANSITIONS.items()}
    out["report"] = problem.status == ProblemStatus.IN_PROGRESS and _can(actor, "report", problem)
    out["edit"] = problem.status != ProblemStatus.CLOSED and _can(actor, "change", problem)
    out["urge"] = problem.status in URGEABLE and _can(actor, "urge", problem)
    out["escalate"] = out["urge"] and _can(actor, "escalate", problem)
    out["internal"] = _can(actor, "view_internal", problem)
    return out
