from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """The workflow of a citizen case (DESIGN §5; the moves are services.TRANSITIONS)."""

    RECEIVED = "received", _("受理")  # the hotline took the call and registered the case
    ASSIGNED = "assigned", _("交办")  # routed to the org that must answer, with an answer deadline
    ANSWERED = "answered", _("已答复")  # the liaison of the routed org answered
    CALLED_BACK = "called_back", _("已回访")  # the owning group called the citizen back (satisfaction)
    CLOSED = "closed", _("办结")  # the owning group closed the case


# The answer is still due: the warning colours (红黄绿灯) apply to answer_due_on.
OPEN_CASE_STATUSES = (CaseStatus.RECEIVED, CaseStatus.ASSIGNED)

CASE_STATUS_CSS = {
    CaseStatus.RECEIVED: "text-bg-secondary",
    CaseStatus.ASSIGNED: "text-bg-primary",
    CaseStatus.ANSWERED: "text-bg-info",
    CaseStatus.CALLED_BACK: "text-bg-warning",
    CaseStatus.CLOSED: "text-bg-success",
}


class CaseEventKind(models.TextChoices):
    """Rows of a case's timeline."""

    CREATED = "created", _("受理登记")  # registered (status received)
    UPDATED = "updated", _("修改")  # fields changed while received
    ASSIGNED = "assigned", _("交办")  # received → assigned
    ANSWERED = "answered", _("答复")  # assigned → answered
    CALLED_BACK = "called_back", _("回访")  # answered → called_back
    CLOSED = "closed", _("办结")  # called_back → closed
    TO_PROBLEM = "to_problem", _("转为问题")  # a substantiated case became a problem


class Satisfaction(models.IntegerChoices):
    """The citizen's satisfaction at the callback (1–5)."""

    VERY_UNSATISFIED = 1, _("很不满意")
    UNSATISFIED = 2, _("不满意")
    NEUTRAL = 3, _("基本满意")
    SATISFIED = 4, _("满意")
    VERY_SATISFIED = 5, _("很满意")


class TestCallStatus(models.TextChoices):
    PLANNED = "planned", _("计划")  # planned by the group, not yet called
    DONE = "done", _("已完成")  # called; the result is recorded


# --- When a covert test call fails (one place for the rule) ---
MAX_WAIT_SECONDS = 60  # waiting longer than this to be answered fails the call
MIN_PASSING_SCORE = 3  # a quality score at or below MIN_PASSING_SCORE - 1 (i.e. ≤ 2) fails the call

# --- One-click problems from a case or a failed call (defaults the group can edit on the problem afterwards) ---
PROBLEM_CATEGORY = "服务管理不规范"
PROBLEM_SEVERITY_LEVEL = 1  # 一般
PROBLEM_DEADLINE_DAYS = 15  # calendar days to rectify
