"""The test suite: fast hashing, plain static storage, the database DATABASE_URL names (SQLite by default)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

SECRET_KEY = "jiandu-test-key"
JIANDU_SM4_KEYS = {"test": "6a69616e64752d746573742d6b657931"}
JIANDU_SM4_ACTIVE_KEY = "test"
DEBUG = False
ALLOWED_HOSTS = ["*"]
# Close connections after each request so the live server thread leaves no session behind on PostgreSQL.
DATABASES["default"]["CONN_MAX_AGE"] = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Playwright's sync API runs its own event loop inside the test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Static files come straight from the finders (app static and node_modules); no collectstatic in tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run at once, in the test process, without a consumer.
HUEY = {"huey_class": "huey.MemoryHuey", "name": "jiandu-test", "immediate": True}
