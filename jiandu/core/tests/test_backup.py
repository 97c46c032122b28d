"""Backup and restore round-trip: same records, same files, the audit chain still verifies; a tampered, truncated
or foreign archive is refused before anything changes."""

import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from jiandu.core import backup
from jiandu.core.audit import verify_chain
from jiandu.core.models import AuditChainHead, AuditEvent
from jiandu.problems.tests.factories import problem

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT_MODELS = {AuditEvent, AuditChainHead}


def _models():
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def table_checksums(exclude=frozenset()) -> dict[str, tuple[int, str]]:
    """Row count and a SHA-256 over every row (ordered by pk) of every table."""
    sums = {}
    for model in _models():
        if model in exclude:
            continue
        rows = list(model.objects.order_by("pk").values_list())
        sums[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return sums


def media_checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "attachments" / "2022" / "04").mkdir(parents=True)
    (root / "attachments" / "2022" / "04" / "现场照片.jpg").write_bytes(os.urandom(50_000))
    (root / "exports" / "台账.xlsx").parent.mkdir(parents=True)
    (root / "exports" / "台账.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    settings.MEDIA_ROOT = root
    # Archived audit events travel in the backup too; never the real var/audit-archive from a test.
    settings.JIANDU_AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    settings.JIANDU_AUDIT_ARCHIVE_DIR.mkdir()
    (settings.JIANDU_AUDIT_ARCHIVE_DIR / "audit-2021.jsonl").write_text('{"seq": 1}\n')
    return root


@pytest.fixture
def records(tree, group_member, liaison):
    for i in range(3):
        problem(group_member, tree["wjw_group"], tree["wjw"], description=f"第{i + 1}个问题：帐篷加固不到位")
    return tree


def _rewrite(path: Path, target: Path, *, change=None, manifest_update=None):
    """Copy an archive, replacing one member's bytes (`change` = (name, bytes)) or editing the manifest."""
    with tarfile.open(path, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if change and member.name == change[0]:
                data = change[1]
            if manifest_update and member.name == backup.MANIFEST_NAME:
                manifest = json.loads(data)
                manifest_update(manifest)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite round trip; PostgreSQL has its own test")
def test_sqlite_round_trip_gives_same_records_and_files(records, media, tmp_path, capsys, settings):
    archive = tmp_path / "out" / "jiandu.tar.gz"
    call_command("backup", str(archive))
    assert archive.exists() and not list(archive.parent.glob("*.part"))
    assert "备份完成" in capsys.readouterr().out
    rows_before = table_checksums(exclude=AUDIT_MODELS)
    events_before = list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))
    files_before = media_checksums(media)
    archive_dir = Path(settings.JIANDU_AUDIT_ARCHIVE_DIR)
    archived_before = media_checksums(archive_dir)
    assert rows_before["problems.Problem"][0] == 3 and len(files_before) == 2 and len(archived_before) == 1

    # A fresh, empty database and media folder (plus a stray file that must not survive).
    call_command("flush", interactive=False, verbosity=0)
    (media / "exports" / "台账.xlsx").unlink()
    (media / "stray.txt").write_text("不应保留")
    (archive_dir / "audit-2021.jsonl").unlink()
    assert table_checksums(exclude=AUDIT_MODELS) != rows_before

    call_command("restore", str(archive), yes=True)
    out = capsys.readouterr().out
    assert "校验通过" in out and "恢复完成" in out

    assert table_checksums(exclude=AUDIT_MODELS) == rows_before
    assert media_checksums(media) == files_before
    assert media_checksums(archive_dir) == archived_before
    # The chain is the backed-up one plus the restore event, and it verifies.
    events_after = list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))
    assert events_after[:-1] == events_before
    last = AuditEvent.objects.order_by("seq").last()
    assert last.details["action"] == "restore" and last.object_type == "backup"
    assert AuditEvent.objects.filter(details__action="backup").exists()
    assert verify_chain().ok
    call_command("audit_verify")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL round trip (pg_dump / pg_restore)")
def test_postgresql_round_trip_into_a_scratch_database(records, media, tmp_path):
    import psycopg

    archive = tmp_path / "jiandu.tar.gz"
    call_command("backup", str(archive))
    db = dict(connection.settings_dict)
    tables = [m._meta.db_table for m in _models()]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    scratch = {**db, "NAME": f"jiandu_restore_test_{worker}"}
    params = {k: v for k, v in {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}.items() if v}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]

    def checksums(dbname):
        with psycopg.connect(dbname=dbname, **params) as conn:
            return {
                t: conn.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{t}\" x"
                ).fetchone()
                for t in tables
            }

    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch["NAME"]}"')
        admin.execute(f'CREATE DATABASE "{scratch["NAME"]}"')
    try:
        staging = tmp_path / "staging"
        staging.mkdir()
        manifest = backup.extract_verified(archive, staging)
        assert manifest.vendor == "postgresql"
        backup.restore_database(staging / backup.DB_MEMBER["postgresql"], scratch, "postgresql")
        assert checksums(scratch["NAME"]) == checksums(db["NAME"])
        restored_media = tmp_path / "restored-media"
        backup.restore_media(staging / "media", restored_media)
        assert media_checksums(restored_media) == media_checksums(media)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch["NAME"]}" WITH (FORCE)')
    assert verify_chain().ok


@pytest.mark.parametrize("damage", ["tampered_file", "tampered_manifest", "truncated", "extra_member"])
def test_damaged_archive_is_refused_and_nothing_changes(records, group_member, media, tmp_path, damage):
    archive = tmp_path / "jiandu.tar.gz"
    call_command("backup", str(archive))
    bad = tmp_path / "bad.tar.gz"
    if damage == "tampered_file":
        _rewrite(archive, bad, change=("media/attachments/2022/04/现场照片.jpg", b"\xff" * 50_000))
    elif damage == "tampered_manifest":
        _rewrite(archive, bad, manifest_update=lambda m: m["files"][0].update(size=m["files"][0]["size"] + 1))
    elif damage == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    else:
        with tarfile.open(archive, "r:gz") as src, tarfile.open(bad, "w:gz") as dst:
            for member in src:
                dst.addfile(member, src.extractfile(member))
            extra = tarfile.TarInfo("media/injected.txt")
            extra.size = 3
            dst.addfile(extra, io.BytesIO(b"bad"))
    # A change after the backup that a refused restore must leave alone.
    problem(group_member, records["wjw_group"], records["wjw"], description="备份之后登记的问题")
    rows_before = table_checksums()
    files_before = media_checksums(media)

    with pytest.raises(CommandError, match="已拒绝恢复"):
        call_command("restore", str(bad), yes=True)

    assert table_checksums() == rows_before
    assert media_checksums(media) == files_before


def test_archive_from_another_database_vendor_is_refused(records, media, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = tmp_path / "other.tar.gz"
    db_bytes = b"not really a database"
    manifest = {
        "format": backup.FORMAT,
        "format_version": backup.FORMAT_VERSION,
        "created_at": "2026-01-01T00:00:00+00:00",
        "app_version": "0.1.0",
        "database_vendor": other,
        "migrations": {},
        "files": [
            {"path": backup.DB_MEMBER[other], "sha256": hashlib.sha256(db_bytes).hexdigest(), "size": len(db_bytes)}
        ],
    }
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in [(backup.DB_MEMBER[other], db_bytes), (backup.MANIFEST_NAME, json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    rows_before = table_checksums()

    with pytest.raises(CommandError, match="不能直接恢复"):
        call_command("restore", str(archive), yes=True)
    assert table_checksums() == rows_before


def test_restore_without_yes_asks_and_cancels(records, media, tmp_path, monkeypatch):
    archive = tmp_path / "jiandu.tar.gz"
    call_command("backup", str(archive))
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    rows_before = table_checksums()
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(archive))
    assert table_checksums() == rows_before
