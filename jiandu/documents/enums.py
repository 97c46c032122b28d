from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("监督建议书")  # formal recommendations to the host department's party group
    NOTICE = "notice", _("工作通知")  # a notice of work to do, e.g. during an epidemic wave
    REMINDER = "reminder", _("提示函")  # a reminder letter (监督提示函), e.g. "6个方面12条具体工作建议"
    BULLETIN = "bulletin", _("问题通报")  # a circular naming problems found
    DIRECTIVE = "directive", _("督办单")  # an order to handle a matter by a deadline (a step of urging)
    OPINION = "opinion", _("意见建议")  # opinions and suggestions, e.g. after an inspection


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being written by the group; invisible to recipients; no number yet
    ISSUED = "issued", _("已签发")  # signed by the group leader, numbered, sent to the recipients
    RECEIVED = "received", _("已签收")  # every recipient has acknowledged receipt
    REPLIED = "replied", _("已回复")  # every recipient has replied
    CLOSED = "closed", _("已办结")  # the group closed the matter (办结)


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("待签收")  # sent, not yet acknowledged
    RECEIVED = "received", _("已签收")  # the liaison acknowledged receipt
    REPLIED = "replied", _("已回复")  # the liaison submitted the reply


class EventKind(models.TextChoices):
    CREATED = "created", _("起草")  # a draft was created
    UPDATED = "updated", _("修改草稿")  # a draft was edited
    ATTACHED = "attached", _("上传附件")  # files were attached to a draft
    ISSUED = "issued", _("签发")  # the leader issued it and it got its number
    ACKNOWLEDGED = "acknowledged", _("签收")  # a recipient acknowledged receipt
    REPLIED = "replied", _("回复")  # a recipient replied
    STATUS = "status", _("状态变更")  # the document's status followed its recipients
    CLOSED = "closed", _("办结")  # the group closed it


# Documents whose replies are still running (the warning colours apply while a reply is due).
OPEN_STATUSES = (DocumentStatus.ISSUED, DocumentStatus.RECEIVED)
# Documents that left the group (recipients see them, they have a number).
SENT_STATUSES = (DocumentStatus.ISSUED, DocumentStatus.RECEIVED, DocumentStatus.REPLIED, DocumentStatus.CLOSED)
OPEN_RECIPIENT_STATUSES = (RecipientStatus.PENDING, RecipientStatus.RECEIVED)
# Events a liaison may read on the timeline: what happened to the document once sent, not the drafting.
PUBLIC_EVENT_KINDS = (
    EventKind.ISSUED,
    EventKind.ACKNOWLEDGED,
    EventKind.REPLIED,
    EventKind.STATUS,
    EventKind.CLOSED,
)
