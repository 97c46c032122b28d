"""Access policies of the org tree, users and sites (DESIGN §6). Registered in the one mechanism of core."""

from django.db.models import Q

from jiandu.core.access import Policy, Principal, in_subtrees, register

from .enums import ADMIN_ROLES, COMMISSION_ROLES, GROUP_ROLES, Role
from .models import Assignment, Org, RoleGrant, Site, User

# Who reads the whole org tree: business roles above the liaison, and the admins who keep users and grants.
TREE_READERS = (*COMMISSION_ROLES, *GROUP_ROLES, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
TREE_KEEPERS = (Role.OFFICE_STAFF, Role.SYSTEM_ADMIN)


def liaison_supervising_group_ids(p: Principal) -> set[int]:
    """The groups that supervise a liaison's org (through an assignment on the org or an ancestor)."""
    ancestors: set[int] = set()
    for path in p.org_paths(Role.LIAISON):
        ancestors.update(int(s) for s in path.strip("/").split("/"))
    return set(Assignment.objects.filter(org_id__in=ancestors).values_list("group_id", flat=True))


@register(Org)
class OrgPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*TREE_READERS):
            return qs
        if p.has(Role.LIAISON):
            return qs.filter(_self_subtrees(p) | Q(id__in=liaison_supervising_group_ids(p)))
        return qs.none()

    def allows(self, p, action, obj):
        if action in ("create", "change", "move", "import"):
            return p.has(*TREE_KEEPERS)
        if action == "export":
            return p.has(*TREE_KEEPERS, Role.COMMISSION_LEADER)
        return action == "view"


def _self_subtrees(p: Principal) -> Q:
    q = Q(pk__in=[])
    for path in p.org_paths(Role.LIAISON):
        q |= Q(path__startswith=path)
    return q


@register(Assignment)
class AssignmentPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*TREE_READERS):
            return qs
        if p.has(Role.LIAISON):
            return qs.filter(in_subtrees("org", p.org_paths(Role.LIAISON)))
        return qs.none()

    def allows(self, p, action, obj):
        if action in ("create", "change", "delete"):
            return p.has(Role.OFFICE_STAFF, Role.SYSTEM_ADMIN)
        if action == "export":  # like the org tree's ledger
            return p.has(*TREE_KEEPERS, Role.COMMISSION_LEADER)
        return action == "view"


USER_KEEPERS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.OFFICE_STAFF)


@register(User)
class UserPolicy(Policy):
    """Accounts are kept by the system admin; the security admin and the office see them to grant roles.
    Everyone else sees only their own account."""

    def visible(self, p, qs):
        if p.has(*USER_KEEPERS):
            return qs
        return qs.filter(pk=p.user_id)

    def allows(self, p, action, obj):
        if action == "view":
            return True
        if action in ("create", "change", "reset_password", "deactivate", "export"):
            if action == "deactivate" and not isinstance(obj, type) and obj.pk == p.user_id:
                return False  # nobody locks themselves out
            if p.has(Role.SYSTEM_ADMIN):
                return True
            if p.has(Role.OFFICE_STAFF):
                # The office keeps business accounts only; admin accounts belong to the three admins.
                return isinstance(obj, type) or not _holds_admin_role(obj)
        if action == "reset_otp":
            # The security admin resets another account's 动态验证码 (lost phone and recovery codes).
            return p.has(Role.SECURITY_ADMIN) and not isinstance(obj, type) and obj.pk != p.user_id
        if action == "grant":
            # Nobody grants roles to themselves.
            return p.has(Role.SECURITY_ADMIN, Role.OFFICE_STAFF) and (isinstance(obj, type) or obj.pk != p.user_id)
        return False


def _holds_admin_role(user: User) -> bool:
    return RoleGrant.objects.filter(user=user, role__in=ADMIN_ROLES).exists()


def may_grant_role(p: Principal, role: str) -> bool:
    """The security admin grants every role; the office grants business roles only (三员分立)."""
    if p.has(Role.SECURITY_ADMIN):
        return True
    return p.has(Role.OFFICE_STAFF) and role not in ADMIN_ROLES


@register(RoleGrant)
class RoleGrantPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*USER_KEEPERS):
            return qs
        return qs.filter(user_id=p.user_id)

    def allows(self, p, action, obj):
        if action == "view":
            return True
        if action == "revoke":
            return obj.user_id != p.user_id and may_grant_role(p, obj.role)
        return False


SITE_KEEPERS = (Role.OFFICE_STAFF, Role.SYSTEM_ADMIN, *GROUP_ROLES)


@register(Site)
class SitePolicy(Policy):
    """Sites are shared reference data: every group may check any site. A liaison sees the sites of own org."""

    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES, *GROUP_ROLES, Role.SYSTEM_ADMIN):
            return qs
        if p.has(Role.LIAISON):
            return qs.filter(in_subtrees("responsible_org", p.org_paths(Role.LIAISON)))
        return qs.none()

    def allows(self, p, action, obj):
        if action in ("create", "change", "import"):
            return p.has(*SITE_KEEPERS)
        if action == "deactivate":
            return p.has(Role.OFFICE_STAFF, Role.SYSTEM_ADMIN)
        if action == "export":
            return p.has(*COMMISSION_ROLES, *GROUP_ROLES, Role.SYSTEM_ADMIN)
        return action == "view"
