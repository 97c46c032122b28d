"""待办 of the documents module: what a liaison must acknowledge or answer, what a group must issue or close."""

from django.urls import reverse

from jiandu.core.cn import cn_date
from jiandu.core.todo import TodoItem, register_todo

from .selectors import documents_awaiting

KIND = "监督文书"


def _label(doc) -> str:
    return f"{doc.number or '草稿'} {doc.title}"


@register_todo
def document_todos(user) -> list[TodoItem]:
    waiting = documents_awaiting(user, limit=20)
    items = []
    for r in waiting.to_acknowledge:
        url = reverse("documents:document_detail", args=[r.document_id])
        items.append(
            TodoItem(
                f"签收：{_label(r.document)}",
                url,
                KIND,
                f"{r.document.group.short_name}发来",
                r.warning,
                r.document.reply_due_on,
            )
        )
    for r in waiting.to_reply:
        url = reverse("documents:document_detail", args=[r.document_id])
        due = r.document.reply_due_on
        items.append(TodoItem(f"回复：{_label(r.document)}", url, KIND, f"回复期限 {cn_date(due)}", r.warning, due))
    for d in waiting.to_issue:
        items.append(
            TodoItem(f"签发：{d.title}", reverse("documents:document_detail", args=[d.pk]), KIND, "草稿待签发")
        )
    for d in waiting.to_close:
        items.append(
            TodoItem(
                f"办结：{_label(d)}", reverse("documents:document_detail", args=[d.pk]), KIND, "主送单位均已签收/回复"
            )
        )
    return items
