"""The period and scope every report is asked for: `from`/`to` (ISO dates) and `group` (repeatable) in the query
string. One parser for the dashboard, the scorecard, the monthly table and the briefing.

The scope only narrows: each module's selectors already return what the viewer may see (visible_to), so a group
member who asks for another group gets nothing of it, and the choices offered are the groups the viewer sees.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.utils import timezone

from jiandu.core.access import principal
from jiandu.organizations.enums import COMMISSION_ROLES, GROUP_ROLES, OrgKind
from jiandu.organizations.models import Org

PRESETS = [  # (key, label): quick periods offered above every report
    ("month", "本月"),
    ("quarter", "本季度"),
    ("year", "本年"),
    ("last_year", "上年"),
    ("all", "全部"),
]


@dataclass
class ReportScope:
    date_from: date | None
    date_to: date | None
    groups: list[Org] | None  # None: every group the viewer sees
    choices: list[Org] = field(default_factory=list)  # the groups the viewer may pick from
    errors: list[str] = field(default_factory=list)  # Chinese messages about ignored input

    @property
    def group_ids(self) -> list[int] | None:
        return None if self.groups is None else [g.pk for g in self.groups]

    @property
    def period(self) -> tuple[date | None, date | None]:
        return (self.date_from, self.date_to)

    def as_params(self) -> dict:
        """Query-string values that reproduce this scope (for drill-down links and exports)."""
        out = {}
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        if self.groups is not None:
            out["group"] = [g.pk for g in self.groups]
        return out

    def querystring(self) -> str:
        return urlencode(self.as_params(), doseq=True)

    @property
    def label(self) -> str:
        """In words, for titles: 2022年3月1日至2022年5月20日 · 驻省卫健委纪检监察组."""
        from jiandu.core.cn import cn_date

        if self.date_from and self.date_to:
            period = f"{cn_date(self.date_from)}至{cn_date(self.date_to)}"
        elif self.date_from:
            period = f"{cn_date(self.date_from)}以来"
        elif self.date_to:
            period = f"截至{cn_date(self.date_to)}"
        else:
            period = "全部时间"
        if self.groups is None:
            return period
        names = "、".join(g.display_name for g in self.groups[:3])
        return f"{period} · {names}{'等' if len(self.groups) > 3 else ''}"


def scope_groups(user) -> list[Org]:
    """The groups a viewer may choose as a report's scope: all for the commission, their own for group roles,
    none for a liaison (whose reports cover only their org)."""
    p = principal(user)
    qs = Org.objects.filter(kind=OrgKind.GROUP, is_active=True)
    if p.has(*COMMISSION_ROLES):
        return list(qs.order_by("sort_order", "path"))
    if p.has(*GROUP_ROLES):
        return list(qs.filter(pk__in=p.org_ids(*GROUP_ROLES)).order_by("sort_order", "path"))
    return []


def preset_period(key: str, today: date | None = None) -> tuple[date | None, date | None]:
    today = today or timezone.localdate()
    if key == "month":
        return today.replace(day=1), today
    if key == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if key == "year":
        return date(today.year, 1, 1), today
    if key == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None, None


def _date(value, name: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(f"{name}「{value}」不是有效日期（格式：2022-05-20），已忽略。")
        return None


def parse_scope(user, params, *, default_preset: str = "all") -> ReportScope:
    """Read `from`, `to`, `preset` and `group` (repeatable) from a QueryDict or dict. Unknown or foreign groups
    are ignored with a message; a period given backwards is swapped."""
    errors: list[str] = []
    preset = params.get("preset") or ("" if (params.get("from") or params.get("to")) else default_preset)
    if preset:
        date_from, date_to = preset_period(preset)
    else:
        date_from = _date(params.get("from"), "起始日期", errors)
        date_to = _date(params.get("to"), "截止日期", errors)
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
        errors.append("起始日期晚于截止日期，已对调。")
    choices = scope_groups(user)
    raw = params.getlist("group") if hasattr(params, "getlist") else params.get("group") or []
    if isinstance(raw, str | int):
        raw = [raw]
    wanted = set()
    for value in raw:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError):
            continue
    groups = None
    if wanted:
        groups = [g for g in choices if g.pk in wanted]
        if len(groups) < len(wanted):
            errors.append("所选范围中有无权查看或不存在的纪检监察组，已忽略。")
        if not groups:
            groups = None
    return ReportScope(date_from, date_to, groups, choices, errors)
