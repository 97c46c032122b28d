from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    """How an act of supervision was carried out (DESIGN §3)."""

    ON_SITE = "on_site", _("实地检查")  # an announced visit to the place
    COVERT = "covert", _("明察暗访")  # an unannounced, unidentified check: confidential
    UNANNOUNCED = "unannounced", _("四不两直")  # 不发通知、不打招呼、不听汇报、不用陪同接待: confidential
    PHONE_CHECK = "phone_check", _("电话抽查")  # calls to check that a measure is in place (not covert)
    STATIONED = "stationed", _("驻点监督")  # staying at a place for a period; its days count as 驻点监督天数
    JOINT = "joint", _("室组联动")  # together with an office of the commission
    VIDEO = "video", _("视频监督")  # by video link (e.g. meetings on 三重一大 matters)
    SPECIAL = "special", _("专项督导")  # a supervision team on one topic with other departments
    TALK = "talk", _("谈话提醒/约谈")  # a reminder talk or a summons of those responsible
    ONLINE = "online", _("在线监督")  # through online systems, platforms and data


# A liaison never sees an activity of these methods, not even after the fact (DESIGN §4, §6).
CONFIDENTIAL_METHODS = frozenset({Method.COVERT, Method.UNANNOUNCED})
# Methods whose activity spans a date range that counts as stationed days.
DAY_COUNTING_METHODS = frozenset({Method.STATIONED})

# Bootstrap badge classes per method, for lists and details.
METHOD_CSS = {
    Method.ON_SITE: "text-bg-primary",
    Method.COVERT: "text-bg-dark",
    Method.UNANNOUNCED: "text-bg-dark",
    Method.PHONE_CHECK: "text-bg-info",
    Method.STATIONED: "text-bg-warning",
    Method.JOINT: "text-bg-success",
    Method.VIDEO: "text-bg-secondary",
    Method.SPECIAL: "text-bg-danger",
    Method.TALK: "text-bg-light border",
    Method.ONLINE: "text-bg-light border",
}


class EventKind(models.TextChoices):
    """Rows of an activity's timeline."""

    CREATED = "created", _("登记")  # recorded through the form or the API
    IMPORTED = "imported", _("导入")  # recorded by an xlsx import
    UPDATED = "updated", _("修改")  # fields changed (details: {field: [old, new]})
    ATTACHMENT_ADDED = "attachment_added", _("上传照片/附件")  # details: names and captions
    ATTACHMENT_REMOVED = "attachment_removed", _("删除照片/附件")  # details: the removed file's name


class AttachmentPurpose(models.TextChoices):
    PHOTO = "photo", _("现场照片")  # shown in the gallery with its caption
    FILE = "file", _("附件")  # any other document (checked by content like photos)


# The topics of DESIGN §3, seeded by a data migration; the list is configurable afterwards.
DEFAULT_TOPICS = ["疫情防控", "春耕备耕", "复工复产", "复商复市", "稳岗就业", "物资保障", "医疗救治", "环境消杀"]
