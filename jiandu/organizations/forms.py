"""Forms of the org tree, assignments, accounts and grants. They parse input only; the services hold the rules."""

from django import forms

from jiandu.core.access import principal

from . import selectors
from .access import may_grant_role
from .enums import OrgKind, Role
from .models import Org

INDENT = "\u3000"  # an ideographic space per level, so a select of orgs reads as a tree


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        label = f"{INDENT * obj.depth}{obj.name}"
        return label if obj.is_active else f"{label}（已停用）"


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _bootstrap(form: forms.Form) -> None:
    for f in form.fields.values():
        w = f.widget
        if isinstance(w, forms.HiddenInput):
            continue
        if isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select")
        else:
            w.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


# --- Org tree ---


class OrgCreateForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    parent = OrgChoiceField(
        label="上级机构", queryset=Org.objects.none(), required=False, empty_label="（无，作为顶级机构）"
    )
    code = forms.CharField(label="机构编码", max_length=32, help_text="全省唯一，导入导出以此识别机构。")
    name = forms.CharField(label="机构名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    sort_order = forms.IntegerField(label="排序", initial=0, help_text="同级机构按此数字从小到大排列。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.org_choices(user)


class OrgEditForm(VersionMixin, StyledForm):
    code = forms.CharField(label="机构编码", max_length=32)
    name = forms.CharField(label="机构名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    sort_order = forms.IntegerField(label="排序")
    is_active = forms.BooleanField(label="启用", required=False)


class OrgMoveForm(VersionMixin, StyledForm):
    parent = OrgChoiceField(
        label="新的上级机构", queryset=Org.objects.none(), required=False, empty_label="（无，作为顶级机构）"
    )

    def __init__(self, *args, user, org: Org, **kwargs):
        super().__init__(*args, **kwargs)
        # Neither the org itself nor one of its descendants can become its parent.
        self.fields["parent"].queryset = selectors.org_choices(user, exclude_subtree=org)


class OrgImportForm(StyledForm):
    file = forms.FileField(label="Excel 文件（.xlsx）", help_text="请使用导出的模板填写；表头带 * 的列必填。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"


# --- Assignments ---


class AssignmentForm(StyledForm):
    group = OrgChoiceField(label="纪检监察组", queryset=Org.objects.none(), empty_label="请选择纪检监察组")
    org = OrgChoiceField(
        label="监督单位",
        queryset=Org.objects.none(),
        empty_label="请选择驻在部门或下属单位",
        help_text="监督关系覆盖该单位及其全部下级单位。",
    )
    start_date = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = selectors.org_choices(user, kinds=[OrgKind.GROUP])
        self.fields["org"].queryset = selectors.org_choices(user, kinds=[OrgKind.DEPARTMENT, OrgKind.UNIT])


# --- Accounts ---


class PasswordPairMixin(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class UserCreateForm(PasswordPairMixin, StyledForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    org = OrgChoiceField(label="所在单位", queryset=Org.objects.none(), required=False, empty_label="（未指定）")
    password = forms.CharField(
        label="初始密码",
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="至少8位，包含小写字母、大写字母、数字、特殊符号中的至少3类。首次登录须修改密码。",
    )
    password2 = forms.CharField(label="确认初始密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.org_choices(user)


class UserEditForm(VersionMixin, StyledForm):
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    org = OrgChoiceField(label="所在单位", queryset=Org.objects.none(), required=False, empty_label="（未指定）")
    came_from_org = OrgChoiceField(
        label="原单位（派出单位）",
        queryset=Org.objects.none(),
        required=False,
        empty_label="（无）",
        help_text="从驻在部门等单位抽调、挂职的人员填写；双随机抽查时不安排其检查原单位（回避）。",
    )
    is_active = forms.BooleanField(label="启用账号", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.org_choices(user)
        self.fields["came_from_org"].queryset = selectors.org_choices(user)


class PasswordResetForm(PasswordPairMixin, StyledForm):
    password = forms.CharField(
        label="临时密码",
        strip=False,
        widget=forms.PasswordInput,
        help_text="用户下次登录时须修改此密码。",
    )
    password2 = forms.CharField(label="确认临时密码", strip=False, widget=forms.PasswordInput)


ACTIVE_CHOICES = [("", "全部状态"), ("1", "启用"), ("0", "停用")]


class UserFilterForm(forms.Form):
    q = forms.CharField(label="用户名或姓名", required=False)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])
    org = OrgChoiceField(label="所在单位", queryset=Org.objects.none(), required=False, empty_label="全部单位")
    active = forms.ChoiceField(label="状态", required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.org_choices(user, active_only=False)
        for f in self.fields.values():
            css = "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            f.widget.attrs["class"] = css
        self.fields["q"].widget.attrs["placeholder"] = "用户名或姓名"


class GrantForm(StyledForm):
    role = forms.ChoiceField(label="角色")
    org = OrgChoiceField(
        label="授权机构",
        queryset=Org.objects.none(),
        empty_label="请选择机构",
        help_text="组长、组员授予在纪检监察组上；联络员授予在驻在部门或下属单位上。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the roles this person may grant (三员分立: the office grants business roles only).
        p = principal(user)
        self.fields["role"].choices = [("", "请选择角色"), *((r.value, r.label) for r in Role if may_grant_role(p, r))]
        self.fields["org"].queryset = selectors.org_choices(user)
