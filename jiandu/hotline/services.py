"""Every write of the hotline module: the registry, citizen cases and their workflow (DESIGN §5), covert test
calls, the audited view of a caller's personal data, and one-click problems from a case or a failed call.

The case workflow is one table (TRANSITIONS) and one function that applies it (`_apply`): it checks the move
against the table and the actor against the access policy, saves, and writes the timeline event and the audit
event in the same transaction. An illegal move is a Chinese ValidationFailed, a wrong actor PermissionDenied.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import can, visible_to
from jiandu.core.cn import cn_date
from jiandu.core.enums import EventType
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.versioning import bump, lock_current
from jiandu.organizations.enums import OrgKind
from jiandu.organizations.models import Assignment, Org, Site

from .enums import (
    MAX_WAIT_SECONDS,
    PROBLEM_CATEGORY,
    PROBLEM_DEADLINE_DAYS,
    PROBLEM_SEVERITY_LEVEL,
    CaseEventKind,
    CaseStatus,
    TestCallStatus,
)
from .models import CaseEvent, Hotline, HotlineCase, HotlineCounter, TestCall

HOTLINE_FIELDS = ["name", "number", "operating_org", "group", "hours", "topic", "site", "is_active"]
# The caller's name and phone never enter the audit details (they are personal data): only that they changed.
CASE_FIELDS = ["hotline", "group", "number", "received_at", "category", "routed_org", "answer_due_on", "status"]
TEST_CALL_FIELDS = [
    "hotline",
    "group",
    "planned_at",
    "called_at",
    "caller",
    "connected",
    "wait_seconds",
    "answer_correct",
    "quality_score",
    "status",
]
ROUTED_ORG_KINDS = (OrgKind.DEPARTMENT, OrgKind.UNIT)


def _now(at: datetime | None) -> datetime:
    """Now, or the given moment (the demo loader records the 2022 history at its real dates)."""
    return at or timezone.now()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _fail(field: str, message: str):
    raise ValidationFailed(message, fields={field: [message]})


def supervising_group(org: Org) -> Org | None:
    """The group that supervises `org`, through an assignment on it or on its nearest ancestor."""
    ancestors = org.ancestor_ids()
    rows = Assignment.objects.filter(org_id__in=ancestors).select_related("group", "org")
    best = None
    for a in rows:
        if best is None or a.org.depth > best.org.depth:
            best = a
    return best.group if best else None


# --- The registry ---


def _clean_hotline(actor, *, name, number, operating_org, group, site) -> tuple[str, str, Org]:
    name, number = _text(name), _text(number)
    if not name:
        _fail("name", "请填写热线名称。")
    if not number:
        _fail("number", "请填写热线号码。")
    if operating_org is None:
        _fail("operating_org", "请选择运营单位。")
    if operating_org.kind not in ROUTED_ORG_KINDS:
        _fail("operating_org", "运营单位只能是驻在部门或下属单位/属地。")
    if not visible_to(actor, Org).filter(pk=operating_org.pk).exists():
        _fail("operating_org", "运营单位不存在或无权选择。")
    group = group or supervising_group(operating_org)
    if group is None or group.kind != OrgKind.GROUP:
        _fail("group", "该运营单位没有监督的纪检监察组，请指定监督的纪检监察组。")
    if site is not None and site.site_type != "hotline":
        _fail("site", "点位类型应为“热线”。")
    if site is not None and not visible_to(actor, Site).filter(pk=site.pk).exists():
        _fail("site", "点位不存在或无权选择。")
    return name, number, group


@transaction.atomic
def hotline_create(
    *, actor, name, number, operating_org, group=None, hours="", topic=None, site=None, is_active=True
) -> Hotline:
    """登记服务热线: the office or a group registers a hotline; its group defaults to the one supervising the
    operating org. Audited as CREATE."""
    if not can(actor, "create", Hotline):
        raise PermissionDenied("只有派驻机构管理室或纪检监察组可以登记服务热线。")
    name, number, group = _clean_hotline(
        actor, name=name, number=number, operating_org=operating_org, group=group, site=site
    )
    if Hotline.objects.filter(operating_org=operating_org, name=name).exists():
        _fail("name", "该运营单位已有同名热线。")
    hotline = Hotline.objects.create(
        name=name,
        number=number,
        operating_org=operating_org,
        group=group,
        hours=_text(hours),
        topic=topic,
        site=site,
        is_active=is_active,
    )
    audit.record_change(actor, hotline, before=None, fields=HOTLINE_FIELDS)
    return hotline


@transaction.atomic
def hotline_update(*, actor, hotline: Hotline, expected_version: int | None = None, **changes) -> Hotline:
    """修改服务热线 (the office or the supervising group), with optimistic locking; audited as UPDATE."""
    if not can(actor, "change", hotline):
        raise PermissionDenied("只有派驻机构管理室或监督该热线的纪检监察组可以修改。")
    hotline = lock_current(hotline, expected_version)
    before = audit.snapshot(hotline, HOTLINE_FIELDS)
    values = {f: changes.get(f, getattr(hotline, f)) for f in HOTLINE_FIELDS}
    name, number, group = _clean_hotline(
        actor,
        name=values["name"],
        number=values["number"],
        operating_org=values["operating_org"],
        group=values["group"],
        site=values["site"],
    )
    if Hotline.objects.filter(operating_org=values["operating_org"], name=name).exclude(pk=hotline.pk).exists():
        _fail("name", "该运营单位已有同名热线。")
    hotline.name, hotline.number, hotline.group = name, number, group
    hotline.operating_org, hotline.topic, hotline.site = values["operating_org"], values["topic"], values["site"]
    hotline.hours, hotline.is_active = _text(values["hours"]), bool(values["is_active"])
    bump(hotline)
    hotline.save()
    audit.record_change(actor, hotline, before=before, fields=HOTLINE_FIELDS)
    return hotline


# --- Cases: registration ---


def _next_case_number(hotline: Hotline, year: int) -> str:
    counter, _ = HotlineCounter.objects.select_for_update().get_or_create(hotline=hotline, year=year)
    while True:
        counter.last_seq += 1
        number = f"{year}-{counter.last_seq:04d}"
        if not HotlineCase.objects.filter(hotline=hotline, number=number).exists():
            break
    counter.save(update_fields=["last_seq"])
    return number


def _event(case, kind, *, actor, at, from_status="", to_status="", note="") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=at, actor=_user(actor), kind=kind, from_status=from_status, to_status=to_status, note=note
    )


@transaction.atomic
def case_create(
    *,
    actor,
    hotline: Hotline,
    received_at: datetime,
    issue: str,
    caller_name: str = "",
    caller_phone: str = "",
    category: str = "",
    number: str = "",
    group: Org | None = None,
    at: datetime | None = None,
) -> HotlineCase:
    """受理登记: a citizen case of a hotline. Its owning group is the hotline's (or one given explicitly); the
    number is the hotline's own 工单号 or the next of the year (2022-0001). Writes the CREATED event and a
    CREATE audit event without the caller's personal data."""
    group = group or hotline.group
    case = HotlineCase(
        hotline=hotline,
        group=group,
        received_at=received_at,
        caller_name=_text(caller_name)[:50],
        caller_phone=_text(caller_phone)[:30],
        issue=_text(issue),
        category=_text(category)[:40],
        created_by=_user(actor),
    )
    if group.kind != OrgKind.GROUP:
        _fail("group", "请指定纪检监察组。")
    if not can(actor, "create", case):
        raise PermissionDenied("只有该热线的纪检监察组或派驻机构管理室可以登记工单。")
    if not visible_to(actor, Hotline).filter(pk=hotline.pk).exists():
        _fail("hotline", "热线不存在或无权选择。")
    if not case.issue:
        _fail("issue", "请填写反映问题。")
    if received_at is None:
        _fail("received_at", "请填写来电时间。")
    if received_at > timezone.now() + timedelta(minutes=5):
        _fail("received_at", "来电时间不能晚于现在。")
    number = _text(number)
    if number and HotlineCase.objects.filter(hotline=hotline, number=number).exists():
        _fail("number", "该热线已有相同工单号。")
    case.number = number or _next_case_number(hotline, timezone.localtime(received_at).year)
    case.save()
    _event(case, CaseEventKind.CREATED, actor=actor, at=_now(at), to_status=CaseStatus.RECEIVED)
    audit.record_change(actor, case, before=None, fields=CASE_FIELDS, extra={"caller": "（个人信息，不记录）"})
    return case


# --- Cases: the workflow table ---


@dataclass(frozen=True)
class Move:
    label: str  # the button and the error messages
    sources: tuple[str, ...]
    target: str
    event: str
    who: str  # who may, for the refusal message


TRANSITIONS: dict[str, Move] = {
    # received → assigned: the owning group (or the office) routes it to the org that must answer, with a deadline.
    "assign": Move("交办", (CaseStatus.RECEIVED,), CaseStatus.ASSIGNED, CaseEventKind.ASSIGNED, "本组或管理室"),
    # assigned → answered: the liaison whose org subtree holds the routed org.
    "answer": Move("答复", (CaseStatus.ASSIGNED,), CaseStatus.ANSWERED, CaseEventKind.ANSWERED, "承办单位的联络员"),
    # answered → called_back: the owning group calls the citizen back (satisfaction, substantiated).
    "callback": Move(
        "回访", (CaseStatus.ANSWERED,), CaseStatus.CALLED_BACK, CaseEventKind.CALLED_BACK, "本组组长或组员"
    ),
    # called_back → closed: the owning group closes the case.
    "close": Move("办结", (CaseStatus.CALLED_BACK,), CaseStatus.CLOSED, CaseEventKind.CLOSED, "本组组长或组员"),
}


def case_actions(actor, case: HotlineCase) -> dict[str, bool]:
    """Which buttons the detail page shows: the table's moves from the current status that the actor may do."""
    out = {name: case.status in m.sources and can(actor, name, case) for name, m in TRANSITIONS.items()}
    out["to_problem"] = bool(case.substantiated) and case.problem_id is None and can(actor, "to_problem", case)
    out["view_personal"] = can(actor, "view_personal", case)
    return out


def _apply(name: str, *, actor, case: HotlineCase, at, note="", expected_version=None, change=None) -> HotlineCase:
    move = TRANSITIONS[name]
    if not can(actor, name, case):
        raise PermissionDenied(f"只有{move.who}可以{move.label}该工单。")
    case = lock_current(case, expected_version)
    if case.status not in move.sources:
        status = CaseStatus(case.status).label
        raise ValidationFailed(f"工单当前为“{status}”，不能{move.label}。", code="illegal_transition")
    before = audit.snapshot(case, CASE_FIELDS)
    from_status = case.status
    if change:
        change(case)
    case.status = move.target
    bump(case)
    case.save()
    _event(case, move.event, actor=actor, at=_now(at), from_status=from_status, to_status=move.target, note=note)
    details = {"action": name, "from": from_status, "to": move.target, "number": case.number}
    details["changes"] = audit.diff(before, audit.snapshot(case, CASE_FIELDS))
    audit.record(EventType.TRANSITION, actor=actor, obj=case, details=details, username="load_demo")
    return case


@transaction.atomic
def case_assign(
    *, actor, case: HotlineCase, routed_org: Org, answer_due_on: date, note: str = "", expected_version=None, at=None
) -> HotlineCase:
    """交办: route the case to the department or unit that must answer by `answer_due_on`."""
    if routed_org is None:
        _fail("routed_org", "请选择承办单位。")
    if routed_org.kind not in ROUTED_ORG_KINDS:
        _fail("routed_org", "承办单位只能是驻在部门或下属单位/属地。")
    if not visible_to(actor, Org).filter(pk=routed_org.pk).exists():
        _fail("routed_org", "承办单位不存在或无权选择。")
    if answer_due_on is None:
        _fail("answer_due_on", "请填写答复期限。")
    if answer_due_on < timezone.localtime(case.received_at).date():
        _fail("answer_due_on", "答复期限不能早于来电日期。")

    def change(c):
        c.routed_org, c.answer_due_on = routed_org, answer_due_on

    note = _text(note) or f"交{routed_org.display_name}办理，{cn_date(answer_due_on)}前答复"
    return _apply("assign", actor=actor, case=case, at=at, note=note, expected_version=expected_version, change=change)


@transaction.atomic
def case_answer(*, actor, case: HotlineCase, answer: str, expected_version=None, at=None) -> HotlineCase:
    """答复: the liaison of the routed org answers; answered_at is now (or the demo's moment)."""
    answer = _text(answer)
    if not answer:
        _fail("answer", "请填写答复内容。")

    def change(c):
        c.answer, c.answered_at, c.answered_by = answer, _now(at), _user(actor)

    return _apply("answer", actor=actor, case=case, at=at, expected_version=expected_version, change=change)


@transaction.atomic
def case_callback(
    *,
    actor,
    case: HotlineCase,
    satisfaction: int,
    substantiated: bool | None = None,
    note: str = "",
    expected_version=None,
    at=None,
) -> HotlineCase:
    """回访: the owning group calls the citizen back and records satisfaction (1–5) and whether the complaint
    was substantiated (属实); a substantiated case can then become a problem."""
    if satisfaction not in (1, 2, 3, 4, 5):
        _fail("satisfaction", "请选择满意度（1～5）。")
    note = _text(note)

    def change(c):
        c.called_back_at, c.satisfaction, c.callback_note = _now(at), satisfaction, note
        if substantiated is not None:
            c.substantiated = substantiated

    return _apply(
        "callback", actor=actor, case=case, at=at, note=note, expected_version=expected_version, change=change
    )


@transaction.atomic
def case_close(
    *, actor, case: HotlineCase, substantiated: bool | None = None, note: str = "", expected_version=None, at=None
) -> HotlineCase:
    """办结 by the owning group (after the callback)."""

    def change(c):
        c.closed_at = _now(at)
        if substantiated is not None:
            c.substantiated = substantiated

    return _apply(
        "close", actor=actor, case=case, at=at, note=_text(note), expected_version=expected_version, change=change
    )


def case_personal_data(*, actor, case: HotlineCase) -> dict:
    """查看完整信息: the unmasked caller name and phone for the roles that handle the case (access.py), each
    view recorded in the audit chain (event "view_personal")."""
    if not can(actor, "view_personal", case):
        raise PermissionDenied("您无权查看来电人的完整信息。")
    audit.record(
        EventType.VIEW_PERSONAL,
        actor=actor,
        obj=case,
        details={"fields": ["caller_name", "caller_phone"], "number": case.number},
    )
    return {"caller_name": case.caller_name, "caller_phone": case.caller_phone}


def rotate_personal_data() -> int:
    """Re-encrypt every caller name and phone not yet under the active SM4 key (key rotation, docs/security.md).
    Reads the stored ciphertext to see its key id, so a second run rewrites nothing. Audited as one event."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from jiandu.core import crypto

    active = crypto.active_key_id()
    stored = HotlineCase.objects.annotate(
        raw_name=Cast("caller_name", TextField()), raw_phone=Cast("caller_phone", TextField())
    ).values_list("pk", "raw_name", "raw_phone")
    count = 0
    for pk, raw_name, raw_phone in stored.iterator(chunk_size=1000):
        values = {}
        for field, raw in (("caller_name", raw_name), ("caller_phone", raw_phone)):
            if raw and crypto.key_id_of(raw) != active:
                values[field] = crypto.decrypt(raw)  # the field encrypts it again with the active key
        if values:
            with transaction.atomic():
                HotlineCase.objects.filter(pk=pk).update(**values)
            count += 1
    audit.record(
        EventType.UPDATE,
        object_type=HotlineCase._meta.label_lower,
        object_repr="来电人信息重新加密（SM4 密钥轮换）",
        details={"key": active, "cases": count},
        username="system",
    )
    return count


# --- Problems in one click ---


def _problem_defaults():
    from jiandu.problems.models import Category, Severity
    from jiandu.problems.services import ensure_defaults

    category = Category.objects.filter(name=PROBLEM_CATEGORY).first()
    severity = Severity.objects.filter(level=PROBLEM_SEVERITY_LEVEL).first()
    if category is None or severity is None:
        ensure_defaults()
        category = Category.objects.get(name=PROBLEM_CATEGORY)
        severity = Severity.objects.get(level=PROBLEM_SEVERITY_LEVEL)
    return category, severity


def _make_problem(*, actor, group, description, responsible_org, site, source_kind, source_type, source_id, at):
    from jiandu.problems.enums import DeadlineMode
    from jiandu.problems.services import problem_create

    category, severity = _problem_defaults()
    return problem_create(
        actor=actor,
        group=group,
        description=description,
        category=category,
        severity=severity,
        responsible_org=responsible_org,
        deadline_mode=DeadlineMode.CALENDAR_DAYS,
        deadline_days=PROBLEM_DEADLINE_DAYS,
        registered_on=timezone.localtime(at).date() if at else None,
        site=site,
        source_kind=source_kind,
        source_type=source_type,
        source_id=source_id,
        at=at,
    )


@transaction.atomic
def case_to_problem(*, actor, case: HotlineCase, at: datetime | None = None):
    """转为问题: a substantiated case becomes a problem of the owning group, addressed to the routed org (or the
    hotline's operator), at the hotline's site; the case links to it. Twice is refused."""
    from jiandu.problems.enums import SourceKind

    if not can(actor, "to_problem", case):
        raise PermissionDenied("只有本组组长或组员可以将工单转为问题。")
    case = lock_current(case, None)
    if case.problem_id is not None:
        raise ValidationFailed("该工单已转为问题，不能重复转办。", code="already_converted")
    if not case.substantiated:
        raise ValidationFailed("只有反映属实的工单才能转为问题（回访或办结时标记“属实”）。", code="not_substantiated")
    hotline = case.hotline
    description = f"群众来电反映（{hotline.name}工单{case.number}，{cn_date(case.received_at)}）：{case.issue}"
    problem = _make_problem(
        actor=actor,
        group=case.group,
        description=description[:2000],
        responsible_org=case.routed_org or hotline.operating_org,
        site=hotline.site,
        source_kind=SourceKind.HOTLINE_CASE,
        source_type="hotline.hotlinecase",
        source_id=case.pk,
        at=at,
    )
    case.problem = problem
    bump(case)
    case.save(update_fields=["problem", "version", "updated_at"])
    _event(case, CaseEventKind.TO_PROBLEM, actor=actor, at=_now(at), note=f"转为问题{problem.number}")
    audit.record(EventType.UPDATE, actor=actor, obj=case, details={"to_problem": problem.number})
    return problem


# --- Covert test calls ---


def _clean_result(*, connected, wait_seconds, answer_correct, quality_score):
    if connected is None:
        _fail("connected", "请选择是否接通。")
    if wait_seconds is not None and (wait_seconds < 0 or wait_seconds > 3600):
        _fail("wait_seconds", "等待秒数应为0～3600。")
    if quality_score is not None and quality_score not in (1, 2, 3, 4, 5):
        _fail("quality_score", "服务质量评分应为1～5分。")
    if not connected:
        return None, None  # nobody answered: no answer to judge
    return answer_correct, quality_score


def _set_result(call, *, called_at, connected, wait_seconds, answer_correct, quality_score, note, caller, actor):
    answer_correct, quality_score = _clean_result(
        connected=connected, wait_seconds=wait_seconds, answer_correct=answer_correct, quality_score=quality_score
    )
    if called_at is None:
        _fail("called_at", "请填写拨打时间。")
    if called_at > timezone.now() + timedelta(minutes=5):
        _fail("called_at", "拨打时间不能晚于现在。")
    call.called_at, call.connected, call.wait_seconds = called_at, connected, wait_seconds
    call.answer_correct, call.quality_score = answer_correct, quality_score
    call.caller = caller or _user(actor)
    if note:
        call.note = _text(note)
    call.status = TestCallStatus.DONE


@transaction.atomic
def test_call_create(
    *,
    actor,
    hotline: Hotline,
    planned_at: datetime,
    group: Org | None = None,
    question: str = "",
    note: str = "",
    result: dict | None = None,
) -> TestCall:
    """计划暗访测试 (and, with `result`, record it at once: called_at, connected, wait_seconds, answer_correct,
    quality_score, caller). The group is the actor's own (or the hotline's, for the office). Confidential:
    a liaison never sees it. Audited as CREATE."""
    if group is None:
        from jiandu.core.access import group_ids

        own = sorted(group_ids(actor))
        group = Org.objects.get(pk=own[0]) if len(own) == 1 else hotline.group
    if not visible_to(actor, Hotline).filter(pk=hotline.pk).exists():
        _fail("hotline", "热线不存在或无权选择。")
    if planned_at is None:
        _fail("planned_at", "请填写计划时间。")
    call = TestCall(
        hotline=hotline,
        group=group,
        planned_at=planned_at,
        question=_text(question)[:200],
        note=_text(note),
        created_by=_user(actor),
    )
    if group.kind != OrgKind.GROUP or not can(actor, "create", call):
        raise PermissionDenied("只有本组组长、组员或派驻机构管理室可以安排暗访测试。")
    if result:
        _set_result(call, actor=actor, note="", **result)
    call.save()
    audit.record_change(actor, call, before=None, fields=TEST_CALL_FIELDS, extra={"confidential": True})
    return call


@transaction.atomic
def test_call_record(
    *,
    actor,
    call: TestCall,
    called_at: datetime,
    connected: bool,
    wait_seconds: int | None = None,
    answer_correct: bool | None = None,
    quality_score: int | None = None,
    note: str = "",
    caller=None,
    expected_version: int | None = None,
) -> TestCall:
    """登记测试结果: when the call was made, whether it was connected, the seconds to answer, whether the answer
    was correct and a quality score. A recorded result can be corrected (audited as UPDATE)."""
    if not can(actor, "record", call):
        raise PermissionDenied("只有本组组长、组员或派驻机构管理室可以登记测试结果。")
    call = lock_current(call, expected_version)
    if call.problem_id is not None:
        raise ValidationFailed("该测试已转为问题，不能再修改结果。", code="already_converted")
    before = audit.snapshot(call, TEST_CALL_FIELDS)
    _set_result(
        call,
        actor=actor,
        called_at=called_at,
        connected=connected,
        wait_seconds=wait_seconds,
        answer_correct=answer_correct,
        quality_score=quality_score,
        note=note,
        caller=caller,
    )
    bump(call)
    call.save()
    audit.record_change(actor, call, before=before, fields=TEST_CALL_FIELDS, extra={"confidential": True})
    return call


def describe_call(call: TestCall) -> str:
    when = timezone.localtime(call.called_at)
    text = f"暗访测试：{cn_date(when)}{when:%H:%M}拨打{call.hotline.name}（{call.hotline.number}），"
    if call.connected is False:
        waited = f"等待{call.wait_seconds}秒" if call.wait_seconds else "长时间"
        text += f"{waited}无人接听（响铃未接通）。"
    else:
        text += "存在问题：" + "、".join(call.failure_reasons) + "。"
    if call.note:
        text += call.note
    return text


@transaction.atomic
def test_call_to_problem(*, actor, call: TestCall, at: datetime | None = None):
    """转为问题: a failed test call (not connected, wait > MAX_WAIT_SECONDS, wrong answer or score ≤ 2) becomes a
    problem of the group, addressed to the hotline's operating org, at the hotline's site. Twice is refused."""
    from jiandu.problems.enums import SourceKind

    if not can(actor, "to_problem", call):
        raise PermissionDenied("只有本组组长或组员可以将暗访测试转为问题。")
    call = lock_current(call, None)
    if call.problem_id is not None:
        raise ValidationFailed("该测试已转为问题，不能重复转办。", code="already_converted")
    if not call.failed:
        raise ValidationFailed(
            f"只有不合格的测试（未接通、等待超过{MAX_WAIT_SECONDS}秒、答复不准确或评分≤2分）才能转为问题。",
            code="not_failed",
        )
    hotline = call.hotline
    problem = _make_problem(
        actor=actor,
        group=call.group,
        description=describe_call(call)[:2000],
        responsible_org=hotline.operating_org,
        site=hotline.site,
        source_kind=SourceKind.TEST_CALL,
        source_type="hotline.testcall",
        source_id=call.pk,
        at=at,
    )
    call.problem = problem
    bump(call)
    call.save(update_fields=["problem", "version", "updated_at"])
    audit.record(EventType.UPDATE, actor=actor, obj=call, details={"to_problem": problem.number, "confidential": True})
    return problem


def test_call_actions(actor, call: TestCall) -> dict[str, bool]:
    return {
        "record": can(actor, "record", call) and call.problem_id is None,
        "to_problem": call.failed and call.problem_id is None and can(actor, "to_problem", call),
    }
