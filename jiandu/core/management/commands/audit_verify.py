from django.core.management.base import BaseCommand

from jiandu.core.audit import verify_chain
from jiandu.core.audit_archive import verify_archives


class Command(BaseCommand):
    help = (
        "校验审计日志的 SM3 哈希链：完整时退出码为0，被改动、删除或插入时退出码为1并指出第一条问题事件。"
        "加 --with-archives 同时校验已归档的审计文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--with-archives", action="store_true", help="同时校验归档文件（SHA-256 与哈希链）")
        parser.add_argument("--archive-dir", default=None, help="归档文件所在目录（默认 JIANDU_AUDIT_ARCHIVE_DIR）")

    def handle(self, *args, **options):
        reports = []
        if options["with_archives"]:
            reports.append(verify_archives(options["archive_dir"]))
        reports.append(verify_chain())
        for report in reports:
            if not report.ok:
                self.stderr.write(self.style.ERROR(report.message))
                raise SystemExit(1)
            self.stdout.write(self.style.SUCCESS(report.message))
