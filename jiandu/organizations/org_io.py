"""The org tree and the accounts as Excel ledgers (DESIGN §7): export, and the all-or-nothing import of the tree.

The import template is the export: the same columns with the same Chinese headers. An import validates every
row first and reports every error as (row, column, message); only a clean file is written, in one transaction.
"""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, LPad

from jiandu.core import audit, exports, freshness
from jiandu.core.access import require
from jiandu.core.enums import EventType, Outcome
from jiandu.core.errors import ImportFailed, ValidationFailed
from jiandu.core.versioning import bump
from jiandu.core.xlsx import Column, RowErrors, read_rows, text

from . import selectors, services
from .enums import OrgKind
from .forms import UserFilterForm
from .models import PATH_SEGMENT, Assignment, Org, User

ACTIVE_LABEL, INACTIVE_LABEL = "启用", "停用"

ORG_COLUMNS = [
    Column("code", "机构编码", width=18, required=True),
    Column("name", "机构名称", width=34, required=True),
    Column("short_name", "简称", width=18),
    Column("kind", "类型", width=14, required=True),
    Column("parent_code", "上级机构编码", width=18),
    Column("sort_order", "排序", width=8),
    Column("status", "状态", width=8),
]
ORG_SHEET = "组织机构"

# The kind column holds the Chinese label; the code name is accepted too.
KIND_BY_LABEL = {str(k.label): k.value for k in OrgKind} | {k.value: k.value for k in OrgKind}
MAX_LENGTHS = {"code": 32, "name": 100, "short_name": 50}


def _status_label(active: bool) -> str:
    return ACTIVE_LABEL if active else INACTIVE_LABEL


# --- Export ---


def org_rows(orgs, user=None):
    for o in exports.each(orgs):
        yield [
            o.code,
            o.name,
            o.short_name,
            o.get_kind_display(),
            o.parent_code or "",
            o.sort_order,
            _status_label(o.is_active),
        ]


def select_orgs(user, params) -> exports.Selection:
    """The visible tree in path order (the whole tree: it is also the import template)."""
    return exports.Selection(selectors.org_export_rows(user))


ORGS = exports.register(
    exports.Ledger(name="orgs", title="组织机构", model=Org, columns=ORG_COLUMNS, select=select_orgs, rows=org_rows)
)


def org_tree_export(*, actor) -> tuple[bytes, int]:
    """The visible tree in path order as .xlsx (the import template). Audited as an export."""
    return exports.export_bytes(ORGS, actor=actor, selection=select_orgs(actor, {}))


USER_COLUMNS = [
    Column("username", "用户名", width=18),
    Column("full_name", "姓名", width=14),
    Column("org", "所在单位", width=30),
    Column("roles", "角色", width=48),
    Column("status", "状态", width=8),
]


def user_rows(users, user=None):
    """Accounts with the grants one may see (prefetched per chunk by users_for_list: no query per row)."""
    for u in exports.each(users):
        roles = "、".join(f"{g.get_role_display()}（{g.org.display_name}）" for g in u.grants.all())
        yield [u.username, u.full_name, u.org.name if u.org else "", roles, _status_label(u.is_active)]


def select_users(user, params) -> exports.Selection:
    """The account list's filters (?q=&role=&org=&active=); a bad value drops only its own filter."""
    form = UserFilterForm(params or None, user=user)
    form.is_valid()
    d = getattr(form, "cleaned_data", {})
    org = d.get("org")
    users = selectors.users_for_list(
        user, q=d.get("q", ""), role=d.get("role", ""), org_id=org.pk if org else None, active=d.get("active", "")
    )
    filters = {"q": d.get("q"), "role": d.get("role"), "org": org.pk if org else None, "active": d.get("active")}
    return exports.Selection(users, {k: v for k, v in filters.items() if v})


USERS = exports.register(
    exports.Ledger(name="users", title="用户", model=User, columns=USER_COLUMNS, select=select_users, rows=user_rows)
)


ASSIGNMENT_COLUMNS = [
    Column("group_code", "纪检监察组编码", width=16),
    Column("group", "纪检监察组", width=30),
    Column("org_code", "监督单位编码", width=16),
    Column("org", "监督单位", width=30),
    Column("org_kind", "单位类型", width=12),
    Column("start_date", "起始日期", width=12),
    Column("note", "备注", width=30),
]


def assignment_rows(assignments, user=None):
    for a in exports.each(assignments):
        yield {
            "group_code": a.group.code,
            "group": a.group.name,
            "org_code": a.org.code,
            "org": a.org.name,
            "org_kind": a.org.get_kind_display(),
            "start_date": a.start_date,
            "note": a.note,
        }


def select_assignments(user, params) -> exports.Selection:
    """The assignment list's filter (?group=), as on the page."""
    try:
        group_id = int(params.get("group") or 0) or None
    except ValueError:
        group_id = None
    filters = {"group": group_id} if group_id else {}
    return exports.Selection(selectors.assignments_for(user, group_id), filters)


ASSIGNMENTS = exports.register(
    exports.Ledger(
        name="assignments",
        title="监督关系台账",
        sheet="监督关系",
        model=Assignment,
        columns=ASSIGNMENT_COLUMNS,
        select=select_assignments,
        rows=assignment_rows,
    )
)


# --- Import ---


@dataclass
class OrgRow:
    line: int  # the Excel row number
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str
    sort_order: int
    is_active: bool


@dataclass
class ImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int


def _parse(rows, errors: RowErrors) -> tuple[list[OrgRow], set[str]]:
    """Rows whose cells parse, and every code the file names (so a bad parent row is not also "missing")."""
    parsed = []
    codes: set[str] = set()
    for line, r in rows:
        ok = True
        values = {key: text(r.get(key)) for key in ("code", "name", "short_name", "parent_code")}
        codes.add(values["code"])
        for key in ("code", "name"):
            if not values[key]:
                errors.add(line, key, "不能为空。")
                ok = False
        for key, limit in MAX_LENGTHS.items():
            if len(values[key]) > limit:
                errors.add(line, key, f"不能超过{limit}个字符（现有{len(values[key])}个）。")
                ok = False
        kind_text = text(r.get("kind"))
        kind = KIND_BY_LABEL.get(kind_text)
        if not kind_text:
            errors.add(line, "kind", "不能为空。")
            ok = False
        elif kind is None:
            labels = "、".join(str(k.label) for k in OrgKind)
            errors.add(line, "kind", f"无法识别的类型“{kind_text}”，应为：{labels}。")
            ok = False
        sort_text = text(r.get("sort_order"))
        sort_order = 0
        if sort_text:
            try:
                sort_order = int(sort_text)
            except ValueError:
                errors.add(line, "sort_order", f"“{sort_text}”不是整数。")
                ok = False
        status = text(r.get("status")) or ACTIVE_LABEL
        if status not in (ACTIVE_LABEL, INACTIVE_LABEL):
            errors.add(line, "status", f"应为“{ACTIVE_LABEL}”或“{INACTIVE_LABEL}”，而不是“{status}”。")
            ok = False
        if values["parent_code"] and values["parent_code"] == values["code"]:
            errors.add(line, "parent_code", "上级机构不能是它自己。")
            ok = False
        if ok:
            parsed.append(
                OrgRow(
                    line=line,
                    code=values["code"],
                    name=values["name"],
                    short_name=values["short_name"],
                    kind=kind,
                    parent_code=values["parent_code"],
                    sort_order=sort_order,
                    is_active=status == ACTIVE_LABEL,
                )
            )
    return parsed, codes


def _parent_kind_message(kind: str) -> str:
    allowed = services.ALLOWED_PARENT_KINDS[kind]
    names = "、".join("无（顶级）" if k is None else str(OrgKind(k).label) for k in allowed)
    return f"「{OrgKind(kind).label}」的上级只能是：{names}。"


class _Plan:
    """The validated file: rows by code, and the existing orgs it touches (fetched in one query)."""

    def __init__(self, rows: list[OrgRow], existing: dict[str, Org]):
        self.rows = {r.code: r for r in rows}
        self.existing = existing
        self.file_code_by_id = {existing[c].pk: c for c in self.rows if c in existing}

    def kind_of(self, code: str) -> str:
        row = self.rows.get(code)
        if code in self.existing:
            return self.existing[code].kind  # the kind is fixed once created
        return row.kind

    def next_up(self, code: str) -> str | None:
        """The nearest ancestor of a file row, after the import, that is itself a file row (None: none is).

        The parent named in the file may be an existing org outside the file; then its existing ancestors
        are walked (read off its path, no query) up to the first one the file moves or keeps."""
        parent_code = self.rows[code].parent_code
        if not parent_code:
            return None
        if parent_code in self.rows:
            return parent_code
        for ancestor_id in reversed(self.existing[parent_code].ancestor_ids()):
            found = self.file_code_by_id.get(ancestor_id)
            if found:
                return found
        return None


def _validate(rows: list[OrgRow], file_codes: set[str], errors: RowErrors) -> _Plan:
    seen: dict[str, int] = {}
    unique: list[OrgRow] = []
    for r in rows:
        if r.code in seen:
            errors.add(r.line, "code", f"机构编码“{r.code}”与第{seen[r.code]}行重复。")
        else:
            seen[r.code] = r.line
            unique.append(r)
    codes = {r.code for r in unique} | {r.parent_code for r in unique if r.parent_code}
    existing = {o.code: o for o in Org.objects.filter(code__in=codes)}
    plan = _Plan(unique, existing)

    parent_ok: dict[str, bool] = {}
    for r in unique:
        old = existing.get(r.code)
        if old is not None and old.kind != r.kind:
            errors.add(r.line, "kind", f"机构“{r.code}”已存在，类型为“{old.get_kind_display()}”，类型创建后不能修改。")
        if r.parent_code and r.parent_code not in plan.rows and r.parent_code not in existing:
            if r.parent_code not in file_codes:  # else the parent's own row has the error
                errors.add(r.line, "parent_code", f"找不到编码为“{r.parent_code}”的机构。")
            parent_ok[r.code] = False
            continue
        parent_kind = plan.kind_of(r.parent_code) if r.parent_code else None
        kind = existing[r.code].kind if old is not None else r.kind
        if parent_kind not in services.ALLOWED_PARENT_KINDS[kind]:
            errors.add(r.line, "parent_code", _parent_kind_message(kind))
        parent_ok[r.code] = True

    # Cycles: follow each row's parents after the import; coming back to the row is a cycle.
    in_cycle: set[str] = set()
    for r in unique:
        if not parent_ok.get(r.code) or r.code in in_cycle:
            continue
        path = [r.code]
        current = plan.next_up(r.code)
        while current is not None and parent_ok.get(current, True):
            if current == r.code:
                in_cycle.update(path)
                break
            if current in path or current in in_cycle:
                break  # a cycle further up, reported on its own rows
            path.append(current)
            current = plan.next_up(current)
    for r in unique:
        if r.code in in_cycle:
            errors.add(r.line, "parent_code", f"上级机构“{r.parent_code}”会形成循环（机构成为自己的下级）。")

    _validate_deactivations(plan, errors)
    return plan


def _validate_deactivations(plan: _Plan, errors: RowErrors) -> None:
    """A stopped org may not keep active children (as in org_update), judged on the tree after the import."""
    stopping = [r for r in plan.rows.values() if not r.is_active]
    if not stopping:
        return
    active_children: dict[str, list[str]] = {}
    for r in plan.rows.values():
        if r.is_active and r.parent_code:
            active_children.setdefault(r.parent_code, []).append(r.code)
    stopping_ids = {plan.existing[r.code].pk: r.code for r in stopping if r.code in plan.existing}
    if stopping_ids:
        rows = Org.objects.filter(parent_id__in=stopping_ids, is_active=True).values_list("code", "parent_id")
        for child_code, parent_id in rows:
            if child_code not in plan.rows:  # rows of the file speak for themselves
                active_children.setdefault(stopping_ids[parent_id], []).append(child_code)
    for r in stopping:
        kids = active_children.get(r.code)
        if kids:
            shown = "、".join(kids[:5]) + ("等" if len(kids) > 5 else "")
            errors.add(r.line, "status", f"该机构还有启用中的下级机构（{shown}），不能停用。")


def _parent_first(plan: _Plan) -> list[OrgRow]:
    """File rows ordered so that a parent defined in the file comes before its children."""
    ordered: list[OrgRow] = []
    done: set[str] = set()
    for r in plan.rows.values():
        chain = []
        code = r.code
        while code and code in plan.rows and code not in done:
            chain.append(code)
            code = plan.rows[code].parent_code
        for c in reversed(chain):
            done.add(c)
            ordered.append(plan.rows[c])
    return ordered


UPDATABLE = ("name", "short_name", "sort_order", "is_active")
BATCH = 500


def org_tree_import(*, actor, upload) -> ImportResult:
    """Upsert the org tree from an .xlsx by 机构编码, all or nothing.

    Every row is validated first (required cells, kind, parent, duplicates, parent-kind rules, cycles); any
    error raises ImportFailed with every (row, column, message) and nothing is written. Then, in one
    transaction, new orgs are created parent-first and existing ones updated (a changed parent is a move
    of the whole subtree). Writes one audit event per changed org and one IMPORT event with the counts;
    a refused file is audited as a failed IMPORT.
    """
    require(actor, "import", Org)
    errors = RowErrors(ORG_COLUMNS)
    try:
        rows = read_rows(upload, ORG_COLUMNS)
        parsed, file_codes = _parse(rows, errors)
        plan = _validate(parsed, file_codes, errors)
        errors.raise_if_any()
    except ImportFailed as e:
        audit.record(
            EventType.IMPORT,
            actor=actor,
            object_type="organizations.org",
            object_repr="组织机构",
            outcome=Outcome.FAILURE,
            details={"errors": len(e.rows)},
        )
        raise
    with transaction.atomic():
        created, updated = _write(actor, plan)
        result = ImportResult(
            rows=len(rows), created=created, updated=updated, unchanged=len(plan.rows) - created - updated
        )
        audit.record(
            EventType.IMPORT,
            actor=actor,
            object_type="organizations.org",
            object_repr="组织机构",
            details={"rows": result.rows, "created": created, "updated": updated, "unchanged": result.unchanged},
        )
    return result


def _write(actor, plan: _Plan) -> tuple[int, int]:
    """New orgs first (level by level, in bulk), then the updates and moves of existing ones, parent-first.

    Creating first is safe: a new org under an existing org that moves later is carried along by that move's
    subtree rewrite, and an existing org that moves under a new org finds it already in place."""
    existing_ids = [o.pk for c, o in plan.existing.items() if c in plan.rows]
    # Lock the orgs the file touches, read fresh, in one query.
    locked = {o.code: o for o in Org.objects.select_for_update().filter(pk__in=existing_ids)}
    by_code: dict[str, Org] = dict(plan.existing) | locked
    order = _parent_first(plan)
    created = _create_new(actor, [r for r in order if r.code not in by_code], by_code)

    moved = False  # after a move, paths read earlier may be stale

    def fresh(org: Org) -> Org:
        if moved:
            org.refresh_from_db(fields=["path", "depth"])
        return org

    updated, entries = 0, []
    for r in order:
        org = locked.get(r.code)
        if org is None:
            continue
        parent = by_code[r.parent_code] if r.parent_code else None
        before = audit.snapshot(org, services.ORG_FIELDS)
        new_values = {"name": r.name, "short_name": r.short_name, "sort_order": r.sort_order, "is_active": r.is_active}
        changed = [f for f in UPDATABLE if getattr(org, f) != new_values[f]]
        new_parent_id = parent.pk if parent else None
        if not changed and org.parent_id == new_parent_id:
            continue
        update_fields = [*changed, "version", "updated_at"]
        if org.parent_id != new_parent_id:
            services._rewrite_subtree(fresh(org), fresh(parent) if parent else None)
            moved = True
            org.refresh_from_db(fields=["path", "depth"])
            org.parent = parent
            update_fields.append("parent")
        for f in changed:
            setattr(org, f, new_values[f])
        bump(org)
        org.save(update_fields=update_fields)
        entries.append(audit.change_entry(org, before=before, fields=services.ORG_FIELDS, extra={"source": "import"}))
        updated += 1
    audit.record_many(entries, actor=actor)
    return created, updated


def _create_new(actor, rows: list[OrgRow], by_code: dict[str, Org]) -> int:
    """Insert the new orgs a level at a time: one bulk insert and one bulk path update per level.

    Cells were validated up front (lengths, kinds, codes free, parents and their kinds), which is what
    services._insert_org's full_clean would check row by row."""
    if not connection.features.can_return_rows_from_bulk_insert:
        for r in rows:
            parent = by_code[r.parent_code] if r.parent_code else None
            org = services._insert_org(
                kind=r.kind,
                parent=parent,
                code=r.code,
                name=r.name,
                short_name=r.short_name,
                sort_order=r.sort_order,
                is_active=r.is_active,
            )
            by_code[r.code] = org
            audit.record_change(actor, org, before=None, fields=services.ORG_FIELDS, extra={"source": "import"})
        return len(rows)
    pending = rows
    while pending:
        level = [r for r in pending if not r.parent_code or r.parent_code in by_code]
        orgs = []
        for r in level:
            parent = by_code[r.parent_code] if r.parent_code else None
            orgs.append(
                Org(
                    kind=r.kind,
                    parent=parent,
                    code=r.code,
                    name=r.name,
                    short_name=r.short_name,
                    sort_order=r.sort_order,
                    is_active=r.is_active,
                    path="",
                    depth=parent.depth + 1 if parent else 0,
                )
            )
        freshness.touch()  # orgs are written in bulk (no model signals): every cached figure recomputes
        try:
            with transaction.atomic():
                Org.objects.bulk_create(orgs, batch_size=BATCH)
        except IntegrityError:
            raise ValidationFailed("导入期间机构数据已被他人修改（编码冲突），请重新导入。") from None
        for org in orgs:
            org.path = (org.parent.path if org.parent else "") + services._segment(org.pk)
            by_code[org.code] = org
        # The same path in SQL: the parent's path and the zero-padded id, one UPDATE per batch.
        parent_path = Subquery(Org.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
        segment = Concat(LPad(Cast("id", CharField()), PATH_SEGMENT, Value("0")), Value("/"))
        for start in range(0, len(orgs), BATCH):
            ids = [o.pk for o in orgs[start : start + BATCH]]
            Org.objects.filter(pk__in=ids).update(path=Concat(Coalesce(parent_path, Value("")), segment))
        audit.record_many(
            [audit.change_entry(o, before=None, fields=services.ORG_FIELDS, extra={"source": "import"}) for o in orgs],
            actor=actor,
        )
        done = {r.code for r in level}
        pending = [r for r in pending if r.code not in done]
    return len(rows)
