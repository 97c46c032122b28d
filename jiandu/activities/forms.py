"""Forms of the activity and campaign pages. They only collect input; the rules live in services.py."""

from django import forms

from jiandu.core.access import visible_to
from jiandu.core.errors import ValidationFailed
from jiandu.core.forms import show_error
from jiandu.organizations.models import Org, Site

from . import selectors
from .enums import Method
from .models import Campaign, Topic

DATE = forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service (core.attachments)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class OrgChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return "\u3000" * max(0, obj.depth) + obj.name


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        where = obj.org.display_name if obj.org_id else ""
        return f"{obj.display_name}（{where}）" if where else obj.display_name


class PeopleChoices(forms.ModelMultipleChoiceField):
    label_from_instance = PersonChoice.label_from_instance


class CampaignChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Campaign) -> str:
        owner = obj.group.short_name or obj.group.name if obj.group_id else "全省"
        return f"{obj.title}（{owner}）"


class PhotoFields(forms.Form):
    """Photos (camera on a phone) with a caption each, and other files. Captions come as photo_caption_<i> in
    the order the photos were chosen (the page adds one field per photo), or one photo_caption for all."""

    photos = MultipleFileField(
        label="现场照片",
        widget=MultipleFileInput(
            attrs={"class": "form-control", "accept": "image/*", "capture": "environment", "data-photo-input": ""}
        ),
        help_text="可多选；手机上可直接拍照。每张照片可填写说明，如“图为4月28日，……”。",
    )
    photo_caption = forms.CharField(
        label="照片说明",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "图为4月28日，……"}),
        help_text="未逐张填写说明的照片使用这里的说明。",
    )
    files = MultipleFileField(label="其他附件", help_text="PDF、Word、Excel 等，按文件内容检查类型，单个不超过上限。")

    def photo_pairs(self, data) -> list[tuple]:
        photos = self.cleaned_data.get("photos") or []
        common = (self.cleaned_data.get("photo_caption") or "").strip()
        return [
            (upload, (data.get(f"photo_caption_{i}") or "").strip()[:500] or common) for i, upload in enumerate(photos)
        ]


class ActivityForm(PhotoFields):
    group = forms.ModelChoiceField(
        label="纪检监察组", queryset=Org.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    method = forms.ChoiceField(
        label="监督方式",
        choices=[("", "请选择…"), *Method.choices],
        widget=forms.Select(attrs={"class": "form-select", "data-method": ""}),
        help_text="明察暗访、四不两直为保密活动，驻在部门联络员看不到；驻点监督须填写起止日期。",
    )
    title = forms.CharField(label="标题", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    start_date = forms.DateField(label="日期（开始）", widget=DATE)
    end_date = forms.DateField(
        label="结束日期", required=False, widget=DATE, help_text="一天内完成的活动可不填；驻点监督必填。"
    )
    topics = forms.ModelMultipleChoiceField(
        label="监督主题", required=False, queryset=Topic.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    campaign = CampaignChoice(
        label="专项监督",
        required=False,
        queryset=Campaign.objects.none(),
        empty_label="（不属于专项监督）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    leader = PersonChoice(
        label="带队领导",
        required=False,
        queryset=Org.objects.none(),
        empty_label="（无）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    participants = PeopleChoices(
        label="参加人员",
        required=False,
        queryset=Org.objects.none(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        help_text="按住 Ctrl（手机上点选）可多选。",
    )
    external_participants = forms.CharField(
        label="外部人员",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如：省卫健委医政处 李某某、王某某"}),
        help_text="驻在部门等系统外人员，用顿号分隔。",
    )
    target_orgs = OrgChoices(
        label="监督对象",
        required=False,
        queryset=Org.objects.none(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )
    sites = forms.ModelMultipleChoiceField(
        label="监督点位", required=False, queryset=Site.objects.none(), widget=forms.MultipleHiddenInput
    )
    summary = forms.CharField(
        label="情况摘要", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 4})
    )
    findings = forms.CharField(
        label="发现问题", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    MAIN = ("group", "method", "title", "start_date", "end_date", "campaign")
    PEOPLE = ("leader", "participants", "external_participants")
    TEXT = ("summary", "findings")

    def __init__(self, *args, user, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["group"].queryset = selectors.recording_groups(user)
        current_topics = [t.pk for t in activity.topics.all()] if activity else []
        self.fields["topics"].queryset = selectors.topic_choices(include=current_topics)
        group = activity.group if activity else None
        self.fields["campaign"].queryset = selectors.campaign_choices(
            user, group=group, include=activity.campaign_id if activity else None
        )
        current_people = []
        if activity is not None:
            current_people = [u.pk for u in activity.participants.all()] + [activity.leader_id or 0]
        people = selectors.people_choices(include=current_people)
        self.fields["leader"].queryset = people
        self.fields["participants"].queryset = people
        self.fields["target_orgs"].queryset = selectors.target_org_choices(user)
        self.fields["sites"].queryset = visible_to(user, Site)
        if activity is not None:
            del self.fields["group"]  # fixed once recorded
            # Keep what the activity already names even if it has been deactivated since.
            self.fields["target_orgs"].queryset = self.fields["target_orgs"].queryset | visible_to(user, Org).filter(
                pk__in=activity.target_orgs.values("pk")
            )
        elif self.fields["group"].queryset.count() == 1 and not self.is_bound:
            self.initial.setdefault("group", self.fields["group"].queryset.first().pk)

    def fields_named(self, names):
        return [self[n] for n in names if n in self.fields]

    def selected_sites(self) -> list[Site]:
        """The sites chosen so far, to render as checked boxes (after an error too)."""
        if self.is_bound:
            ids = [v for v in self.data.getlist("sites") if str(v).isdigit()]
            return list(self.fields["sites"].queryset.filter(pk__in=ids).order_by("code"))
        if self.activity is not None:
            return list(self.activity.sites.order_by("code"))
        return []

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "method": d["method"],
            "title": d["title"],
            "start_date": d["start_date"],
            "end_date": d.get("end_date"),
            "topics": d.get("topics") or [],
            "campaign": d.get("campaign"),
            "leader": d.get("leader"),
            "participants": d.get("participants") or [],
            "external_participants": d.get("external_participants", ""),
            "target_orgs": d.get("target_orgs") or [],
            "sites": d.get("sites") or [],
            "summary": d.get("summary", ""),
            "findings": d.get("findings", ""),
        }

    def add_service_error(self, error: ValidationFailed) -> None:
        """Put a service error on the form (jiandu.core.forms.show_error)."""
        show_error(self, error)


def activity_initial(activity) -> dict:
    return {
        "method": activity.method,
        "title": activity.title,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "topics": [t.pk for t in activity.topics.all()],
        "campaign": activity.campaign_id,
        "leader": activity.leader_id,
        "participants": [u.pk for u in activity.participants.all()],
        "external_participants": activity.external_participants,
        "target_orgs": [o.pk for o in activity.target_orgs.all()],
        "summary": activity.summary,
        "findings": activity.findings,
        "version": activity.version,
    }


class AttachForm(PhotoFields):
    pass


class CampaignForm(forms.Form):
    group = forms.ModelChoiceField(
        label="纪检监察组",
        required=False,
        queryset=Org.objects.none(),
        empty_label="（全省，派驻机构管理室统筹）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    title = forms.CharField(label="名称", max_length=120, widget=forms.TextInput(attrs={"class": "form-control"}))
    topic = forms.ModelChoiceField(
        label="监督主题",
        queryset=Topic.objects.none(),
        empty_label="请选择…",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start_date = forms.DateField(label="开始日期", widget=DATE)
    end_date = forms.DateField(label="结束日期", widget=DATE)
    planned_checks = forms.IntegerField(
        label="计划检查次数",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    planned_sites = forms.IntegerField(
        label="计划检查点位数",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    planned_days = forms.IntegerField(
        label="计划驻点天数",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    scope_orgs = OrgChoices(
        label="监督范围",
        required=False,
        queryset=Org.objects.none(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )
    description = forms.CharField(
        label="工作要求", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 4})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = selectors.campaign_groups(user)
        self.fields["group"].queryset = groups
        from jiandu.core.access import principal
        from jiandu.organizations.enums import Role

        if not principal(user).has(Role.OFFICE_STAFF):
            self.fields["group"].required = True
            self.fields["group"].empty_label = "请选择…"
        self.fields["topic"].queryset = selectors.topic_choices(include=[campaign.topic_id] if campaign else [])
        self.fields["scope_orgs"].queryset = visible_to(user, Org).filter(is_active=True).order_by("path")
        if campaign is not None:
            del self.fields["group"]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "topic": d["topic"],
            "start_date": d["start_date"],
            "end_date": d["end_date"],
            "scope_orgs": d.get("scope_orgs") or [],
            "description": d.get("description", ""),
            "planned_checks": d.get("planned_checks"),
            "planned_sites": d.get("planned_sites"),
            "planned_days": d.get("planned_days"),
        }

    add_service_error = ActivityForm.add_service_error


def campaign_initial(c: Campaign) -> dict:
    return {
        "title": c.title,
        "topic": c.topic_id,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "planned_checks": c.planned_checks,
        "planned_sites": c.planned_sites,
        "planned_days": c.planned_days,
        "scope_orgs": [o.pk for o in c.scope_orgs.all()],
        "description": c.description,
        "version": c.version,
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        help_text="请使用导出的台账作为模板：编号留空的行新增活动，填写本组已有编号的行更新该活动；任何一行有误则全部不导入。",
    )
