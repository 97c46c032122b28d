"""待办 of the hotline module: cases a liaison must answer; cases the group must route, call back or close."""

from django.urls import reverse

from jiandu.core.cn import cn_date
from jiandu.core.todo import TodoItem, register_todo

from .selectors import cases_awaiting

KIND = "热线工单"


def _url(case) -> str:
    return reverse("hotline:case_detail", args=[case.pk])


@register_todo
def hotline_todos(user) -> list[TodoItem]:
    waiting = cases_awaiting(user)
    items = []
    for c in waiting["to_answer"]:
        due = c.answer_due_on
        items.append(
            TodoItem(f"答复：{c.hotline.name}工单{c.number}", _url(c), KIND, f"答复期限 {cn_date(due)}", c.warning, due)
        )
    for c in waiting["to_assign"]:
        items.append(TodoItem(f"交办：{c.hotline.name}工单{c.number}", _url(c), KIND, c.short_issue))
    for c in waiting["to_callback"]:
        items.append(TodoItem(f"回访：{c.hotline.name}工单{c.number}", _url(c), KIND, "承办单位已答复"))
    for c in waiting["to_close"]:
        items.append(TodoItem(f"办结：{c.hotline.name}工单{c.number}", _url(c), KIND, "已回访"))
    return items
