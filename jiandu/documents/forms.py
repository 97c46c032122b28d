"""Forms of the document pages. They collect input only; the rules live in services.py."""

from django import forms

from jiandu.organizations.models import Org

from .enums import DocumentKind, RecipientStatus
from .selectors import WARNING_FILTERS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the content is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DocumentForm(forms.Form):
    group = forms.ModelChoiceField(
        label="纪检监察组",
        queryset=Org.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label="文种", choices=DocumentKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.CharField(
        label="标题",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "关于……的提示函"}),
    )
    recipients = forms.TypedMultipleChoiceField(
        label="主送单位",
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 10}),
        help_text="可多选（按住 Ctrl 或 ⌘）。本组监督的单位列在前面。签发前至少选择一个。",
    )
    body = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 14}),
        help_text="每段一行；以“一、”“（一）”“1．”开头的行在公文中排为各级标题。签发前须填写。",
    )
    aspects_count = forms.IntegerField(
        label="方面数",
        required=False,
        min_value=1,
        max_value=999,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        help_text="如“6个方面12条”中的 6；可留空。",
    )
    items_count = forms.IntegerField(
        label="条数",
        required=False,
        min_value=1,
        max_value=999,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        help_text="如“6个方面12条”中的 12；可留空。",
    )
    reply_due_on = forms.DateField(
        label="回复期限",
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
        help_text="留空表示无需回复（签收后即可办结）。",
    )
    files = MultipleFileField(label="附件", help_text="PDF、Word、Excel、图片等，按文件内容识别类型；可多选。")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, groups, recipient_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["recipients"].choices = recipient_choices
        if self.initial.get("group") is None and groups.count() == 1:
            self.initial["group"] = groups.first().pk

    def recipient_orgs(self) -> list[Org]:
        ids = self.cleaned_data.get("recipients") or []
        by_id = Org.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="回复内容",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 8}),
        help_text="落实情况、整改措施等；也可只上传回复材料。",
    )
    files = MultipleFileField(label="回复材料", help_text="PDF、Word、Excel、图片等；可多选。")


class NumberingRuleForm(forms.Form):
    prefix = forms.CharField(
        label="文号前缀",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "吉纪驻卫"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


WARNING_LABELS = {
    "red": "红灯（逾期未回复）",
    "yellow": "黄灯（临近期限）",
    "green": "绿灯",
    "closed_late": "逾期回复",
    "none": "无预警",
}
WARNING_CHOICES = [(w, WARNING_LABELS[w]) for w in WARNING_FILTERS]
RECIPIENT_STATUS_CHOICES = RecipientStatus.choices
