"""Forms of the hotline pages. They collect input only; the rules live in services.py."""

from django import forms

from jiandu.activities.models import Topic
from jiandu.organizations.models import Org, Site

from .enums import Satisfaction
from .models import Hotline

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
DATETIME = forms.DateTimeInput(attrs={"class": "form-control", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d")
SELECT_W = forms.Select(attrs=SELECT)
YES_NO = [("", "—"), ("1", "是"), ("0", "否")]


def _bool(value):
    return None if value in ("", None) else value in ("1", "true", "True", True)


class HotlineForm(forms.Form):
    name = forms.CharField(label="热线名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    number = forms.CharField(label="号码", max_length=30, widget=forms.TextInput(attrs=TEXT))
    operating_org = forms.ModelChoiceField(label="运营单位", queryset=Org.objects.none(), widget=SELECT_W)
    group = forms.ModelChoiceField(
        label="监督的纪检监察组",
        queryset=Org.objects.none(),
        required=False,
        widget=SELECT_W,
        help_text="留空则为监督运营单位的纪检监察组。",
    )
    hours = forms.CharField(label="服务时间", max_length=60, required=False, widget=forms.TextInput(attrs=TEXT))
    topic = forms.ModelChoiceField(
        label="监督主题",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=SELECT_W,
    )
    site = forms.ModelChoiceField(label="点位（热线）", queryset=Site.objects.none(), required=False, widget=SELECT_W)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, orgs, groups, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operating_org"].queryset = orgs
        self.fields["group"].queryset = groups
        self.fields["site"].queryset = sites


class CaseForm(forms.Form):
    hotline = forms.ModelChoiceField(label="热线", queryset=Hotline.objects.none(), widget=SELECT_W)
    number = forms.CharField(
        label="工单号", max_length=40, required=False, widget=forms.TextInput(attrs=TEXT), help_text="留空自动编号。"
    )
    received_at = forms.DateTimeField(label="来电时间", widget=DATETIME)
    caller_name = forms.CharField(label="来电人", max_length=50, required=False, widget=forms.TextInput(attrs=TEXT))
    caller_phone = forms.CharField(label="来电号码", max_length=30, required=False, widget=forms.TextInput(attrs=TEXT))
    category = forms.CharField(
        label="问题类别",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": "如种子化肥"}),
    )
    issue = forms.CharField(label="反映问题", widget=forms.Textarea(attrs={**TEXT, "rows": 4}))

    def __init__(self, *args, hotlines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotline"].queryset = hotlines


class AssignForm(forms.Form):
    routed_org = forms.ModelChoiceField(label="承办单位", queryset=Org.objects.none(), widget=SELECT_W)
    answer_due_on = forms.DateField(label="答复期限", widget=DATE)
    note = forms.CharField(label="交办意见", required=False, widget=forms.TextInput(attrs=TEXT))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["routed_org"].queryset = orgs


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CallbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(label="满意度", coerce=int, choices=Satisfaction.choices, widget=SELECT_W)
    substantiated = forms.ChoiceField(label="反映属实", choices=YES_NO, required=False, widget=SELECT_W)
    note = forms.CharField(label="回访情况", required=False, widget=forms.TextInput(attrs=TEXT))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_substantiated(self):
        return _bool(self.cleaned_data.get("substantiated"))


class CloseForm(forms.Form):
    substantiated = forms.ChoiceField(label="反映属实", choices=YES_NO, required=False, widget=SELECT_W)
    note = forms.CharField(label="办结说明", required=False, widget=forms.TextInput(attrs=TEXT))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_substantiated(self):
        return _bool(self.cleaned_data.get("substantiated"))


CONNECTED_CHOICES = [("", "尚未拨打（只做计划）"), ("1", "已接通"), ("0", "未接通（响铃无人接听/占线）")]
SCORE_CHOICES = [
    ("", "—"),
    ("5", "5分 很好"),
    ("4", "4分 较好"),
    ("3", "3分 一般"),
    ("2", "2分 较差"),
    ("1", "1分 很差"),
]


class TestCallForm(forms.Form):
    """Plan a call, or plan and record it in one go (phone-friendly: big controls, few fields)."""

    hotline = forms.ModelChoiceField(label="热线", queryset=Hotline.objects.none(), widget=SELECT_W)
    planned_at = forms.DateTimeField(label="计划/拨打时间", widget=DATETIME)
    question = forms.CharField(label="测试问题", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    connected = forms.ChoiceField(
        label="拨打结果",
        choices=CONNECTED_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    wait_seconds = forms.IntegerField(
        label="等待秒数",
        required=False,
        min_value=0,
        max_value=3600,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )
    answer_correct = forms.ChoiceField(label="答复是否准确", choices=YES_NO, required=False, widget=SELECT_W)
    quality_score = forms.TypedChoiceField(
        label="服务质量评分",
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=SELECT_W,
    )
    note = forms.CharField(label="情况记录", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, hotlines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotline"].queryset = hotlines

    def clean_answer_correct(self):
        return _bool(self.cleaned_data.get("answer_correct"))

    def clean_connected(self):
        return _bool(self.cleaned_data.get("connected"))

    def result(self) -> dict | None:
        d = self.cleaned_data
        if d.get("connected") is None:
            return None
        return {
            "called_at": d["planned_at"],
            "connected": d["connected"],
            "wait_seconds": d.get("wait_seconds"),
            "answer_correct": d.get("answer_correct"),
            "quality_score": d.get("quality_score"),
            "caller": None,
        }
