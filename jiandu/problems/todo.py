"""待办 of problems on the home page (core.todo): what the user must act on, each with its warning colour.

A liaison: problems of their org subtree waiting for them (待整改, 整改中, 退回重改, 重新整改). A group member or
leader: submissions to verify (待核查) and the group's other open problems turning yellow or red.
"""

from django.urls import reverse

from jiandu.core.access import principal
from jiandu.core.cn import cn_date
from jiandu.core.deadlines import Warning
from jiandu.core.todo import TodoItem, register_todo
from jiandu.organizations.enums import GROUP_ROLES, Role

from .access import liaison_q
from .enums import LIAISON_STATUSES, OPEN_STATUSES, ProblemStatus
from .selectors import problems_for, warning_filter, with_warnings

KIND = "问题整改"
LIMIT = 50
LIAISON_VERBS = {
    ProblemStatus.OPEN: "整改",
    ProblemStatus.IN_PROGRESS: "报送整改",
    ProblemStatus.RETURNED: "重新整改（已退回）",
    ProblemStatus.REOPENED: "重新整改",
}


def _item(problem, verb: str) -> TodoItem:
    return TodoItem(
        title=f"{verb}：{problem.number} {problem.short_description}",
        url=reverse("problems:problem_detail", args=[problem.pk]),
        kind=KIND,
        detail=f"{problem.responsible_org.display_name} · 整改期限 {cn_date(problem.deadline)}",
        warning=problem.warning,
        due=problem.deadline,
    )


@register_todo
def problem_todos(user) -> list[TodoItem]:
    p = principal(user)
    items: list[TodoItem] = []
    seen: set[int] = set()
    if p.has(Role.LIAISON):
        mine = problems_for(user).filter(liaison_q(p), status__in=LIAISON_STATUSES).order_by("deadline", "pk")
        for problem in with_warnings(mine[:LIMIT]):
            items.append(_item(problem, LIAISON_VERBS[problem.status]))
            seen.add(problem.pk)
    groups = p.org_ids(*GROUP_ROLES)
    if groups:
        own = problems_for(user).filter(group_id__in=groups)
        to_verify = own.filter(status=ProblemStatus.SUBMITTED).order_by("deadline", "pk")
        for problem in with_warnings(to_verify[:LIMIT]):
            items.append(_item(problem, "核查"))
            seen.add(problem.pk)
        late = own.filter(status__in=OPEN_STATUSES).exclude(status=ProblemStatus.SUBMITTED)
        late = late.filter(warning_filter(Warning.RED) | warning_filter(Warning.YELLOW)).order_by("deadline", "pk")
        for problem in with_warnings(late[:LIMIT]):
            if problem.pk not in seen:
                verb = "督促（已逾期）" if problem.warning == Warning.RED else "督促（临近期限）"
                items.append(_item(problem, verb))
    return items
