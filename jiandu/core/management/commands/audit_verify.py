from django.core.management.base import BaseCommand

from jiandu.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志的 SM3 哈希链：完整时退出码为0，被改动、删除或插入时退出码为1并指出第一条问题事件。"

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.message))
            return
        self.stderr.write(self.style.ERROR(report.message))
        raise SystemExit(1)
