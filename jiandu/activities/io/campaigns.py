"""The campaign ledger (专项监督台账) as .xlsx: each campaign with its targets and what its activities achieved."""

from jiandu.core import exports
from jiandu.core.xlsx import Column

from .. import selectors
from ..models import Campaign

COLUMNS = [
    Column("title", "名称", 36),
    Column("group", "纪检监察组", 24),
    Column("topic", "监督主题", 14),
    Column("start_date", "开始日期", 12),
    Column("end_date", "结束日期", 12),
    Column("scope", "监督范围", 36),
    Column("planned_checks", "计划检查次数", 12),
    Column("checks", "已检查次数", 12),
    Column("planned_sites", "计划点位数", 12),
    Column("sites", "已检查点位数", 12),
    Column("planned_days", "计划驻点天数", 12),
    Column("days", "已驻点天数", 12),
    Column("description", "工作要求", 50),
]


def campaign_rows(campaigns, user):
    """One row per campaign; progress counts only the activities `user` may see (three queries per chunk)."""
    records = campaigns.prefetch_related("scope_orgs")
    for chunk in exports.chunks(records):
        progress = selectors.campaigns_progress(user, chunk)
        for c in chunk:
            done = progress[c.pk]
            yield {
                "title": c.title,
                "group": (c.group.short_name or c.group.name) if c.group else "全省（派驻机构管理室）",
                "topic": c.topic.name,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "scope": "、".join(o.name for o in c.scope_orgs.all()),
                "planned_checks": c.planned_checks,
                "checks": done.checks,
                "planned_sites": c.planned_sites,
                "sites": done.sites,
                "planned_days": c.planned_days,
                "days": done.days,
                "description": c.description,
            }


def select_campaigns(user, params) -> exports.Selection:
    """The campaign list's filters (?group=&q=), as on the list page."""
    group, q = params.get("group") or None, (params.get("q") or "").strip()
    filters = {k: v for k, v in (("group", group), ("q", q)) if v}
    return exports.Selection(selectors.campaigns_for(user, group=group, q=q), filters)


LEDGER = exports.register(
    exports.Ledger(
        name="campaigns",
        title="专项监督台账",
        sheet="专项监督",
        model=Campaign,
        columns=COLUMNS,
        select=select_campaigns,
        rows=campaign_rows,
    )
)
