"""The one access mechanism (DESIGN §6).

Every model registers one `Policy`. Views, API endpoints, exports, search and reports get their records
from `visible_to(user, Model)` and ask `can(user, action, obj)` before a write; `access(user, Model, pk)`
fetches and authorizes in one call (Zulip's access_stream_by_id). A record one may not see is `NotFound`
(404), never 403, so that ids do not leak. No view filters records on its own.
"""

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

from .errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    org_path: str


@dataclass(frozen=True)
class Principal:
    """What the access rules need to know about a user, computed once per request."""

    user_id: int | None
    grants: tuple[Grant, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def org_ids(self, *roles: str) -> set[int]:
        return {g.org_id for g in self.grants if g.role in roles}

    def org_paths(self, *roles: str) -> list[str]:
        return sorted({g.org_path for g in self.grants if g.role in roles})


ANONYMOUS = Principal(user_id=None)


def principal(user) -> Principal:
    """The user's grants, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_jiandu_principal", None)
    if cached is not None:
        return cached
    from jiandu.organizations.models import RoleGrant

    rows = RoleGrant.objects.filter(user_id=user.pk, org__is_active=True).values_list("role", "org_id", "org__path")
    grants = tuple(Grant(role, org_id, path) for role, org_id, path in rows)
    result = Principal(user_id=user.pk, grants=grants, roles=frozenset(g.role for g in grants))
    user._jiandu_principal = result
    return result


def forget(user) -> None:
    """Drop the cached grants (after a grant or revoke in the same request)."""
    if user is not None and hasattr(user, "_jiandu_principal"):
        del user._jiandu_principal


def in_subtrees(field_path: str, paths: list[str]) -> Q:
    """Records whose org (reached by `field_path`, e.g. "org" or "responsible_org") lies in one of the subtrees.

    Written as `field IN (SELECT id FROM org WHERE path LIKE 'p%' …)` rather than a join on the org's path: the
    database then reads the records of those orgs through the foreign key's index instead of joining every
    record to its org (a liaison's subtree is a few orgs among a million problems)."""
    if not paths:
        return Q(pk__in=[])
    from jiandu.organizations.models import Org

    subtree = Q()
    for p in paths:
        subtree |= Q(path__startswith=p)
    return Q(**{f"{field_path}__in": Org.objects.filter(subtree).values("pk")})


class Policy:
    """Visibility and actions for one model. Subclasses override `visible` and `allows`."""

    model: type[Model]

    def visible(self, p: Principal, qs: QuerySet) -> QuerySet:
        return qs.none()

    def allows(self, p: Principal, action: str, obj) -> bool:
        """`obj` is an instance, or the model class for actions such as "create" and "export"."""
        return False


_policies: dict[type[Model], Policy] = {}


def register(model: type[Model]):
    def decorator(cls: type[Policy]) -> type[Policy]:
        policy = cls()
        policy.model = model
        _policies[model] = policy
        return cls

    return decorator


def _policy(model: type[Model]) -> Policy:
    try:
        return _policies[model]
    except KeyError:
        raise LookupError(f"No access policy registered for {model.__name__}") from None


def visible_to(user, model: type[Model], qs: QuerySet | None = None) -> QuerySet:
    """The records of `model` (or of `qs`) that `user` may see."""
    base = model._default_manager.all() if qs is None else qs
    p = principal(user)
    if p is ANONYMOUS:
        return base.none()
    return _policy(model).visible(p, base)


def can(user, action: str, obj) -> bool:
    """May `user` do `action` on `obj` (an instance, or a model class for class-level actions)?"""
    p = principal(user)
    if p is ANONYMOUS:
        return False
    if isinstance(obj, type):
        return _policy(obj).allows(p, action, obj)
    policy = _policy(type(obj))
    if obj.pk is not None and not policy.visible(p, type(obj)._default_manager.filter(pk=obj.pk)).exists():
        return False
    return policy.allows(p, action, obj)


def allowed(user, action: str, obj) -> bool:
    """`can` for a record just read through `visible_to` (a row of a list): the action only, without asking the
    database again whether the record is visible — so that a page of rows costs no query per row."""
    p = principal(user)
    return p is not ANONYMOUS and _policy(type(obj)).allows(p, action, obj)


def visible_ids(user, model: type[Model], ids) -> set[int]:
    """Which of these ids of `model` the user may see, in one query (links shown on a page of rows)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    return set(visible_to(user, model).filter(pk__in=wanted).values_list("pk", flat=True))


def access(user, model: type[Model], pk, action: str = "view", qs: QuerySet | None = None):
    """Fetch a record the user may see, or raise NotFound; then check `action`, or raise PermissionDenied."""
    try:
        obj = visible_to(user, model, qs).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):  # OverflowError: an id beyond SQLite's range
        raise NotFound() from None
    if action != "view" and not _policy(model).allows(principal(user), action, obj):
        raise PermissionDenied()
    return obj


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise PermissionDenied()


def sees_every_business_record(who) -> bool:
    """Commission roles see every business record (DESIGN §6): the rule scope_business applies, asked of a user or
    a Principal. Figures counted for one such viewer serve them all (the dashboard's and the chips' per-group
    parts)."""
    from jiandu.organizations.enums import COMMISSION_ROLES

    p = who if isinstance(who, Principal) else principal(who)
    return p.has(*COMMISSION_ROLES)


def scope_business(p: Principal, qs: QuerySet, *, group_field: str = "group", liaison_q=None) -> QuerySet:
    """The usual rule for business records (DESIGN §6): commission roles see all; group roles see their own
    groups' records; a liaison sees what `liaison_q(p)` selects (None: nothing); admin roles see nothing."""
    from jiandu.organizations.enums import GROUP_ROLES, Role

    if sees_every_business_record(p):
        return qs
    q = Q(pk__in=[])
    if p.has(*GROUP_ROLES):
        q |= Q(**{f"{group_field}_id__in": p.org_ids(*GROUP_ROLES)})
    if liaison_q is not None and p.has(Role.LIAISON):
        q |= liaison_q(p)
    return qs.filter(q)


def group_ids(user, *roles: str) -> set[int]:
    """The groups in which `user` holds a group role (or one of `roles`)."""
    from jiandu.organizations.enums import GROUP_ROLES

    return principal(user).org_ids(*(roles or GROUP_ROLES))


def within_groups(qs: QuerySet, groups, field: str = "group") -> QuerySet:
    """A report's scope filter (one group, several, or None for all), applied to what `visible_to` returned:
    it narrows, never widens. `groups` holds group ids or orgs."""
    if groups is None:
        return qs
    ids = [getattr(g, "pk", g) for g in groups]
    return qs.filter(**{f"{field}_id__in": ids})
