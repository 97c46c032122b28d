"""Pages of activities (监督检查活动) and campaigns (专项监督): lists with filters, details, forms, the photo
gallery, xlsx export and import. Records come from selectors / core.access; every write goes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiandu.core import exports
from jiandu.core.access import access, can, require, visible_to
from jiandu.core.attachments import attachments_of
from jiandu.core.errors import Conflict, ImportFailed, ValidationFailed
from jiandu.core.paging import Paginator
from jiandu.organizations.org_filters import org_filter

from . import campaign_services, io, selectors, services
from .enums import CONFIDENTIAL_METHODS, METHOD_CSS, AttachmentPurpose, Method
from .forms import ActivityForm, AttachForm, CampaignForm, ImportForm, activity_initial, campaign_initial
from .models import Activity, Campaign

PAGE_SIZE = 20


def _method_context() -> dict:
    return {
        "method_css": {str(k): v for k, v in METHOD_CSS.items()},
        "confidential_methods": [str(m) for m in CONFIDENTIAL_METHODS],
    }


def _query(request, drop=("page",)) -> str:
    return urlencode([(k, v) for k, values in request.GET.lists() if k not in drop for v in values if v])


# --- Activities ---


@login_required
@require_GET
def activity_list(request):
    """监督检查活动台账: filters by group, method, topic, campaign, period, org (with subtree), site and keyword."""
    require(request.user, "view", Activity)
    filters = selectors.parse_filters(request.user, request.GET)
    activities = filters.apply(request.user)
    page = Paginator(activities, PAGE_SIZE, app="activities").get_page(request.GET.get("page"))
    return render(
        request,
        "activities/activity_list.html",
        {
            "page": page,
            "filters": filters,
            "groups": selectors.filter_groups(request.user),
            "methods": Method.choices,
            "topics": selectors.topic_choices(),
            "campaigns": selectors.campaigns_for(request.user).values_list("pk", "title"),
            "org_filter": org_filter(request.user, "activity-targets", filters.org),
            "can_create": can(request.user, "create", Activity),
            "can_import": can(request.user, "import", Activity),
            "can_export": can(request.user, "export", Activity),
            "export_query": _query(request),
            "has_filters": bool(filters.as_params()) or filters.unknown,
            **_method_context(),
        },
    )


@login_required
@require_GET
def activity_detail(request, pk):
    activity = access(request.user, Activity, pk, qs=selectors.activity_detail_qs(request.user))
    attachments = list(attachments_of(activity).select_related("uploaded_by"))
    can_attach = can(request.user, "attach", activity)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "photos": [a for a in attachments if a.purpose == AttachmentPurpose.PHOTO and a.is_image],
            "files": [a for a in attachments if not (a.purpose == AttachmentPurpose.PHOTO and a.is_image)],
            "events": selectors.activity_events(activity),
            "can_change": can(request.user, "change", activity),
            "can_attach": can_attach,
            "attach_form": AttachForm() if can_attach else None,
            **_method_context(),
        },
    )


def _form_page(request, form, activity=None, status=200):
    return render(
        request,
        "activities/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "selected_sites": form.selected_sites(),
            "stationed": Method.STATIONED.value,
            "confidential_methods": [str(m) for m in CONFIDENTIAL_METHODS],
        },
        status=status,
    )


def _save(request, form, save, activity=None):
    if form.is_valid():
        try:
            saved = save(form)
        except ValidationFailed as e:
            form.add_service_error(e)
            if form.cleaned_data.get("photos") or form.cleaned_data.get("files"):
                form.add_error(None, "未保存，已选择的照片和附件需要重新选择。")
        except Conflict as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已保存活动「{saved.title}」（{saved.code}）。")
            return redirect("activities:activity_detail", pk=saved.pk)
    return _form_page(request, form, activity, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    require(request.user, "create", Activity)
    if request.method == "GET":
        initial = {"start_date": timezone.localdate(), "method": request.GET.get("method", "")}
        if request.GET.get("campaign"):
            initial["campaign"] = request.GET["campaign"]
        return _form_page(request, ActivityForm(initial=initial, user=request.user))
    form = ActivityForm(request.POST, request.FILES, user=request.user)

    def save(f):
        return services.activity_create(
            actor=request.user,
            group=f.cleaned_data["group"],
            photos=f.photo_pairs(request.POST),
            files=f.cleaned_data.get("files") or [],
            **f.service_kwargs(),
        )

    return _save(request, form, save)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = access(request.user, Activity, pk, action="change", qs=selectors.activity_detail_qs(request.user))
    if request.method == "GET":
        form = ActivityForm(initial=activity_initial(activity), user=request.user, activity=activity)
        return _form_page(request, form, activity)
    form = ActivityForm(request.POST, request.FILES, user=request.user, activity=activity)

    def save(f):
        saved = services.activity_update(
            actor=request.user, activity=activity, expected_version=f.cleaned_data.get("version"), **f.service_kwargs()
        )
        photos, files = f.photo_pairs(request.POST), f.cleaned_data.get("files") or []
        if photos or files:
            services.activity_add_attachments(actor=request.user, activity=saved, photos=photos, files=files)
        return saved

    return _save(request, form, save, activity)


@login_required
@require_POST
def activity_attach(request, pk):
    """Add photos and files from the detail page."""
    activity = access(request.user, Activity, pk, action="attach")
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = services.activity_add_attachments(
                actor=request.user,
                activity=activity,
                photos=form.photo_pairs(request.POST),
                files=form.cleaned_data.get("files") or [],
            )
        except ValidationFailed as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已上传{len(stored)}个照片/附件。")
    else:
        messages.error(request, "上传失败：" + "；".join(m for msgs in form.errors.values() for m in msgs))
    return redirect("activities:activity_detail", pk=activity.pk)


@login_required
@require_POST
def activity_attachment_delete(request, pk, attachment_id):
    activity = access(request.user, Activity, pk, action="attach")
    services.activity_remove_attachment(actor=request.user, activity=activity, attachment_id=attachment_id)
    messages.success(request, "已删除该照片/附件。")
    return redirect("activities:activity_detail", pk=activity.pk)


@login_required
@require_GET
def site_options(request):
    """htmx: sites matching ?site_q= for the activity form (search as you type)."""
    require(request.user, "create", Activity)
    sites = selectors.site_search(request.user, request.GET.get("site_q", ""))
    return render(request, "activities/_site_options.html", {"sites": sites, "q": request.GET.get("site_q", "")})


@login_required
@require_GET
def activity_export(request):
    """The filtered ledger as .xlsx (also the import template), at once or in the background; audited."""
    return exports.respond(request, "activities")


@login_required
@require_http_methods(["GET", "POST"])
def activity_import(request):
    """Upload an .xlsx in the export format; all-or-nothing, errors listed by row and column."""
    require(request.user, "import", Activity)
    form = ImportForm(request.POST or None, request.FILES or None)
    import_error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = io.activity_import(actor=request.user, upload=form.cleaned_data["file"])
        except ImportFailed as e:
            import_error = e
        else:
            messages.success(
                request, f"导入完成：新增{result.created}条活动，更新{result.updated}条，未变化{result.unchanged}条。"
            )
            return redirect("activities:activity_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "activities/activity_import.html",
        {"form": form, "import_error": import_error, "method_labels": io.METHOD_LABELS},
        status=status,
    )


# --- Campaigns ---


@login_required
@require_GET
def campaign_list(request):
    require(request.user, "view", Campaign)
    campaigns = selectors.campaigns_for(
        request.user, group=request.GET.get("group") or None, q=request.GET.get("q", "")
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = selectors.campaigns_progress(request.user, page.object_list)
    rows = [(c, progress[c.pk]) for c in page.object_list]
    return render(
        request,
        "activities/campaign_list.html",
        {
            "page": page,
            "rows": rows,
            "groups": selectors.filter_groups(request.user),
            "group_id": request.GET.get("group", ""),
            "q": request.GET.get("q", ""),
            "can_create": can(request.user, "create", Campaign),
            "can_export": can(request.user, "export", Campaign),
            "export_query": _query(request),
        },
    )


@login_required
@require_GET
def campaign_export(request):
    """专项监督台账: the filtered campaigns with their targets and progress, as .xlsx; audited."""
    return exports.respond(request, "campaigns")


@login_required
@require_GET
def campaign_detail(request, pk):
    qs = visible_to(request.user, Campaign).select_related("group", "topic", "created_by")
    campaign = access(request.user, Campaign, pk, qs=qs.prefetch_related("scope_orgs"))
    activities = selectors.activities_for(request.user, campaign=campaign)
    page = Paginator(activities, PAGE_SIZE, app="activities").get_page(request.GET.get("page"))
    return render(
        request,
        "activities/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(request.user, campaign),
            "page": page,
            "can_change": can(request.user, "change", campaign),
            "can_record": can(request.user, "create", Activity(group_id=campaign.group_id))
            if campaign.group_id
            else can(request.user, "create", Activity),
            **_method_context(),
        },
    )


def _campaign_form_page(request, form, campaign=None, status=200):
    return render(request, "activities/campaign_form.html", {"form": form, "campaign": campaign}, status=status)


def _save_campaign(request, form, save, campaign=None):
    if form.is_valid():
        try:
            saved = save(form)
        except ValidationFailed as e:
            form.add_service_error(e)
        except Conflict as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已保存专项监督「{saved.title}」。")
            return redirect("activities:campaign_detail", pk=saved.pk)
    return _campaign_form_page(request, form, campaign, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require(request.user, "create", Campaign)
    if request.method == "GET":
        return _campaign_form_page(request, CampaignForm(user=request.user))
    form = CampaignForm(request.POST, user=request.user)
    return _save_campaign(
        request,
        form,
        lambda f: campaign_services.campaign_create(
            actor=request.user, group=f.cleaned_data.get("group"), **f.service_kwargs()
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = access(request.user, Campaign, pk, action="change", qs=Campaign.objects.select_related("group"))
    if request.method == "GET":
        form = CampaignForm(initial=campaign_initial(campaign), user=request.user, campaign=campaign)
        return _campaign_form_page(request, form, campaign)
    form = CampaignForm(request.POST, user=request.user, campaign=campaign)

    def save(f):
        return campaign_services.campaign_update(
            actor=request.user, campaign=campaign, expected_version=f.cleaned_data.get("version"), **f.service_kwargs()
        )

    return _save_campaign(request, form, save, campaign)
