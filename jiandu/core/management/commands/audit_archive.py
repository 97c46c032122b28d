from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiandu.core.audit_archive import archive_events
from jiandu.core.errors import AppError


class Command(BaseCommand):
    help = (
        "把超过保存期限（JIANDU_AUDIT_RETENTION_DAYS，不少于180天）的审计事件移入归档文件（JSON Lines + gzip），"
        "记录检查点，在线哈希链仍可校验。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", help="归档此日期（YYYY-MM-DD）以前的事件；不得晚于180天前")
        parser.add_argument("--folder", help="归档目录（默认 JIANDU_AUDIT_ARCHIVE_DIR，即 var/audit-archive/）")

    def handle(self, *args, **options):
        before = None
        if options["before"]:
            try:
                day = datetime.strptime(options["before"], "%Y-%m-%d").date()  # noqa: DTZ007 (a date)
            except ValueError:
                raise CommandError("--before 应为 YYYY-MM-DD 格式的日期。") from None
            before = timezone.make_aware(datetime.combine(day, time.min))
        try:
            archive = archive_events(before=before, folder=options["folder"])
        except AppError as e:
            raise CommandError(e.message) from None
        if archive is None:
            self.stdout.write("没有需要归档的审计事件。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已归档{archive.event_count}条审计事件（序号{archive.first_seq}–{archive.last_seq}）到 "
                f"{archive.file_name}，SHA-256 {archive.sha256}。"
            )
        )
