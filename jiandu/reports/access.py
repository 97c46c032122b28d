"""Access to reports (DESIGN §6), in the one mechanism of jiandu.core.access.

Every figure of a report comes from the modules' selectors, which read through `visible_to`: a report shows
exactly the records its viewer may see, whatever scope is asked for. This policy says who may open which report
(class-level actions on Briefing) and who sees a kept briefing:

- dashboard 领导驾驶舱 — every business role (a liaison's shows only their org's documents and problems);
- scorecard 考评, monthly 统计月报, create (a briefing) — commission and group roles; monthly_all (the monthly
  table of every group at once) — commission roles;
- a briefing: the commission sees all; group roles the briefings of their group; change — its author, or a
  member of its group; admin roles see none of it.
"""

from jiandu.core.access import Policy, register
from jiandu.organizations.enums import BUSINESS_ROLES, COMMISSION_ROLES, GROUP_ROLES

from .models import Briefing

REPORT_ROLES = COMMISSION_ROLES | GROUP_ROLES


@register(Briefing)
class BriefingPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        if p.has(*GROUP_ROLES):
            return qs.filter(group_id__in=p.org_ids(*GROUP_ROLES))
        return qs.none()

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action == "dashboard":
                return p.has(*BUSINESS_ROLES)
            if action == "monthly_all":
                return p.has(*COMMISSION_ROLES)
            if action in ("scorecard", "monthly", "create", "view", "export"):
                return p.has(*REPORT_ROLES)
            return False
        if action in ("view", "export"):
            return True
        if action in ("change", "delete"):
            return obj.created_by_id == p.user_id or (
                obj.group_id is not None and obj.group_id in p.org_ids(*GROUP_ROLES)
            )
        return False
