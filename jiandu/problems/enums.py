from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    """The rectification workflow of DESIGN §5 (the moves are services.TRANSITIONS)."""

    OPEN = "open", _("待整改")  # registered by the group; the liaison has not started yet
    IN_PROGRESS = "in_progress", _("整改中")  # the liaison of the responsible org is rectifying
    SUBMITTED = "submitted", _("待核查")  # the liaison submitted the rectification; the group verifies
    RETURNED = "returned", _("退回重改")  # the group found the rectification insufficient (with a reason)
    CLOSED = "closed", _("已销号")  # verified and closed by the group leader (销号)
    REOPENED = "reopened", _("重新整改")  # a closed problem reopened by the group leader (with a reason)


# Not closed: the warning colours apply.
OPEN_STATUSES = (
    ProblemStatus.OPEN,
    ProblemStatus.IN_PROGRESS,
    ProblemStatus.SUBMITTED,
    ProblemStatus.RETURNED,
    ProblemStatus.REOPENED,
)
# The ball is in the liaison's court: urging and the liaison's to-do apply.
LIAISON_STATUSES = (
    ProblemStatus.OPEN,
    ProblemStatus.IN_PROGRESS,
    ProblemStatus.RETURNED,
    ProblemStatus.REOPENED,
)

STATUS_CSS = {
    ProblemStatus.OPEN: "text-bg-primary",
    ProblemStatus.IN_PROGRESS: "text-bg-info",
    ProblemStatus.SUBMITTED: "text-bg-warning",
    ProblemStatus.RETURNED: "text-bg-danger",
    ProblemStatus.CLOSED: "text-bg-success",
    ProblemStatus.REOPENED: "text-bg-dark",
}


class SourceKind(models.TextChoices):
    """Where a problem was found (DESIGN §4)."""

    ACTIVITY = "activity", _("监督检查活动")  # source_activity
    CHECK = "check", _("抽查/检查结果")  # source_type/source_id (sampling module)
    HOTLINE_CASE = "hotline_case", _("热线工单")  # source_type/source_id (hotline module)
    TEST_CALL = "test_call", _("暗访测试")  # source_type/source_id (hotline module)
    DOCUMENT = "document", _("监督文书")  # source_document
    DIRECT = "direct", _("直接登记")  # no linked record


# Sources that point at a record of a later module through (source_type, source_id).
GENERIC_SOURCES = (SourceKind.CHECK, SourceKind.HOTLINE_CASE, SourceKind.TEST_CALL)


class DeadlineMode(models.TextChoices):
    """How the deadline was given; the date is always stored (computed with core.workdays)."""

    DATE = "date", _("指定日期")  # a date
    CALENDAR_DAYS = "calendar_days", _("自然日")  # N calendar days from registration
    WORKING_DAYS = "working_days", _("工作日")  # N working days (statutory holidays and make-up days)


class UrgeLevel(models.TextChoices):
    """The escalation ladder (DESIGN §5): 提示 → 催办 → 督办单 → 问题通报."""

    REMIND = "remind", _("提示")  # a reminder that the deadline is near (yellow)
    URGE = "urge", _("催办")  # the deadline has passed
    DIRECTIVE = "directive", _("督办单")  # a directive document (督办单) is drafted
    BULLETIN = "bulletin", _("问题通报")  # a bulletin naming the problem (问题通报) is drafted


URGE_RANK = {"": 0, UrgeLevel.REMIND: 1, UrgeLevel.URGE: 2, UrgeLevel.DIRECTIVE: 3, UrgeLevel.BULLETIN: 4}
# Levels that draft a document of the documents module (of the same kind code).
DOCUMENT_LEVELS = (UrgeLevel.DIRECTIVE, UrgeLevel.BULLETIN)


class EventKind(models.TextChoices):
    """Rows of a problem's timeline."""

    CREATED = "created", _("登记")  # registered (the status is open)
    UPDATED = "updated", _("修改")  # fields changed by the group (details in the audit chain)
    STARTED = "started", _("开始整改")  # open/returned/reopened → in_progress
    PROGRESS = "progress", _("整改进展")  # a progress report by the liaison (no status change)
    SUBMITTED = "submitted", _("提交核查")  # in_progress → submitted
    RETURNED = "returned", _("退回重改")  # submitted → returned, with a reason
    CLOSED = "closed", _("销号")  # submitted → closed
    REOPENED = "reopened", _("重新整改")  # closed → reopened, with a reason
    URGED = "urged", _("催办")  # an urge of any level (提示/催办/督办单/问题通报)


class RectificationPurpose(models.TextChoices):
    """What an evidence file of a rectification report shows."""

    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")
    FILE = "file", _("佐证材料")


DEFAULT_CATEGORIES = ["防控措施落实不到位", "物资保障不到位", "服务管理不规范", "设施安全隐患", "工作作风问题", "其他"]
DEFAULT_SEVERITIES = [("一般", 1), ("较重", 2), ("严重", 3)]
