"""The menu: each module adds its entries here, with the roles that may use it.

The home page lists the same entries as cards, so a person sees exactly the modules they may use.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from jiandu.organizations.enums import ADMIN_ROLES, BUSINESS_ROLES, COMMISSION_ROLES, GROUP_ROLES, Role

from .access import principal


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str  # bootstrap-icons name
    roles: frozenset
    description: str = ""
    section: str = "业务"


NAV_ITEMS: list[NavItem] = [
    NavItem("工作台", "home", "house", BUSINESS_ROLES | ADMIN_ROLES, "我的身份、单位与可用功能", "常用"),
    NavItem(
        "领导驾驶舱",
        "reports:dashboard",
        "speedometer2",
        BUSINESS_ROLES,
        "全省派驻监督工作一览：检查、文书、问题整改、抽查、热线与报送数据",
        "报表",
    ),
    NavItem(
        "工作简报",
        "reports:briefing_list",
        "journal-text",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES}),
        "按范围和期间自动生成工作简报，编辑后导出公文格式",
        "报表",
    ),
    NavItem(
        "统计月报",
        "reports:monthly",
        "table",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES}),
        "各纪检监察组监督工作统计月报表（Excel）",
        "报表",
    ),
    NavItem(
        "考评",
        "reports:scorecard",
        "award",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES}),
        "驻在部门整改按期率、逾期天数、催办、屡查屡犯、回复及时率、热线测试得分",
        "报表",
    ),
    NavItem(
        "监督检查",
        "activities:activity_list",
        "clipboard2-check",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES}),
        "实地检查、明察暗访、电话抽查、驻点监督等活动台账",
        "业务",
    ),
    NavItem(
        "专项监督",
        "activities:campaign_list",
        "bullseye",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES}),
        "专项监督的目标与进度",
        "业务",
    ),
    NavItem(
        "监督文书",
        "documents:document_list",
        "file-earmark-text",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES, Role.LIAISON}),
        "监督建议书、工作通知、提示函：签发、签收、回复跟踪",
        "业务",
    ),
    NavItem(
        "问题整改",
        "problems:problem_list",
        "exclamation-triangle",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES, Role.LIAISON}),
        "问题登记、整改、核查销号、催办督办",
        "业务",
    ),
    NavItem(
        "双随机抽查",
        "sampling:plan_list",
        "shuffle",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES}),
        "抽查计划、公开抽取、现场检查、物资状况",
        "业务",
    ),
    NavItem(
        "热线监督",
        "hotline:hotline_list",
        "telephone",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES, Role.LIAISON}),
        "服务热线、群众来电工单、暗访测试",
        "业务",
    ),
    NavItem(
        "统计填报",
        "stats:dataset_list",
        "bar-chart-line",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES, Role.LIAISON}),
        "统计指标填报、审核锁定、逐级汇总",
        "业务",
    ),
    NavItem(
        "组织机构",
        "organizations:org_tree",
        "diagram-3",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
        "机构树、纪检监察组与驻在部门",
        "基础数据",
    ),
    NavItem(
        "监督关系",
        "organizations:assignment_list",
        "link-45deg",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES, Role.SYSTEM_ADMIN}),
        "各纪检监察组联系、监督的单位",
        "基础数据",
    ),
    NavItem(
        "监督点位",
        "organizations:site_list",
        "geo-alt",
        frozenset({*COMMISSION_ROLES, *GROUP_ROLES, Role.LIAISON, Role.SYSTEM_ADMIN}),
        "社区、帐篷设置点、医疗机构、隔离点等",
        "基础数据",
    ),
    NavItem(
        "用户与授权",
        "organizations:user_list",
        "people",
        frozenset({Role.OFFICE_STAFF, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
        "账号、角色授权（三员分立）",
        "系统管理",
    ),
    NavItem("审计日志", "audit_log", "shield-check", frozenset({Role.AUDIT_ADMIN}), "审计日志与完整性校验", "系统管理"),
    NavItem(
        "接口文档",
        "api-docs",
        "braces",
        BUSINESS_ROLES | frozenset({Role.SYSTEM_ADMIN}),
        "REST API（OpenAPI 3）",
        "系统管理",
    ),
]


def items_for(user) -> list[dict]:
    roles = principal(user).roles
    out = []
    for item in NAV_ITEMS:
        if roles & item.roles:
            try:
                out.append({"item": item, "url": reverse(item.url_name)})
            except NoReverseMatch:  # a module whose pages are not installed
                continue
    return out
