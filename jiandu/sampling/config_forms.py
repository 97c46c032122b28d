"""Form of the checklist configuration page (检查清单设置): the items of a site type's checklist, one per line.
It only collects input; the rules (non-empty, no duplicates, removed items deactivated) live in
check_services.template_set_items."""

from django import forms

from jiandu.core.errors import AppError
from jiandu.core.forms import show_error

from .models import CheckTemplate, CheckTemplateItem

TEXT = {"class": "form-control"}
ITEM_MAX = CheckTemplateItem._meta.get_field("text").max_length


class ChecklistForm(forms.Form):
    items = forms.CharField(
        label="检查项（每行一项，按顺序）",
        widget=forms.Textarea(attrs={**TEXT, "rows": 12}),
        help_text="删去的检查项将停用：已记录的检查结果仍保留原检查项；重新填写同名检查项即恢复启用。",
        error_messages={"required": "检查清单至少要有一项。"},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_items(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["items"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError("检查清单至少要有一项。")
        too_long = [line for line in lines if len(line) > ITEM_MAX]
        if too_long:
            raise forms.ValidationError(f"每项不能超过{ITEM_MAX}个字：{too_long[0][:20]}…")
        return lines

    def add_service_error(self, error: AppError) -> None:
        """Put a service error on the form (jiandu.core.forms.show_error)."""
        show_error(self, error)


def checklist_initial(template: CheckTemplate) -> dict:
    items = template.items.filter(is_active=True).order_by("order", "id")
    return {"items": "\n".join(i.text for i in items), "version": template.version}
