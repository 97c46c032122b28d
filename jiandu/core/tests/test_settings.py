"""Production refuses to start without its secrets; DATABASE_URL selects the database."""

import os
import subprocess
import sys

from django.conf import settings

CHECK = (
    "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
)


def _run(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)


def test_production_refuses_without_secret_key():
    r = _run({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "jiandu.example"})
    assert r.returncode != 0 and "DJANGO_SECRET_KEY" in r.stderr


def test_production_refuses_without_allowed_hosts():
    r = _run({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": "k" * 50})
    assert r.returncode != 0 and "DJANGO_ALLOWED_HOSTS" in r.stderr


def test_production_refuses_without_sm4_key():
    r = _run(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "jiandu.example",
        }
    )
    assert r.returncode != 0 and "JIANDU_SM4_KEYS" in r.stderr


def test_production_starts_with_secrets_on_postgresql():
    r = _run(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "jiandu.example",
            "DATABASE_URL": "postgres://jiandu@db.example:5432/jiandu",
            "JIANDU_SM4_KEYS": "k1=" + "ab" * 16,
            "JIANDU_SM4_ACTIVE_KEY": "k1",
        }
    )
    assert r.returncode == 0, r.stderr
    assert "postgresql" in r.stdout


def test_local_defaults_to_sqlite():
    r = _run({"DJANGO_SETTINGS_MODULE": "config.settings.local"})
    assert r.returncode == 0, r.stderr
    assert "sqlite3" in r.stdout
