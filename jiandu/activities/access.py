"""Access policies of activities and campaigns (DESIGN §6), registered in the one mechanism of core.

Commission roles see every record; group roles see their own groups' records (and province-wide campaigns);
a liaison sees NO activity and NO campaign — DESIGN §6 gives a liaison documents and problems only, so a
covert or unannounced check can never leak to the org it checked; admin roles see no business data.
"""

from django.db.models import Q

from jiandu.core.access import Policy, Principal, register, scope_business
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, Role

from .models import Activity, Campaign


def _own_group(p: Principal, obj) -> bool:
    return getattr(obj, "group_id", None) in p.org_ids(*GROUP_ROLES)


@register(Activity)
class ActivityPolicy(Policy):
    def visible(self, p, qs):
        return scope_business(p, qs)

    def allows(self, p, action, obj):
        if action in ("view", "export"):
            return p.has(*COMMISSION_ROLES, *GROUP_ROLES)
        if action in ("create", "import"):
            # The class: may record for some group; an unsaved instance: for its group.
            return p.has(*GROUP_ROLES) if isinstance(obj, type) else _own_group(p, obj)
        if action in ("change", "attach"):
            return not isinstance(obj, type) and _own_group(p, obj)
        return False


@register(Campaign)
class CampaignPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        if p.has(*GROUP_ROLES):
            return qs.filter(Q(group_id__in=p.org_ids(*GROUP_ROLES)) | Q(group__isnull=True))
        return scope_business(p, qs)  # nothing for liaisons and admins

    def allows(self, p, action, obj):
        if action in ("view", "export"):
            return p.has(*COMMISSION_ROLES, *GROUP_ROLES)
        if action in ("create", "change"):
            if p.has(Role.OFFICE_STAFF):
                return True
            if isinstance(obj, type):
                return action == "create" and p.has(*GROUP_ROLES)
            return _own_group(p, obj)  # a group keeps its own campaigns; province-wide ones are the office's
        return False
