"""Pages of the site registry (监督点位): list with filters, detail, one form for create and edit, xlsx export
and import. Records come from site_selectors / core.access; every write goes through site_services."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from jiandu.core import exports
from jiandu.core.access import access, can, require
from jiandu.core.errors import Conflict, ImportFailed, ValidationFailed
from jiandu.core.paging import Paginator

from . import site_services
from .enums import SiteType
from .forms_sites import SiteAttributesForm, SiteForm, SiteImportForm, site_initial
from .models import Site
from .org_filters import org_filter
from .site_selectors import parse_filters, responsible_orgs_for, type_counts

PAGE_SIZE = 20


def _filter_context(request, filters) -> dict:
    params = {k: v for k, v in request.GET.items() if k not in ("page", "site_type") and v}
    return {
        "q": filters.q,
        "site_type": filters.site_type,
        "active": request.GET.get("active", ""),
        "filter_query": urlencode(params),
        "export_query": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
    }


@login_required
@require_GET
def site_list(request):
    """监督点位: filters by type, responsible org (with its subtree), keyword and status; counts per type."""
    filters = parse_filters(request.user, request.GET)
    sites = filters.apply(request.user)
    counts = type_counts(replace(filters, site_type="").apply(request.user))  # chips ignore the type filter
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/site_list.html",
        {
            "page": page,
            "type_counts": counts,
            "total": sum(c["count"] for c in counts),
            "site_types": SiteType.choices,
            "org_filter": org_filter(request.user, "site-responsible", filters.org),
            "can_create": can(request.user, "create", Site),
            "can_import": can(request.user, "import", Site),
            "can_export": can(request.user, "export", Site),
            **_filter_context(request, filters),
        },
    )


@login_required
@require_GET
def site_detail(request, pk):
    site = access(request.user, Site, pk, qs=Site.objects.select_related("responsible_org"))
    attributes = [(site_services.attribute_label(k), v) for k, v in (site.attributes or {}).items()]
    return render(
        request,
        "organizations/site_detail.html",
        {
            "site": site,
            "attributes": attributes,
            "can_change": can(request.user, "change", site),
            "can_deactivate": can(request.user, "deactivate", site),
        },
    )


@login_required
@require_GET
def site_attribute_fields(request):
    """htmx: the attribute fields of ?site_type=… for the site form."""
    site_type = request.GET.get("site_type", "")
    site_type = site_type if site_type in SiteType.values else ""
    form = SiteAttributesForm(site_type)
    return render(
        request,
        "organizations/site_attribute_fields.html",
        {
            "attribute_fields": list(form),
            "site_type": site_type,
        },
    )


def _site_form_page(request, form, site=None, status=200):
    return render(request, "organizations/site_form.html", {"form": form, "site": site}, status=status)


def _save_site_form(request, form, save, site=None):
    """Validate and save; on a switched type or an error, render the form again (keeping what was typed)."""
    orgs = form.fields["responsible_org"].queryset
    if form.type_switched:
        data = request.POST.dict()
        fresh = SiteForm(initial=data, org_queryset=orgs)
        messages.info(request, "已切换点位类型，请填写该类型的属性后再保存。")
        return _site_form_page(request, fresh, site)
    if form.is_valid():
        try:
            saved = save(form)
        except ValidationFailed as e:
            form.add_service_error(e)
        except Conflict as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已保存点位「{saved.name}」。")
            return redirect("organizations:site_detail", pk=saved.pk)
    return _site_form_page(request, form, site, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request):
    require(request.user, "create", Site)
    orgs = responsible_orgs_for(request.user).filter(is_active=True)
    if request.method == "GET":
        initial = {"site_type": request.GET.get("site_type", "")}
        return _site_form_page(request, SiteForm(initial=initial, org_queryset=orgs))
    form = SiteForm(request.POST, org_queryset=orgs)
    return _save_site_form(request, form, lambda f: site_services.site_create(actor=request.user, **f.service_kwargs()))


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request, pk):
    """Edit a site; a POST with action=deactivate|activate (from the detail page) changes its status instead."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("deactivate", "activate"):
        site = access(request.user, Site, pk, action="deactivate")
        site = site_services.site_set_active(
            actor=request.user,
            site=site,
            is_active=action == "activate",
            expected_version=request.POST.get("version") or None,
        )
        messages.success(request, f"点位「{site.name}」已{'启用' if site.is_active else '停用'}。")
        return redirect("organizations:site_detail", pk=site.pk)

    site = access(request.user, Site, pk, action="change", qs=Site.objects.select_related("responsible_org"))
    # The current org stays selectable even if it was deactivated since.
    orgs = responsible_orgs_for(request.user).filter(Q(is_active=True) | Q(pk=site.responsible_org_id))
    if request.method == "GET":
        return _site_form_page(request, SiteForm(initial=site_initial(site), org_queryset=orgs), site)
    form = SiteForm(request.POST, org_queryset=orgs)

    def save(f):
        return site_services.site_update(
            actor=request.user, site=site, expected_version=f.cleaned_data.get("version"), **f.service_kwargs()
        )

    return _save_site_form(request, form, save, site)


@login_required
@require_GET
def site_export(request):
    """The filtered list as an .xlsx ledger (also the import template), at once or in the background; audited."""
    return exports.respond(request, "sites")


@login_required
@require_http_methods(["GET", "POST"])
def site_import(request):
    """Upload an .xlsx in the export format; all-or-nothing, errors listed by row and column."""
    require(request.user, "import", Site)
    form = SiteImportForm(request.POST or None, request.FILES or None)
    import_error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = site_services.site_import(actor=request.user, upload=form.cleaned_data["file"])
        except ImportFailed as e:
            import_error = e
        else:
            messages.success(
                request,
                f"导入完成：新增{result.created}个点位，更新{result.updated}个，未变化{result.unchanged}个。",
            )
            return redirect("organizations:site_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "organizations/site_import.html", {"form": form, "import_error": import_error}, status=status
    )
