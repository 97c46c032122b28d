from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COMMISSION = "commission", _("委机关")  # the provincial commission itself
    OFFICE = "office", _("内设室")  # an internal office, e.g. 派驻机构管理室
    GROUP = "group", _("纪检监察组")  # a resident group, or a discipline body that works like one
    DEPARTMENT = "department", _("驻在部门")  # a host department, bank or state-owned group
    UNIT = "unit", _("下属单位/属地")  # a unit under a department, or a locality (市、区)


class Role(models.TextChoices):
    COMMISSION_LEADER = "commission_leader", _("委领导")  # sees everything, read-only
    OFFICE_STAFF = "office_staff", _("派驻机构管理室")  # coordinates the groups
    GROUP_LEADER = "group_leader", _("组长")  # heads a group; issues documents, closes problems
    GROUP_MEMBER = "group_member", _("组员")  # records the group's work
    LIAISON = "liaison", _("驻在部门联络员")  # contact person of a supervised org
    SYSTEM_ADMIN = "system_admin", _("系统管理员")  # users, org tree, configuration; no business data
    SECURITY_ADMIN = "security_admin", _("安全保密管理员")  # roles, grants, lockout; no business data
    AUDIT_ADMIN = "audit_admin", _("安全审计员")  # the audit log only


COMMISSION_ROLES = frozenset({Role.COMMISSION_LEADER, Role.OFFICE_STAFF})
GROUP_ROLES = frozenset({Role.GROUP_LEADER, Role.GROUP_MEMBER})
BUSINESS_ROLES = COMMISSION_ROLES | GROUP_ROLES | {Role.LIAISON}
# 三员分立: an account holding one of these holds no other role.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# The kind of org each role is granted on.
ROLE_ORG_KINDS = {
    Role.COMMISSION_LEADER: {OrgKind.COMMISSION},
    Role.OFFICE_STAFF: {OrgKind.OFFICE, OrgKind.COMMISSION},
    Role.GROUP_LEADER: {OrgKind.GROUP},
    Role.GROUP_MEMBER: {OrgKind.GROUP},
    Role.LIAISON: {OrgKind.DEPARTMENT, OrgKind.UNIT},
    Role.SYSTEM_ADMIN: {OrgKind.COMMISSION, OrgKind.OFFICE},
    Role.SECURITY_ADMIN: {OrgKind.COMMISSION, OrgKind.OFFICE},
    Role.AUDIT_ADMIN: {OrgKind.COMMISSION, OrgKind.OFFICE},
}


class SiteType(models.TextChoices):
    COMMUNITY = "community", _("社区")
    TENT_SITE = "tent_site", _("帐篷设置点")
    HOSPITAL = "hospital", _("医疗机构")
    QUARANTINE_SITE = "quarantine_site", _("隔离点")
    SCHOOL = "school", _("学校")
    MARKET = "market", _("商超/批发市场")
    WAREHOUSE = "warehouse", _("物资仓库")
    CHECKPOINT = "checkpoint", _("交通卡点")
    ENTERPRISE = "enterprise", _("企业")
    HOTLINE = "hotline", _("热线")  # a virtual site: a service hotline that is called


# Attributes kept per site type: key -> (label, kind). kind is "int" or "str".
SITE_ATTRIBUTES: dict[str, dict[str, tuple[str, str]]] = {
    SiteType.COMMUNITY: {"households": ("户数", "int"), "population": ("常住人口", "int")},
    SiteType.TENT_SITE: {"tent_count": ("帐篷数", "int"), "quilt_count": ("棉被数", "int")},
    SiteType.HOSPITAL: {"level": ("医院等级", "str"), "beds": ("床位数", "int")},
    SiteType.QUARANTINE_SITE: {"rooms": ("房间数", "int"), "operator": ("运营单位", "str")},
    SiteType.SCHOOL: {"school_level": ("学段", "str"), "students": ("在校生数", "int")},
    SiteType.MARKET: {"market_kind": ("业态", "str"), "area_m2": ("营业面积(平方米)", "int")},
    SiteType.WAREHOUSE: {"goods": ("主要物资", "str"), "capacity_m2": ("库容(平方米)", "int")},
    SiteType.CHECKPOINT: {"road": ("所在道路", "str")},
    SiteType.ENTERPRISE: {"industry": ("行业", "str"), "employees": ("职工人数", "int")},
    SiteType.HOTLINE: {"phone": ("热线号码", "str"), "service_hours": ("服务时间", "str")},
}
