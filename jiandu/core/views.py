from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import redirect, render

from jiandu.core.paging import Paginator
from jiandu.organizations.models import RoleGrant

from . import audit
from .access import require, visible_to
from .errors import NotFound, ValidationFailed
from .login_sessions import session_rekeyed
from .models import AuditEvent
from .navigation import items_for
from .passwords import password_expired
from .todo import todos_for

LOCKOUT_MESSAGE = "连续登录失败次数过多，账号已被锁定30分钟，请稍后再试或联系安全保密管理员解锁。"


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续失败5次将锁定30分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when a username/IP pair is locked."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked", "message": LOCKOUT_MESSAGE}, status=429)
    form = LoginForm(request, data=request.POST or None)
    return render(request, "registration/login.html", {"form": form, "locked_message": LOCKOUT_MESSAGE}, status=429)


@login_required
def home(request):
    """工作台: who you are, your org and roles, and the modules you may use."""
    grants = RoleGrant.objects.filter(user=request.user).select_related("org").order_by("role")
    modules = [e for e in items_for(request.user) if e["item"].url_name != "home"]
    todos = todos_for(request.user)
    return render(request, "core/home.html", {"grants": grants, "modules": modules, "todos": todos})


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput,
        help_text="至少8位，包含小写字母、大写字母、数字、特殊符号中的至少3类。",
    )
    new_password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


@login_required
def password_change(request):
    from jiandu.organizations.services import user_change_own_password

    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_change_own_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationFailed as e:
            for field, errors in e.fields.items():
                for err in errors:
                    form.add_error(field if field in form.fields else None, err)
            if not e.fields:
                form.add_error(None, e.message)
        else:
            old_key = request.session.session_key
            update_session_auth_hash(request, user)
            session_rekeyed(old_key, request.session.session_key)
            messages.success(request, "密码已修改。")
            return redirect("home")
    context = {
        "form": form,
        "password_expired": password_expired(request.user),
        "max_age_days": settings.JIANDU_PASSWORD_MAX_AGE_DAYS,
    }
    return render(request, "registration/password_change.html", context)


@login_required
def audit_log(request):
    """审计日志 for the audit admin only (三员分立): filters, verification of the chain, export (audited)."""
    from .audit_review import AuditFilters, events_for, parse_filters
    from .enums import EventType, Outcome
    from .models import AuditArchive

    require(request.user, "view", AuditEvent)
    if request.GET.get("event"):
        return audit_event_detail(request, request.GET["event"])
    try:
        filters = parse_filters(request.GET)
    except ValidationFailed as e:
        messages.error(request, e.message)
        filters = AuditFilters()
    report = None
    if request.GET.get("verify"):
        report = audit.verify_chain()
    page = Paginator(events_for(request.user, filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "report": report,
            "filters": filters,
            "event_types": EventType.choices,
            "outcomes": Outcome.choices,
            "archive": AuditArchive.objects.order_by("-last_seq").first(),
            "export_query": request.GET.urlencode(),
        },
    )


def audit_event_detail(request, seq: str):
    """One audit event (/audit/?event=<seq>): every field, the details as indented JSON, its hash and the
    previous hash. The caller has checked the audit admin's right."""
    import json

    event = visible_to(request.user, AuditEvent).filter(seq=int(seq) if seq.isdigit() else 0).first()
    if event is None:
        raise NotFound()
    details = json.dumps(event.details, ensure_ascii=False, indent=2, sort_keys=True)
    return render(request, "core/audit_event.html", {"event": event, "details": details})


@login_required
def audit_export(request):
    """审计日志台账 of the filtered events (.xlsx at once or in the background); itself an EXPORT event."""
    from .exports import respond

    require(request.user, "export", AuditEvent)
    return respond(request, "audit_events")


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", {"debug": settings.DEBUG}, status=500)
