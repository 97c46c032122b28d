"""Forms of the statistics configuration pages (indicators, data sets, validation rules). They only collect input;
the rules live in services.py."""

from django import forms

from jiandu.core.access import principal, visible_to
from jiandu.core.errors import AppError
from jiandu.core.forms import show_error
from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.models import Org

from .enums import Aggregation, Frequency, Operator, Wording
from .models import DataSet, Indicator

DATE = forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d")
TEXT = {"class": "form-control"}


class ServiceErrors:
    def add_service_error(self, error: AppError) -> None:
        """Put a service error on the form (jiandu.core.forms.show_error)."""
        show_error(self, error)


class OrgChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return "\u3000" * max(0, obj.depth) + obj.name


class IndicatorChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.code} {obj.name}（{obj.unit}）"


class IndicatorForm(ServiceErrors, forms.Form):
    code = forms.CharField(
        label="指标编码", max_length=40, widget=forms.TextInput(attrs={**TEXT, "placeholder": "如：XC_RC"})
    )
    name = forms.CharField(label="指标名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    unit = forms.CharField(
        label="计量单位", max_length=10, widget=forms.TextInput(attrs={**TEXT, "placeholder": "如：人次、万元"})
    )
    aggregation = forms.ChoiceField(
        label="汇总方式",
        choices=Aggregation.choices,
        initial=Aggregation.SUM,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="求和：各单位、各期相加；最新值：累计数（截至…），取最近一期。",
    )
    decimals = forms.IntegerField(
        label="小数位数",
        min_value=0,
        max_value=4,
        initial=0,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )
    wording = forms.ChoiceField(
        label="简报表述",
        choices=Wording.choices,
        initial=Wording.EXACT,
        required=False,  # older clients and the API may leave it out: exact
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="工作简报中如何写这个数：精确数，或按公文习惯写成“余”“近”的约数，或汉字数字。",
    )
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    is_active = forms.BooleanField(
        label="启用", required=False, initial=True, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean_wording(self):
        return self.cleaned_data.get("wording") or Wording.EXACT

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            k: d[k] for k in ("code", "name", "unit", "aggregation", "decimals", "wording", "description", "is_active")
        }


def indicator_initial(i: Indicator) -> dict:
    return {
        "code": i.code,
        "name": i.name,
        "unit": i.unit,
        "aggregation": i.aggregation,
        "decimals": i.decimals,
        "wording": i.wording,
        "description": i.description,
        "is_active": i.is_active,
        "version": i.version,
    }


def dataset_groups(user):
    """The groups `user` may set up data sets for: the office all, a group leader their own groups."""
    qs = Org.objects.filter(kind=OrgKind.GROUP, is_active=True).order_by("path")
    if principal(user).has(Role.OFFICE_STAFF):
        return qs
    return qs.filter(pk__in=principal(user).org_ids(Role.GROUP_LEADER))


class DataSetForm(ServiceErrors, forms.Form):
    name = forms.CharField(label="数据集名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    group = forms.ModelChoiceField(
        label="纪检监察组",
        queryset=Org.objects.none(),
        empty_label="请选择…",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    frequency = forms.ChoiceField(
        label="填报频率",
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start_date = forms.DateField(label="填报起始日期", widget=DATE)
    end_date = forms.DateField(label="填报截止日期", required=False, widget=DATE, help_text="长期填报的可不填。")
    due_days = forms.IntegerField(
        label="报送期限（期末后天数）",
        min_value=0,
        max_value=365,
        initial=3,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )
    indicators = IndicatorChoices(
        label="指标",
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="填报表和汇总表按此处列出的顺序排列指标；已选指标排在前面。",
        error_messages={"required": "请至少选择一个指标。"},
    )
    reporting_orgs = OrgChoices(
        label="填报单位",
        required=False,
        queryset=Org.objects.none(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 10}),
        help_text="驻在部门或下属单位；按住 Ctrl 可多选。",
    )
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    is_active = forms.BooleanField(
        label="启用", required=False, initial=True, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, dataset: DataSet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = [m.indicator for m in dataset.members.select_related("indicator")] if dataset else []
        self.current_indicators = current
        ids = [i.pk for i in current]
        self.fields["indicators"].queryset = Indicator.objects.filter(is_active=True) | Indicator.objects.filter(
            pk__in=ids
        )
        # Selected indicators first, in their order, then the others by code: the order of the checkboxes.
        others = [i for i in Indicator.objects.filter(is_active=True).exclude(pk__in=ids).order_by("code")]
        self.fields["indicators"].choices = [
            (i.pk, self.fields["indicators"].label_from_instance(i)) for i in current + others
        ]
        orgs = visible_to(user, Org).filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.UNIT])
        if dataset is not None:
            orgs = orgs.filter(is_active=True) | orgs.filter(pk__in=dataset.reporting_orgs.values("pk"))
        else:
            orgs = orgs.filter(is_active=True)
        self.fields["reporting_orgs"].queryset = orgs.order_by("path")
        if dataset is None:
            self.fields["group"].queryset = dataset_groups(user)
        else:
            del self.fields["group"]

    def clean_indicators(self):
        chosen = list(self.cleaned_data["indicators"])
        order = [str(v) for v in self.data.getlist(self.add_prefix("indicators"))] if self.data else []
        chosen.sort(key=lambda i: order.index(str(i.pk)) if str(i.pk) in order else len(order))
        return chosen

    def clean(self):
        d = super().clean()
        start, end = d.get("start_date"), d.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "截止日期不能早于起始日期。")
        return d

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        keys = ("name", "frequency", "start_date", "end_date", "due_days", "description", "is_active")
        kwargs = {k: d.get(k) for k in keys}
        kwargs["description"] = kwargs["description"] or ""
        kwargs["indicators"] = d["indicators"]
        kwargs["reporting_orgs"] = list(d.get("reporting_orgs") or [])
        return kwargs


def dataset_initial(ds: DataSet) -> dict:
    return {
        "name": ds.name,
        "frequency": ds.frequency,
        "start_date": ds.start_date,
        "end_date": ds.end_date,
        "due_days": ds.due_days,
        "indicators": [m.indicator_id for m in ds.members.all()],
        "reporting_orgs": [o.pk for o in ds.reporting_orgs.all()],
        "description": ds.description,
        "is_active": ds.is_active,
        "version": ds.version,
    }


class RuleForm(ServiceErrors, forms.Form):
    left = forms.ModelChoiceField(
        label="左侧指标",
        queryset=Indicator.objects.none(),
        empty_label="请选择…",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    operator = forms.ChoiceField(
        label="关系", choices=Operator.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    right = forms.ModelChoiceField(
        label="右侧指标",
        queryset=Indicator.objects.none(),
        empty_label="请选择…",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    message = forms.CharField(
        label="提示",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": "不填则自动生成，如：「下沉人次」不应小于「下沉人数」"}),
    )

    def __init__(self, *args, dataset: DataSet, **kwargs):
        super().__init__(*args, **kwargs)
        members = Indicator.objects.filter(memberships__dataset=dataset).order_by("memberships__sort_order")
        self.fields["left"].queryset = members
        self.fields["right"].queryset = members

    def clean(self):
        d = super().clean()
        if d.get("left") and d.get("left") == d.get("right"):
            self.add_error("right", "左右两侧须为不同的指标。")
        return d
