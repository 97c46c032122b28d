"""Bench-only settings: the settings in use plus the Django admin, as a reference for bench/run (never deployed).

The base module is JIANDU_BENCH_BASE_SETTINGS (default config.settings.local; bench/run uses
config.settings.production for the server it starts). On top of it:
- `django.contrib.admin` (SimpleAdminConfig: no autodiscover, only bench/admin_urls.py's own site) and
  ROOT_URLCONF = "bench.admin_urls" (the app's URLs plus /bench-admin/);
- JIANDU_BENCH_STATIC_ROOT: a scratch STATIC_ROOT for collectstatic (production settings need the manifest);
- JIANDU_BENCH_SESSION_ENGINE: bench/run's own process keeps its sessions in memory, so that measuring in-process
  writes nothing to the database (a DB-backed session is saved on every request: one UPDATE, not counted);
- "testserver" is allowed as a host (django.test.Client).
"""

import importlib
import os

_base = importlib.import_module(os.environ.get("JIANDU_BENCH_BASE_SETTINGS", "config.settings.local"))
globals().update({k: v for k, v in vars(_base).items() if k.isupper()})

INSTALLED_APPS = [*_base.INSTALLED_APPS, "django.contrib.admin.apps.SimpleAdminConfig"]
ROOT_URLCONF = "bench.admin_urls"
ALLOWED_HOSTS = [*_base.ALLOWED_HOSTS, "testserver"]
if os.environ.get("JIANDU_BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["JIANDU_BENCH_STATIC_ROOT"]
if os.environ.get("JIANDU_BENCH_SESSION_ENGINE"):
    SESSION_ENGINE = os.environ["JIANDU_BENCH_SESSION_ENGINE"]
    # a cache of their own, which the cold measurements do not clear
    CACHES = {
        **getattr(_base, "CACHES", {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}),
        "bench-sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-sessions"},
    }
    SESSION_CACHE_ALIAS = "bench-sessions"
