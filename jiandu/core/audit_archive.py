"""Retention of the audit log (DESIGN §10: kept at least 180 days, verifiable against tampering).

Events older than settings.JIANDU_AUDIT_RETENTION_DAYS (never fewer than 180) are moved, oldest first and as a
prefix of the chain, into a gzip file of JSON lines under settings.JIANDU_AUDIT_ARCHIVE_DIR, one line per event
with its hash and previous hash. An AuditArchive row records the range, the last hash and the file's SHA-256,
and an event in the live chain records the archiving itself. The live chain then starts from the checkpoint
(verify_chain), and `verify_archives` re-walks every file. This is the only place audit events are deleted:
AuditEvent.delete() refuses, and the queryset delete below runs under the chain head's lock, after the
events to delete have been verified and written out.
"""

import gzip
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit
from .enums import EventType
from .errors import ValidationFailed
from .jobs import register_daily
from .models import AuditArchive, AuditChainHead, AuditEvent

MIN_RETENTION_DAYS = 180
FIELDS = [
    "id",
    "seq",
    "actor_id",
    "actor_username",
    "event_type",
    "object_type",
    "object_id",
    "object_repr",
    "outcome",
    "details",
    "ip",
    "prev_hash",
    "hash",
]


def retention_days() -> int:
    days = settings.JIANDU_AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        raise ValidationFailed(f"审计日志保存期限不得少于{MIN_RETENTION_DAYS}天（当前设置为{days}天）。")
    return days


def archive_dir() -> Path:
    return Path(settings.JIANDU_AUDIT_ARCHIVE_DIR)


def _line(event: AuditEvent) -> bytes:
    row = {name: getattr(event, name) for name in FIELDS}
    row["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat()
    return json.dumps(row, ensure_ascii=False, sort_keys=True).encode() + b"\n"


def _event(line: bytes) -> AuditEvent:
    row = json.loads(line)
    row["occurred_at"] = datetime.fromisoformat(row["occurred_at"])
    return AuditEvent(**row)


def archive_events(*, before: datetime | None = None, folder: Path | None = None) -> AuditArchive | None:
    """Archive the events older than `before` (default: now − retention). Refuses a cut-off younger than 180
    days and a chain that does not verify. Returns the checkpoint, or None when nothing is old enough."""
    now = timezone.now()
    cutoff = before or now - timedelta(days=retention_days())
    if cutoff > now - timedelta(days=MIN_RETENTION_DAYS):
        raise ValidationFailed(
            f"只能归档{MIN_RETENTION_DAYS}天以前的审计事件：审计日志在线保存不少于{MIN_RETENTION_DAYS}天。"
        )
    folder = Path(folder or archive_dir())
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()  # no append while we cut
        if head is None:
            return None
        first_young = (
            AuditEvent.objects.filter(occurred_at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
        )
        old = AuditEvent.objects.order_by("seq")
        if first_young is not None:
            old = old.filter(seq__lt=first_young)
        if not old.exists():
            return None
        checkpoint = AuditArchive.objects.order_by("-last_seq").first()
        expected_seq = checkpoint.last_seq + 1 if checkpoint else 1
        prev_hash = checkpoint.last_hash if checkpoint else audit.GENESIS_HASH
        first_seq, first_prev, count = expected_seq, prev_hash, 0
        path = folder / f"audit-{expected_seq:012d}-{now:%Y%m%d%H%M%S}.jsonl.gz"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with gzip.open(path, "wb") as out:
                for event in old.iterator(chunk_size=5000):
                    if (
                        event.seq != expected_seq
                        or event.prev_hash != prev_hash
                        or audit.compute_hash(event) != event.hash
                    ):
                        raise ValidationFailed(
                            f"审计链在序号{event.seq}处校验不通过，已停止归档。请先运行 audit_verify 查明原因。"
                        )
                    out.write(_line(event))
                    prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
            digest = _sha256(path)
            archive = AuditArchive.objects.create(
                first_seq=first_seq,
                last_seq=expected_seq - 1,
                first_prev_hash=first_prev,
                last_hash=prev_hash,
                event_count=count,
                before=cutoff,
                file_name=path.name,
                sha256=digest,
            )
            # The one deletion of audit events: the verified prefix just written out (see the module docstring).
            AuditEvent.objects.filter(seq__lte=archive.last_seq).delete()
            audit.record(
                EventType.DELETE,
                obj=archive,
                object_repr=f"审计日志归档 #{archive.first_seq}–#{archive.last_seq}",
                details={
                    "archived": count,
                    "first_seq": archive.first_seq,
                    "last_seq": archive.last_seq,
                    "last_hash": archive.last_hash,
                    "file": archive.file_name,
                    "sha256": digest,
                    "before": cutoff.isoformat(),
                },
                username="system",
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return archive


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_archives(folder: Path | None = None) -> audit.ChainReport:
    """Re-walk every archive file in order: its SHA-256, its events' hashes and links, and the links between
    checkpoints (each archive starts where the previous one ended, the first from the genesis hash)."""
    folder = Path(folder or archive_dir())
    prev_hash, expected_seq, checked = audit.GENESIS_HASH, 1, 0
    for archive in AuditArchive.objects.order_by("first_seq"):
        name = archive.file_name
        if archive.first_seq != expected_seq or archive.first_prev_hash != prev_hash:
            return audit.ChainReport(False, checked, f"归档“{name}”与上一归档不衔接（序号{archive.first_seq}）。")
        path = folder / name
        if not path.is_file():
            return audit.ChainReport(False, checked, f"归档文件“{name}”不存在（目录 {folder}）。")
        if _sha256(path) != archive.sha256:
            return audit.ChainReport(False, checked, f"归档文件“{name}”的SHA-256与归档记录不符：文件被改动。")
        with gzip.open(path, "rb") as lines:
            for line in lines:
                event = _event(line)
                if event.seq != expected_seq or event.prev_hash != prev_hash or audit.compute_hash(event) != event.hash:
                    return audit.ChainReport(
                        False, checked, f"归档文件“{name}”中序号{event.seq}的事件校验不通过：被改动、删除或插入。"
                    )
                prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if expected_seq - 1 != archive.last_seq or prev_hash != archive.last_hash:
            return audit.ChainReport(False, checked, f"归档文件“{name}”的事件与归档记录的范围或末条哈希不符。")
    return audit.ChainReport(True, checked, f"审计归档完整：共校验{checked}条归档事件（SM3）。")


@register_daily("core.audit_archive")
def archive_daily(today) -> dict:
    """Every morning: archive what has passed the retention period (nothing the first 180+ days)."""
    archive = archive_events()
    return {"archived": archive.event_count if archive else 0}
