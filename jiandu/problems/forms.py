"""Forms of the problem pages. They collect input only; the rules live in services.py and urging.py."""

from django import forms

from jiandu.documents.forms import MultipleFileField, MultipleFileInput
from jiandu.organizations.models import Org

from .enums import DeadlineMode, UrgeLevel
from .urging import BULK_LEVELS

WARNING_LABELS = {
    "red": "红灯（已逾期）",
    "yellow": "黄灯（临近期限）",
    "green": "绿灯",
    "closed_late": "逾期销号",
    "none": "按期销号",
}
DATE_WIDGET = {"class": "form-control", "type": "date"}


def _photos(label: str, help_text: str = "可多选；手机上可直接拍照。") -> MultipleFileField:
    widget = MultipleFileInput(attrs={"class": "form-control", "accept": "image/*", "capture": "environment"})
    return MultipleFileField(label=label, widget=widget, help_text=help_text)


class ProblemForm(forms.Form):
    group = forms.ModelChoiceField(
        label="纪检监察组",
        queryset=Org.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    description = forms.CharField(
        label="问题描述",
        max_length=2000,
        widget=forms.Textarea(
            attrs={"class": "form-control", "rows": 4, "placeholder": "如：帐篷加固不到位，棉被配备不足"}
        ),
    )
    category = forms.ModelChoiceField(
        label="问题类别", queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    severity = forms.ModelChoiceField(
        label="严重程度", queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    responsible_org = forms.TypedChoiceField(
        label="责任单位",
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="负责整改的驻在部门或下属单位/属地。",
    )
    site_code = forms.CharField(
        label="点位编码",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control", "list": "site-options", "placeholder": "如 CC-ZP-001"}),
        help_text="发现问题的监督点位（可选）；从活动登记时可直接选择活动的点位。",
    )
    root_cause = forms.CharField(
        label="问题成因", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )
    deadline_mode = forms.ChoiceField(
        label="期限方式", choices=DeadlineMode.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    deadline = forms.DateField(
        label="整改期限", required=False, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    deadline_days = forms.IntegerField(
        label="期限天数",
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        help_text="按自然日或工作日（含法定节假日调休）自登记日起计算。",
    )
    internal_note = forms.CharField(
        label="组内备注",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        help_text="仅纪检监察组和委机关可见，驻在部门联络员看不到。",
    )
    photos = _photos("问题照片")
    source_kind = forms.CharField(required=False, widget=forms.HiddenInput)
    source_activity = forms.IntegerField(required=False, widget=forms.HiddenInput)
    source_document = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, groups, org_choices, categories, severities, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["responsible_org"].choices = [("", "——请选择——"), *org_choices]
        self.fields["category"].queryset = categories
        self.fields["severity"].queryset = severities
        if self.initial.get("group") is None and groups.count() == 1:
            self.initial["group"] = groups.first().pk
        if editing:
            for name in ("group", "photos", "source_kind", "source_activity", "source_document"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        mode = data.get("deadline_mode")
        if mode == DeadlineMode.DATE and not data.get("deadline"):
            self.add_error("deadline", "请填写整改期限。")
        if mode in (DeadlineMode.CALENDAR_DAYS, DeadlineMode.WORKING_DAYS) and not data.get("deadline_days"):
            self.add_error("deadline_days", "请填写期限天数。")
        return data


class RectificationForm(forms.Form):
    note = forms.CharField(
        label="整改情况", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 4})
    )
    measures = forms.CharField(
        label="整改措施", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3})
    )
    before = _photos("整改前照片")
    after = _photos("整改后照片")
    files = MultipleFileField(label="佐证材料", help_text="PDF、Word、Excel、图片等，按文件内容识别类型；可多选。")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    note = forms.CharField(label="理由", widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReopenForm(ReasonForm):
    deadline = forms.DateField(
        label="新的整改期限",
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text="留空则沿用原期限。",
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label="核查意见", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class UrgeForm(forms.Form):
    level = forms.ChoiceField(
        label="催办级别", choices=UrgeLevel.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label="催办说明", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3})
    )

    def __init__(self, *args, escalate: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not escalate:
            self.fields["level"].choices = [(v, label) for v, label in UrgeLevel.choices if v in BULK_LEVELS]


class BulkUrgeForm(forms.Form):
    level = forms.ChoiceField(
        label="催办级别",
        choices=[(v, label) for v, label in UrgeLevel.choices if v in BULK_LEVELS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label="催办说明", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )
    confirm = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the count the user confirmed
