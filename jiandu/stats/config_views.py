"""Configuration pages of reported statistics (统计配置): indicators, data sets (indicators, reporting orgs, frequency,
dates, due days) and validation rules. Thin: single records through core.access.access, every write through
services, service errors shown on the form in Chinese."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiandu.core.access import access, can, require, visible_to
from jiandu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiandu.core.paging import Paginator

from . import services
from .config_forms import DataSetForm, IndicatorForm, RuleForm, dataset_initial, indicator_initial
from .models import DataSet, Indicator

PAGE_SIZE = 50


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


# --- Indicators ---


@login_required
@require_GET
def indicator_list(request):
    """统计指标: every indicator (active or not), with links to add and edit for those who may."""
    require(request.user, "view", Indicator)
    qs = visible_to(request.user, Indicator)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__icontains=q)
    page = Paginator(qs.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/config_indicator_list.html",
        {"page": page, "q": q, "can_create": can(request.user, "create", Indicator)},
    )


def _indicator_page(request, indicator=None):
    def page(form, status=200):
        return render(
            request, "stats/config_indicator_form.html", {"form": form, "indicator": indicator}, status=status
        )

    return page


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request):
    require(request.user, "create", Indicator)
    page = _indicator_page(request)
    if request.method == "GET":
        return page(IndicatorForm())
    saved, response = _save(
        request,
        IndicatorForm(request.POST),
        lambda f: services.indicator_create(actor=request.user, **f.service_kwargs()),
        page,
    )
    if saved is None:
        return response
    messages.success(request, f"已新增指标「{saved.name}」。")
    return redirect("stats:indicator_list")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk):
    indicator = access(request.user, Indicator, pk, action="change")
    page = _indicator_page(request, indicator)
    if request.method == "GET":
        return page(IndicatorForm(initial=indicator_initial(indicator)))

    def save(f):
        return services.indicator_update(
            actor=request.user,
            indicator=indicator,
            expected_version=f.cleaned_data.get("version"),
            **f.service_kwargs(),
        )

    saved, response = _save(request, IndicatorForm(request.POST), save, page)
    if saved is None:
        return response
    messages.success(request, f"已保存指标「{saved.name}」。")
    return redirect("stats:indicator_list")


# --- Data sets ---


def _dataset_page(request, dataset=None):
    def page(form, status=200):
        return render(request, "stats/config_dataset_form.html", {"form": form, "dataset": dataset}, status=status)

    return page


@login_required
@require_http_methods(["GET", "POST"])
def dataset_create(request):
    require(request.user, "create", DataSet)
    page = _dataset_page(request)
    if request.method == "GET":
        return page(DataSetForm(user=request.user))

    def save(f):
        return services.dataset_create(actor=request.user, group=f.cleaned_data["group"], **f.service_kwargs())

    saved, response = _save(request, DataSetForm(request.POST, user=request.user), save, page)
    if saved is None:
        return response
    messages.success(request, f"已新增数据集「{saved.name}」。")
    return redirect("stats:dataset_detail", pk=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_edit(request, pk):
    dataset = access(request.user, DataSet, pk, action="change", qs=DataSet.objects.select_related("group"))
    page = _dataset_page(request, dataset)
    if request.method == "GET":
        return page(DataSetForm(initial=dataset_initial(dataset), user=request.user, dataset=dataset))

    def save(f):
        return services.dataset_update(
            actor=request.user, dataset=dataset, expected_version=f.cleaned_data.get("version"), **f.service_kwargs()
        )

    saved, response = _save(request, DataSetForm(request.POST, user=request.user, dataset=dataset), save, page)
    if saved is None:
        return response
    messages.success(request, f"已保存数据集「{saved.name}」。")
    return redirect("stats:dataset_detail", pk=saved.pk)


# --- Validation rules ---


@login_required
@require_http_methods(["GET", "POST"])
def rules(request, pk):
    """校验规则 of a data set: the list, a form to add one, and a delete button per rule."""
    dataset = access(request.user, DataSet, pk, action="change", qs=DataSet.objects.select_related("group"))

    def page(form, status=200):
        return render(
            request,
            "stats/config_rules.html",
            {"dataset": dataset, "form": form, "rules": dataset.rules.select_related("left", "right")},
            status=status,
        )

    if request.method == "GET":
        return page(RuleForm(dataset=dataset))

    def save(f):
        d = f.cleaned_data
        return services.rule_add(
            actor=request.user,
            dataset=dataset,
            left=d["left"],
            operator=d["operator"],
            right=d["right"],
            message=d.get("message", ""),
        )

    saved, response = _save(request, RuleForm(request.POST, dataset=dataset), save, page)
    if saved is None:
        return response
    messages.success(request, f"已添加校验规则：{saved}。")
    return redirect("stats:rules", pk=dataset.pk)


@login_required
@require_POST
def rule_delete(request, pk, rule_pk):
    dataset = access(request.user, DataSet, pk, action="change")
    rule = dataset.rules.select_related("left", "right").filter(pk=rule_pk).first()
    if rule is None:
        raise NotFound("该校验规则不存在或已被删除。")
    text = str(rule)
    try:
        services.rule_delete(actor=request.user, rule=rule)
    except (ValidationFailed, Conflict) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已删除校验规则：{text}。")
    return redirect("stats:rules", pk=dataset.pk)
