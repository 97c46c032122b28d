"""Configuration page of the checklists (检查清单设置): every site type with its items, and the editing of a site
type's checklist. Thin: access through core.access, every write through check_services.template_set_items (which
deactivates removed items, so past check results keep theirs), service errors shown on the form in Chinese."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jiandu.core.access import can, require, visible_to
from jiandu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiandu.organizations.enums import SiteType

from . import check_services
from .config_forms import ChecklistForm, checklist_initial
from .models import CheckTemplate


@login_required
@require_GET
def checklist_list(request):
    """检查清单设置: every site type, its checklist and item count; an edit link for those who may change them."""
    require(request.user, "view", CheckTemplate)
    templates = {t.site_type: t for t in visible_to(request.user, CheckTemplate).prefetch_related("items")}
    rows = []
    for value, label in SiteType.choices:
        t = templates.get(value)
        if t is None:
            _title, defaults = check_services.DEFAULT_CHECKLISTS.get(value, (None, check_services.DEFAULT_ITEMS))
            rows.append({"site_type": value, "label": label, "template": None, "items": defaults})
        else:
            active = [i.text for i in sorted(t.items.all(), key=lambda i: (i.order, i.pk)) if i.is_active]
            rows.append({"site_type": value, "label": label, "template": t, "items": active})
    return render(
        request,
        "sampling/config_checklist_list.html",
        {"rows": rows, "can_change": can(request.user, "change", CheckTemplate)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def checklist_edit(request, site_type):
    if site_type not in SiteType.values:
        raise NotFound("该点位类型不存在。")
    require(request.user, "change", CheckTemplate)
    check_services.checklist_for(site_type)  # seeds the checklist of a type that has none yet
    template = visible_to(request.user, CheckTemplate).filter(site_type=site_type).first()
    if template is None:
        raise NotFound()
    require(request.user, "change", template)

    def page(form, status=200):
        inactive = template.items.filter(is_active=False).order_by("order", "id")
        return render(
            request,
            "sampling/config_checklist_form.html",
            {
                "form": form,
                "template": template,
                "label": SiteType(site_type).label,
                "inactive": inactive,
            },
            status=status,
        )

    if request.method == "GET":
        return page(ChecklistForm(initial=checklist_initial(template)))
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            check_services.template_set_items(
                actor=request.user,
                template=template,
                items=form.cleaned_data["items"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationFailed as e:
            form.add_service_error(e)
        except (Conflict, PermissionDenied) as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已保存「{template.title}」。")
            return redirect("sampling:checklist_list")
    return page(form, 400)
