from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiandu.core import audit
from jiandu.core.backup import BackupError, create_backup
from jiandu.core.enums import EventType, Outcome


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份或 pg_dump）与附件文件到一个 .tar.gz 文件，附 SHA-256 清单 MANIFEST.json。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径，如 /backup/jiandu-20260101.tar.gz")

    def handle(self, *args, **options):
        path = Path(options["file"])
        # The event goes in before the snapshot, so the archive's own chain records that it was taken.
        audit.record(
            EventType.EXPORT,
            object_type="backup",
            object_repr=path.name,
            details={"action": "backup", "file": str(path.resolve())},
            username="manage.py backup",
        )
        try:
            create_backup(path, progress=self.stdout.write)
        except BackupError as e:
            audit.record(
                EventType.EXPORT,
                object_type="backup",
                object_repr=path.name,
                outcome=Outcome.FAILURE,
                details={"action": "backup", "error": str(e)},
                username="manage.py backup",
            )
            raise CommandError(str(e)) from e
