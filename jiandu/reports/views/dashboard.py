"""领导驾驶舱: the dashboard page. The figures come from reports.dashboard; this view only reads the scope."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jiandu.core.access import require

from ..dashboard import dashboard as build_dashboard
from ..models import Briefing
from ..scope import PRESETS, parse_scope


@login_required
@require_GET
def dashboard(request):
    """Figures, charts and the colour board for the viewer over the chosen period and groups; every number
    links to the list of its records. When a province's figures would take long to sum, the page comes first with
    a progress card, which asks for ?figures=1 (the figures alone, swapped in by htmx)."""
    require(request.user, "dashboard", Briefing)
    scope = parse_scope(request.user, request.GET)
    context = {"scope": scope, "presets": PRESETS}
    now = request.GET.get("figures") == "1"  # the figures, however long they take
    context["d"] = build_dashboard(request.user, scope, wait=now)
    if context["d"] is None:  # a province's figures to read: the page first, with a progress card
        params = request.GET.copy()
        params["figures"] = "1"
        context["figures_url"] = f"{request.path}?{params.urlencode()}"
    swapped = now and request.htmx  # in place of the progress card
    return render(request, "reports/dashboard_figures.html" if swapped else "reports/dashboard.html", context)
