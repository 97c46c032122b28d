"""Production: PostgreSQL, secrets from the environment. Refuses to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, JIANDU_AUDIT_RETENTION_DAYS, JIANDU_SM4_ACTIVE_KEY, JIANDU_SM4_KEYS, SECRET_KEY, env

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("生产环境必须设置 DJANGO_SECRET_KEY（至少32个字符）。")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境必须设置 DJANGO_ALLOWED_HOSTS。")
if JIANDU_SM4_ACTIVE_KEY not in JIANDU_SM4_KEYS or any(len(k) != 32 for k in JIANDU_SM4_KEYS.values()):
    raise ImproperlyConfigured(
        "生产环境必须设置 JIANDU_SM4_KEYS（密钥编号=32位十六进制）和 JIANDU_SM4_ACTIVE_KEY（其中一个编号）。"
    )
if JIANDU_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("JIANDU_AUDIT_RETENTION_DAYS 不得少于180天（等保三级）。")

SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS: browsers use only HTTPS for this host for a year. Preload only once every subdomain serves HTTPS.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# Redirect http:// to https://. Behind a TLS proxy that forwards plain HTTP, the proxy must set
# X-Forwarded-Proto: https (and strip it from clients), or every request would loop; see docs/deployment.md.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
