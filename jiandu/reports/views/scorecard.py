"""考评 pages: the scorecard per host department with sorting, drill-down links and a chart, and its .xlsx.

Thin: the rows come from reports.scorecard (selectors scoped by visible_to); this module only adds the links to
the records behind each figure and the sort headers.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET

from jiandu.core.access import require
from jiandu.core.deadlines import today
from jiandu.core.xlsx import XLSX_CONTENT_TYPE, ReportCell

from .. import scorecard as reports_scorecard
from ..models import Briefing
from ..scope import PRESETS, parse_scope
from ..scorecard import BY_CHOICES, MEASURES, RATE_FAIR, RATE_GOOD, department_scorecard, sort_rows

CHART_COLOURS = {"green": "#198754", "yellow": "#e0a800", "red": "#dc3545"}


def _by(request) -> str:
    by = request.GET.get("by", "department")
    return by if by in dict(BY_CHOICES) else "department"


def _links(row, scope, by: str) -> dict[str, str]:
    """The lists behind a row's figures, in the same period and groups: the problems of the department's subtree
    (by="org": of the org itself, org_only), the reply tracking rows, the hotline's test calls."""
    period = {}
    if scope.date_from:
        period["from"] = scope.date_from.isoformat()
    if scope.date_to:
        period["to"] = scope.date_to.isoformat()
    if scope.groups:
        period["group"] = [g.pk for g in scope.groups]
    base = {"org": row.org.pk, **period}
    own = {**base, "org_only": "1"} if by == "org" else base

    def problems(**extra) -> str:
        return f"{reverse('problems:problem_list')}?{urlencode({**own, **extra}, doseq=True)}"

    replies = f"{reverse('documents:reply_tracking')}?{urlencode(base, doseq=True)}"
    links = {
        "problems": problems(),
        "closed": problems(status="closed"),
        "overdue_open": problems(warning="red"),
        "urges": problems(urged="1"),
        "repeats": problems(repeat="1"),
        "replies_due": replies,
        "reply_rate": replies,
    }
    hotlines = row.calls.hotline_ids
    if len(hotlines) == 1:
        query = urlencode({"hotline": next(iter(hotlines)), **period}, doseq=True)
        links["calls_done"] = f"{reverse('hotline:call_list')}?{query}"
    elif hotlines:
        links["calls_done"] = reverse("hotline:hotline_list")
    return links


def _header(key: str, label: str, note: str, current: str, descending: bool, params: dict) -> dict:
    """A sortable header: the link sorts by `key` (numbers largest first), or reverses the current order."""
    if key == current:
        target = key if descending else f"-{key}"
    elif key == "org":
        target = key
    else:
        target = f"-{key}"
    return {
        "key": key,
        "label": label,
        "note": note,
        "url": "?" + urlencode({**params, "sort": target}, doseq=True),
        "active": key == current,
        "descending": key == current and descending,
    }


@login_required
@require_GET
def scorecard(request):
    """考评: one row per host department (or per responsible org), sortable, each figure linked to its records."""
    require(request.user, "scorecard", Briefing)
    scope = parse_scope(request.user, request.GET)
    by = _by(request)
    on = today()
    rows, sort_key, descending = sort_rows(
        department_scorecard(request.user, scope, on=on, by=by), request.GET.get("sort", "org")
    )
    sort = f"-{sort_key}" if descending else sort_key
    params = {**scope.as_params(), "by": by}
    unit_label = "驻在部门" if by == "department" else "责任单位"
    table = []
    for row in rows:
        links = _links(row, scope, by)
        cells = []
        for m in MEASURES:
            value = getattr(row, m.key)
            cells.append(
                {
                    "key": m.key,
                    "text": ReportCell(value, fmt=m.fmt).text,
                    "value": "" if value is None else value,
                    "url": links.get(m.key) if value else None,
                    "colour": row.rate_colour if m.key == "on_time_rate" else "",
                }
            )
        table.append({"row": row, "cells": cells})
    sections = []
    for m in MEASURES:
        if m.section and sections and sections[-1]["label"] == m.section:
            sections[-1]["span"] += 1
        elif m.section:
            sections.append({"label": m.section, "span": 1})
    chart = [
        {"name": r.org.display_name, "value": r.on_time_rate, "colour": CHART_COLOURS[r.rate_colour]}
        for r in rows
        if r.on_time_rate is not None
    ]
    return render(
        request,
        "reports/scorecard.html",
        {
            "scope": scope,
            "presets": PRESETS,
            "scope_keep": [("by", by), ("sort", sort)],
            "by": by,
            "by_choices": [
                {"key": k, "label": label, "url": "?" + urlencode({**params, "by": k, "sort": sort}, doseq=True)}
                for k, label in BY_CHOICES
            ],
            "unit_label": unit_label,
            "sort": sort,
            "on": on,
            "table": table,
            "sections": sections,
            "org_header": _header("org", unit_label, "", sort_key, descending, params),
            "leaf_headers": [
                _header(m.key, m.label, m.note, sort_key, descending, params) for m in MEASURES if m.section
            ],
            "end_headers": [
                _header(m.key, m.label, m.note, sort_key, descending, params) for m in MEASURES if not m.section
            ],
            "measures": MEASURES,
            "chart": chart,
            "rate_good": RATE_GOOD,
            "rate_fair": RATE_FAIR,
            "export_query": urlencode({**params, "sort": sort}, doseq=True),
        },
    )


@login_required
@require_GET
def scorecard_export(request):
    """The scorecard as .xlsx, in the scope and order of the page; audited."""
    scope = parse_scope(request.user, request.GET)
    data, _count = reports_scorecard.scorecard_export(
        actor=request.user, scope=scope, by=_by(request), sort=request.GET.get("sort", "org")
    )
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    filename = f"驻在部门考评表_{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
