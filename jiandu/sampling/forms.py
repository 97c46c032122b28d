"""Forms of sampling pages: thin — they parse input; services hold the rules."""

from decimal import Decimal, InvalidOperation

from django import forms

from jiandu.core.access import principal, visible_to
from jiandu.core.forms import show_error
from jiandu.organizations.enums import GROUP_ROLES, OrgKind, Role, SiteType
from jiandu.organizations.models import Org, User

from .enums import Stratify
from .models import SamplingPlan


def inspector_choices(user):
    """Office staff pick from every group member and leader; a group from its own people."""
    p = principal(user)
    grants = {"grants__role__in": list(GROUP_ROLES)}
    if not p.has(Role.OFFICE_STAFF):
        grants["grants__org_id__in"] = p.org_ids(*GROUP_ROLES)
    return (
        User.objects.filter(is_active=True, **grants).distinct().select_related("org").order_by("org__path", "username")
    )


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.org.display_name if obj.org_id else obj.username}）"


class OrgChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


def parse_overrides(text: str) -> dict:
    """Lines "分层键: 5" (a size) or "分层键: 20%" / "分层键: 0.2" (a proportion)."""
    out = {}
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        key, sep, value = line.replace("：", ":").rpartition(":")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise forms.ValidationError(f"第{n}行格式应为“分层键: 数量”或“分层键: 比例%”。")
        try:
            if value.endswith("%"):
                out[key] = {"proportion": str(Decimal(value[:-1]) / 100)}
            elif "." in value:
                out[key] = {"proportion": str(Decimal(value))}
            else:
                out[key] = {"size": int(value)}
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(f"第{n}行的数量或比例不是数字。") from None
    return out


def format_overrides(overrides: dict) -> str:
    lines = []
    for key, spec in (overrides or {}).items():
        if "size" in spec:
            lines.append(f"{key}: {spec['size']}")
        else:
            lines.append(f"{key}: {Decimal(spec['proportion']) * 100:g}%")
    return "\n".join(lines)


class PlanForm(forms.Form):
    group = forms.ModelChoiceField(
        label="所属", queryset=Org.objects.none(), required=False, empty_label="全省（派驻机构管理室统筹）"
    )
    title = forms.CharField(label="计划名称", max_length=120)
    campaign = forms.ModelChoiceField(label="专项监督", queryset=None, required=False, empty_label="（不关联）")
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    site_types = forms.MultipleChoiceField(
        label="点位类型",
        choices=SiteType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选表示全部类型。",
    )
    orgs = OrgChoiceField(
        label="地区/单位范围（含下级）",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="不选表示全省；按地区分层时，每个所选单位为一层。",
    )
    exclude_days = forms.IntegerField(label="排除近N天内已检查的点位", min_value=0, initial=0)
    stratify = forms.ChoiceField(label="分层方式", choices=Stratify.choices, initial=Stratify.NONE)
    sample_size = forms.IntegerField(label="每层抽取数量", min_value=1, required=False)
    sample_proportion = forms.DecimalField(
        label="每层抽取比例",
        min_value=Decimal("0.0001"),
        max_value=1,
        decimal_places=4,
        required=False,
        help_text="如0.2表示20%；数量和比例只填一项，都不填则全部抽取。",
    )
    strata_overrides = forms.CharField(
        label="分层单独设置",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行“分层键: 数量”或“分层键: 比例%”，如“tent_site: 20”“U-CC-NG: 30%”。",
    )
    inspectors = UserChoiceField(
        label="检查人员库", queryset=User.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    inspectors_per_site = forms.IntegerField(label="每个点位检查人数", min_value=1, max_value=10, initial=1)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, plan: SamplingPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from jiandu.activities.models import Campaign

        p = principal(user)
        self.fields["group"].queryset = Org.objects.filter(pk__in=p.org_ids(*GROUP_ROLES)).order_by("path")
        if not p.has(Role.OFFICE_STAFF):
            self.fields["group"].required = True
            self.fields["group"].empty_label = None
        if plan is not None:
            del self.fields["group"]
        self.fields["campaign"].queryset = visible_to(user, Campaign).order_by("-start_date")
        self.fields["orgs"].queryset = (
            visible_to(user, Org).filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT]).order_by("path")
        )
        self.fields["inspectors"].queryset = inspector_choices(user)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")

    def clean_strata_overrides(self):
        return parse_overrides(self.cleaned_data.get("strata_overrides", ""))

    def add_service_error(self, e) -> None:
        """Put a service error on the form (jiandu.core.forms.show_error)."""
        show_error(self, e)

    def values(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "campaign": d.get("campaign"),
            "description": d.get("description", ""),
            "site_types": d.get("site_types") or [],
            "orgs": list(d.get("orgs") or []),
            "exclude_days": d.get("exclude_days") or 0,
            "stratify": d["stratify"],
            "sample_size": d.get("sample_size"),
            "sample_proportion": d.get("sample_proportion"),
            "strata_overrides": d.get("strata_overrides") or {},
            "inspectors": list(d.get("inspectors") or []),
            "inspectors_per_site": d.get("inspectors_per_site") or 1,
        }


def plan_initial(plan: SamplingPlan) -> dict:
    return {
        "title": plan.title,
        "campaign": plan.campaign_id,
        "description": plan.description,
        "site_types": plan.site_types,
        "orgs": list(plan.orgs.values_list("pk", flat=True)),
        "exclude_days": plan.exclude_days,
        "stratify": plan.stratify,
        "sample_size": plan.sample_size,
        "sample_proportion": plan.sample_proportion,
        "strata_overrides": format_overrides(plan.strata_overrides),
        "inspectors": list(plan.inspectors.values_list("pk", flat=True)),
        "inspectors_per_site": plan.inspectors_per_site,
        "version": plan.version,
    }
