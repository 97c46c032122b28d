"""待办 of reported statistics: what a liaison must report (with the due date's colour), what a group leader may
approve (periods every reporting org has reported)."""

from django.urls import reverse
from django.utils.http import urlencode

from jiandu.core.cn import cn_date
from jiandu.core.todo import TodoItem, register_todo

from .selectors import periods_awaiting_approval, periods_to_report

KIND = "统计填报"


@register_todo
def stats_todos(user) -> list[TodoItem]:
    items = []
    for dataset, org, key, due, warning in periods_to_report(user):
        url = f"{reverse('stats:entry', args=[dataset.pk])}?{urlencode({'org': org.pk, 'period': key.code})}"
        items.append(
            TodoItem(
                f"填报：{dataset.name} {key.name}",
                url,
                KIND,
                f"{org.display_name} · 报送期限 {cn_date(due)}",
                warning,
                due,
            )
        )
    for dataset, key in periods_awaiting_approval(user):
        items.append(
            TodoItem(
                f"审核：{dataset.name} {key.name}",
                reverse("stats:approvals", args=[dataset.pk]),
                KIND,
                "各填报单位均已报送，待审核锁定",
            )
        )
    return items
