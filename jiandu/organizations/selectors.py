"""Every read of the org tree, assignments and accounts, scoped to the actor through core.access.visible_to."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse

from jiandu.core.access import visible_to

from .enums import OrgKind
from .models import Assignment, Org, RoleGrant, User

# --- The org tree ---


@dataclass
class TreeRow:
    """One node of the tree flattened in display order. After the row, `closes` open subtrees end."""

    org: Org
    level: int
    has_children: bool
    open: bool
    matched: bool = False
    closes: int = 0
    kind_label: str = ""
    url: str = ""

    @property
    def close_range(self) -> range:
        return range(self.closes)


@dataclass
class KindCount:
    kind: str
    label: str
    count: int


@dataclass
class OrgTree:
    rows: list[TreeRow]
    kind_counts: list[KindCount]
    total: int  # visible orgs, before the search
    shown: int  # orgs in `rows`
    matched: int  # orgs matching the search (0 without one)
    query: str = ""
    inactive: int = 0


def _sibling_key(org: Org):
    return (org.sort_order, org.path)


def org_tree(user, q: str = "", open_levels: int = 2) -> OrgTree:
    """The visible tree from one query ordered by path, nested in Python by parent_id.

    With a search `q` (name, short name or code), the matching orgs are shown with their visible ancestors,
    and every shown node is open. Nodes whose parent the user may not see become roots.
    """
    orgs = list(visible_to(user, Org).order_by("path"))
    counts = Counter(o.kind for o in orgs)
    kind_counts = [KindCount(k.value, k.label, counts.get(k.value, 0)) for k in OrgKind]
    q = (q or "").strip()
    matched_ids: set[int] = set()
    if q:
        needle = q.lower()
        matched = [
            o for o in orgs if needle in o.name.lower() or needle in o.short_name.lower() or needle in o.code.lower()
        ]
        matched_ids = {o.id for o in matched}
        keep: set[int] = set()
        for o in matched:
            keep.update(o.ancestor_ids())
        shown = [o for o in orgs if o.id in keep]
    else:
        shown = orgs
    by_id = {o.id: o for o in shown}
    children: dict[int | None, list[Org]] = {}
    for o in shown:
        parent_key = o.parent_id if o.parent_id in by_id else None
        children.setdefault(parent_key, []).append(o)
    for kids in children.values():
        kids.sort(key=_sibling_key)

    # Labels and links computed once, not per node in the template: the tree may have thousands of nodes.
    kind_labels = {k.value: str(k.label) for k in OrgKind}
    url_pattern = reverse("organizations:org_detail", args=[999999999]).replace("999999999", "{}")
    rows: list[TreeRow] = []
    # Iterative depth-first walk: (org, level) to visit, or None meaning "close the last opened subtree".
    stack: list[tuple[Org, int] | None] = [(o, 0) for o in reversed(children.get(None, []))]
    while stack:
        item = stack.pop()
        if item is None:
            rows[-1].closes += 1
            continue
        org, level = item
        kids = children.get(org.id, [])
        rows.append(
            TreeRow(
                org=org,
                level=level,
                has_children=bool(kids),
                open=bool(q) or level < open_levels - 1,
                matched=org.id in matched_ids,
                kind_label=kind_labels[org.kind],
                url=url_pattern.format(org.pk),
            )
        )
        if kids:
            stack.append(None)
            stack.extend((k, level + 1) for k in reversed(kids))
    return OrgTree(
        rows=rows,
        kind_counts=kind_counts,
        total=len(orgs),
        shown=len(rows),
        matched=len(matched_ids),
        query=q,
        inactive=sum(1 for o in orgs if not o.is_active),
    )


def org_choices(user, *, kinds=None, active_only: bool = True, exclude_subtree: Org | None = None) -> QuerySet:
    """Orgs the user may pick in a form, in tree order (so that indentation by depth reads as a tree)."""
    qs = visible_to(user, Org).order_by("path")
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if active_only:
        qs = qs.filter(is_active=True)
    if exclude_subtree is not None:
        qs = qs.exclude(path__startswith=exclude_subtree.path)
    return qs


@dataclass
class OrgDetail:
    ancestors: list[Org]
    children: list[Org]
    supervisors: list[Assignment]  # groups supervising the org, directly or through an ancestor
    supervised: list[Assignment]  # orgs a group supervises
    staff: list[User] | None = None  # None: the viewer does not browse accounts
    staff_total: int = 0


STAFF_SHOWN = 50


def org_detail(user, org: Org, *, with_staff: bool) -> OrgDetail:
    ancestor_ids = org.ancestor_ids()[:-1]
    orgs = visible_to(user, Org)
    ancestors = list(orgs.filter(id__in=ancestor_ids).order_by("path"))
    children = list(orgs.filter(parent=org).order_by("sort_order", "path"))
    assignments = visible_to(user, Assignment).select_related("group", "org")
    supervisors = list(assignments.filter(org_id__in=[*ancestor_ids, org.pk]).order_by("group__path"))
    supervised = list(assignments.filter(group=org).order_by("org__path"))
    staff = None
    total = 0
    if with_staff:
        staff_qs = visible_to(user, User).filter(org=org).order_by("username")
        staff = list(staff_qs[:STAFF_SHOWN])
        total = len(staff) if len(staff) < STAFF_SHOWN else staff_qs.count()
    return OrgDetail(
        ancestors=ancestors,
        children=children,
        supervisors=supervisors,
        supervised=supervised,
        staff=staff,
        staff_total=total,
    )


def org_export_rows(user) -> QuerySet:
    """The visible tree in path order, with the parent's code, for the xlsx ledger."""
    return visible_to(user, Org).order_by("path").annotate(parent_code=F("parent__code"))


# --- Assignments ---


@dataclass
class AssignmentGroup:
    group: Org
    assignments: list[Assignment]


def assignments_for(user, group_id: int | None = None) -> QuerySet:
    """The visible assignments (of one group), group and org joined, in tree order (the xlsx ledger)."""
    qs = visible_to(user, Assignment).select_related("group", "org").order_by("group__path", "org__path")
    return qs.filter(group_id=group_id) if group_id else qs


def assignments_by_group(user, group_id: int | None = None) -> list[AssignmentGroup]:
    qs = visible_to(user, Assignment).select_related("group", "org").order_by("group__path", "org__path")
    if group_id:
        qs = qs.filter(group_id=group_id)
    out: list[AssignmentGroup] = []
    for a in qs:
        if not out or out[-1].group.pk != a.group_id:
            out.append(AssignmentGroup(group=a.group, assignments=[]))
        out[-1].assignments.append(a)
    return out


# --- Accounts and grants ---


def users_for_list(user, *, q: str = "", role: str = "", org_id=None, active: str = "") -> QuerySet:
    """Visible accounts with filters; roles are prefetched (visible grants only), so no query per row."""
    qs = visible_to(user, User).select_related("org").order_by("username")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if role:
        qs = qs.filter(pk__in=visible_to(user, RoleGrant).filter(role=role).values("user_id"))
    if org_id:
        qs = qs.filter(org_id=org_id)
    if active == "1":
        qs = qs.filter(is_active=True)
    elif active == "0":
        qs = qs.filter(is_active=False)
    grants = visible_to(user, RoleGrant).select_related("org").order_by("role", "org__path")
    return qs.prefetch_related(Prefetch("grants", queryset=grants))


def user_grants(user, target: User) -> QuerySet:
    return (
        visible_to(user, RoleGrant)
        .filter(user=target)
        .select_related("org", "granted_by")
        .order_by("role", "org__path")
    )


# --- Who is concerned (for notifications): system reads, not scoped to a viewer ---


def liaisons_of(org: Org) -> QuerySet:
    """Active accounts holding the liaison role on `org` or on one of its ancestors (they act for its subtree)."""
    from .enums import Role

    return User.objects.filter(
        is_active=True, grants__role=Role.LIAISON, grants__org_id__in=org.ancestor_ids()
    ).distinct()


def group_staff(group: Org, *roles: str) -> QuerySet:
    """Active accounts holding a group role (or one of `roles`) in `group`."""
    from .enums import GROUP_ROLES

    return User.objects.filter(is_active=True, grants__role__in=roles or GROUP_ROLES, grants__org=group).distinct()


def every_group_id() -> list[int]:
    """The ids of every group of the province, in id order: the parts of a commission viewer's figures that are
    counted and cached per group (core.freshness.cached_sum). Not a visibility rule: callers see every group."""
    return list(Org.objects.filter(kind=OrgKind.GROUP).order_by("pk").values_list("pk", flat=True))
