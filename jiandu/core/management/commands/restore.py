from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiandu.core import audit
from jiandu.core.backup import BackupError, restore_backup
from jiandu.core.enums import EventType


class Command(BaseCommand):
    help = (
        "从 backup 生成的文件恢复数据库与附件文件：先逐一校验 SHA-256 清单，校验不通过则不做任何改动。"
        "恢复会覆盖当前全部数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup 生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="不再询问确认")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not options["yes"]:
            answer = input("恢复将用备份覆盖当前数据库和全部附件文件，输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何改动。")
        try:
            manifest = restore_backup(path, progress=self.stdout.write)
        except BackupError as e:
            raise CommandError(str(e)) from e
        # Recorded after the restore, on the restored chain: the old database (and its events) is gone.
        audit.record(
            EventType.IMPORT,
            object_type="backup",
            object_repr=path.name,
            details={"action": "restore", "file": str(path.resolve()), "created_at": manifest.data["created_at"]},
            username="manage.py restore",
        )
        self.stdout.write(self.style.SUCCESS("已记入审计日志。可运行 manage.py audit_verify 校验审计哈希链。"))
