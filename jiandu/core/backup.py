"""Backup and restore (DESIGN §10 reliability; 等保 backup and recovery).

One archive (.tar.gz) holds a consistent snapshot of the database, the media files and MANIFEST.json, which
lists the SHA-256 and size of every member, the database vendor and the migration state:

    db/database.sqlite3   SQLite online backup API: a consistent copy while the app keeps running
    db/database.pgdump    PostgreSQL: pg_dump -Fc (one snapshot transaction)
    media/…               every file under MEDIA_ROOT (none when uploads live in an S3-compatible bucket:
                          the bucket's own versioning or replication backs them up; the command says so)
    audit-archive/…       the archived audit events (JIANDU_AUDIT_ARCHIVE_DIR), so the whole chain stays verifiable
    MANIFEST.json

`restore` extracts into a staging folder and checks every member against the manifest before it touches
anything; a tampered, truncated or foreign archive is refused with a BackupError and nothing changes.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "jiandu-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "MANIFEST.json"
DB_MEMBER = {"sqlite": "db/database.sqlite3", "postgresql": "db/database.pgdump"}
VENDOR_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024
FOLDER_LABEL = {"media": "附件文件", "audit-archive": "审计日志归档文件"}

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Chinese and says why."""


def _quiet(message: str) -> None:
    pass


@dataclass
class Manifest:
    data: dict

    @property
    def vendor(self) -> str:
        return self.data["database_vendor"]

    @property
    def files(self) -> dict[str, dict]:
        return {f["path"]: f for f in self.data["files"]}


# --- Backup ---


def _app_version() -> str:
    try:
        return metadata.version("jiandu")
    except metadata.PackageNotFoundError:
        return "unknown"


def migration_state() -> dict[str, str]:
    """The last applied migration of each app, as recorded in the database."""
    state: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state[app] = max(state.get(app, ""), name)
    return state


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _run(cmd: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as e:
        raise BackupError(f"找不到 {cmd[0]}，请安装与数据库版本一致的 PostgreSQL 客户端工具。") from e
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{result.stderr.strip()[:500]}")


def _snapshot_database(target: Path, db: dict, vendor: str) -> None:
    if vendor == "sqlite":
        # The online backup API copies a consistent snapshot page by page while other connections keep writing.
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dest.close()
    elif vendor == "postgresql":
        cmd = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *_pg_args(db), "--file", str(target)]
        _run([*cmd, str(db["NAME"])], _pg_env(db), "pg_dump 导出数据库")
    else:
        raise BackupError(f"不支持备份 {vendor} 数据库。")


class _HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes that go into the archive."""

    def __init__(self, fh):
        self.fh, self.sha, self.size = fh, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.fh.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, source: Path, name: str) -> dict:
    with source.open("rb") as fh:
        info = _anonymous(tar.gettarinfo(fileobj=fh, arcname=name))
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    if reader.size != info.size:
        raise BackupError(f"文件在备份过程中被改动：{name}，请重试。")
    return {"path": name, "sha256": reader.sha.hexdigest(), "size": reader.size}


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


OBJECT_STORAGE_NOTE = (
    "注意：附件文件保存在对象存储（S3 兼容存储桶 {bucket}）中，本备份不含附件文件；"
    "请用存储桶自身的版本控制或跨区域复制备份附件（见 docs/deploy.md）。"
)


def media_in_object_storage() -> bool:
    """True when uploads live outside MEDIA_ROOT (JIANDU_S3_BUCKET: an S3-compatible bucket)."""
    return not isinstance(storages["default"], FileSystemStorage)


def file_folders() -> dict[str, Path]:
    """The folders of files that belong in a backup, by their name in the archive."""
    folders = {"media": Path(settings.MEDIA_ROOT)}
    archive = getattr(settings, "JIANDU_AUDIT_ARCHIVE_DIR", None)
    if archive:
        folders["audit-archive"] = Path(archive)
    return folders


def media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def create_backup(path: Path, *, progress: Progress = _quiet) -> Manifest:
    """Write the archive to `path` atomically (a temporary file in the same folder, renamed when complete)."""
    path = Path(path).resolve()
    if path.is_dir():
        raise BackupError(f"{path} 是目录，请给出备份文件名，如 jiandu-20260101.tar.gz。")
    path.parent.mkdir(parents=True, exist_ok=True)
    db, vendor = connection.settings_dict, connection.vendor
    created_at = timezone.now().isoformat()
    migrations = migration_state()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tempfile.TemporaryDirectory(prefix="jiandu-backup-") as work:
            progress(f"正在备份数据库（{VENDOR_LABEL.get(vendor, vendor)}）……")
            db_file = Path(work) / "database"
            _snapshot_database(db_file, db, vendor)
            files = []
            with tarfile.open(tmp, "w:gz") as tar:
                files.append(_add_file(tar, db_file, DB_MEMBER[vendor]))
                for folder, root in file_folders().items():
                    if folder == "media" and media_in_object_storage():
                        progress(OBJECT_STORAGE_NOTE.format(bucket=getattr(settings, "JIANDU_S3_BUCKET", "")))
                        continue
                    sources = media_files(root)
                    progress(f"正在备份{FOLDER_LABEL[folder]}（{len(sources)}个）……")
                    for source in sources:
                        files.append(_add_file(tar, source, f"{folder}/" + source.relative_to(root).as_posix()))
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": created_at,
                    "app_version": _app_version(),
                    "database_vendor": vendor,
                    "migrations": migrations,
                    "files": files,
                }
                manifest_file = Path(work) / MANIFEST_NAME
                manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
                tar.add(manifest_file, arcname=MANIFEST_NAME, filter=_anonymous)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    total = sum(f["size"] for f in files)
    progress(f"备份完成：{path}（{len(files)}个文件，原始大小 {total} 字节）。")
    return Manifest(manifest)


# --- Verify ---


def _safe_member_name(name: str) -> bool:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return False
    return name == MANIFEST_NAME or pure.parts[0] == "db" or pure.parts[0] in FOLDER_LABEL


def extract_verified(path: Path, staging: Path, *, progress: Progress = _quiet) -> Manifest:
    """Extract the archive into `staging` and check every member against the manifest.

    Raises BackupError on anything unexpected: unreadable or truncated archive, a member not in the manifest or
    missing from the archive, a wrong size or SHA-256, a link or a path that leaves the archive.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    progress(f"正在校验备份文件：{path} ……")
    actual: dict[str, dict] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(f"备份文件含有不允许的条目：{member.name}，已拒绝恢复。")
                if member.name in actual:
                    raise BackupError(f"备份文件中的条目重复：{member.name}，已拒绝恢复。")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                sha, size = hashlib.sha256(), 0
                with tar.extractfile(member) as src, target.open("wb") as dst:
                    while chunk := src.read(CHUNK):
                        sha.update(chunk)
                        size += len(chunk)
                        dst.write(chunk)
                actual[member.name] = {"sha256": sha.hexdigest(), "size": size}
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        raise BackupError(f"备份文件损坏或不完整，无法读取（{e}），已拒绝恢复。") from e
    if MANIFEST_NAME not in actual:
        raise BackupError("备份文件缺少清单 MANIFEST.json，已拒绝恢复。")
    try:
        data = json.loads((staging / MANIFEST_NAME).read_text(encoding="utf-8"))
        manifest = Manifest(data)
        expected = manifest.files
        vendor = manifest.vendor
    except (ValueError, KeyError, TypeError) as e:
        raise BackupError("备份清单 MANIFEST.json 格式不正确，已拒绝恢复。") from e
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        raise BackupError("不是本系统的备份文件，或备份格式版本不受支持，已拒绝恢复。")
    members = set(actual) - {MANIFEST_NAME}
    if members != set(expected):
        extra, missing = sorted(members - set(expected)), sorted(set(expected) - members)
        raise BackupError(f"备份内容与清单不一致（多出 {extra[:5]}，缺少 {missing[:5]}），已拒绝恢复。")
    for name, entry in expected.items():
        if actual[name]["size"] != entry.get("size") or actual[name]["sha256"] != entry.get("sha256"):
            raise BackupError(f"校验失败：{name} 的 SHA-256 与清单不符，备份可能被篡改或损坏，已拒绝恢复。")
    if DB_MEMBER.get(vendor) not in expected:
        raise BackupError("备份中没有数据库文件，已拒绝恢复。")
    progress(f"校验通过：{len(expected)}个文件的 SHA-256 均与清单一致。")
    return manifest


def check_compatible(manifest: Manifest) -> None:
    """Same database vendor, and no migration the code here does not know."""
    vendor = connection.vendor
    if manifest.vendor != vendor:
        raise BackupError(
            f"备份来自 {VENDOR_LABEL.get(manifest.vendor, manifest.vendor)} 数据库，当前配置的是 "
            f"{VENDOR_LABEL.get(vendor, vendor)} 数据库，不能直接恢复。请在相同类型的数据库上恢复。"
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.data.get("migrations", {}).items() if (app, name) not in known]
    if unknown:
        raise BackupError(f"备份来自更新版本的程序（未知的数据库迁移：{', '.join(unknown[:5])}），请先升级程序再恢复。")


# --- Restore ---


def restore_database(db_file: Path, db: dict, vendor: str) -> None:
    """Replace the database `db` (a settings dict) with the snapshot in `db_file`."""
    if vendor == "sqlite":
        # The backup API in reverse: the live database's pages are replaced in one step, under SQLite's lock,
        # so WAL files and open connections stay consistent (a plain file copy would not be safe).
        connection.close()
        connection.ensure_connection()
        source = sqlite3.connect(db_file)
        try:
            source.backup(connection.connection)
        except sqlite3.Error as e:
            raise BackupError(f"写入数据库失败（{e}）：请先停止应用服务和任务进程，再重试恢复。") from e
        finally:
            source.close()
        connection.close()
    elif vendor == "postgresql":
        cmd = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        _run([*cmd, *_pg_args(db), "--dbname", str(db["NAME"]), str(db_file)], _pg_env(db), "pg_restore 恢复数据库")
    else:
        raise BackupError(f"不支持恢复 {vendor} 数据库。")


def restore_media(staged_media: Path, media_root: Path) -> int:
    """Swap a folder of files (media, audit archive) for the restored one; the old one goes only after the swap."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    if not staged_media.exists():
        staged_media.mkdir(parents=True)
    old = media_root.with_name(media_root.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if media_root.exists():
        os.replace(media_root, old)
    shutil.move(str(staged_media), str(media_root))
    shutil.rmtree(old, ignore_errors=True)
    return len(media_files(media_root))


def restore_backup(path: Path, *, progress: Progress = _quiet) -> Manifest:
    """Verify everything, then replace the database and the media folder of this installation."""
    folders = {name: root.resolve() for name, root in file_folders().items()}
    media_root = folders["media"]
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Staging beside MEDIA_ROOT, so the media folder is swapped by a rename on the same file system.
    staging = Path(tempfile.mkdtemp(prefix=".jiandu-restore-", dir=media_root.parent))
    try:
        manifest = extract_verified(path, staging, progress=progress)
        check_compatible(manifest)
        vendor = manifest.vendor
        progress(f"正在恢复数据库（{VENDOR_LABEL[vendor]}，备份时间 {manifest.data['created_at']}）……")
        restore_database(staging / DB_MEMBER[vendor], connection.settings_dict, vendor)
        counts = []
        for name, root in folders.items():
            if name == "media" and media_in_object_storage():
                progress("注意：附件文件保存在对象存储中，恢复不改动存储桶；请按存储桶的版本控制恢复到同一时间点。")
                continue
            progress(f"正在恢复{FOLDER_LABEL[name]}……")
            counts.append(f"{restore_media(staging / name, root)}个{FOLDER_LABEL[name]}")
        progress(f"恢复完成：数据库与{'、'.join(counts)}已恢复到备份时的状态。")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
