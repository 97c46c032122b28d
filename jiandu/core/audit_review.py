"""Audit review for the audit admin (三员分立, DESIGN §10): the filters of the audit log page, its API and its
export, in one place; the export is a ledger of the exports registry, so it is itself an audited EXPORT event."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from . import exports, search
from .access import visible_to
from .enums import EventType, Outcome
from .errors import ValidationFailed
from .models import AuditEvent
from .xlsx import Column

FILTER_KEYS = ("start", "end", "actor", "event_type", "object_type", "object_id", "object", "outcome")


@dataclass
class AuditFilters:
    start: date | None = None  # from this day (local time), inclusive
    end: date | None = None  # up to this day, inclusive
    actor: str = ""  # username, contains
    event_type: str = ""
    object_type: str = ""  # app_label.model, e.g. problems.problem
    object_id: str = ""
    object: str = ""  # the object's text, contains
    outcome: str = ""

    def as_params(self) -> dict:
        return {k: str(v) for k, v in self.__dict__.items() if v}


def _day(params, key: str, label: str) -> date | None:
    text = (params.get(key) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{label}应为 YYYY-MM-DD 格式的日期。", fields={key: ["日期格式不正确。"]}) from None


def parse_filters(params) -> AuditFilters:
    """The filters from a query string (page, API and export share them). Unknown choices are errors."""
    f = AuditFilters(
        start=_day(params, "start", "开始日期"),
        end=_day(params, "end", "结束日期"),
        actor=(params.get("actor") or "").strip()[:150],
        event_type=(params.get("event_type") or "").strip(),
        object_type=(params.get("object_type") or "").strip().lower()[:64],
        object_id=(params.get("object_id") or "").strip()[:64],
        object=(params.get("object") or "").strip()[:200],
        outcome=(params.get("outcome") or "").strip(),
    )
    if f.event_type and f.event_type not in EventType.values:
        raise ValidationFailed("事件类型不正确。", fields={"event_type": ["无此事件类型。"]})
    if f.outcome and f.outcome not in Outcome.values:
        raise ValidationFailed("结果应为 success 或 failure。", fields={"outcome": ["无此结果。"]})
    if f.start and f.end and f.start > f.end:
        raise ValidationFailed("开始日期不能晚于结束日期。", fields={"start": ["开始日期晚于结束日期。"]})
    return f


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events_for(user, f: AuditFilters) -> QuerySet:
    """The audit events `user` may read (the audit admin: all; anyone else: none), filtered, newest first."""
    qs = visible_to(user, AuditEvent)
    if f.start:
        qs = qs.filter(occurred_at__gte=_local_midnight(f.start))
    if f.end:
        qs = qs.filter(occurred_at__lt=_local_midnight(f.end + timedelta(days=1)))
    if f.actor:  # words contained, through the keyword index (core.search): the log holds months of events
        qs = search.matching(qs, f.actor, ["actor_username"])
    if f.event_type:
        qs = qs.filter(event_type=f.event_type)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.object:
        qs = search.matching(qs, f.object, ["object_repr"])
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    return qs.order_by("-seq")


# --- The export (审计日志台账) ---

COLUMNS = [
    Column("seq", "序号", 10),
    Column("occurred_at", "时间", 20),
    Column("actor", "操作人", 14),
    Column("event_type", "事件类型", 12),
    Column("object_type", "对象类型", 22),
    Column("object_id", "对象ID", 10),
    Column("object", "对象", 30),
    Column("outcome", "结果", 8),
    Column("ip", "客户端IP", 16),
    Column("details", "详情", 60),
    Column("hash", "哈希(SM3)", 66),
]
EVENT_LABELS = dict(EventType.choices)
OUTCOME_LABELS = dict(Outcome.choices)


def select_events(user, params) -> exports.Selection:
    f = parse_filters(params)
    return exports.Selection(events_for(user, f), f.as_params())


EVENT_FIELDS = (
    "seq", "occurred_at", "actor_username", "event_type", "object_type", "object_id", "object_repr", "outcome",
    "ip", "details", "hash",
)  # fmt: skip


def event_rows(events, user=None):
    """Rows of the audit log, streamed as plain values (the log is the largest table of a running system)."""
    import json

    for event in exports.each_value(events, EVENT_FIELDS, named=True):
        yield {
            "seq": event.seq,
            "occurred_at": exports.local_time(event.occurred_at, "seconds"),
            "actor": event.actor_username,
            "event_type": str(EVENT_LABELS.get(event.event_type, event.event_type)),
            "object_type": event.object_type,
            "object_id": event.object_id,
            "object": event.object_repr,
            "outcome": str(OUTCOME_LABELS.get(event.outcome, event.outcome)),
            "ip": event.ip or "",
            "details": json.dumps(event.details, ensure_ascii=False, sort_keys=True),
            "hash": event.hash,
        }


LEDGER = exports.register(
    exports.Ledger(
        name="audit_events",
        title="审计日志",
        model=AuditEvent,
        columns=COLUMNS,
        select=select_events,
        rows=event_rows,
    )
)
