"""Access policies of sampling (DESIGN §6), registered in the one mechanism of jiandu.core.access.

- SamplingPlan: commission roles see all; group roles their own groups' plans, and office-wide plans (group
  NULL) once published; liaisons and admin roles nothing (a liaison sees the resulting problems only).
  create: office staff (office-wide plans) and group roles (for their own group); change (draft only in the
  service): the same; draw / publish / close: office staff, or the leader of the owning group.
- Draw and Assignment follow their plan; an inspector named on an assignment also sees it.
- Check and Stock: commission roles all, group roles their groups' records, an inspector the checks they did.
  record (on an Assignment): its inspectors and the group roles of the plan's group.
  create_problem (on a Check): the group roles of the check's group (problems.services checks it again).
- CheckTemplate: every commission and group role reads; office staff and the system admin keep them.
"""

from django.db.models import Q

from jiandu.core.access import Policy, Principal, register, scope_business
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, Role

from .enums import PlanStatus
from .models import Assignment, Check, CheckTemplate, Draw, SamplingPlan, Stock

PUBLIC_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.CLOSED)
LEADER_ACTIONS = ("draw", "publish", "close")


def plans_q(p: Principal, prefix: str = "") -> Q | None:
    """None: every plan (commission roles); otherwise what the principal may see."""
    if p.has(*COMMISSION_ROLES):
        return None
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    if p.has(*GROUP_ROLES):
        q |= Q(**{f"{prefix}group_id__in": p.org_ids(*GROUP_ROLES)})
        q |= Q(**{f"{prefix}group__isnull": True, f"{prefix}status__in": PUBLIC_STATUSES})
    return q


def _own_group(p: Principal, group_id, *roles: str) -> bool:
    return group_id is not None and group_id in p.org_ids(*(roles or GROUP_ROLES))


@register(SamplingPlan)
class SamplingPlanPolicy(Policy):
    def visible(self, p, qs):
        q = plans_q(p)
        return qs if q is None else qs.filter(q)

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action in ("view", "export"):
                return p.has(*COMMISSION_ROLES, *GROUP_ROLES)
            if action == "create":
                return p.has(Role.OFFICE_STAFF, *GROUP_ROLES)
            return False
        if action in ("view", "export"):
            return True
        if action in ("create", "change"):
            return p.has(Role.OFFICE_STAFF) if obj.group_id is None else _own_group(p, obj.group_id)
        if action in LEADER_ACTIONS:
            return p.has(Role.OFFICE_STAFF) or _own_group(p, obj.group_id, Role.GROUP_LEADER)
        return False


@register(Draw)
class DrawPolicy(Policy):
    def visible(self, p, qs):
        q = plans_q(p, "plan__")
        return qs if q is None else qs.filter(q)

    def allows(self, p, action, obj):
        return action == "view"


def _user_inspects(p: Principal, obj: Assignment) -> bool:
    return obj.inspectors.filter(pk=p.user_id).exists()


@register(Assignment)
class AssignmentPolicy(Policy):
    def visible(self, p, qs):
        q = plans_q(p, "draw__plan__")
        if q is None:
            return qs
        if p.has(*GROUP_ROLES):
            q |= Q(inspectors=p.user_id)
        return qs.filter(q).distinct()

    def allows(self, p, action, obj):
        if action == "view":
            return True
        if action == "record":
            return _user_inspects(p, obj) or _own_group(p, obj.draw.plan.group_id)
        return False


@register(Check)
class CheckPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        if not p.has(*GROUP_ROLES):
            return qs.none()
        return qs.filter(Q(group_id__in=p.org_ids(*GROUP_ROLES)) | Q(inspectors=p.user_id)).distinct()

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            return action in ("view", "export") and p.has(*COMMISSION_ROLES, *GROUP_ROLES)
        if action in ("view", "export"):
            return True
        if action == "create_problem":
            return _own_group(p, obj.group_id)
        return False


@register(Stock)
class StockPolicy(Policy):
    def visible(self, p, qs):
        return scope_business(p, qs)

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            return action in ("view", "export") and p.has(*COMMISSION_ROLES, *GROUP_ROLES)
        return action in ("view", "export")


@register(CheckTemplate)
class CheckTemplatePolicy(Policy):
    def visible(self, p, qs):
        return qs if p.has(*COMMISSION_ROLES, *GROUP_ROLES, Role.SYSTEM_ADMIN) else qs.none()

    def allows(self, p, action, obj):
        if action in ("create", "change"):
            return p.has(Role.OFFICE_STAFF, Role.SYSTEM_ADMIN)
        if action == "view" and isinstance(obj, type):  # the checklist pages: the roles that read templates
            return p.has(*COMMISSION_ROLES, *GROUP_ROLES, Role.SYSTEM_ADMIN)
        return action == "view"
