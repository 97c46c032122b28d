"""Forms of the problem settings pages (问题类别, 严重程度). They only collect input; the rules live in services.py."""

from django import forms

from jiandu.core.errors import AppError
from jiandu.core.forms import show_error

from .models import Category, Severity

TEXT = {"class": "form-control"}
NUMBER = {**TEXT, "inputmode": "numeric"}


class ServiceErrors:
    def add_service_error(self, error: AppError) -> None:
        """Put a service error on the form (jiandu.core.forms.show_error)."""
        show_error(self, error)


def _active(help_text: str):
    return forms.BooleanField(
        label="启用",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=help_text,
    )


class CategoryForm(ServiceErrors, forms.Form):
    name = forms.CharField(label="类别名称", max_length=40, widget=forms.TextInput(attrs=TEXT))
    sort_order = forms.IntegerField(
        label="排序", initial=0, widget=forms.NumberInput(attrs=NUMBER), help_text="数字小的排在前面。"
    )
    is_active = _active("停用后登记问题时不再可选；已登记的问题仍保留原类别。")

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("name", "sort_order", "is_active")}


def category_initial(c: Category) -> dict:
    return {"name": c.name, "sort_order": c.sort_order, "is_active": c.is_active}


class SeverityForm(ServiceErrors, forms.Form):
    name = forms.CharField(label="名称", max_length=20, widget=forms.TextInput(attrs=TEXT))
    level = forms.IntegerField(
        label="等级",
        min_value=1,
        max_value=32767,
        widget=forms.NumberInput(attrs=NUMBER),
        help_text="数字越大越严重；各等级不能重复。",
        error_messages={"min_value": "等级须为不小于1的整数。"},
    )
    is_active = _active("停用后登记问题时不再可选；已登记的问题仍保留原严重程度。")

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("name", "level", "is_active")}


def severity_initial(s: Severity) -> dict:
    return {"name": s.name, "level": s.level, "is_active": s.is_active}
