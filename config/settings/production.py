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

# --- Media: uploads (photos, attachments, thumbnails) and background exports. ---
# On one machine, or several sharing an NFS mount: files under JIANDU_MEDIA_ROOT. With JIANDU_S3_BUCKET set: an
# S3-compatible bucket (MinIO, a government cloud's object storage; `pip install -e ".[s3]"`), see docs/deploy.md.
# Files are never served from a public or signed URL: every download goes through the app's access-checked views
# (jiandu.core.attachments, export_views), which read them through the storage API. So the bucket stays private.
JIANDU_S3_BUCKET = env("JIANDU_S3_BUCKET", default="")
if JIANDU_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": JIANDU_S3_BUCKET,
            "endpoint_url": env("JIANDU_S3_ENDPOINT_URL", default="") or None,
            "access_key": env("JIANDU_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("JIANDU_S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env("JIANDU_S3_REGION", default="") or None,
            # "path" for MinIO and most on-premises stores (bucket in the path), "virtual" for bucket.host names.
            "addressing_style": env("JIANDU_S3_ADDRESSING_STYLE", default="path"),
            "location": env("JIANDU_S3_PREFIX", default=""),  # a folder inside the bucket, e.g. "jiandu/"
            # Objects are written private; set JIANDU_S3_DEFAULT_ACL= (empty) for a store that refuses ACL headers.
            "default_acl": env("JIANDU_S3_DEFAULT_ACL", default="private") or None,
            "querystring_auth": True,  # a stray .url is a short-lived signed link, never a public one
            "querystring_expire": 300,
            # Same name, different upload (two attachments with the same content in one month): keep both objects,
            # as the file system does, so deleting one attachment never removes the other's file.
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
