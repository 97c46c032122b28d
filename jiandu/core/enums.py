from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    CREATE = "create", _("新增")  # a record was created
    UPDATE = "update", _("修改")  # fields of a record changed
    DELETE = "delete", _("删除")  # a record was deleted or deactivated
    TRANSITION = "transition", _("状态变更")  # a workflow moved a record to another status
    LOGIN = "login", _("登录")  # successful login (page or API token)
    LOGIN_FAILED = "login_failed", _("登录失败")  # wrong credentials or locked account
    LOGOUT = "logout", _("退出")  # the user logged out
    PASSWORD_CHANGE = "password_change", _("修改密码")  # own change or an admin reset
    EXPORT = "export", _("导出")  # a ledger or document left the system
    IMPORT = "import", _("导入")  # an xlsx import (success or refused)
    GRANT = "grant", _("授权")  # a role was granted
    REVOKE = "revoke", _("撤销授权")  # a role was revoked
    VIEW_PERSONAL = "view_personal", _("查看个人信息")  # unmasked personal data (e.g. a hotline caller) was viewed


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")  # created, waiting for the task queue
    RUNNING = "running", _("导出中")  # the task is writing rows
    DONE = "done", _("已完成")  # the file is ready to download
    FAILED = "failed", _("失败")  # stopped with a message; no file is kept


EXPORT_STATUS_CSS = {
    ExportStatus.QUEUED: "text-bg-secondary",
    ExportStatus.RUNNING: "text-bg-primary",
    ExportStatus.DONE: "text-bg-success",
    ExportStatus.FAILED: "text-bg-danger",
}
