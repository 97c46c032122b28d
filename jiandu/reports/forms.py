from django import forms

DATE = {"class": "form-control", "type": "date"}


class BriefingForm(forms.Form):
    """Scope and period of a new briefing; the groups offered are those the author may see."""

    date_from = forms.DateField(label="起始日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    date_to = forms.DateField(label="截止日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    groups = forms.TypedMultipleChoiceField(
        label="范围",
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        help_text="可多选；不选为您可查看的全部纪检监察组。",
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group_objects = {g.pk: g for g in groups}
        self.fields["groups"].choices = [(g.pk, g.display_name) for g in groups]
        if len(self.group_objects) <= 1:
            del self.fields["groups"]

    def chosen_groups(self):
        ids = self.cleaned_data.get("groups") or []
        return [self.group_objects[i] for i in ids] or None


class BriefingEditForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    closing = forms.CharField(
        label="下一步工作（结束语）",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        help_text="导出前请按实际修改；每行一段。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.section_keys = []
        for s in sections:
            name = f"section_{s['key']}"
            self.section_keys.append((s["key"], name))
            self.fields[name] = forms.CharField(
                label=s["heading"],
                required=False,
                initial="\n".join(s["paragraphs"]),
                widget=forms.Textarea(
                    attrs={"class": "form-control", "rows": max(3, min(16, 2 * len(s["paragraphs"]) + 1))}
                ),
                help_text="每行一段；数字均由记录和报送数据生成，修改时请核对。",
            )

    def paragraphs(self) -> dict[str, str]:
        """The sections that were sent (a section left out of the request keeps its text)."""
        return {key: self.cleaned_data.get(name, "") for key, name in self.section_keys if name in self.data}
