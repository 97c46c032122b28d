"""Every write of the org tree, assignments, accounts and grants (sites: see site_services.py).

Each service checks the rule, writes inside one transaction and records the audit event in it.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from jiandu.core import audit
from jiandu.core.access import forget, principal, require
from jiandu.core.enums import EventType
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.versioning import bump, lock_current

from .access import may_grant_role
from .enums import ADMIN_ROLES, ROLE_ORG_KINDS, OrgKind, Role
from .models import PATH_SEGMENT, Assignment, Org, RoleGrant, User

# Which kinds of parent each kind of org may hang under (None: may be a root).
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    OrgKind.COMMISSION: {None},
    OrgKind.OFFICE: {OrgKind.COMMISSION},
    OrgKind.GROUP: {OrgKind.COMMISSION, OrgKind.DEPARTMENT, OrgKind.UNIT},
    OrgKind.DEPARTMENT: {None, OrgKind.DEPARTMENT},
    OrgKind.UNIT: {None, OrgKind.DEPARTMENT, OrgKind.UNIT},
}
ORG_FIELDS = ["kind", "parent", "code", "name", "short_name", "sort_order", "is_active"]


def _segment(org_id: int) -> str:
    return f"{org_id:0{PATH_SEGMENT}d}/"


def check_parent(kind: str, parent: Org | None, *, moving: Org | None = None) -> None:
    allowed = ALLOWED_PARENT_KINDS[kind]
    if (parent.kind if parent else None) not in allowed:
        names = "、".join("无（顶级）" if k is None else str(OrgKind(k).label) for k in sorted(allowed, key=str))
        raise ValidationFailed(
            f"「{OrgKind(kind).label}」的上级只能是：{names}。", fields={"parent": ["上级机构类型不符。"]}
        )
    if moving is not None and parent is not None and parent.path.startswith(moving.path):
        raise ValidationFailed("不能把机构移动到它自己或它的下级之下。", fields={"parent": ["不能选择自身或下级。"]})


def _check_code_free(code: str, exclude_pk=None) -> None:
    qs = Org.objects.filter(code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationFailed(f"机构编码「{code}」已被使用。", fields={"code": ["编码已存在。"]})


def _insert_org(*, kind, parent, code, name, short_name="", sort_order=0, is_active=True) -> Org:
    org = Org(
        kind=kind,
        parent=parent,
        code=code,
        name=name,
        short_name=short_name,
        sort_order=sort_order,
        is_active=is_active,
        path="",
        depth=(parent.depth + 1) if parent else 0,
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + _segment(org.pk)
    org.save(update_fields=["path"])
    return org


@transaction.atomic
def org_create(
    *, actor, kind: str, parent: Org | None, code: str, name: str, short_name: str = "", sort_order: int = 0
) -> Org:
    """Create a node under `parent` (whose kind must fit, see ALLOWED_PARENT_KINDS)."""
    require(actor, "create", Org)
    check_parent(kind, parent)
    _check_code_free(code)
    org = _insert_org(kind=kind, parent=parent, code=code, name=name, short_name=short_name, sort_order=sort_order)
    audit.record_change(actor, org, before=None, fields=ORG_FIELDS)
    return org


@transaction.atomic
def org_update(
    *,
    actor,
    org: Org,
    expected_version: int | None,
    code: str,
    name: str,
    short_name: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> Org:
    """Edit name, code, order or status. Moving is org_move; the kind is fixed once created."""
    require(actor, "change", org)
    org = lock_current(org, expected_version)
    before = audit.snapshot(org, ORG_FIELDS)
    _check_code_free(code, exclude_pk=org.pk)
    if not is_active and org.is_active and Org.objects.filter(parent=org, is_active=True).exists():
        raise ValidationFailed("该机构还有启用中的下级机构，请先停用或移走下级。")
    org.code, org.name, org.short_name, org.sort_order, org.is_active = code, name, short_name, sort_order, is_active
    bump(org)
    org.full_clean()
    org.save()
    audit.record_change(actor, org, before=before, fields=ORG_FIELDS)
    return org


def _rewrite_subtree(org: Org, new_parent: Org | None) -> None:
    old_path = org.path
    new_path = (new_parent.path if new_parent else "") + _segment(org.pk)
    depth_shift = ((new_parent.depth + 1) if new_parent else 0) - org.depth
    Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )


@transaction.atomic
def org_move(*, actor, org: Org, new_parent: Org | None, expected_version: int | None) -> Org:
    """Hang `org` and its whole subtree under `new_parent`; paths of the subtree are rewritten in one update."""
    require(actor, "move", org)
    org = lock_current(org, expected_version)
    if new_parent is not None:
        new_parent = Org.objects.select_for_update().get(pk=new_parent.pk)
    check_parent(org.kind, new_parent, moving=org)
    old_parent_id = org.parent_id
    _rewrite_subtree(org, new_parent)
    Org.objects.filter(pk=org.pk).update(parent=new_parent, version=F("version") + 1)
    org.refresh_from_db()
    audit.record(
        EventType.UPDATE,
        actor=actor,
        obj=org,
        details={"changes": {"parent": [old_parent_id, new_parent.pk if new_parent else None]}, "action": "move"},
    )
    return org


# --- Assignments ---


@transaction.atomic
def assignment_create(*, actor, group: Org, org: Org, start_date=None, note: str = "") -> Assignment:
    """A group starts to supervise an org and its subtree."""
    require(actor, "create", Assignment)
    if group.kind != OrgKind.GROUP:
        raise ValidationFailed("监督关系的主体必须是纪检监察组（或纪委）。", fields={"group": ["请选择纪检监察组。"]})
    if org.kind not in (OrgKind.DEPARTMENT, OrgKind.UNIT):
        raise ValidationFailed("被监督的必须是驻在部门或下属单位。", fields={"org": ["请选择驻在部门或下属单位。"]})
    if Assignment.objects.filter(group=group, org=org).exists():
        raise ValidationFailed(
            f"{group.display_name}已在监督{org.display_name}。", fields={"org": ["监督关系已存在。"]}
        )
    a = Assignment.objects.create(group=group, org=org, start_date=start_date, note=note)
    audit.record_change(actor, a, before=None, fields=["group", "org", "start_date", "note"])
    return a


@transaction.atomic
def assignment_delete(*, actor, assignment: Assignment) -> None:
    require(actor, "delete", assignment)
    audit.record(
        EventType.DELETE,
        actor=actor,
        obj=assignment,
        details={"values": audit.snapshot(assignment, ["group", "org", "start_date"])},
    )
    assignment.delete()


# --- Accounts ---

USER_FIELDS = ["username", "full_name", "phone", "org", "came_from_org", "is_active", "must_change_password"]


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as e:
        raise ValidationFailed("；".join(e.messages), fields={"password": list(e.messages)}) from None


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str,
    org: Org | None = None,
    phone: str = "",
    must_change_password: bool = True,
) -> User:
    """An admin opens an account; the person must change the password at first login."""
    require(actor, "create", User)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(f"用户名「{username}」已被使用。", fields={"username": ["用户名已存在。"]})
    user = User(username=username, full_name=full_name, phone=phone, org=org, must_change_password=must_change_password)
    _check_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_change(actor, user, before=None, fields=USER_FIELDS)
    return user


@transaction.atomic
def user_update(
    *,
    actor,
    user: User,
    expected_version: int | None,
    full_name: str,
    phone: str = "",
    org: Org | None = None,
    is_active: bool = True,
    came_from_org: Org | None = None,
) -> User:
    require(actor, "change", user)
    if not is_active:
        require(actor, "deactivate", user)
    user = lock_current(user, expected_version)
    before = audit.snapshot(user, USER_FIELDS)
    user.full_name, user.phone, user.org, user.is_active = full_name, phone, org, is_active
    user.came_from_org = came_from_org
    bump(user)
    user.save()
    audit.record_change(actor, user, before=before, fields=USER_FIELDS)
    return user


@transaction.atomic
def user_reset_password(*, actor, user: User, new_password: str) -> User:
    """An admin sets a temporary password; the person must change it at next login."""
    require(actor, "reset_password", user)
    _check_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = True
    bump(user)
    user.save()
    audit.record(EventType.PASSWORD_CHANGE, actor=actor, obj=user, details={"action": "reset"})
    return user


@transaction.atomic
def user_reset_second_factor(*, actor, user: User) -> int:
    """The security admin removes the account's 动态验证码 and recovery codes (lost phone): the person binds a
    new device at the next login. The API token goes too, since it was obtained with the old factor."""
    from rest_framework.authtoken.models import Token

    from jiandu.core import otp

    require(actor, "reset_otp", user)
    removed = otp.remove_devices(user)
    Token.objects.filter(user=user).delete()
    audit.record(EventType.UPDATE, actor=actor, obj=user, details={"action": "otp_reset", "devices": removed})
    return removed


@transaction.atomic
def user_change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationFailed("原密码不正确。", fields={"old_password": ["原密码不正确。"]})
    if old_password == new_password:
        raise ValidationFailed("新密码不能与原密码相同。", fields={"new_password": ["新密码不能与原密码相同。"]})
    _check_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    bump(user)
    user.save()
    audit.record(EventType.PASSWORD_CHANGE, actor=user, obj=user, details={"action": "own"})
    return user


# --- Grants ---


@transaction.atomic
def role_grant(*, actor, user: User, role: str, org: Org) -> RoleGrant:
    """Grant `role` on `org`. The org's kind must fit the role, and the three admin roles are separated:
    an account holding one of them holds no other role (三员分立)."""
    require(actor, "grant", user)
    if not may_grant_role(principal(actor), role):
        raise PermissionDenied("只有安全保密管理员可以授予管理员角色。")
    if org.kind not in ROLE_ORG_KINDS[role]:
        kinds = "、".join(str(OrgKind(k).label) for k in sorted(ROLE_ORG_KINDS[role]))
        raise ValidationFailed(f"「{Role(role).label}」只能授予在{kinds}上。", fields={"org": ["机构类型与角色不符。"]})
    User.objects.select_for_update().get(pk=user.pk)  # serialize grants of one account
    held = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    if role in ADMIN_ROLES and held - {role}:
        raise ValidationFailed("三员分立：管理员账号不得兼任其他角色，请为其单独开设账号。")
    if held & ADMIN_ROLES and role not in held:
        raise ValidationFailed("三员分立：该账号已是管理员，不得再授予其他角色。")
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=role, org=org, granted_by=actor)
    except IntegrityError:
        raise ValidationFailed("该用户已在此机构拥有该角色。") from None
    audit.record(EventType.GRANT, actor=actor, obj=user, details={"role": role, "org_id": org.pk, "org": org.name})
    forget(user)
    return grant


@transaction.atomic
def role_revoke(*, actor, grant: RoleGrant) -> None:
    require(actor, "revoke", grant)
    audit.record(
        EventType.REVOKE,
        actor=actor,
        obj=grant.user,
        details={"role": grant.role, "org_id": grant.org_id, "org": grant.org.name},
    )
    grant.delete()
    forget(grant.user)
