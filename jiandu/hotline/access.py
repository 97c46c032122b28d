"""Access policies of the hotline module (DESIGN §6), registered in the one mechanism of jiandu.core.access.

- Hotline (the registry): commission roles and every group role (any group may test any hotline, like sites);
  a liaison the hotlines operated by an org in their subtree; admins nothing. create — the office and group
  roles; change — the office and the supervising group.
- HotlineCase: scope_business on the owning group, plus the liaison whose subtree holds the routed org.
  create/assign/change — the office or the owning group; answer — the liaison of the routed org; callback,
  close, to_problem — the owning group; view_personal (the unmasked caller, audited) — the owning group, the
  liaison of the routed org, and the commission roles (read-only roles open it on purpose, audited too).
  Lists, exports and the API always show the caller masked.
- TestCall (暗访测试) is CONFIDENTIAL like covert activities: commission roles and the owning group only; a
  liaison never sees one — not in lists, details, exports, counts or the API. create/record — the office or
  the owning group; to_problem — the owning group.
- CaseEvent follows its case.
"""

from django.db.models import Q

from jiandu.core.access import Policy, Principal, in_subtrees, register, scope_business
from jiandu.organizations.enums import BUSINESS_ROLES, COMMISSION_ROLES, GROUP_ROLES, Role

from .models import CaseEvent, Hotline, HotlineCase, TestCall


def liaison_covers(p: Principal, org) -> bool:
    return org is not None and p.has(Role.LIAISON) and any(org.path.startswith(x) for x in p.org_paths(Role.LIAISON))


def in_group(p: Principal, group_id) -> bool:
    return group_id in p.org_ids(*GROUP_ROLES)


def _routed_to_liaison(p: Principal, prefix: str = "") -> Q:
    return in_subtrees(f"{prefix}routed_org", p.org_paths(Role.LIAISON))


@register(Hotline)
class HotlinePolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES, *GROUP_ROLES):
            return qs
        if p.has(Role.LIAISON):
            return qs.filter(in_subtrees("operating_org", p.org_paths(Role.LIAISON)))
        return qs.none()

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action == "create":
                return p.has(Role.OFFICE_STAFF, *GROUP_ROLES)
            return action in ("view", "export") and p.has(*BUSINESS_ROLES)
        if action == "view":
            return True
        if action == "change":
            return p.has(Role.OFFICE_STAFF) or in_group(p, obj.group_id)
        if action == "create":  # an unsaved instance
            return p.has(Role.OFFICE_STAFF) or p.has(*GROUP_ROLES)
        return False


@register(HotlineCase)
class HotlineCasePolicy(Policy):
    def visible(self, p, qs):
        return scope_business(p, qs, liaison_q=_routed_to_liaison)

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action == "create":
                return p.has(Role.OFFICE_STAFF, *GROUP_ROLES)
            return action in ("view", "export") and p.has(*BUSINESS_ROLES)
        if action in ("view", "export"):
            return True
        if action in ("create", "assign", "change"):
            return p.has(Role.OFFICE_STAFF) or in_group(p, obj.group_id)
        if action == "answer":
            return liaison_covers(p, obj.routed_org)
        if action in ("callback", "close", "to_problem"):
            return in_group(p, obj.group_id)
        if action == "view_personal":
            return p.has(*COMMISSION_ROLES) or in_group(p, obj.group_id) or liaison_covers(p, obj.routed_org)
        return False


@register(CaseEvent)
class CaseEventPolicy(Policy):
    def visible(self, p, qs):
        return scope_business(p, qs, group_field="case__group", liaison_q=lambda p: _routed_to_liaison(p, "case__"))

    def allows(self, p, action, obj):
        return action == "view"


@register(TestCall)
class TestCallPolicy(Policy):
    def visible(self, p, qs):
        return scope_business(p, qs)  # no liaison_q: a liaison sees none (confidential)

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action == "create":
                return p.has(Role.OFFICE_STAFF, *GROUP_ROLES)
            return action in ("view", "export") and p.has(*COMMISSION_ROLES, *GROUP_ROLES)
        if action in ("view", "export"):
            return p.has(*COMMISSION_ROLES, *GROUP_ROLES)
        if action in ("create", "record", "change"):
            return p.has(Role.OFFICE_STAFF) or in_group(p, obj.group_id)
        if action == "to_problem":
            return in_group(p, obj.group_id)
        return False
