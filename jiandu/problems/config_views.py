"""Settings pages of problems (类别与严重程度设置): the category list and the severity scale — list, add, edit,
deactivate (never delete: old problems keep their category). Thin: access through core.access, every write through
services, service errors shown on the form in Chinese."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jiandu.core.access import access, require, visible_to
from jiandu.core.errors import Conflict, PermissionDenied, ValidationFailed

from . import services
from .config_forms import CategoryForm, SeverityForm, category_initial, severity_initial
from .models import Category, Severity


def _save(request, form, save, render_page):
    """Validate, call the service; on success the saved record, else the page again with the errors (400)."""
    if form.is_valid():
        try:
            return save(form), None
        except ValidationFailed as e:
            form.add_service_error(e)
        except (Conflict, PermissionDenied) as e:
            form.add_error(None, e.message)
    return None, render_page(form, 400)


# --- Categories ---


@login_required
@require_GET
def category_list(request):
    """问题类别: every category (active or not), with links to add and edit."""
    require(request.user, "change", Category)
    qs = visible_to(request.user, Category).order_by("sort_order", "name")
    return render(request, "problems/config_category_list.html", {"categories": qs, "tab": "categories"})


def _category_page(request, category=None):
    def page(form, status=200):
        return render(
            request, "problems/config_category_form.html", {"form": form, "category": category}, status=status
        )

    return page


@login_required
@require_http_methods(["GET", "POST"])
def category_create(request):
    require(request.user, "create", Category)
    page = _category_page(request)
    if request.method == "GET":
        return page(CategoryForm())
    saved, response = _save(
        request,
        CategoryForm(request.POST),
        lambda f: services.category_save(actor=request.user, **f.service_kwargs()),
        page,
    )
    if saved is None:
        return response
    messages.success(request, f"已新增问题类别「{saved.name}」。")
    return redirect("problems:category_list")


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    require(request.user, "change", Category)  # 403, not 404, for those who may not keep the list
    category = access(request.user, Category, pk, action="change")
    page = _category_page(request, category)
    if request.method == "GET":
        return page(CategoryForm(initial=category_initial(category)))
    saved, response = _save(
        request,
        CategoryForm(request.POST),
        lambda f: services.category_save(actor=request.user, category=category, **f.service_kwargs()),
        page,
    )
    if saved is None:
        return response
    messages.success(request, f"已保存问题类别「{saved.name}」。")
    return redirect("problems:category_list")


# --- Severity scale ---


@login_required
@require_GET
def severity_list(request):
    """严重程度: the whole scale (active or not), with links to add and edit."""
    require(request.user, "change", Severity)
    qs = visible_to(request.user, Severity).order_by("level")
    return render(request, "problems/config_severity_list.html", {"severities": qs, "tab": "severities"})


def _severity_page(request, severity=None):
    def page(form, status=200):
        return render(
            request, "problems/config_severity_form.html", {"form": form, "severity": severity}, status=status
        )

    return page


@login_required
@require_http_methods(["GET", "POST"])
def severity_create(request):
    require(request.user, "create", Severity)
    page = _severity_page(request)
    if request.method == "GET":
        return page(SeverityForm())
    saved, response = _save(
        request,
        SeverityForm(request.POST),
        lambda f: services.severity_save(actor=request.user, **f.service_kwargs()),
        page,
    )
    if saved is None:
        return response
    messages.success(request, f"已新增严重程度「{saved.name}」。")
    return redirect("problems:severity_list")


@login_required
@require_http_methods(["GET", "POST"])
def severity_edit(request, pk):
    require(request.user, "change", Severity)  # 403, not 404, for those who may not keep the list
    severity = access(request.user, Severity, pk, action="change")
    page = _severity_page(request, severity)
    if request.method == "GET":
        return page(SeverityForm(initial=severity_initial(severity)))
    saved, response = _save(
        request,
        SeverityForm(request.POST),
        lambda f: services.severity_save(actor=request.user, severity=severity, **f.service_kwargs()),
        page,
    )
    if saved is None:
        return response
    messages.success(request, f"已保存严重程度「{saved.name}」。")
    return redirect("problems:severity_list")
