"""统计月报 pages: choose a group (or 全部, for the commission) and a month, preview the sheets, download .xlsx.

Thin: the sheets come from reports.monthly; the page shows the very ReportSheet objects the file is written from.
"""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET

from jiandu.activities import selectors as activities
from jiandu.core.access import can, require
from jiandu.core.deadlines import today
from jiandu.core.errors import NotFound
from jiandu.core.xlsx import XLSX_CONTENT_TYPE
from jiandu.problems import selectors as problems

from ..models import Briefing
from ..monthly import monthly_export as export_monthly
from ..monthly import monthly_sheets
from ..scope import scope_groups

ALL = "all"
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def _groups(request) -> tuple[list, str, list]:
    """(groups of the table, the chosen value, the choices). The commission may pick any group or 全部 (the
    default); group staff their own groups (the first by default). Any other group answers 404."""
    choices = scope_groups(request.user)
    commission = can(request.user, "monthly_all", Briefing)
    value = (request.GET.get("group") or "").strip()
    if not value:
        value = ALL if commission else (str(choices[0].pk) if choices else "")
    if value == ALL and commission:
        return choices, ALL, choices
    for g in choices:
        if str(g.pk) == value:
            return [g], value, choices
    if not choices:
        return [], "", choices
    raise NotFound()


def _month(value: str) -> tuple[int, int, str]:
    """(year, month, error): YYYY-MM, not after the current month; otherwise the current month with a message."""
    now = today()
    value = (value or "").strip()
    if not value:
        return now.year, now.month, ""
    m = MONTH_RE.match(value)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
        return now.year, now.month, f"统计月份「{value}」无效（格式：2022-04），已显示本月。"
    year, month = int(m.group(1)), int(m.group(2))
    if (year, month) > (now.year, now.month):
        return now.year, now.month, "统计月份不能晚于本月，已显示本月。"
    return year, month, ""


def _months_with_records(user, groups) -> list[dict]:
    """Months in which the chosen groups have activities or problems (newest first, at most 12): quick links."""
    ids = [g.pk for g in groups]
    keys = {r["key"] for r in activities.activity_counts(user, by="month", groups=ids)}
    keys |= {r["key"] for r in problems.problem_counts(user, by="month", groups=ids)}
    out = []
    for key in sorted(keys, reverse=True)[:12]:
        year, month = key.split("-")
        out.append({"key": key, "label": f"{int(year)}年{int(month)}月"})
    return out


@login_required
@require_GET
def monthly(request):
    """统计月报: the preview of exactly what the .xlsx holds, with the group and month pickers."""
    require(request.user, "monthly", Briefing)
    groups, chosen, choices = _groups(request)
    year, month, error = _month(request.GET.get("month"))
    summary = chosen == ALL
    sheets = monthly_sheets(request.user, groups, year, month, summary=summary) if groups else []
    month_key = f"{year:04d}-{month:02d}"
    now = today()
    previous = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return render(
        request,
        "reports/monthly.html",
        {
            "sheets": sheets,
            "choices": choices,
            "chosen": chosen,
            "may_choose_all": can(request.user, "monthly_all", Briefing) and len(choices) > 1,
            "month_key": month_key,
            "month_label": f"{year}年{month}月",
            "this_month": f"{now.year:04d}-{now.month:02d}",
            "last_month": f"{previous[0]:04d}-{previous[1]:02d}",
            "record_months": _months_with_records(request.user, groups) if groups else [],
            "error": error,
            "export_query": urlencode({"group": chosen, "month": month_key}),
            "group_query": urlencode({"group": chosen}),
        },
    )


@login_required
@require_GET
def monthly_export(request):
    """The .xlsx of the chosen group(s) and month; audited."""
    require(request.user, "monthly", Briefing)
    groups, chosen, _choices = _groups(request)
    if not groups:
        raise NotFound()
    year, month, _error = _month(request.GET.get("month"))
    data = export_monthly(actor=request.user, groups=groups, year=year, month=month, summary=chosen == ALL)
    who = "汇总" if chosen == ALL else groups[0].display_name
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    filename = f"统计月报_{who}_{year}年{month}月.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
