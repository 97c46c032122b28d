"""Access policies of problems (DESIGN §6), registered in the one mechanism of jiandu.core.access.

- Problem: commission roles see all; group roles their own groups' problems; a liaison the problems whose
  responsible org lies in the liaison's org subtree — also those found by a covert or unannounced check (the
  problem is addressed to them), though never the confidential activity itself; admin roles nothing.
- Rectification, Urge, ProblemEvent follow their problem.
- Actions: create/change/return/urge — group roles of the owning group; close/reopen/escalate (督办单, 问题通报)
  — the owning group's leader; start/report/submit — a liaison whose subtree holds the responsible org;
  view_internal (组内备注) — the commission and the owning group, never a liaison; view/export — whoever sees
  the record. The commission leader and the office read only. Which status a move leaves from is
  services.TRANSITIONS.
"""

from django.db.models import Q

from jiandu.core.access import Policy, Principal, in_subtrees, register, scope_business
from jiandu.organizations.enums import BUSINESS_ROLES, COMMISSION_ROLES, GROUP_ROLES, Role

from .models import Category, Problem, ProblemEvent, Rectification, Severity, Urge

GROUP_ACTIONS = ("change", "return", "urge")
LEADER_ACTIONS = ("close", "reopen", "escalate")
LIAISON_ACTIONS = ("start", "report", "submit")


def liaison_q(p: Principal, prefix: str = "") -> Q:
    return in_subtrees(f"{prefix}responsible_org", p.org_paths(Role.LIAISON))


def liaison_covers(p: Principal, org) -> bool:
    """The org lies in the subtree of one of the liaison's orgs."""
    return p.has(Role.LIAISON) and any(org.path.startswith(path) for path in p.org_paths(Role.LIAISON))


def in_group(p: Principal, group_id, *roles: str) -> bool:
    return group_id in p.org_ids(*(roles or GROUP_ROLES))


@register(Problem)
class ProblemPolicy(Policy):
    def visible(self, p, qs):
        return scope_business(p, qs, liaison_q=liaison_q)

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action == "create":
                return p.has(*GROUP_ROLES)
            if action in ("view", "export"):
                return p.has(*BUSINESS_ROLES)
            if action == "urge":  # the bulk action: urges the records of one's own groups among those filtered
                return p.has(*GROUP_ROLES)
            return False
        if action in ("view", "export"):
            return True
        if action == "create":  # an unsaved instance: for one's own group
            return in_group(p, obj.group_id)
        if action == "view_internal":
            return p.has(*COMMISSION_ROLES) or in_group(p, obj.group_id)
        if action in GROUP_ACTIONS:
            return in_group(p, obj.group_id)
        if action in LEADER_ACTIONS:
            return in_group(p, obj.group_id, Role.GROUP_LEADER)
        if action in LIAISON_ACTIONS:
            return liaison_covers(p, obj.responsible_org)
        return False


class _FollowsProblem(Policy):
    def visible(self, p, qs):
        return scope_business(p, qs, group_field="problem__group", liaison_q=lambda p: liaison_q(p, "problem__"))

    def allows(self, p, action, obj):
        return action == "view"


@register(ProblemEvent)
class ProblemEventPolicy(_FollowsProblem):
    pass


@register(Rectification)
class RectificationPolicy(_FollowsProblem):
    pass


@register(Urge)
class UrgePolicy(_FollowsProblem):
    pass


class _ConfigList(Policy):
    """Categories and the severity scale: read by every business role, kept by the office and the system admin."""

    def visible(self, p, qs):
        if p.has(*BUSINESS_ROLES, Role.SYSTEM_ADMIN):
            return qs
        return qs.none()

    def allows(self, p, action, obj):
        if action in ("create", "change"):
            return p.has(Role.OFFICE_STAFF, Role.SYSTEM_ADMIN)
        return action == "view"


@register(Category)
class CategoryPolicy(_ConfigList):
    pass


@register(Severity)
class SeverityPolicy(_ConfigList):
    pass
