from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import EventType, ExportStatus, Outcome


class BaseModel(models.Model):
    """Every business record: timestamps and a version number for optimistic locking (DESIGN §5)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Append-only, hash-chained audit log. Written only by `jiandu.core.audit.record`."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True)
    event_type = models.CharField(_("事件类型"), max_length=32, choices=EventType.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("客户端IP"), null=True, blank=True)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希(SM3)"), max_length=64)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The audit log's filters of a type or an outcome, newest first, read from the index in the log's order
            # (SQLite took the type's index and sorted a million events' sixth: 680 ms a page).
            models.Index(fields=["event_type", "-seq"], name="audit_type_seq"),
            models.Index(fields=["outcome", "-seq"], name="audit_outcome_seq"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.get_event_type_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计日志只能追加，不能删除。")


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash. Locking it serializes appends to the chain,
    and comparing it with the last event detects a deleted tail."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self):
        return f"#{self.last_seq} {self.last_hash[:12]}"


class AuditArchive(models.Model):
    """A checkpoint of the audit chain: events first_seq…last_seq were moved out of the live table into `file`
    (JSON lines, gzip) by jiandu.core.audit_archive. The live chain continues from last_hash, and the file is
    verified by its SHA-256 and by re-walking its events from first_prev_hash (audit_verify --with-archives)."""

    first_seq = models.PositiveBigIntegerField(_("起始序号"), unique=True)
    last_seq = models.PositiveBigIntegerField(_("截止序号"), unique=True)
    first_prev_hash = models.CharField(_("起始前一哈希"), max_length=64)
    last_hash = models.CharField(_("末条哈希"), max_length=64)
    event_count = models.PositiveBigIntegerField(_("事件数"))
    before = models.DateTimeField(_("归档截止时间"))  # events older than this were archived
    file_name = models.CharField(_("归档文件"), max_length=200)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("归档时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审计日志归档")
        verbose_name_plural = _("审计日志归档")
        ordering = ["last_seq"]

    def __str__(self):
        return f"#{self.first_seq}–#{self.last_seq} {self.file_name}"


class Attachment(models.Model):
    """A file or photo attached to a record (activity, document, reply, problem, …).

    Checked by content, not by name, when stored (jiandu.core.attachments.store_upload); readable only by
    those who may see its owner (the download view asks the owner's policy)."""

    owner_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    purpose = models.CharField(_("用途"), max_length=20, blank=True)  # e.g. photo, file, reply, before, after
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/", max_length=255)
    thumbnail = models.FileField(_("缩略图"), upload_to="thumbnails/%Y/%m/", max_length=255, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200)
    mime_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    caption = models.TextField(_("说明"), blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class ExportJob(models.Model):
    """A ledger export too large to answer at once (jiandu.core.exports): written by the task queue, as its
    owner, into a file under MEDIA_ROOT/exports/ that only the owner may download. Deleted after
    settings.JIANDU_EXPORT_KEEP_DAYS by a daily job."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    name = models.CharField(_("台账代码"), max_length=64)  # the key of the ledger in the export registry
    title = models.CharField(_("台账"), max_length=200)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)  # {"query": {key: [values]}, "kwargs": {}}
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done_rows = models.PositiveIntegerField(_("已导出行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", max_length=255, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    error = models.TextField(_("失败原因"), blank=True)
    ip = models.GenericIPAddressField(_("客户端IP"), null=True, blank=True)  # for the audit event the task writes
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values), name="core_exportjob_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done_rows * 100 // self.total)

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)


class DataVersion(models.Model):
    """A counter per owning group (key `g<pk>`) and one for everything else (key `*`: orgs, grants, settings),
    raised in the same transaction as every write (jiandu.core.freshness). Cached figures are keyed by the
    counters they depend on, so a write makes them stale at once, in every process."""

    key = models.CharField(max_length=32, primary_key=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self):
        return f"{self.key}={self.n}"
