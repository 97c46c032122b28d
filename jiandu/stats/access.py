"""Access policies of reported statistics (DESIGN §6), registered in the one mechanism of jiandu.core.access.

- Indicator, Period: reference data read by every business role; indicators kept by the office and group leaders.
- DataSet, ValidationRule: commission roles see all; group roles their groups' data sets; a liaison the data sets
  that an org of their subtree reports; admins nothing. Create/change: the office, and group leaders for their own
  group's data sets.
- DataValue, Approval: commission roles all; group roles every value of their groups' data sets; a liaison only the
  values of their own org subtree. Entry: the liaison of the reporting org, or the owning group's members on its
  behalf; approve/lock/unlock: the owning group's leader. The commission leader reads only.
"""

from django.db.models import Q

from jiandu.core.access import Policy, Principal, in_subtrees, register
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, Role

from .models import Approval, DataSet, DataValue, Indicator, Period, ValidationRule

READERS = (*COMMISSION_ROLES, *GROUP_ROLES, Role.LIAISON)


def in_group(p: Principal, group_id: int, *roles: str) -> bool:
    return group_id in p.org_ids(*(roles or GROUP_ROLES))


def sees_every_value(p: Principal, group_ids=None) -> bool:
    """Whether `p` sees every value of the data sets of these groups (None: of every group `p` sees) — then the
    reports may read the pre-aggregated totals (stats.totals) instead of summing the values one may see."""
    if p.has(*COMMISSION_ROLES):
        return True
    if p.has(Role.LIAISON) or not p.has(*GROUP_ROLES):
        return False
    return group_ids is None or {getattr(g, "pk", g) for g in group_ids} <= p.org_ids(*GROUP_ROLES)


def liaison_covers(p: Principal, org) -> bool:
    return any(org.path.startswith(path) for path in p.org_paths(Role.LIAISON))


def _liaison_datasets(p: Principal) -> Q:
    reported = DataSet.reporting_orgs.through.objects.filter(in_subtrees("org", p.org_paths(Role.LIAISON)))
    return Q(pk__in=reported.values("dataset_id"))


def may_enter(p: Principal, dataset: DataSet, org) -> bool:
    """May enter values of `dataset` for `org` (which must be one of its reporting orgs; checked by the service)."""
    if in_group(p, dataset.group_id):
        return True
    return p.has(Role.LIAISON) and liaison_covers(p, org)


@register(Indicator)
class IndicatorPolicy(Policy):
    def visible(self, p, qs):
        return qs if p.has(*READERS) else qs.none()

    def allows(self, p, action, obj):
        if action in ("create", "change"):
            return p.has(Role.OFFICE_STAFF, Role.GROUP_LEADER)
        return action == "view" and p.has(*READERS)


@register(Period)
class PeriodPolicy(Policy):
    def visible(self, p, qs):
        return qs if p.has(*READERS) else qs.none()

    def allows(self, p, action, obj):
        return action == "view" and p.has(*READERS)


@register(DataSet)
class DataSetPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        q = Q(pk__in=[])
        if p.has(*GROUP_ROLES):
            q |= Q(group_id__in=p.org_ids(*GROUP_ROLES))
        if p.has(Role.LIAISON):
            q |= _liaison_datasets(p)
        return qs.filter(q)

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action == "create":
                return p.has(Role.OFFICE_STAFF, Role.GROUP_LEADER)
            return action in ("view", "export") and p.has(*READERS)
        if action in ("view", "export"):
            return True
        if action == "change":
            return p.has(Role.OFFICE_STAFF) or in_group(p, obj.group_id, Role.GROUP_LEADER)
        if action in ("enter", "import"):
            return in_group(p, obj.group_id) or p.has(Role.LIAISON)
        if action in ("approve", "unlock"):
            return in_group(p, obj.group_id, Role.GROUP_LEADER)
        return False


@register(ValidationRule)
class ValidationRulePolicy(Policy):
    def visible(self, p, qs):
        return qs.filter(dataset__in=DataSetPolicy().visible(p, DataSet.objects.all()))

    def allows(self, p, action, obj):
        return action == "view"


def _values_q(p: Principal, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    if p.has(*GROUP_ROLES):
        q |= Q(**{f"{prefix}dataset__group_id__in": p.org_ids(*GROUP_ROLES)})
    if p.has(Role.LIAISON):
        q |= in_subtrees(f"{prefix}org", p.org_paths(Role.LIAISON))
    return q


@register(DataValue)
class DataValuePolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        return qs.filter(_values_q(p))

    def allows(self, p, action, obj):
        if isinstance(obj, type):
            if action in ("create", "import"):
                return p.has(*GROUP_ROLES, Role.LIAISON)
            return action in ("view", "export") and p.has(*READERS)
        if action in ("view", "export"):
            return True
        if action == "change":
            return may_enter(p, obj.dataset, obj.org)
        return False


@register(Approval)
class ApprovalPolicy(Policy):
    def visible(self, p, qs):
        if p.has(*COMMISSION_ROLES):
            return qs
        return qs.filter(_values_q(p))

    def allows(self, p, action, obj):
        if action == "view":
            return True
        if action == "unlock":
            return in_group(p, obj.dataset.group_id, Role.GROUP_LEADER)
        return False
