"""Forms of the site pages. They only collect input; the rules live in site_services."""

from django import forms

from jiandu.core.errors import ValidationFailed
from jiandu.core.forms import show_error

from .enums import SiteType
from .models import Org
from .site_services import ATTRIBUTE_TEXT_MAX, attribute_spec


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return "\u3000" * obj.depth + obj.name


def attribute_fields(site_type: str) -> dict[str, forms.Field]:
    """Form fields `attr_<key>` for the attributes of `site_type` (see SITE_ATTRIBUTES)."""
    fields = {}
    for key, (label, kind) in attribute_spec(site_type).items():
        if kind == "int":
            field = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                widget=forms.NumberInput(attrs={"class": "form-control", "min": 0, "inputmode": "numeric"}),
            )
        else:
            field = forms.CharField(
                label=label,
                required=False,
                max_length=ATTRIBUTE_TEXT_MAX,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        fields[f"attr_{key}"] = field
    return fields


class SiteAttributesForm(forms.Form):
    """Only the attribute fields of one type: what the htmx partial renders when the type changes."""

    def __init__(self, site_type: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(attribute_fields(site_type))


class SiteForm(forms.Form):
    """Create or edit a site. The attribute fields are those of the chosen type; `attributes_for` says which
    type's fields were on the page, so a type switched without JavaScript re-renders instead of saving."""

    site_type = forms.ChoiceField(
        label="点位类型",
        choices=[("", "请选择…"), *SiteType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    code = forms.CharField(label="点位编码", max_length=40, widget=forms.TextInput(attrs={"class": "form-control"}))
    name = forms.CharField(label="点位名称", max_length=120, widget=forms.TextInput(attrs={"class": "form-control"}))
    responsible_org = OrgChoiceField(
        label="责任单位",
        queryset=Org.objects.none(),
        empty_label="请选择…",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    address = forms.CharField(
        label="地址", max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    longitude = forms.DecimalField(
        label="经度",
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        max_digits=9,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.000001", "inputmode": "decimal"}),
        help_text="可选，−180～180，与纬度同时填写。",
    )
    latitude = forms.DecimalField(
        label="纬度",
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        max_digits=8,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.000001", "inputmode": "decimal"}),
        help_text="可选，−90～90。",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    attributes_for = forms.CharField(required=False, widget=forms.HiddenInput)

    BASE_FIELDS = ("site_type", "code", "name", "responsible_org", "address", "longitude", "latitude")

    def __init__(self, *args, org_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].queryset = org_queryset
        self.fields["site_type"].widget.attrs["data-testid"] = "site-type"
        self.chosen_type = self._chosen_type()
        self.fields.update(attribute_fields(self.chosen_type))
        self.submitted_attributes_for = self.data.get("attributes_for", "") if self.is_bound else ""
        if self.is_bound:
            # Re-rendered fields show the type whose fields are now on the page.
            data = self.data.copy()
            data["attributes_for"] = self.chosen_type
            self.data = data
        else:
            self.initial["attributes_for"] = self.chosen_type

    def _chosen_type(self) -> str:
        value = self.data.get("site_type") if self.is_bound else self.initial.get("site_type")
        return value if value in SiteType.values else ""

    @property
    def type_switched(self) -> bool:
        """The type was changed without the attribute fields following it (no JavaScript): show them, don't save."""
        return self.is_bound and self.data.get("site_type", "") != self.submitted_attributes_for

    def base_fields_list(self):
        return [self[name] for name in self.BASE_FIELDS]

    def attribute_fields_list(self):
        return [self[name] for name in self.fields if name.startswith("attr_")]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "site_type": d["site_type"],
            "code": d["code"],
            "name": d["name"],
            "responsible_org": d["responsible_org"],
            "address": d.get("address", ""),
            "longitude": d.get("longitude"),
            "latitude": d.get("latitude"),
            "attributes": {name[5:]: d.get(name) for name in self.fields if name.startswith("attr_")},
        }

    def add_service_error(self, error: ValidationFailed) -> None:
        """Put a service error on the form (jiandu.core.forms.show_error)."""
        show_error(self, error, rename=lambda f: f.replace("attributes.", "attr_", 1))


def site_initial(site) -> dict:
    initial = {
        "site_type": site.site_type,
        "code": site.code,
        "name": site.name,
        "responsible_org": site.responsible_org_id,
        "address": site.address,
        "longitude": site.longitude,
        "latitude": site.latitude,
        "version": site.version,
    }
    for key, value in (site.attributes or {}).items():
        initial[f"attr_{key}"] = value
    return initial


class SiteImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        help_text="请使用导出的台账作为模板：按点位编码更新已有点位、新增其余点位；任何一行有误则全部不导入。",
    )
