"""Pages of the org tree, assignments, accounts and grants (sites: see site_views.py).

Views stay thin: reads come from selectors (scoped by visible_to), single records from `access`, writes from
services; a service's AppError is shown on the form in Chinese. Buttons show only when `can` allows them.
"""

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jiandu.core import exports, otp
from jiandu.core.access import access, can, require
from jiandu.core.errors import Conflict, ImportFailed, PermissionDenied, ValidationFailed
from jiandu.core.forms import show_error
from jiandu.core.paging import Paginator

from . import forms, org_filters, org_io, selectors, services
from .enums import OrgKind
from .models import Assignment, Org, RoleGrant, User

FORM_ERRORS = (ValidationFailed, Conflict, PermissionDenied)
USERS_PER_PAGE = 20

# A sensible default kind for a new org under a parent of this kind.
CHILD_KIND = {
    OrgKind.COMMISSION: OrgKind.GROUP,
    OrgKind.OFFICE: OrgKind.OFFICE,
    OrgKind.GROUP: OrgKind.UNIT,
    OrgKind.DEPARTMENT: OrgKind.UNIT,
    OrgKind.UNIT: OrgKind.UNIT,
}


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Org tree ---


@login_required
def org_tree(request):
    tree = selectors.org_tree(request.user, request.GET.get("q", ""))
    return render(
        request,
        "organizations/org_tree.html",
        {
            "tree": tree,
            "can_create": can(request.user, "create", Org),
            "can_import": can(request.user, "import", Org),
            "can_export": can(request.user, "export", Org),
        },
    )


@login_required
def org_create(request):
    require(request.user, "create", Org)
    if request.method == "POST":
        form = forms.OrgCreateForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                org = services.org_create(
                    actor=request.user,
                    kind=d["kind"],
                    parent=d["parent"],
                    code=d["code"].strip(),
                    name=d["name"].strip(),
                    short_name=d["short_name"].strip(),
                    sort_order=d["sort_order"],
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, f"已新增机构“{org.name}”。")
                return redirect("organizations:org_detail", pk=org.pk)
    else:
        initial = {"sort_order": 0}
        parent_id = _int_or_none(request.GET.get("parent"))
        if parent_id:
            parent = selectors.org_choices(request.user).filter(pk=parent_id).first()
            if parent is not None:
                initial["parent"] = parent.pk
                initial["kind"] = CHILD_KIND[parent.kind]
        form = forms.OrgCreateForm(initial=initial, user=request.user)
    return render(request, "organizations/org_form.html", {"form": form, "title": "新增机构", "org": None})


@login_required
def org_detail(request, pk):
    org = access(request.user, Org, pk)
    # Staff are listed to those who keep accounts or grant roles; others see only their own account anyway.
    with_staff = can(request.user, "create", User) or can(request.user, "grant", User)
    detail = selectors.org_detail(request.user, org, with_staff=with_staff)
    return render(
        request,
        "organizations/org_detail.html",
        {
            "org": org,
            "detail": detail,
            "can_create": can(request.user, "create", Org),
            "can_change": can(request.user, "change", org),
            "can_move": can(request.user, "move", org),
            "can_assign": can(request.user, "create", Assignment),
        },
    )


@login_required
def org_edit(request, pk):
    org = access(request.user, Org, pk, action="change")
    if request.method == "POST":
        form = forms.OrgEditForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                org = services.org_update(
                    actor=request.user,
                    org=org,
                    expected_version=d["version"],
                    code=d["code"].strip(),
                    name=d["name"].strip(),
                    short_name=d["short_name"].strip(),
                    sort_order=d["sort_order"],
                    is_active=d["is_active"],
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, f"已保存机构“{org.name}”。")
                return redirect("organizations:org_detail", pk=org.pk)
    else:
        form = forms.OrgEditForm(
            initial={
                "code": org.code,
                "name": org.name,
                "short_name": org.short_name,
                "sort_order": org.sort_order,
                "is_active": org.is_active,
                "version": org.version,
            }
        )
    return render(request, "organizations/org_form.html", {"form": form, "title": "编辑机构", "org": org})


@login_required
def org_move(request, pk):
    org = access(request.user, Org, pk, action="move")
    if request.method == "POST":
        form = forms.OrgMoveForm(request.POST, user=request.user, org=org)
        if form.is_valid():
            d = form.cleaned_data
            try:
                org = services.org_move(
                    actor=request.user, org=org, new_parent=d["parent"], expected_version=d["version"]
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                where = d["parent"].name if d["parent"] else "顶级"
                messages.success(request, f"已将“{org.name}”及其下级移动到“{where}”。")
                return redirect("organizations:org_detail", pk=org.pk)
    else:
        form = forms.OrgMoveForm(initial={"parent": org.parent_id, "version": org.version}, user=request.user, org=org)
    return render(request, "organizations/org_move.html", {"form": form, "org": org})


@login_required
@require_GET
def org_typeahead(request):
    """JSON for the org typeahead of a list filter (?for=problem-filter&q=卫健): the first orgs of that filter's
    choices (what its <select> would offer the viewer) matching the text, in tree order, with their parents."""
    matches, more = org_filters.org_matches(request.user, request.GET.get("for", ""), request.GET.get("q", ""))
    return JsonResponse({"results": [asdict(m) for m in matches], "more": more})


@login_required
def org_export(request):
    """The visible org tree as .xlsx (the import template); audited as an export."""
    return exports.respond(request, "orgs")


@login_required
def org_import(request):
    require(request.user, "import", Org)
    import_error = None
    if request.method == "POST":
        form = forms.OrgImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = org_io.org_tree_import(actor=request.user, upload=form.cleaned_data["file"])
            except ImportFailed as e:
                import_error = e
            else:
                messages.success(
                    request,
                    f"导入成功：共{result.rows}行，新增{result.created}个机构，更新{result.updated}个，"
                    f"{result.unchanged}个未变化。",
                )
                return redirect("organizations:org_tree")
    else:
        form = forms.OrgImportForm()
    return render(
        request,
        "organizations/org_import.html",
        {
            "form": form,
            "import_error": import_error,
            "columns": org_io.ORG_COLUMNS,
            "kind_labels": [k.label for k in OrgKind],
        },
    )


# --- Assignments ---


@login_required
def assignment_list(request):
    group_id = _int_or_none(request.GET.get("group"))
    groups = selectors.assignments_by_group(request.user, group_id)
    return render(
        request,
        "organizations/assignment_list.html",
        {
            "groups": groups,
            "group_id": group_id,
            "group_choices": selectors.org_choices(request.user, kinds=[OrgKind.GROUP], active_only=False),
            "can_create": can(request.user, "create", Assignment),
            "can_delete": can(request.user, "delete", Assignment),
            "can_export": can(request.user, "export", Assignment),
        },
    )


@login_required
def assignment_export(request):
    """监督关系台账 (of one group when filtered) as .xlsx; audited as an export."""
    return exports.respond(request, "assignments")


@login_required
def assignment_create(request):
    require(request.user, "create", Assignment)
    if request.method == "POST":
        form = forms.AssignmentForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                a = services.assignment_create(
                    actor=request.user,
                    group=d["group"],
                    org=d["org"],
                    start_date=d["start_date"],
                    note=d["note"].strip(),
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, f"已建立监督关系：{a.group.display_name} → {a.org.display_name}。")
                return redirect(f"{_assignments_url()}?group={a.group_id}")
    else:
        initial = {}
        for key in ("group", "org"):
            value = _int_or_none(request.GET.get(key))
            if value:
                initial[key] = value
        form = forms.AssignmentForm(initial=initial, user=request.user)
    return render(request, "organizations/assignment_form.html", {"form": form})


def _assignments_url() -> str:
    return reverse("organizations:assignment_list")


@login_required
@require_POST
def assignment_delete(request, pk):
    a = access(request.user, Assignment, pk, action="delete", qs=Assignment.objects.select_related("group", "org"))
    label = f"{a.group.display_name} → {a.org.display_name}"
    group_id = a.group_id
    services.assignment_delete(actor=request.user, assignment=a)
    messages.success(request, f"已解除监督关系：{label}。")
    return redirect(f"{_assignments_url()}?group={group_id}")


# --- Accounts and grants ---


@login_required
def user_list(request):
    filters = forms.UserFilterForm(request.GET or None, user=request.user)
    filters.is_valid()  # a bad value drops only its own filter
    d = getattr(filters, "cleaned_data", {})
    users = selectors.users_for_list(
        request.user,
        q=d.get("q", ""),
        role=d.get("role", ""),
        org_id=d["org"].pk if d.get("org") else None,
        active=d.get("active", ""),
    )
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/user_list.html",
        {
            "page": page,
            "filters": filters,
            "can_create": can(request.user, "create", User),
            "can_export": can(request.user, "export", User),
        },
    )


@login_required
def user_create(request):
    require(request.user, "create", User)
    if request.method == "POST":
        form = forms.UserCreateForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                account = services.user_create(
                    actor=request.user,
                    username=d["username"],
                    full_name=d["full_name"].strip(),
                    password=d["password"],
                    org=d["org"],
                    phone=d["phone"].strip(),
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, f"已开设账号“{account.username}”，首次登录须修改密码。")
                return redirect("organizations:user_detail", pk=account.pk)
    else:
        form = forms.UserCreateForm(user=request.user)
    return render(request, "organizations/user_form.html", {"form": form, "title": "新增用户", "account": None})


def _user_detail_context(request, account: User, grant_form=None) -> dict:
    grants = list(selectors.user_grants(request.user, account))
    may_grant = can(request.user, "grant", account)
    for g in grants:
        g.may_revoke = can(request.user, "revoke", g)
    if may_grant and grant_form is None:
        grant_form = forms.GrantForm(user=request.user)
    return {
        "account": account,
        "grants": grants,
        "grant_form": grant_form if may_grant else None,
        "can_change": can(request.user, "change", account),
        "can_reset": can(request.user, "reset_password", account),
        "can_reset_otp": can(request.user, "reset_otp", account),
        "has_otp": otp.totp_device(account) is not None,
    }


@login_required
def user_detail(request, pk):
    account = access(request.user, User, pk, qs=User.objects.select_related("org"))
    return render(request, "organizations/user_detail.html", _user_detail_context(request, account))


@login_required
def user_edit(request, pk):
    account = access(request.user, User, pk, action="change")
    if request.method == "POST":
        form = forms.UserEditForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                account = services.user_update(
                    actor=request.user,
                    user=account,
                    expected_version=d["version"],
                    full_name=d["full_name"].strip(),
                    phone=d["phone"].strip(),
                    org=d["org"],
                    is_active=d["is_active"],
                    came_from_org=d["came_from_org"],
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, f"已保存账号“{account.username}”。")
                return redirect("organizations:user_detail", pk=account.pk)
    else:
        form = forms.UserEditForm(
            initial={
                "full_name": account.full_name,
                "phone": account.phone,
                "org": account.org_id,
                "came_from_org": account.came_from_org_id,
                "is_active": account.is_active,
                "version": account.version,
            },
            user=request.user,
        )
    return render(request, "organizations/user_form.html", {"form": form, "title": "编辑用户", "account": account})


@login_required
def user_reset_password(request, pk):
    account = access(request.user, User, pk, action="reset_password")
    if request.method == "POST":
        form = forms.PasswordResetForm(request.POST)
        if form.is_valid():
            try:
                services.user_reset_password(
                    actor=request.user, user=account, new_password=form.cleaned_data["password"]
                )
            except FORM_ERRORS as e:
                show_error(form, e)
            else:
                messages.success(request, f"已重置“{account.username}”的密码，该用户下次登录时须修改密码。")
                return redirect("organizations:user_detail", pk=account.pk)
    else:
        form = forms.PasswordResetForm()
    return render(request, "organizations/user_password.html", {"form": form, "account": account})


@login_required
@require_POST
def user_reset_second_factor(request, pk):
    account = access(request.user, User, pk, action="reset_otp")
    services.user_reset_second_factor(actor=request.user, user=account)
    messages.success(request, f"已重置“{account.username}”的动态验证码，该用户下次登录时须重新绑定。")
    return redirect("organizations:user_detail", pk=account.pk)


@login_required
def user_export(request):
    """The filtered accounts with their roles as .xlsx; audited as an export."""
    return exports.respond(request, "users")


@login_required
def grant_create(request, pk):
    account = access(request.user, User, pk, action="grant", qs=User.objects.select_related("org"))
    if request.method != "POST":
        return redirect("organizations:user_detail", pk=account.pk)
    form = forms.GrantForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            grant = services.role_grant(actor=request.user, user=account, role=d["role"], org=d["org"])
        except FORM_ERRORS as e:
            show_error(form, e)
        else:
            messages.success(request, f"已授予“{grant.get_role_display()}”（{grant.org.name}）。")
            return redirect("organizations:user_detail", pk=account.pk)
    context = _user_detail_context(request, account, grant_form=form)
    return render(request, "organizations/user_detail.html", context)


@login_required
@require_POST
def grant_revoke(request, pk):
    grant = access(request.user, RoleGrant, pk, action="revoke", qs=RoleGrant.objects.select_related("user", "org"))
    user_id = grant.user_id
    label = f"{grant.get_role_display()}（{grant.org.name}）"
    services.role_revoke(actor=request.user, grant=grant)
    messages.success(request, f"已撤销授权：{label}。")
    return redirect("organizations:user_detail", pk=user_id)
