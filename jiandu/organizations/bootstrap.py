"""The first three administrators of a fresh install (三员分立), written by `manage.py bootstrap_admins`.

Every permission comes from a RoleGrant, and only an administrator may open accounts (system admin) or grant
the admin roles (security admin): on an empty install nobody can. This module is the one way out of that
circle, and it only runs while no active admin grant exists. It cannot go through `user_create` and
`role_grant`, whose first step is to check an actor it does not have; pretending the new accounts did it would
put a false actor in the audit chain. So, like the other system-initiated writes (`load_demo`, the daily jobs),
it writes as the system: the same checks as those services (org kind and code, username, password policy), the
same audit events (create, grant) with the same details, recorded with no actor and the name `bootstrap_admins`,
plus the operating-system account that ran the command. One transaction: a failure leaves nothing behind.
"""

import getpass
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from jiandu.core import audit
from jiandu.core.enums import EventType
from jiandu.core.errors import ValidationFailed

from .enums import ADMIN_ROLES, ROLE_ORG_KINDS, OrgKind, Role
from .models import Org, RoleGrant, User
from .services import ORG_FIELDS, USER_FIELDS, _check_code_free, _check_password, _insert_org, check_parent

SYSTEM_NAME = "bootstrap_admins"  # the audit events' actor name (no account did it)
ADMIN_ORDER = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
DEFAULT_USERNAMES = {Role.SYSTEM_ADMIN: "sysadmin", Role.SECURITY_ADMIN: "secadmin", Role.AUDIT_ADMIN: "auditadmin"}
DEFAULT_ORG_CODE = "JW"
DEFAULT_ORG_NAME = "省纪委监委"

# Initial passwords are read off a screen and typed once: no look-alike characters (0/O, 1/l/I).
PASSWORD_LENGTH = 16
PASSWORD_CLASSES = ("abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "@#%+=?!")


@dataclass(frozen=True)
class AdminAccount:
    role: str
    username: str
    full_name: str
    password: str = ""  # set once created; shown once, never stored in clear


@dataclass
class Plan:
    """What would be created: the org the admins are granted on (existing, or to be created) and the accounts."""

    org: Org | None  # None until the new root is created
    org_code: str
    org_name: str
    creates_org: bool = False  # the tree was empty: the root commission org is (to be) created
    accounts: list[AdminAccount] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def active_admin_grants():
    """Admin grants that count (an active account on an active org): while one exists, this is not a fresh
    install and the admins are managed in the app."""
    return RoleGrant.objects.filter(role__in=ADMIN_ROLES, user__is_active=True, org__is_active=True)


def generate_password(user: User | None = None) -> str:
    """A random password that passes AUTH_PASSWORD_VALIDATORS (checked, not assumed), one of each class."""
    alphabet = "".join(PASSWORD_CLASSES)
    rng = secrets.SystemRandom()
    for _ in range(20):
        chars = [secrets.choice(c) for c in PASSWORD_CLASSES]
        chars += [secrets.choice(alphabet) for _ in range(PASSWORD_LENGTH - len(chars))]
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            _check_password(password, user)
        except ValidationFailed:
            continue
        return password
    raise ValidationFailed("无法生成符合密码策略的随机密码，请检查 AUTH_PASSWORD_VALIDATORS 的设置。")


def plan(*, usernames: dict[str, str] | None = None, org_code: str | None = None, org_name: str | None = None) -> Plan:
    """Check that this is a fresh install and that the accounts can be created; raise ValidationFailed (in
    Chinese) otherwise. Reads only."""
    grants = list(active_admin_grants().select_related("user", "org").order_by("pk")[:3])
    if grants:
        held = "、".join(f"{Role(g.role).label} {g.user.username}（{g.org.display_name}）" for g in grants)
        raise ValidationFailed(
            f"已有管理员角色授权（{held}），这不是全新安装，未做任何改动。"
            "bootstrap_admins 只在还没有任何管理员时使用；增设或更换管理员在平台的“用户与授权”中办理"
            "（系统管理员开设账号，安全保密管理员授予角色）。"
        )
    chosen = {role: (usernames or {}).get(role) or DEFAULT_USERNAMES[role] for role in ADMIN_ORDER}
    chosen = {role: name.strip() for role, name in chosen.items()}
    if len({name.lower() for name in chosen.values()}) < len(chosen):
        raise ValidationFailed("三员分立：三个管理员必须是三个不同的账号，请给出三个不同的用户名。")
    username_field = User._meta.get_field("username")
    for name in chosen.values():
        try:
            username_field.clean(name, None)
        except DjangoValidationError:
            raise ValidationFailed(
                f"用户名「{name}」不合规：只能由字母、数字和 @/./+/-/_ 组成，不超过150个字符。"
            ) from None
    taken = [name for name in chosen.values() if User.objects.filter(username__iexact=name).exists()]
    if taken:
        raise ValidationFailed(
            f"用户名「{'」「'.join(taken)}」已被使用，未做任何改动。请用 --system / --security / --audit 另选用户名。"
        )

    result = Plan(org=None, org_code="", org_name="")
    if not Org.objects.exists():
        result.creates_org = True
        result.org_code = (org_code or DEFAULT_ORG_CODE).strip()
        result.org_name = (org_name or DEFAULT_ORG_NAME).strip()
        check_parent(OrgKind.COMMISSION, None)
        _check_code_free(result.org_code)
        try:
            Org(kind=OrgKind.COMMISSION, code=result.org_code, name=result.org_name).full_clean(exclude=["path"])
        except DjangoValidationError as e:
            raise ValidationFailed(f"委机关的编码或名称不合规：{'；'.join(e.messages)}") from None
    else:
        roots = Org.objects.filter(kind=OrgKind.COMMISSION, parent__isnull=True, is_active=True)
        if org_code:
            roots = roots.filter(code=org_code.strip())
        roots = list(roots.order_by("path")[:2])
        if not roots:
            which = f"编码为「{org_code.strip()}」的" if org_code else ""
            raise ValidationFailed(
                f"机构树中已有机构，但没有{which}启用中的顶级委机关，无法确定管理员所在机构，未做任何改动。"
            )
        if len(roots) > 1:
            raise ValidationFailed("机构树中有多个顶级委机关，请用 --org-code 指定管理员所在的委机关。")
        result.org = roots[0]
        result.org_code, result.org_name = result.org.code, result.org.name
        if org_name:
            result.notes.append(f"机构树已存在，--org-name 未使用：管理员设在已有的「{result.org.name}」。")
    for role in ADMIN_ORDER:
        if OrgKind.COMMISSION not in ROLE_ORG_KINDS[role]:  # the rule role_grant applies
            raise ValidationFailed(f"「{Role(role).label}」不能授予在委机关上。")
        result.accounts.append(AdminAccount(role=role, username=chosen[role], full_name=str(Role(role).label)))
    missing = [str(Role(r).label) for r in ADMIN_ORDER if r not in settings.JIANDU_TOTP_ROLES]
    if missing:
        result.notes.append(
            f"注意：JIANDU_TOTP_ROLES 未包含{'、'.join(missing)}，这些账号登录时不会要求动态验证码，"
            "不符合等保对特权账号双因素认证的要求，请改回默认设置。"
        )
    return result


def _source() -> dict:
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        os_user = ""
    return {"source": "manage.py bootstrap_admins", "os_user": os_user}


@transaction.atomic
def bootstrap_admins(
    *, usernames: dict[str, str] | None = None, org_code: str | None = None, org_name: str | None = None
) -> Plan:
    """Create the root commission org if the tree is empty, then the three admin accounts on the commission,
    each with a random password it must change at first login and exactly one admin role. The roles are in
    JIANDU_TOTP_ROLES, so the login asks each to bind a 动态验证码 device first. Audits every write."""
    result = plan(usernames=usernames, org_code=org_code, org_name=org_name)
    source = _source()
    entries = []
    org = result.org
    if result.creates_org:
        org = _insert_org(kind=OrgKind.COMMISSION, parent=None, code=result.org_code, name=result.org_name)
        entries.append(audit.change_entry(org, before=None, fields=ORG_FIELDS, extra=source))
        result.org = org
    created = []
    for account in result.accounts:
        user = User(username=account.username, full_name=account.full_name, org=org, must_change_password=True)
        password = generate_password(user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        RoleGrant.objects.create(user=user, role=account.role, org=org, granted_by=None)
        entries.append(audit.change_entry(user, before=None, fields=USER_FIELDS, extra=source))
        entries.append(
            {
                "event_type": EventType.GRANT,
                "obj": user,
                "details": {"role": account.role, "org_id": org.pk, "org": org.name, **source},
            }
        )
        created.append(AdminAccount(account.role, account.username, account.full_name, password))
    result.accounts = created
    audit.record_many(entries, username=SYSTEM_NAME)
    # record_many holds the audit chain's lock until commit, so a second run started at the same moment waits
    # here and then sees the first one's admins (PostgreSQL reads what was committed): it must not add three more.
    if active_admin_grants().exclude(user__username__in=[a.username for a in created]).exists():
        raise ValidationFailed("另一次 bootstrap_admins 已同时创建了管理员，本次未做任何改动。")
    return result
