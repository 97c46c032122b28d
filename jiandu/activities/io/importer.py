"""The all-or-nothing import of an activity ledger (see the package docstring for the rules)."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiandu.core import audit, freshness
from jiandu.core.access import principal, require, visible_to
from jiandu.core.enums import EventType, Outcome
from jiandu.core.errors import ImportFailed
from jiandu.core.xlsx import RowErrors, read_rows, text
from jiandu.organizations.enums import GROUP_ROLES, OrgKind
from jiandu.organizations.models import Org, Site

from ..enums import EventKind
from ..models import Activity, ActivityEvent, Campaign, Topic
from ..services import (
    TARGET_ORG_KINDS,
    activity_code,
    date_errors,
    eligible_people,
    is_confidential,
    normalized_end,
    stationed_days_of,
    today,
)
from . import bulk
from .columns import (
    COLUMN_LABELS,
    COLUMNS,
    IN_CHUNK,
    MAX_LENGTHS,
    METHOD_BY_LABEL,
    METHOD_LABELS,
    SEPARATORS,
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def tokens(value) -> tuple[str, ...]:
    """The names in a cell separated by 、，, ； or new lines (duplicates dropped, order kept)."""
    return _names(text(value))


@lru_cache(maxsize=8192)  # a ledger repeats its names (the same people, orgs and sites on many rows)
def _names(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for part in SEPARATORS.split(cell) if (name := part.strip())))


DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
]


def parse_date(value) -> tuple[date | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    s = text(value)
    for pattern in DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3])), None
            except ValueError:
                break
    return None, f"“{s}”不是有效日期，请写成2022-04-28。"


class _Lookup:
    """Names → objects, with ambiguity: a name shared by several objects must be given by its code."""

    def __init__(self):
        self.by_key: dict[str, list] = {}

    def add(self, key: str, obj) -> None:
        if key:
            bucket = self.by_key.setdefault(key, [])
            if obj not in bucket:
                bucket.append(obj)

    def find(self, key: str):
        """(obj, None) or (None, "missing" | "ambiguous")."""
        found = self.by_key.get(key, [])
        if len(found) == 1:
            return found[0], None
        return None, "ambiguous" if found else "missing"


def _chunks(values: list, size: int = IN_CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _collect(rows, key) -> list[str]:
    out = set()
    for _n, r in rows:
        out.update(tokens(r.get(key)))
    return sorted(out)


def _lookups(actor, rows) -> dict:
    """Everything the rows name, fetched in bulk from what `actor` may use."""
    groups = _Lookup()
    own = principal(actor).org_ids(*GROUP_ROLES)
    all_groups = {}
    for g in Org.objects.filter(kind=OrgKind.GROUP):
        all_groups.setdefault(g.code, g)
        for key in (g.code, g.name, g.short_name):
            if g.pk in own and g.is_active:
                groups.add(key, g)
            all_groups.setdefault(key, g)

    topics = {t.name: t for t in Topic.objects.all()}

    campaigns = _Lookup()
    for c in visible_to(actor, Campaign).filter(title__in=_collect(rows, "campaign")):
        campaigns.add(c.title, c)

    orgs = _Lookup()
    names = _collect(rows, "target_orgs")
    org_qs = visible_to(actor, Org).filter(kind__in=TARGET_ORG_KINDS)
    for chunk in _chunks(names):
        for o in org_qs.filter(Q(code__in=chunk) | Q(name__in=chunk) | Q(short_name__in=chunk)):
            orgs.add(o.name, o)
            orgs.add(o.short_name, o)
    org_codes = {}
    for chunk in _chunks(names):
        org_codes.update({o.code: o for o in org_qs.filter(code__in=chunk)})

    sites = _Lookup()
    names = _collect(rows, "sites")
    site_qs = visible_to(actor, Site)
    site_codes = {}
    for chunk in _chunks(names):
        for s in site_qs.filter(Q(code__in=chunk) | Q(name__in=chunk)):
            sites.add(s.name, s)
            if s.code in chunk:
                site_codes[s.code] = s

    people = _Lookup()
    names = sorted(set(_collect(rows, "participants")) | set(_collect(rows, "leader")))
    usernames = {}
    for chunk in _chunks(names):
        for u in eligible_people().filter(Q(username__in=chunk) | Q(full_name__in=chunk)):
            usernames[u.username] = u
            people.add(u.full_name, u)

    codes = sorted({text(r.get("code")) for _n, r in rows if text(r.get("code"))})
    existing = {}
    for chunk in _chunks(codes):
        qs = (
            visible_to(actor, Activity)
            .filter(code__in=chunk)
            .prefetch_related("topics", "participants", "target_orgs", "sites")
        )
        existing.update({a.code: a for a in qs})
    return {
        "groups": groups,
        "all_groups": all_groups,
        "topics": topics,
        "campaigns": campaigns,
        "orgs": orgs,
        "org_codes": org_codes,
        "sites": sites,
        "site_codes": site_codes,
        "people": people,
        "usernames": usernames,
        "existing": existing,
        "own_groups": own,
        "today": today(),  # once per file: the date of every row is checked against the same day
    }


def _resolve_many(names, by_code: dict, lookup: _Lookup, errors, row, key, what: str) -> list:
    out = []
    for name in names:
        obj = by_code.get(name)
        if obj is None:
            obj, problem = lookup.find(name)
            if problem == "ambiguous":
                errors.add(row, key, f"{what}“{name}”有重名，请改填编码（或用户名）。")
                continue
            if problem == "missing":
                errors.add(row, key, f"找不到{what}“{name}”，或无权使用。")
                continue
        if obj not in out:
            out.append(obj)
    return out


def _person(name, look, errors, row, key, what):
    return _resolve_many([name], look["usernames"], look["people"], errors, row, key, what)


@dataclass
class _Parsed:
    row: int
    current: Activity | None
    values: dict
    m2m: dict


def _parse_row(actor, row: int, r: dict, look: dict, errors: RowErrors, seen_codes: set) -> _Parsed | None:
    before = len(errors.items)
    code = text(r.get("code"))
    current = None
    if code:
        if code in seen_codes:
            errors.add(row, "code", f"编号“{code}”在文件中重复。")
        seen_codes.add(code)
        current = look["existing"].get(code)
        if current is None:
            errors.add(row, "code", f"编号“{code}”不存在或无权查看；新增的活动请将编号留空。")
        elif current.group_id not in look["own_groups"]:
            errors.add(row, "code", f"编号“{code}”属于其他纪检监察组，无权修改。")

    group_name = text(r.get("group"))
    group = None
    if not group_name:
        errors.add(row, "group", "请填写纪检监察组。")
    else:
        group, problem = look["groups"].find(group_name)
        if group is None:
            if problem == "ambiguous":
                errors.add(row, "group", f"纪检监察组“{group_name}”有重名，请改填机构编码。")
            elif group_name in look["all_groups"]:
                errors.add(row, "group", f"您不是“{group_name}”的成员，不能为其登记活动。")
            else:
                errors.add(row, "group", f"找不到纪检监察组“{group_name}”。")
        elif current is not None and current.group_id != group.pk:
            errors.add(row, "group", "已登记活动的纪检监察组不能更改。")

    method_text = text(r.get("method"))
    method = METHOD_BY_LABEL.get(method_text)
    if not method_text:
        errors.add(row, "method", "请填写监督方式。")
    elif method is None:
        errors.add(row, "method", f"无法识别“{method_text}”，可选：{METHOD_LABELS}。")

    title = text(r.get("title"))
    if not title:
        errors.add(row, "title", "请填写标题。")
    for key, limit in MAX_LENGTHS.items():
        if len(text(r.get(key))) > limit:
            errors.add(row, key, f"不能超过{limit}个字。")

    topics = []
    for name in tokens(r.get("topics")):
        topic = look["topics"].get(name)
        if topic is None or (not topic.is_active and (current is None or topic not in current.topics.all())):
            errors.add(row, "topics", f"找不到监督主题“{name}”，或该主题已停用。")
        else:
            topics.append(topic)

    campaign = None
    campaign_name = text(r.get("campaign"))
    if campaign_name:
        campaign, problem = look["campaigns"].find(campaign_name)
        if campaign is None:
            what = "有重名" if problem == "ambiguous" else "不存在或无权使用"
            errors.add(row, "campaign", f"专项监督“{campaign_name}”{what}。")
        elif group is not None and campaign.group_id not in (None, group.pk):
            errors.add(row, "campaign", f"专项监督“{campaign_name}”属于其他纪检监察组。")

    start, start_error = parse_date(r.get("start_date"))
    end, end_error = parse_date(r.get("end_date"))
    if start_error:
        errors.add(row, "start_date", start_error)
    if end_error:
        errors.add(row, "end_date", end_error)
    if method and not start_error and not end_error:
        for key, message in date_errors(method, start, end, on=look["today"]).items():
            errors.add(row, key, message)

    leader = None
    leader_names = tokens(r.get("leader"))
    if len(leader_names) > 1:
        errors.add(row, "leader", "带队领导只能填一人。")
    elif leader_names:
        found = _person(leader_names[0], look, errors, row, "leader", "纪检监察干部")
        leader = found[0] if found else None
    participants = _resolve_many(
        tokens(r.get("participants")), look["usernames"], look["people"], errors, row, "participants", "纪检监察干部"
    )
    target_orgs = _resolve_many(
        tokens(r.get("target_orgs")), look["org_codes"], look["orgs"], errors, row, "target_orgs", "单位"
    )
    sites = _resolve_many(tokens(r.get("sites")), look["site_codes"], look["sites"], errors, row, "sites", "点位")

    if len(errors.items) > before:
        return None
    end = normalized_end(method, start, end)
    values = {
        "group": group,
        "method": method,
        "title": title,
        "campaign": campaign,
        "start_date": start,
        "end_date": end,
        "days": stationed_days_of(method, start, end),
        "leader": leader,
        "external_participants": text(r.get("external_participants")),
        "summary": text(r.get("summary")),
        "findings": text(r.get("findings")),
        "confidential": is_confidential(method),
    }
    m2m = {
        "topics": sorted(t.pk for t in topics),
        "participants": sorted(u.pk for u in participants),
        "target_orgs": sorted(o.pk for o in target_orgs),
        "sites": sorted(s.pk for s in sites),
    }
    return _Parsed(row=row, current=current, values=values, m2m=m2m)


def _changes(current: Activity, values: dict, m2m: dict) -> dict:
    changes = {}
    for name, value in values.items():
        old = getattr(current, f"{name}_id") if name in ("group", "campaign", "leader") else getattr(current, name)
        new = value.pk if name in ("group", "campaign", "leader") and value is not None else value
        if old != new:
            changes[name] = [str(old) if isinstance(old, date) else old, str(new) if isinstance(new, date) else new]
    for name, ids in m2m.items():
        old = sorted(o.pk for o in getattr(current, name).all())
        if old != ids:
            changes[name] = [old, ids]
    return changes


M2M_FIELDS = {"topics": "topic_id", "participants": "user_id", "target_orgs": "org_id", "sites": "site_id"}


def _write_m2m(activity_ids_to_m2m: dict[int, dict], replace: bool) -> None:
    for name, column in M2M_FIELDS.items():
        through = getattr(Activity, name).through
        ids = [pk for pk, m2m in activity_ids_to_m2m.items() if name in m2m]
        if replace:
            for chunk in _chunks(ids):
                through.objects.filter(activity_id__in=chunk).delete()
        links = [
            {"activity_id": pk, column: target}
            for pk, m2m in activity_ids_to_m2m.items()
            for target in m2m.get(name, ())
        ]
        bulk.insert(through, links)


def activity_import(*, actor, upload) -> ImportResult:
    """Create or update activities from an xlsx in the export format, all or nothing. Each activity gets a
    timeline row (导入 or 修改); one IMPORT audit event carries the counts and the numbers written (a refused
    file records a failed IMPORT with the number of errors)."""
    require(actor, "import", Activity)
    try:
        return _activity_import(actor, upload)
    except ImportFailed as e:
        audit.record(
            EventType.IMPORT,
            actor=actor,
            object_type="activities.activity",
            object_repr="监督检查活动导入",
            outcome=Outcome.FAILURE,
            details={"errors": len(e.rows), "file": getattr(upload, "name", "")},
        )
        raise


@transaction.atomic
def _activity_import(actor, upload) -> ImportResult:
    freshness.touch()  # rows are written in bulk (no model signals): every cached figure recomputes
    rows = read_rows(upload, COLUMNS)
    errors = RowErrors(COLUMNS)
    if not rows:
        errors.add(None, "文件", "文件中没有数据行。")
        errors.raise_if_any()
    look = _lookups(actor, rows)

    # Every field is checked with its column (the rules of the form's service); skipping full_clean per row keeps
    # a 20,000-row import within a few seconds. The database constraints still hold the invariants.
    # New rows are written while the next ones are checked (on PostgreSQL the database inserts them meanwhile). The
    # code is derived from the id (services.activity_code): ids are taken first, one per row without a code. Once
    # a row fails nothing more is written, and the first error rolls the whole file back.
    now = timezone.now()
    parsed: list[_Parsed] = []
    new: list[_Parsed] = []
    seen: set[str] = set()
    reserved = bulk.reserve_ids(Activity, sum(1 for _n, r in rows if not text(r.get("code"))))
    created_ids, created_codes = [], []
    with bulk.Writer(Activity, with_pk=True) as writer:
        for number, r in rows:
            p = _parse_row(actor, number, r, look, errors, seen)
            if p is None:
                continue
            parsed.append(p)
            if p.current is None and not errors.items:
                pk = reserved[len(new)]
                new.append(p)
                created_ids.append(pk)
                created_codes.append(activity_code(pk))
                writer.add({**_new_activity(actor, p.values, now), "id": pk, "code": created_codes[-1]})
    errors.raise_if_any()

    _write_m2m({pk: p.m2m for pk, p in zip(created_ids, new, strict=True)}, replace=False)

    updated, events, unchanged = [], [], 0
    changed_m2m = {}
    for p in parsed:
        if p.current is None:
            continue
        changes = _changes(p.current, p.values, p.m2m)
        if not changes:
            unchanged += 1
            continue
        a = p.current
        for name, value in p.values.items():
            setattr(a, name, value)
        a.version += 1
        a.updated_at = now
        updated.append(a)
        changed_m2m[a.pk] = {k: v for k, v in p.m2m.items() if k in changes}
        note = "导入修改：" + "、".join(COLUMN_LABELS.get(k, k) for k in changes)
        events.append(
            ActivityEvent(
                activity=a,
                actor=actor,
                at=now,
                kind=EventKind.UPDATED,
                note=note[:300],
                details={"changes": changes, "import": True},
            )
        )
    if updated:
        Activity.objects.bulk_update(updated, [*UPDATED_FIELDS, "version", "updated_at"], batch_size=500)
        _write_m2m(changed_m2m, replace=True)
    ActivityEvent.objects.bulk_create(events, batch_size=1000)
    imported = {
        "actor_id": actor.pk,
        "at": now,
        "kind": EventKind.IMPORTED.value,
        "note": "由Excel台账导入",
        "details": {},
    }
    bulk.insert(ActivityEvent, [{"activity_id": pk, **imported} for pk in created_ids])
    result = ImportResult(created=len(created_ids), updated=len(updated), unchanged=unchanged)
    audit.record(
        EventType.IMPORT,
        actor=actor,
        object_type="activities.activity",
        object_repr="监督检查活动导入",
        details={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "file": getattr(upload, "name", ""),
            "created_codes": created_codes,
            "updated_codes": [a.code for a in updated],
        },
    )
    return result


def _new_activity(actor, values: dict, now) -> dict:
    """The columns of a new activity (by attname) from its parsed values; the rest take their defaults."""
    row = {"created_by_id": actor.pk, "created_at": now, "updated_at": now}
    for name, value in values.items():
        if name in ("group", "campaign", "leader"):
            row[f"{name}_id"] = value.pk if value is not None else None
        else:
            row[name] = value
    return row


# What an import may change on an existing activity (its group and number are fixed).
UPDATED_FIELDS = [
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
