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
    links to the list of its records."""
    require(request.user, "dashboard", Briefing)
    scope = parse_scope(request.user, request.GET)
    data = build_dashboard(request.user, scope)
    return render(request, "reports/dashboard.html", {"d": data, "scope": scope, "presets": PRESETS})
