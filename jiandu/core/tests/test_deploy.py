"""The production layout of docs/deploy.md: gunicorn's settings and defaults, the client address behind nginx,
media in an S3-compatible bucket chosen by JIANDU_S3_BUCKET, and every read and write of an upload going
through Django's storage API (so a bucket works as well as a folder)."""

import io
import json
import os
import runpy
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from gunicorn.config import Config
from PIL import Image

from jiandu.core.attachments import store_upload
from jiandu.core.enums import ExportStatus
from jiandu.core.models import ExportJob
from jiandu.organizations.tests.factories import SiteFactory
from jiandu.problems.tests.factories import problem

GUNICORN_CONF = Path(django_settings.BASE_DIR) / "config" / "gunicorn.conf.py"
IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def gunicorn_conf(monkeypatch, **env) -> dict:
    for name in [k for k in os.environ if k.startswith("JIANDU_GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


# --- gunicorn ---


def test_gunicorn_defaults_fit_two_cores_behind_nginx(monkeypatch):
    conf = gunicorn_conf(monkeypatch)
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert (conf["workers"], conf["worker_class"], conf["threads"]) == (2, "gthread", 4)
    assert conf["preload_app"] is False
    assert conf["timeout"] == 120 and conf["graceful_timeout"] == 30
    assert conf["max_requests"] == 2000 and 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert "%(M)s" in conf["access_log_format"]  # request time in every access log line


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    conf = gunicorn_conf(
        monkeypatch,
        JIANDU_GUNICORN_BIND="10.0.0.11:8000",
        JIANDU_GUNICORN_WORKERS="3",
        JIANDU_GUNICORN_THREADS="8",
        JIANDU_GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.10",
    )
    assert (conf["bind"], conf["workers"], conf["threads"]) == (["10.0.0.11:8000"], 3, 8)
    assert conf["forwarded_allow_ips"] == "10.0.0.10"


def test_gunicorn_accepts_every_setting_of_the_file(monkeypatch):
    """A misspelt name would be ignored by gunicorn without a word; each one must be a setting it knows."""
    conf = gunicorn_conf(monkeypatch)
    cfg = Config()
    names = {k for k, v in conf.items() if not k.startswith("_") and not isinstance(v, type(os)) and k[0].islower()}
    names -= {"ClientAddressFromProxy"}
    unknown = sorted(names - set(cfg.settings))
    assert not unknown, unknown
    for name in names:
        cfg.set(name, conf[name])  # gunicorn's own validators
    assert cfg.worker_class_str == "gthread" and cfg.forwarded_allow_ips == ["127.0.0.1", "::1"]


def _seen_address(wrapper_cls, trusted: str, peer: str, real_ip: str | None) -> str:
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return [b""]

    environ = {"REMOTE_ADDR": peer}
    if real_ip is not None:
        environ["HTTP_X_REAL_IP"] = real_ip
    wrapper_cls(app, trusted)(environ, lambda *a: None)
    assert "HTTP_X_REAL_IP" not in seen
    return seen["REMOTE_ADDR"]


@pytest.mark.parametrize(
    "trusted, peer, real_ip, expected",
    [
        ("127.0.0.1,::1", "127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on the same host
        ("10.0.0.0/24", "10.0.0.10", "2001:db8::5", "2001:db8::5"),  # nginx on another host, IPv6 client
        ("10.0.0.10", "10.0.0.99", "203.0.113.7", "10.0.0.99"),  # not nginx: a client cannot choose its address
        ("127.0.0.1", "127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "127.0.0.1", None, "127.0.0.1"),
    ],
)
def test_the_client_address_comes_from_nginx_only(monkeypatch, trusted, peer, real_ip, expected):
    wrapper_cls = gunicorn_conf(monkeypatch)["ClientAddressFromProxy"]
    assert _seen_address(wrapper_cls, trusted, peer, real_ip) == expected


def test_each_worker_wraps_the_app_once_loaded(monkeypatch):
    conf = gunicorn_conf(monkeypatch, JIANDU_GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.10")
    cfg = Config()
    cfg.set("forwarded_allow_ips", conf["forwarded_allow_ips"])
    worker = SimpleNamespace(cfg=cfg, wsgi=lambda environ, start_response: [environ["REMOTE_ADDR"]])
    conf["post_worker_init"](worker)
    environ = {"REMOTE_ADDR": "10.0.0.10", "HTTP_X_REAL_IP": "198.51.100.4"}
    assert worker.wsgi(environ, None) == ["198.51.100.4"]


# --- Production settings: where media go ---

STORAGE_OF = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.STORAGES['default']))"
)


def production_storage(**env_extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JIANDU_")) and k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "jiandu.example",
            "DATABASE_URL": "postgres://jiandu@db.example:5432/jiandu",
            "JIANDU_SM4_KEYS": "k1=" + "ab" * 16,
            "JIANDU_SM4_ACTIVE_KEY": "k1",
            **env_extra,
        }
    )
    r = subprocess.run(
        [sys.executable, "-c", STORAGE_OF], env=env, capture_output=True, text=True, cwd=django_settings.BASE_DIR
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_production_keeps_media_on_the_file_system_without_a_bucket():
    assert production_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_production_puts_media_in_the_bucket_named_by_jiandu_s3_bucket():
    storage = production_storage(
        JIANDU_S3_BUCKET="jiandu-media",
        JIANDU_S3_ENDPOINT_URL="https://oss.example.gov.cn",
        JIANDU_S3_ACCESS_KEY_ID="AKEXAMPLE",
        JIANDU_S3_SECRET_ACCESS_KEY="secret",
        JIANDU_S3_REGION="cn-north-1",
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "jiandu-media" and options["endpoint_url"] == "https://oss.example.gov.cn"
    assert (options["access_key"], options["secret_key"]) == ("AKEXAMPLE", "secret")
    assert options["region_name"] == "cn-north-1"
    assert options["addressing_style"] == "path"
    assert options["default_acl"] == "private"
    # Two uploads with the same content in one month get the same name: neither may overwrite (or later delete)
    # the other's object.
    assert options["file_overwrite"] is False


def test_s3_options_are_understood_by_django_storages():
    pytest.importorskip("storages", reason='the optional extra: pip install -e ".[s3]"')
    from storages.backends.s3 import S3Storage

    options = production_storage(JIANDU_S3_BUCKET="jiandu-media", JIANDU_S3_ENDPOINT_URL="http://127.0.0.1:9000")[
        "OPTIONS"
    ]
    storage = S3Storage(**options)  # an unknown option raises ImproperlyConfigured; nothing is sent yet
    assert storage.bucket_name == "jiandu-media" and storage.file_overwrite is False


# --- Uploads and exports go through the storage API, never a path ---


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (158, 27, 27)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def object_storage(settings, tmp_path):
    """Media in a store that has no files on disk (like a bucket); MEDIA_ROOT must stay empty."""
    settings.STORAGES = IN_MEMORY
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_an_uploaded_photo_is_served_from_object_storage_to_those_who_may_see_it(
    client, object_storage, tree, group_member, liaison
):
    site = SiteFactory(responsible_org=tree["yjt"])
    data = png_bytes()
    att = store_upload(actor=group_member, owner=site, upload=SimpleUploadedFile("现场.png", data), purpose="photo")
    client.force_login(group_member)
    response = client.get(reverse("attachment", args=[att.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    thumb = client.get(reverse("attachment_thumb", args=[att.pk]))
    assert thumb.status_code == 200 and b"".join(thumb.streaming_content).startswith(b"\xff\xd8")
    client.force_login(liaison)  # the access check stays in front of the store
    assert client.get(reverse("attachment", args=[att.pk])).status_code == 404
    assert not object_storage.exists()


@pytest.mark.django_db
def test_a_background_export_is_written_and_downloaded_through_object_storage(
    client, settings, object_storage, tree, group_member
):
    settings.JIANDU_EXPORT_SYNC_ROWS = 0  # every export goes to the task queue (run at once in tests)
    problem(group_member, tree["wjw_group"], tree["wjw"], description="帐篷加固不到位")
    client.force_login(group_member)
    client.get("/problems/export.xlsx")
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"PK")
    assert not object_storage.exists()


@pytest.mark.django_db(transaction=True)
def test_backup_says_that_media_in_object_storage_are_not_in_the_archive(settings, object_storage, tmp_path):
    settings.JIANDU_AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    settings.JIANDU_S3_BUCKET = "jiandu-media"
    out = io.StringIO()
    target = tmp_path / "jiandu.tar.gz"
    call_command("backup", str(target), stdout=out)
    assert "对象存储" in out.getvalue() and "jiandu-media" in out.getvalue() and "本备份不含附件文件" in out.getvalue()
    with tarfile.open(target, "r:gz") as tar:
        assert not [n for n in tar.getnames() if n.startswith("media/")]
