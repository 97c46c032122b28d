"""待办 (to-do) on the home page: each module registers a provider that lists what the user must act on.

    @register_todo
    def problem_todos(user) -> list[TodoItem]: ...

Providers must read through the access mechanism (visible_to / selectors), like every other read.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .deadlines import Warning


@dataclass(frozen=True)
class TodoItem:
    title: str  # what to do, e.g. "签收：吉纪驻卫〔2022〕3号 关于…"
    url: str  # where to do it
    kind: str  # module label shown as a badge, e.g. "问题整改", "监督文书"
    detail: str = ""  # one line of context, e.g. the responsible org and deadline
    warning: str = Warning.NONE  # red / yellow / green: the badge colour, and red items come first
    due: date | None = None


_providers: list[Callable] = []
ORDER = {Warning.RED: 0, Warning.YELLOW: 1, Warning.GREEN: 2, Warning.CLOSED_LATE: 3, Warning.NONE: 4}


def register_todo(func: Callable) -> Callable:
    _providers.append(func)
    return func


def todos_for(user, limit: int = 50) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _providers:
        items.extend(provider(user))
    items.sort(key=lambda t: (ORDER.get(t.warning, 9), t.due or date.max, t.title))
    return items[:limit]
